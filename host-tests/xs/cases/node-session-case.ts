/**
 * Shared by the Node and XS sides of the node-session test: a scripted session of a SensorNode on the
 * in-memory ports (alerts, acknowledgements, a config change, a broker outage, a sensor fault, a power
 * loss and reboot, walk-test and telemetry), returning everything it published; and a rig whose block
 * path the XS side measures for allocation and computrons.
 */
import { NO_DETECTIONS } from '../../../firmware/detect/types';
import type { Pipeline, PipelineKind, PipelineSnapshot } from '../../../firmware/node/pipeline';
import type { PipelineSet } from '../../../firmware/node/sensor-node';
import { MemoryStorage } from '../../helpers/node-fakes';
import { NodeRig } from '../../helpers/node-rig';

export interface SessionMessage {
  topic: string;
  qos: number;
  retain: boolean;
  /** Parsed JSON, or the text of plain-text payloads (status, state, removed discovery entities). */
  payload: unknown;
}

function transcript(rigs: NodeRig[]): SessionMessage[] {
  const messages: SessionMessage[] = [];
  for (const rig of rigs) {
    for (const p of rig.transport.published) {
      let payload: unknown = p.payload;
      if (p.payload.startsWith('{')) payload = JSON.parse(p.payload);
      messages.push({ topic: p.topic, qos: p.qos, retain: p.retain, payload });
    }
  }
  return messages;
}

function loudFor(rig: NodeRig, ms: number): void {
  rig.micSignal = 'loud';
  rig.run(ms);
  rig.micSignal = 'quiet';
}

export function runNodeSession(): SessionMessage[] {
  const storage = new MemoryStorage();
  const first = new NodeRig({ storage, seed: 7 }).start();
  first.run(6000);
  loudFor(first, 32); // glass break
  first.run(400);
  first.accelSignal = 'blow'; // an impact within 1.5 s: corroborated
  first.run(1000);
  first.command('config', { id: 'cfg-1', config: { zone: 'vault', health: { heartbeatMs: 2000 }, alerts: { cooldownMs: { glassBreak: 1000 } } } });
  first.run(3000);
  first.transport.disconnect('broker restarted');
  loudFor(first, 16);
  first.micSignal = 'flat';
  first.run(5000);
  first.micSignal = 'quiet';
  first.transport.connect();
  first.run(1500);
  first.transport.disconnect('power loss');
  loudFor(first, 16); // queued in the outbox, never acknowledged: must come back after the reboot
  const second = new NodeRig({ storage, seed: 11 }).start();
  second.run(1000);
  second.command('walktest', { id: 'wt-1', enable: true, durationS: 30 });
  second.run(100);
  loudFor(second, 16);
  second.command('telemetry', { id: 'tl-1', enable: true, rateHz: 5, durationS: 1 });
  second.run(2000);
  second.node.stop();
  return transcript([first, second]);
}

/** A pipeline that does nothing: isolates what the node itself costs per block. */
class NullPipeline implements Pipeline {
  readonly kind: PipelineKind;

  constructor(kind: PipelineKind) {
    this.kind = kind;
  }

  push(): typeof NO_DETECTIONS {
    return NO_DETECTIONS;
  }

  reset(): void {}

  snapshot(): PipelineSnapshot {
    return { kind: this.kind, noiseFloorDb: 0, bandsDb: [], bandEdgesHz: [], levels: {}, thresholds: [] };
  }
}

/**
 * test: stand-in pipelines in a quiet room; null: pipelines that do nothing; grinding: a grinder alert
 * raised, detections still coming; knocking: every accelerometer block a pane flex (cross-sensor evidence).
 */
export type BlockRigKind = 'test' | 'null' | 'grinding' | 'knocking';

/** A started node whose sources are filled once with a quiet room, ready for emitBlocks. */
export function makeBlockRig(kind: BlockRigKind): NodeRig {
  const nullPipelines = (): PipelineSet => ({
    acoustic: new NullPipeline('acoustic'), vibration: new NullPipeline('vibration'), tilt: new NullPipeline('tilt'),
  });
  const rig = new NodeRig(kind === 'null' ? { createPipelines: nullPipelines } : {}).start();
  rig.run(3000); // warm up: fills both blocks with a quiet room, runs a few health windows
  if (kind === 'grinding') {
    rig.accelSignal = 'grind';
    rig.run(1000); // the grinder alert is raised; every further block is a detection folded by the cooldown
    if (!rig.transport.published.some((p) => p.topic.endsWith('/alert'))) throw new Error('grinding rig: no grinder alert');
  } else if (kind === 'knocking') {
    rig.accelSignal = 'knock';
    rig.run(20); // fills the accelerometer block with a knock, which emitBlocks then repeats
  }
  return rig;
}

/** Delivers `count` blocks of the given source (content as last filled), without moving the clock. */
export function emitBlocks(rig: NodeRig, source: 'microphone' | 'accelerometer', count: number): number {
  const s = source === 'microphone' ? rig.mic! : rig.accel!;
  const t0 = rig.clock.uptimeMs();
  for (let i = 0; i < count; i++) s.emit(t0);
  return count;
}

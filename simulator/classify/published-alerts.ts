/**
 * The alerts a node would publish for a recording of one sensor: the sensor's pipeline built from the
 * node configuration, fed block by block, its detections handed to the node's own AlertManager
 * (firmware/node/alert-manager.ts: per-detector cooldown and de-duplication, corroboration holds) on a
 * virtual clock that stands at the end of each block when the node would receive it. Nothing else of
 * the node runs: no outbox, no transport, no health.
 */
import type { ThreatType } from '../../firmware/detect/types';
import { AlertManager } from '../../firmware/node/alert-manager';
import type { NodeConfig } from '../../firmware/node/config';
import type { AlertMessage } from '../../firmware/node/protocol';
import { nodeTopics } from '../../firmware/node/protocol';
import { VirtualClock } from '../clock/virtual-clock';
import type { SensorChannel } from '../signals/corpus';
import { MemoryStorage } from '../storage/memory-storage';
import { blockEndMs, replay } from '../eval/replay';
import { sensorPipeline } from '../eval/sensor-pipeline';
import type { Recording } from './recording';

export interface PublishedAlert {
  /** Seconds from the start of the recording at which the node would publish. */
  t: number;
  type: ThreatType;
  score: number;
}

export function publishedAlerts(sensor: SensorChannel, recording: Recording, config: NodeConfig): PublishedAlert[] {
  const clock = new VirtualClock();
  const published: PublishedAlert[] = [];
  const alerts = new AlertManager({
    clock,
    storage: new MemoryStorage(),
    log: { log: () => undefined },
    identity: { site: config.site, node: config.node, incarnation: 'classify', boot: 1 },
    topics: nodeTopics(config.site, config.node),
    emit: (message) => {
      const alert = JSON.parse(message.payload) as AlertMessage;
      published.push({ t: alert.uptimeMs / 1000, type: alert.type as ThreatType, score: alert.score });
    },
    onState: () => undefined,
  });
  alerts.configure(config);
  const { signal, feed } = recording;
  const pipeline = sensorPipeline(sensor, config, signal.rateHz, (atMs, peakG) => alerts.noteFlex(atMs, peakG));
  replay(pipeline, signal, feed, {
    afterBlock: (block, detections) => {
      clock.advanceTo(blockEndMs(block));
      if (detections.length > 0) alerts.onDetections(detections);
    },
  });
  // Detections held for corroboration are published when their window closes, even after the recording ends.
  clock.advanceTo(clock.uptimeMs() + config.alerts.corroborationWindowMs);
  alerts.stop();
  return published;
}

import assert from 'node:assert/strict';
import type { AlertMessage, HeartbeatMessage } from '../../../firmware/node/protocol';
import type { AccelSignal, MicSignal } from '../../helpers/node-rig';
import { NodeRig } from '../../helpers/node-rig';
import { MemoryStorage } from '../../helpers/node-fakes';
import { checkMessage } from '../../helpers/protocol-schemas';
import { createTestPipelines } from '../../helpers/test-pipelines';
import type { NodeConfig } from '../../../firmware/node/config';
import type { FlexListener } from '../../../firmware/node/pipeline';
import type { PipelineSet } from '../../../firmware/node/sensor-node';
import { HEALTH_SPECS, type HealthConfig } from '../../../firmware/node/config';
import { defaultsOf } from '../../../firmware/detect/options';
import { SensorHealth } from '../../../firmware/node/health';
import type { Detection } from '../../../firmware/detect/types';

/** An accelerometer block of 100 frames at 400 Hz from `t0Ms`: at rest (1 g on z), with noise or stuck. */
function accelBlock(t0Ms: number, sequence: number, stuck: boolean): Parameters<SensorHealth['noteBlock']>[0] {
  const samples = new Int16Array(300);
  for (let i = 0; i < 100; i++) {
    const noise = stuck ? 0 : 1;
    samples[3 * i] = noise * (i % 5);
    samples[3 * i + 1] = noise * (i % 3);
    samples[3 * i + 2] = 1000 + noise * (i % 7);
  }
  return { t0Ms, rateHz: 400, channels: 3, frames: 100, samples, unitsPerCount: 0.001, sequence };
}

/** Feeds `health` a block every 250 ms as `blockAt(t)` says, evaluating every second until it raises; returns when. */
function runUntilRaised(health: SensorHealth, blockAt: (tMs: number) => 'rest' | 'stuck' | 'none', limitMs: number): number {
  let sequence = 0;
  for (let t = 0; t <= limitMs; t += 250) {
    const what = blockAt(t);
    if (what !== 'none') health.noteBlock(accelBlock(t, sequence++, what === 'stuck'), t);
    if (t > 0 && t % 1000 === 0 && health.evaluate(t) === 'raised') return t;
  }
  return -1;
}

/** Runs until an alert of `type` appears (at most `limitMs`); returns it with the uptime it was published at. */
function runUntilAlert(rig: NodeRig, type: string, limitMs: number): { alert: AlertMessage; atMs: number } | undefined {
  const seen = rig.json<AlertMessage>('alert').length;
  for (let t = 0; t < limitMs; t += 100) {
    rig.run(100);
    const found = rig.json<AlertMessage>('alert').slice(seen).find((a) => a.type === type);
    if (found !== undefined) return { alert: found, atMs: rig.clock.uptimeMs() };
  }
  return undefined;
}

function states(rig: NodeRig, type: string): string[] {
  return rig.transport.on(rig.node.topics.state[type as 'tamper']).map((p) => p.payload);
}

function assertAllValid(rig: NodeRig): void {
  for (const p of rig.transport.published) assert.deepEqual(checkMessage(p.topic, p.payload), [], p.topic);
}

describe('node health: sensor faults found in the signal and reported by sources', function () {
  const micCases: [MicSignal, string][] = [['flat', 'flat'], ['off', 'no_data'], ['clip', 'saturated']];
  for (const [signal, code] of micCases) {
    it(`microphone ${signal}: sensor_fault '${code}' within 5 s, cleared after recovery`, function () {
      const rig = new NodeRig().start();
      rig.run(6000);
      assert.deepEqual(rig.json('alert'), [], 'a healthy node raises nothing');
      rig.micSignal = signal;
      const startMs = rig.clock.uptimeMs();
      const raised = runUntilAlert(rig, 'sensor_fault', 8000);
      assert.ok(raised !== undefined, 'sensor_fault raised');
      assert.ok(raised.atMs - startMs <= 5000, `raised ${raised.atMs - startMs} ms after the fault began`);
      assert.equal(raised.alert.severity, 'warning');
      assert.deepEqual(raised.alert.fault?.source, 'microphone');
      assert.ok(raised.alert.fault?.codes.includes(code), `codes ${raised.alert.fault?.codes.join()}`);
      assert.equal(raised.alert.fault?.active, true);
      assert.ok(raised.alert.onsetUptimeMs >= startMs - 1000 && raised.alert.onsetUptimeMs <= startMs + 1000);
      assert.deepEqual(states(rig, 'sensor_fault'), ['OFF', 'ON']);
      rig.run(5000);
      const hb = rig.json<HeartbeatMessage>('hb').at(-1)!;
      assert.equal(hb.sensors.microphone.state, 'fault');
      assert.ok(hb.sensors.microphone.faults.includes(code as never));
      rig.micSignal = 'quiet';
      const cleared = runUntilAlert(rig, 'sensor_fault', 8000);
      assert.ok(cleared !== undefined, 'the recovery is reported');
      assert.deepEqual([cleared.alert.severity, cleared.alert.fault?.active, cleared.alert.fault?.detail], ['info', false, 'microphone: recovered']);
      assert.deepEqual(states(rig, 'sensor_fault'), ['OFF', 'ON', 'OFF']);
      rig.run(5000);
      assert.equal(rig.json<HeartbeatMessage>('hb').at(-1)!.sensors.microphone.state, 'ok');
      assertAllValid(rig);
    });
  }

  it('keeps a fault raised before a power loss raised after it, and reports its recovery: the pair is never broken', function () {
    const storage = new MemoryStorage();
    const first = new NodeRig({ storage }).start();
    first.run(6000);
    first.micSignal = 'flat';
    assert.ok(runUntilAlert(first, 'sensor_fault', 8000) !== undefined, 'raised before the power loss');
    // Power lost (no stop()); the microphone is fine when the node comes back.
    const second = new NodeRig({ storage }).start();
    second.run(100);
    assert.equal(second.json<HeartbeatMessage>('hb').length, 0);
    const cleared = runUntilAlert(second, 'sensor_fault', 12_000);
    assert.ok(cleared !== undefined, 'the recovery of the fault raised before the reboot is reported');
    assert.deepEqual([cleared.alert.fault?.active, cleared.alert.fault?.detail, cleared.alert.boot], [false, 'microphone: recovered', 2]);
    assert.deepEqual(states(second, 'sensor_fault').at(-1), 'OFF');
    // Nothing more to clear after another reboot.
    const third = new NodeRig({ storage }).start();
    third.run(12_000);
    assert.deepEqual(third.json<AlertMessage>('alert').filter((a) => a.type === 'sensor_fault' && a.boot === 3), []);
    // Still faulty after the reboot: no second raise, and the recovery once it ends.
    const storage2 = new MemoryStorage();
    const a = new NodeRig({ storage: storage2 }).start();
    a.run(6000);
    a.micSignal = 'flat';
    assert.ok(runUntilAlert(a, 'sensor_fault', 8000) !== undefined);
    const b = new NodeRig({ storage: storage2 }).start();
    b.micSignal = 'flat';
    b.run(10_000);
    assert.deepEqual(b.json<AlertMessage>('alert').filter((x) => x.type === 'sensor_fault' && x.boot === 2), [], 'no second raise');
    b.micSignal = 'quiet';
    const later = runUntilAlert(b, 'sensor_fault', 12_000);
    assert.equal(later?.alert.fault?.active, false);
    assertAllValid(b);
  });

  const accelCases: [AccelSignal, string][] = [['flat', 'flat'], ['weightless', 'gravity'], ['off', 'no_data']];
  for (const [signal, code] of accelCases) {
    it(`accelerometer ${signal}: sensor_fault '${code}' within 5 s`, function () {
      const rig = new NodeRig().start();
      rig.run(6000);
      rig.accelSignal = signal;
      const startMs = rig.clock.uptimeMs();
      const raised = runUntilAlert(rig, 'sensor_fault', 8000);
      assert.ok(raised !== undefined);
      assert.ok(raised.atMs - startMs <= 5000, `raised after ${raised.atMs - startMs} ms`);
      assert.equal(raised.alert.fault?.source, 'accelerometer');
      assert.ok(raised.alert.fault?.codes.includes(code), `codes ${raised.alert.fault?.codes.join()}`);
      if (code === 'gravity') assert.ok(raised.alert.features.gravityG < 0.1, `gravityG ${raised.alert.features.gravityG}`);
      // These stand-in pipelines judge glass break by level, not by the pane's flex: nothing is lost with the accelerometer.
      assert.equal(raised.alert.fault?.detail, `accelerometer: ${raised.alert.fault?.codes.join(', ')}`);
    });
  }

  it('lost blocks (sequence gaps) that persist raise lost_blocks; one lost block does not', function () {
    const rig = new NodeRig().start();
    rig.run(3000);
    rig.accel!.skip(1);
    rig.run(6000);
    assert.deepEqual(rig.json('alert'), [], 'a single gap is not a fault');
    const startMs = rig.clock.uptimeMs();
    let raisedAt: number | undefined;
    for (let t = 0; t < 6000 && raisedAt === undefined; t += 20) {
      rig.accel!.skip(1); // every other block lost
      rig.run(20);
      if (rig.json('alert').length > 0) raisedAt = rig.clock.uptimeMs();
    }
    assert.ok(raisedAt !== undefined && raisedAt - startMs <= 5000);
    const alert = rig.json<AlertMessage>('alert')[0];
    assert.deepEqual(alert.fault?.codes, ['lost_blocks']);
    assert.ok(alert.features.lostBlocks >= 50, `lostBlocks ${alert.features.lostBlocks}`);
  });

  it('source-reported faults: a missing chip is raised, and cleared once blocks flow again', function () {
    const rig = new NodeRig().start();
    rig.run(2000);
    rig.accelSignal = 'off';
    rig.accel!.fault('missing_chip', 'LIS3DH does not answer on I2C 0x18');
    const raised = runUntilAlert(rig, 'sensor_fault', 5000);
    assert.ok(raised !== undefined);
    assert.deepEqual(raised.alert.fault?.codes, ['no_data', 'missing_chip']);
    assert.match(rig.log.lines.join('\n'), /accelerometer: missing_chip: LIS3DH does not answer/);
    rig.accelSignal = 'rest';
    assert.equal(runUntilAlert(rig, 'sensor_fault', 8000)?.alert.fault?.active, false);
  });

  it('source-reported overruns that keep coming raise overrun', function () {
    const rig = new NodeRig().start();
    rig.run(2000);
    for (let t = 0; t < 5000; t += 200) {
      rig.mic!.fault('overrun', 'I2S DMA overrun');
      rig.run(200);
    }
    const alert = rig.json<AlertMessage>('alert').find((a) => a.type === 'sensor_fault');
    assert.ok(alert !== undefined);
    assert.deepEqual(alert.fault?.codes, ['overrun']);
  });

  it('reports sensors the node does not have as absent, and raises nothing for them', function () {
    const rig = new NodeRig({ microphone: false }).start();
    rig.run(11_000);
    assert.deepEqual(rig.json('alert'), []);
    const hb = rig.json<HeartbeatMessage>('hb').at(-1)!;
    assert.equal(hb.sensors.microphone.state, 'absent');
    assert.equal(hb.sensors.accelerometer.state, 'ok');
    assert.equal(hb.sensors.accelerometer.blocks, 499, 'blocks of 20 ms completed before the heartbeat at 10 000 ms');
  });

  it('tamper: the node turned away from its learned orientation raises an alarm; cmd/relearn accepts the new one', function () {
    const rig = new NodeRig().start();
    rig.run(5000);
    rig.accelSignal = 'turned';
    const startMs = rig.clock.uptimeMs();
    const raised = runUntilAlert(rig, 'tamper', 6000);
    assert.ok(raised !== undefined);
    assert.ok(raised.atMs - startMs <= 5000);
    assert.equal(raised.alert.severity, 'alarm');
    assert.ok(Math.abs(raised.alert.features.angleDeg - 90) < 2, `angle ${raised.alert.features.angleDeg}`);
    assert.deepEqual(states(rig, 'tamper'), ['OFF', 'ON']);
    rig.run(60_000);
    assert.deepEqual(states(rig, 'tamper'), ['OFF', 'ON'], 'stays ON while the node is away');
    rig.command('relearn', { id: 'r1' });
    assert.deepEqual(states(rig, 'tamper'), ['OFF', 'ON', 'OFF']);
    rig.run(10_000);
    assert.equal(rig.json<AlertMessage>('alert').filter((a) => a.type === 'tamper').length, 1, 'the new orientation is home now');
  });

  it('a small lean (3°) is not tamper', function () {
    const rig = new NodeRig().start();
    rig.run(5000);
    rig.accelSignal = 'lean';
    rig.run(20_000);
    assert.deepEqual(rig.json('alert'), []);
  });

  it('dates a fault\'s suspect data from before its onset: a channel stuck mid-window, a silence shorter than noDataMs', function () {
    const config: HealthConfig = defaultsOf(HEALTH_SPECS);
    const stuck = new SensorHealth('accelerometer', config, 0);
    // Stuck at its last reading: gravity still looks right, and the window it stuck in is not flat throughout.
    assert.ok(runUntilRaised(stuck, (t) => (t < 1500 ? 'rest' : 'stuck'), 10000) > 0, 'raised');
    assert.ok(stuck.faultOnsetMs > 1500, `the onset (${stuck.faultOnsetMs} ms) is the first window that showed it, after the data went bad`);
    assert.ok(stuck.suspectSinceMs <= 1500 && stuck.suspectSinceMs >= 500, `suspect since ${stuck.suspectSinceMs} ms: the last good window's start`);
    const silent = new SensorHealth('accelerometer', { ...config, noDataMs: 5000 }, 0);
    assert.ok(runUntilRaised(silent, (t) => (t <= 1500 ? 'rest' : 'none'), 15000) > 0, 'raised');
    assert.ok(silent.faultOnsetMs >= 5000, `onset ${silent.faultOnsetMs} ms`);
    assert.equal(silent.suspectSinceMs, 1500, 'the last block');
  });

  it('on an accelerometer fault, has glass break judge again without the flex since the data became suspect, and raises what it finds', function () {
    const asked: number[][] = [];
    const pipelines = (config: NodeConfig, onFlex: FlexListener): PipelineSet => {
      const set = createTestPipelines(config, onFlex);
      set.acoustic!.judgeWithoutFlexSince = (sinceMs, nowMs): readonly Detection[] => {
        asked.push([sinceMs, nowMs]);
        return [{ type: 'glass_break', onsetMs: sinceMs + 300, decidedMs: nowMs, score: 0.7, features: { flex: 0 } }];
      };
      return set;
    };
    const rig = new NodeRig({ createPipelines: pipelines }).start();
    rig.run(6000);
    const deadAtMs = rig.clock.uptimeMs() + 500;
    rig.run(500);
    rig.accelSignal = 'flat';
    const raised = runUntilAlert(rig, 'sensor_fault', 8000);
    assert.ok(raised !== undefined);
    assert.equal(asked.length, 1, 'asked once, when the fault was raised');
    const [[sinceMs, nowMs]] = asked;
    assert.ok(sinceMs <= deadAtMs && sinceMs >= deadAtMs - 2000, `suspect since ${sinceMs} ms; flat from ${deadAtMs} ms`);
    assert.ok(nowMs <= raised.atMs);
    rig.run(1000);
    const glass = rig.json<AlertMessage>('alert').find((a) => a.type === 'glass_break');
    assert.ok(glass !== undefined, 'the late break is raised');
    assert.equal(glass.onsetUptimeMs, sinceMs + 300);
    assert.deepEqual(glass.features, { flex: 0 });
    rig.accelSignal = 'rest';
    assert.ok(runUntilAlert(rig, 'sensor_fault', 8000) !== undefined, 'recovered');
    assert.equal(asked.length, 1, 'not asked on recovery');
    assertAllValid(rig);
  });

  it('tells glass break whether an accelerometer can report the pane\'s flex: not while it is faulted, again once it recovers, and to rebuilt pipelines', function () {
    const told: boolean[][] = [];
    const recording = (config: NodeConfig, onFlex: FlexListener): PipelineSet => {
      const set = createTestPipelines(config, onFlex);
      const calls: boolean[] = [];
      told.push(calls);
      set.acoustic!.setFlexAvailable = (available) => calls.push(available);
      return set;
    };
    const rig = new NodeRig({ createPipelines: recording }).start();
    rig.run(6000);
    assert.deepEqual(told, [[true]]);
    rig.accelSignal = 'flat';
    assert.ok(runUntilAlert(rig, 'sensor_fault', 8000) !== undefined);
    assert.deepEqual(told, [[true, false]]);
    rig.command('config', { id: 'c1', config: { alerts: { stateHoldMs: 20000 } } });
    assert.deepEqual(told, [[true, false], [false]], 'the rebuilt pipeline hears it too');
    rig.accelSignal = 'rest';
    assert.ok(runUntilAlert(rig, 'sensor_fault', 8000) !== undefined, 'recovered');
    assert.deepEqual(told, [[true, false], [false, true]]);
    const microphoneOnly = new NodeRig({ accelerometer: false, createPipelines: recording }).start();
    microphoneOnly.run(100);
    assert.deepEqual(told.at(-1), [false], 'a node without an accelerometer');
  });
});

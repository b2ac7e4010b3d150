import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { assertDeepClose } from '../helpers/close';
import { runInXs } from '../helpers/xs/harness';
import type { XsRun } from '../helpers/xs/harness';
import { checkMessage } from '../helpers/protocol-schemas';
import type { SessionMessage } from './cases/node-session-case';
import { runNodeSession } from './cases/node-session-case';

const entry = fileURLToPath(new URL('./entries/node-session.entry.ts', import.meta.url));
const MIC_BLOCKS_PER_S = 62.5; // 256-frame blocks at 16 kHz
const ACCEL_BLOCKS_PER_S = 50; // 32-frame blocks at 1600 Hz

describe('XS engine: the node (SensorNode on in-memory ports)', function () {
  this.timeout(60_000);
  let run: XsRun;

  before(async function () {
    const emit = (rig: string, source: string, count: number) => ({ name: 'emit', arg: { rig, source, count }, gcBefore: true });
    run = await runInXs(entry, [
      { name: 'session' },
      { name: 'setup', arg: 'test' },
      { name: 'setup', arg: 'null' },
      emit('test', 'microphone', 0), emit('test', 'microphone', 125),
      emit('test', 'accelerometer', 0), emit('test', 'accelerometer', 100),
      emit('null', 'microphone', 0), emit('null', 'microphone', 125),
      emit('null', 'accelerometer', 0), emit('null', 'accelerometer', 100),
      { name: 'allocate', arg: 0, gcBefore: true }, { name: 'allocate', arg: 100, gcBefore: true },
      { name: 'setup', arg: 'grinding' },
      emit('grinding', 'accelerometer', 0), emit('grinding', 'accelerometer', 100),
      { name: 'setup', arg: 'knocking' },
      emit('knocking', 'accelerometer', 0), emit('knocking', 'accelerometer', 100),
      { name: 'flexNotes', arg: 'knocking' },
    ]);
  });

  it('publishes exactly the same messages inside XS as under Node over a scripted session', function () {
    const node = runNodeSession();
    const xs = run.results[0].value as SessionMessage[];
    assertDeepClose(xs, node, 1e-12, 'session');
    // The session is worth comparing: it covers the whole protocol and every message is valid.
    const alerts = node.filter((m) => m.topic.endsWith('/alert')).map((m) => m.payload as Record<string, unknown>);
    assert.deepEqual(alerts.map((a) => [a.seq, a.type, a.severity, a.test]), [
      [1, 'glass_break', 'alarm', false],
      [2, 'impact', 'critical', false],
      [3, 'glass_break', 'alarm', false],
      [4, 'sensor_fault', 'warning', false], // the flat microphone, during the broker outage
      [5, 'glass_break', 'alarm', false], // queued before the power loss, delivered after the reboot
      [6, 'glass_break', 'info', true], // walk-test
    ]);
    assert.equal(new Set(alerts.map((a) => a.id)).size, alerts.length);
    const results = node.filter((m) => m.topic.endsWith('/cmd/result')).map((m) => (m.payload as { id: string; ok: boolean }));
    assert.deepEqual(results.map((r) => [r.id, r.ok]), [['cfg-1', true], ['wt-1', true], ['tl-1', true]]);
    assert.ok(node.some((m) => m.topic.endsWith('/telemetry')));
    for (const m of node) {
      const text = typeof m.payload === 'string' ? m.payload : JSON.stringify(m.payload);
      assert.deepEqual(checkMessage(m.topic, text), []);
    }
    console.log(`      session: ${node.length} messages, identical in XS and Node; ${run.results[0].computrons} computrons in XS`);
  });

  it('allocates nothing per block in the steady state, nor while a cooldown folds detections or flexes corroborate', function () {
    const [none, hundred] = run.results.slice(11).map((r) => r.allocatedSlots!);
    assert.ok(hundred - none >= 100, `the measurement sees allocation: ${hundred - none} slots for 100 objects`);
    assert.equal(run.results[19].value, 100 + 1, 'every knocking block reached the acoustic pipeline as a flex');
    const slots = [...run.results.slice(3, 11), ...run.results.slice(14, 16), ...run.results.slice(17, 19)].map((r) => r.allocatedSlots);
    for (let i = 0; i < slots.length; i += 2) {
      assert.equal(slots[i + 1], slots[i], `command ${i + 3}: ${slots[i + 1]} slots for 100+ blocks vs ${slots[i]} for none`);
    }
  });

  it('measures what the node itself costs per second of signal (null pipelines), beside the stand-in pipelines', function () {
    const perSecond = (withBlocks: number, without: number, blocks: number, blocksPerS: number): number =>
      Math.round(((run.results[withBlocks].computrons - run.results[without].computrons) / blocks) * blocksPerS);
    const figures = {
      nodeMicPerS: perSecond(8, 7, 125, MIC_BLOCKS_PER_S),
      nodeAccelPerS: perSecond(10, 9, 100, ACCEL_BLOCKS_PER_S),
      withTestPipelinesMicPerS: perSecond(4, 3, 125, MIC_BLOCKS_PER_S),
      withTestPipelinesAccelPerS: perSecond(6, 5, 100, ACCEL_BLOCKS_PER_S),
    };
    console.log(`      XS computrons per second of signal: ${JSON.stringify(figures)}`);
    assert.ok(figures.nodeMicPerS > 0 && figures.nodeMicPerS < figures.withTestPipelinesMicPerS);
    assert.ok(figures.nodeAccelPerS > 0 && figures.nodeAccelPerS < figures.withTestPipelinesAccelPerS);
  });
});

import assert from 'node:assert/strict';
import type { AlertMessage } from '../../../firmware/node/protocol';
import { VirtualClock } from '../../../simulator/clock/virtual-clock';
import { Ledger, expectationsOf, percentile } from '../../../simulator/run/expectations';
import { Pacer } from '../../../simulator/run/pacer';
import type { PacerHooks } from '../../../simulator/run/pacer';
import { sensorFaultWindows } from '../../../simulator/run/runner';
import { loadScenarioFile } from '../../../simulator/scenario/load';
import { parseScenario } from '../../../simulator/scenario/validate';

const louvre = loadScenarioFile('louvre-apollo');

function alert(node: string, type: AlertMessage['type'], id: string, extra: Partial<AlertMessage> = {}): AlertMessage {
  return { id, node, type, test: false, ...extra } as AlertMessage;
}

describe('simulator run: what a scenario should raise', function () {
  it('expects each threat at the node it happens on, if the node\'s role runs its detector', function () {
    const expected = expectationsOf(louvre).map((e) => `${e.onsetMs / 1000} ${e.type} ${e.node}`);
    assert.deepEqual(expected, [
      '50 tilt apollo-balcony', '58 grinder apollo-window', '85 impact apollo-window', '92 grinder apollo-case-a',
      '111 impact apollo-case-a', '114 glass_break apollo-case-a', '120 grinder apollo-case-b', '137 impact apollo-case-b',
      '139 glass_break apollo-case-b',
    ]);
  });

  it('expects sensor faults and dead nodes from the faults, and point sources only within 1 m', function () {
    const s = parseScenario({
      format: 'vitrine-scenario/1', name: 'x', seed: 1, durationS: 60,
      site: { id: 'lab', name: 'Lab', plan: { rooms: [{ id: 'r', name: 'R', floor: '0', rect: { x: 0, y: 0, widthM: 20, heightM: 10 } }] } },
      nodes: ['a', 'b'].map((id, i) => ({ id, role: 'window', location: { building: 'L', floor: '0', room: 'R', element: 'e', label: id }, position: { x: 1 + 10 * i, y: 1 }, mounting: { surface: 'glass', orientation: 'vertical' } })),
      timeline: [{ at: 5, what: 'glass_break', where: { x: 1.5, y: 1 } }, { at: 9, what: 'grinder', where: { room: 'r' }, durationS: 4 }],
      faults: [{ at: 20, kind: 'sensor_stuck', node: 'b', sensor: 'accelerometer', durationS: 5 }, { at: 30, kind: 'power_loss', node: 'a' }],
    });
    assert.deepEqual(expectationsOf(s).map((e) => `${e.onsetMs / 1000} ${e.type} ${e.node} ${e.untilMs / 1000}`), [
      '5 glass_break a 10', '9 grinder a 18', '9 grinder b 18', '20 sensor_fault b 50', '30 offline a 90',
    ]);
    assert.deepEqual(sensorFaultWindows(s, 'b', 'accelerometer'), [{ kind: 'stuck', startMs: 20_000, endMs: 25_000 }]);
    assert.deepEqual(sensorFaultWindows(s, 'b', 'microphone'), []);
  });

  it('matches alerts once, tells related alerts from false alarms, ignores repeats and walk tests', function () {
    const ledger = new Ledger(louvre);
    const at = (node: string, type: AlertMessage['type'], onsetS: number, arrivedS: number, id: string, extra: Partial<AlertMessage> = {}) =>
      ledger.add({ node, type, onsetMs: onsetS * 1000, arrivedMs: arrivedS * 1000, alert: alert(node, type, id, extra) });
    const matched = at('apollo-window', 'grinder', 58.4, 59.9, 'w-1');
    assert.equal(matched.kind, 'matched');
    assert.equal(matched.kind === 'matched' ? matched.match.latencyMs : 0, 1900, 'latency counts from the event, not from the reported onset');
    assert.equal(at('apollo-window', 'grinder', 58.4, 59.9, 'w-1').kind, 'ignored', 'the same id twice (QoS 1 redelivery)');
    assert.equal(at('apollo-window', 'grinder', 70, 70.5, 'w-2').kind, 'related', 'a second grinder alert during the cut');
    assert.equal(at('apollo-window', 'glass_break', 86, 86.3, 'w-3').kind, 'related', 'a glass alert while the pane is pushed in');
    assert.equal(at('apollo-case-c', 'impact', 21.2, 21.5, 'c-1').kind, 'unexpected', 'the visitor tapping case C is no threat');
    assert.equal(at('apollo-case-c', 'glass_break', 30, 30.2, 'c-2', { test: true }).kind, 'ignored', 'walk-test alerts are not alarms');
    const card = ledger.close();
    assert.equal(card.matched.length, 1);
    assert.equal(card.missed.length, 8);
    assert.deepEqual(card.unexpected.map((u) => u.alert?.id), ['c-1']);
    assert.deepEqual(card.related.map((u) => u.alert?.id), ['w-2', 'w-3']);
  });

  it('closing a run stopped early misses only the expectations whose window had closed; the rest were not reached', function () {
    const all = new Ledger(louvre).close();
    const stoppedMs = 120_000;
    const early = new Ledger(louvre).close(stoppedMs);
    assert.equal(early.missed.length + early.notReached.length, all.missed.length);
    assert.ok(early.missed.length > 0 && early.notReached.length > 0);
    assert.ok(early.missed.every((e) => e.untilMs <= stoppedMs) && early.notReached.every((e) => e.untilMs > stoppedMs));
    assert.deepEqual(all.notReached, []);
  });

  it('takes percentiles by nearest rank', function () {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});

describe('simulator run: pacing the virtual clock', function () {
  function hooks(overrides: Partial<PacerHooks>): PacerHooks {
    return {
      settled: () => true, unsettled: () => 'nothing', needsRealTime: () => false, pendingWork: () => undefined,
      onStall: () => undefined, ...overrides,
    };
  }

  it('stands still while the network has not caught up', async function () {
    const clock = new VirtualClock();
    let inFlight = true;
    const pacer = new Pacer({ clock, mode: 'virtual', untilMs: 1000, stepMs: 100, hooks: hooks({ settled: () => !inFlight }) });
    const run = pacer.run();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(clock.nowMs(), 0, 'no step while something waits for its PUBACK');
    inFlight = false;
    await run;
    assert.equal(clock.nowMs(), 1000);
    assert.ok(pacer.stats.settleMs >= 50);
  });

  it('waits for the runner\'s asynchronous fault work and gives up on a stalled network with a warning', async function () {
    const clock = new VirtualClock();
    const stalls: string[] = [];
    let work: Promise<void> | undefined = new Promise((resolve) => setTimeout(resolve, 50));
    const fired: number[] = [];
    clock.setTimer(() => fired.push(performance.now()), 100);
    const started = performance.now();
    const pacer = new Pacer({
      clock, mode: 'virtual', untilMs: 300, stepMs: 100, settleTimeoutMs: 80,
      hooks: hooks({
        pendingWork: () => work, settled: () => false, unsettled: () => 'node x: no MQTT session',
        onStall: (message) => {
          stalls.push(message);
          work = undefined;
        },
      }),
    });
    await pacer.run();
    assert.ok(fired[0] - started >= 45, 'the first step waited for the pending work');
    assert.ok(stalls.length >= 1);
    assert.match(stalls[0], /did not settle within 80 ms \(node x: no MQTT session\); going on/);
  });

  it('follows the wall clock during a real-time window', async function () {
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock, mode: 'virtual', untilMs: 10_000, stepMs: 1000, hooks: hooks({ needsRealTime: () => clock.nowMs() < 200 }) });
    const started = performance.now();
    await pacer.run();
    const wallMs = performance.now() - started;
    assert.ok(wallMs >= 190, `the first 200 ms took ${wallMs.toFixed(0)} ms of real time`);
    assert.ok(pacer.stats.realTimeWindowMs >= 200 && pacer.stats.realTimeWindowMs < 400);
    assert.equal(clock.nowMs(), 10_000);
  });

  it('in real time, advances with the wall clock and dates scenario time 0', async function () {
    const clock = new VirtualClock();
    const pacer = new Pacer({ clock, mode: 'real', untilMs: 150, hooks: hooks({}) });
    const before = performance.now();
    await pacer.run();
    assert.ok(performance.now() - before >= 145);
    assert.equal(clock.nowMs(), 150);
    assert.ok(Math.abs(pacer.perfAt(0) - before) < 20);
  });
});

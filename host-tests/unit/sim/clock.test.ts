import assert from 'node:assert/strict';
import { Rng } from '../../../simulator/signals/rng';
import { DEFAULT_START_EPOCH_MS, VirtualClock } from '../../../simulator/clock/virtual-clock';
import { RealClock } from '../../../simulator/clock/real-clock';
import { runPaced } from '../../../simulator/clock/pacer';
import type { TimerHandle } from '../../../firmware/ports';

describe('VirtualClock', function () {
  it('fires timers by due time, then by creation order, each at its own due time', function () {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const at = (name: string) => (): void => {
      fired.push(`${name}@${clock.nowMs()}`);
    };
    clock.setTimer(at('c'), 30);
    clock.setTimer(at('a1'), 10);
    clock.setTimer(at('b'), 20);
    clock.setTimer(at('a2'), 10);
    clock.setTimer(at('zero'), 0);
    assert.equal(clock.advanceTo(25), 4);
    assert.deepEqual(fired, ['zero@0', 'a1@10', 'a2@10', 'b@20']);
    assert.equal(clock.nowMs(), 25);
    clock.advanceBy(5);
    assert.deepEqual(fired.at(-1), 'c@30');
    assert.equal(clock.pendingTimers(), 0);
  });

  it('keeps a repeating timer in its creation-order slot and lets it clear itself', function () {
    const clock = new VirtualClock();
    const fired: string[] = [];
    let ticks = 0;
    const tick: TimerHandle = clock.setTimer(() => {
      fired.push(`tick@${clock.nowMs()}`);
      if (++ticks === 3) clock.clearTimer(tick);
    }, 10, 10);
    clock.setTimer(() => fired.push(`once@${clock.nowMs()}`), 20);
    clock.advanceTo(100);
    assert.deepEqual(fired, ['tick@10', 'tick@20', 'once@20', 'tick@30']);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('runs timers set by a callback within the same advance when they fall due before the target', function () {
    const clock = new VirtualClock();
    const fired: number[] = [];
    clock.setTimer(() => {
      fired.push(clock.nowMs());
      clock.setTimer(() => fired.push(clock.nowMs()), 0);
      clock.setTimer(() => fired.push(clock.nowMs()), 15);
      clock.setTimer(() => fired.push(clock.nowMs()), 50);
    }, 5);
    clock.advanceTo(20);
    assert.deepEqual(fired, [5, 5, 20]);
    assert.equal(clock.nextDueMs(), 55);
  });

  it('orders random workloads exactly like a sorted reference, the same on every run', function () {
    function run(seed: number): string[] {
      const rng = new Rng(seed);
      const clock = new VirtualClock();
      const trace: string[] = [];
      const live: TimerHandle[] = [];
      for (let step = 0; step < 400; step++) {
        const action = rng.int(0, 9);
        if (action < 6) {
          const name = `t${step}`;
          const repeat = rng.next() < 0.2 ? rng.int(1, 40) : undefined;
          live.push(clock.setTimer(() => trace.push(`${name}@${clock.nowMs()}`), rng.int(0, 60), repeat));
        } else if (action < 8 && live.length > 0) {
          clock.clearTimer(live.splice(rng.int(0, live.length - 1), 1)[0]);
        } else {
          clock.advanceBy(rng.int(0, 25));
        }
      }
      clock.advanceBy(100);
      return trace;
    }
    // The reference: replay the same decisions with a sorted list instead of the heap.
    function reference(seed: number): string[] {
      const rng = new Rng(seed);
      let now = 0;
      let nextId = 1;
      const trace: string[] = [];
      type Entry = { id: number; name: string; due: number; repeat?: number };
      let queue: Entry[] = [];
      const live: number[] = [];
      const advanceTo = (target: number): void => {
        for (;;) {
          queue.sort((a, b) => a.due - b.due || a.id - b.id);
          const next = queue[0];
          if (next === undefined || next.due > target) break;
          now = next.due;
          trace.push(`${next.name}@${now}`);
          if (next.repeat === undefined) queue.shift();
          else next.due += next.repeat;
        }
        now = target;
      };
      for (let step = 0; step < 400; step++) {
        const action = rng.int(0, 9);
        if (action < 6) {
          const repeat = rng.next() < 0.2 ? rng.int(1, 40) : undefined;
          const id = nextId++;
          queue.push({ id, name: `t${step}`, due: now + rng.int(0, 60), repeat });
          live.push(id);
        } else if (action < 8 && live.length > 0) {
          const id = live.splice(rng.int(0, live.length - 1), 1)[0];
          queue = queue.filter((e) => e.id !== id);
        } else {
          advanceTo(now + rng.int(0, 25));
        }
      }
      advanceTo(now + 100);
      return trace;
    }
    for (const seed of [1, 2, 3, 20251019]) {
      const trace = run(seed);
      assert.ok(trace.length > 100, `seed ${seed}: the workload fires timers (${trace.length})`);
      assert.deepEqual(trace, reference(seed), `seed ${seed}`);
      assert.deepEqual(run(seed), trace, `seed ${seed} is deterministic`);
    }
  });

  it('runs an hour of 20 ms sensor blocks', function () {
    const clock = new VirtualClock();
    let blocks = 0;
    let lastMs = -20;
    let gaps = 0;
    clock.setTimer(() => {
      if (clock.nowMs() - lastMs !== 20) gaps++;
      lastMs = clock.nowMs();
      blocks++;
    }, 0, 20);
    clock.advanceTo(3_600_000);
    assert.equal(blocks, 3_600_000 / 20 + 1);
    assert.equal(gaps, 0);
  });

  it('refuses to go backwards, to nest advances and to take bad timer arguments', function () {
    const clock = new VirtualClock();
    clock.advanceTo(10);
    assert.throws(() => clock.advanceTo(9), /advanceTo\(9\): time is 10 ms and never goes backwards/);
    assert.throws(() => clock.advanceTo(Number.NaN), /never goes backwards/);
    assert.throws(() => clock.advanceBy(-1), /advanceBy\(-1\): must be ≥ 0/);
    assert.throws(() => clock.setTimer(() => undefined, -5), /delayMs must be a finite number ≥ 0, got -5/);
    assert.throws(() => clock.setTimer(() => undefined, 5, 0), /repeatMs must be a finite number > 0/);
    clock.setTimer(() => clock.advanceBy(1), 1);
    assert.throws(() => clock.advanceBy(5), /called from inside a timer callback/);
    clock.advanceBy(5); // the clock is still usable
    assert.equal(clock.nowMs(), 16);
  });

  it('propagates a callback exception with the time at that timer, and can continue', function () {
    const clock = new VirtualClock();
    const fired: number[] = [];
    clock.setTimer(() => {
      throw new Error('node crashed');
    }, 10);
    clock.setTimer(() => fired.push(clock.nowMs()), 20);
    assert.throws(() => clock.advanceTo(30), /node crashed/);
    assert.equal(clock.nowMs(), 10);
    clock.advanceTo(30);
    assert.deepEqual(fired, [20]);
  });

  it('runs until idle, and refuses to spin forever on a repeating timer', function () {
    const clock = new VirtualClock();
    let chain = 0;
    const next = (): void => {
      if (++chain < 5) clock.setTimer(next, 100);
    };
    clock.setTimer(next, 100);
    assert.equal(clock.runUntilIdle(), 5);
    assert.equal(clock.nowMs(), 500);
    clock.setTimer(() => undefined, 1, 1);
    assert.throws(() => clock.runUntilIdle({ maxTimers: 50 }), /still busy after 50 timers/);
  });

  it('answers epochMs from the configured start once synced, and undefined before', function () {
    const clock = new VirtualClock();
    assert.equal(clock.epochMs(), DEFAULT_START_EPOCH_MS);
    assert.equal(new Date(DEFAULT_START_EPOCH_MS).toISOString(), '2025-10-19T07:30:00.000Z');

    const late = new VirtualClock({ startEpochMs: 1_000_000, syncAfterMs: 2000 });
    assert.equal(late.epochMs(), undefined);
    late.advanceTo(1999);
    assert.equal(late.epochMs(), undefined);
    late.advanceTo(2000);
    assert.equal(late.epochMs(), 1_002_000);

    const never = new VirtualClock({ syncAfterMs: null });
    never.advanceTo(3_600_000);
    assert.equal(never.epochMs(), undefined);
    never.syncNow();
    assert.equal(never.epochMs(), DEFAULT_START_EPOCH_MS + 3_600_000);
    assert.throws(() => new VirtualClock({ syncAfterMs: -1 }), /syncAfterMs must be null/);
  });

  it('aligns the current simulation time to a wall time (a real-time run starting after its preparation)', function () {
    const clock = new VirtualClock({ startEpochMs: 1_000_000 });
    clock.advanceTo(2500);
    clock.alignTo(5_000_000);
    assert.equal(clock.wallMs(), 5_000_000);
    assert.equal(clock.startEpochMs, 4_997_500);
    assert.equal(clock.nowMs(), 2500, 'simulation time is untouched');
    assert.throws(() => clock.alignTo(Number.NaN), /startEpochMs must be finite/);
  });

  it('gives each node its own uptime, sync state and power switch on one timeline', function () {
    const clock = new VirtualClock({ startEpochMs: 0 });
    const a = clock.bootNode();
    clock.advanceTo(1000);
    const b = clock.bootNode({ syncAfterMs: 500 });
    const fired: string[] = [];
    a.setTimer(() => fired.push(`a@${a.uptimeMs()}`), 100, 100);
    b.setTimer(() => fired.push(`b@${b.uptimeMs()}`), 250);
    assert.equal(a.uptimeMs(), 1000);
    assert.equal(b.uptimeMs(), 0);
    assert.equal(a.epochMs(), 1000);
    assert.equal(b.epochMs(), undefined);
    clock.advanceTo(1300);
    assert.deepEqual(fired, ['a@1100', 'a@1200', 'b@250', 'a@1300']);
    assert.equal(b.epochMs(), undefined);
    clock.advanceTo(1500);
    assert.equal(b.epochMs(), 1500);

    a.powerOff();
    assert.equal(a.poweredOn, false);
    const dead = a.setTimer(() => fired.push('dead'), 1);
    assert.equal(dead.timerId, 0);
    fired.length = 0;
    b.setTimer(() => fired.push(`b@${b.uptimeMs()}`), 100);
    clock.advanceTo(5000);
    assert.deepEqual(fired, ['b@600']);
    assert.equal(clock.pendingTimers(), 0);

    const reborn = clock.bootNode({ syncAfterMs: null });
    assert.equal(reborn.uptimeMs(), 0);
    assert.equal(reborn.epochMs(), undefined);
    reborn.syncNow();
    assert.equal(reborn.epochMs(), 5000);
  });

  it('lets a node clear one-shot and repeating timers, and ignores handles it does not own', function () {
    const clock = new VirtualClock();
    const node = clock.bootNode();
    const other = clock.bootNode();
    let fired = 0;
    const once = node.setTimer(() => fired++, 10);
    const again = node.setTimer(() => fired++, 10, 10);
    other.clearTimer(once);
    node.clearTimer(again);
    clock.advanceTo(100);
    assert.equal(fired, 1);
    assert.equal(clock.pendingTimers(), 0);
  });
});

describe('RealClock', function () {
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  it('fires one-shot and repeating timers on wall time and stops a cleared repetition', async function () {
    const clock = new RealClock();
    const fired: string[] = [];
    clock.setTimer(() => fired.push('once'), 5);
    let ticks = 0;
    const tick: TimerHandle = clock.setTimer(() => {
      fired.push('tick');
      if (++ticks === 3) clock.clearTimer(tick);
    }, 1, 5);
    while (ticks < 3) await sleep(5);
    await sleep(20); // a cleared repetition would tick again in this time
    assert.equal(fired.filter((f) => f === 'tick').length, 3);
    assert.equal(fired.filter((f) => f === 'once').length, 1);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('counts uptime from its construction and reports the wall time once synced', async function () {
    const clock = new RealClock();
    const first = clock.uptimeMs();
    await sleep(15);
    assert.ok(clock.uptimeMs() > first, 'uptime moves forward');
    const epoch = clock.epochMs();
    assert.ok(epoch !== undefined && Math.abs(epoch - Date.now()) < 50);
    assert.equal(new RealClock({ syncAfterMs: null }).epochMs(), undefined);
    assert.equal(new RealClock({ syncAfterMs: 60_000 }).epochMs(), undefined);
  });

  it('cancels every timer on power loss and never fires timers set afterwards', async function () {
    const clock = new RealClock();
    let fired = 0;
    clock.setTimer(() => fired++, 5);
    clock.setTimer(() => fired++, 5, 5);
    clock.powerOff();
    clock.setTimer(() => fired++, 1);
    await sleep(30);
    assert.equal(fired, 0);
    assert.equal(clock.pendingTimers(), 0);
    assert.throws(() => new RealClock().setTimer(() => undefined, 2 ** 31), /limited to 2147483647 ms/);
  });
});

describe('runPaced', function () {
  it('runs an hour of virtual time as fast as possible, yielding to I/O between steps', async function () {
    const clock = new VirtualClock();
    let seconds = 0;
    clock.setTimer(() => seconds++, 1000, 1000);
    // Other work queued on the event loop gets its turn between steps. (A 1 ms interval did not always: the
    // whole hour can run within a millisecond, before any timer is due.)
    const seenAtMs = new Set<number>();
    let running = true;
    const otherWork = (): void => {
      seenAtMs.add(clock.nowMs());
      if (running) setImmediate(otherWork);
    };
    setImmediate(otherWork);
    await runPaced(clock, { speed: Infinity, untilMs: 3_600_000, stepMs: 60_000 }).done;
    running = false;
    assert.equal(seconds, 3600);
    assert.equal(clock.nowMs(), 3_600_000);
    assert.ok(seenAtMs.size >= 30, `other work ran between the clock's steps: at ${seenAtMs.size} of its 60 times`);
  });

  it('follows wall time at the given speed and ends exactly at untilMs', async function () {
    const clock = new VirtualClock();
    const fired: number[] = [];
    clock.setTimer(() => fired.push(clock.nowMs()), 100);
    await runPaced(clock, { speed: 20, untilMs: 200 }).done;
    assert.deepEqual(fired, [100]);
    assert.equal(clock.nowMs(), 200);
  });

  it('stops on request and rejects when a timer throws', async function () {
    const clock = new VirtualClock();
    const run = runPaced(clock, { speed: 1, untilMs: 60_000 });
    run.stop();
    await run.done;
    assert.ok(clock.nowMs() < 60_000);

    const failing = new VirtualClock();
    failing.setTimer(() => {
      throw new Error('timer failed');
    }, 10);
    await assert.rejects(runPaced(failing, { speed: Infinity, untilMs: 100 }).done, /timer failed/);
    assert.throws(() => runPaced(failing, { speed: 0, untilMs: 100 }), /speed must be > 0/);
  });
});

/**
 * Deterministic discrete-event time for the simulator. Nothing happens between calls: `advanceTo`
 * runs every timer due up to the target in order of due time, then creation order, setting the time
 * to each timer's due time before calling it, so an hour of scenario runs in as long as its timers take.
 *
 * The clock itself is a Clock whose uptime is the simulation time; `bootNode()` gives each simulated
 * node its own Clock on the same timeline, with uptime counted from its boot, its own SNTP state and
 * a power switch.
 */
import type { Clock, TimerHandle } from '../../firmware/ports';
import { checkTimerArguments } from './timer-arguments';
import { TimerQueue } from './timer-queue';
import type { QueuedTimer } from './timer-queue';
import { DEAD_TIMER, checkSyncAfterMs, syncedEpoch } from './types';
import type { NodeClockControl, SyncAfterMs } from './types';

/** 19 October 2025, 09:30 in Paris (07:30 UTC): the lift truck parks under the Apollo Gallery balcony. */
export const DEFAULT_START_EPOCH_MS = Date.UTC(2025, 9, 19, 7, 30, 0);

export interface VirtualClockOptions {
  /** Wall-clock time at simulation time 0, ms since the Unix epoch. Default DEFAULT_START_EPOCH_MS. */
  startEpochMs?: number;
  /** When `epochMs()` of the clock itself starts answering: after this many ms, or never (null). Default 0. */
  syncAfterMs?: SyncAfterMs;
}

export interface NodeClockOptions {
  /** Uptime after which the node's SNTP sync succeeds, or null for a node that never syncs. Default 0. */
  syncAfterMs?: SyncAfterMs;
}

export interface RunUntilIdleOptions {
  /** Give up (throw) after firing this many timers: a repeating timer never lets the clock go idle. */
  maxTimers?: number;
}

interface VirtualTimer extends QueuedTimer {
  readonly handle: TimerHandle;
  readonly repeatMs: number | undefined;
  readonly callback: () => void;
}

export class VirtualClock implements Clock {
  #startEpochMs: number;
  #nowMs = 0;
  #syncAfterMs: SyncAfterMs;
  #nextTimerId = 1;
  #advancing = false;
  readonly #queue = new TimerQueue<VirtualTimer>();
  readonly #timers = new Map<number, VirtualTimer>();

  constructor(options: VirtualClockOptions = {}) {
    this.#startEpochMs = checkedEpoch(options.startEpochMs ?? DEFAULT_START_EPOCH_MS);
    this.#syncAfterMs = options.syncAfterMs === undefined ? 0 : options.syncAfterMs;
    checkSyncAfterMs(this.#syncAfterMs);
  }

  /** Wall-clock time at simulation time 0, ms since the Unix epoch. */
  get startEpochMs(): number {
    return this.#startEpochMs;
  }

  /**
   * Ties the current simulation time to the wall time `epochMs`: a real-time run calls it when its pacer
   * starts, so the seconds spent preparing the run (rendering, booting) do not put the nodes' clocks behind.
   */
  alignTo(epochMs: number): void {
    this.#startEpochMs = checkedEpoch(epochMs) - this.#nowMs;
  }

  /** Simulation time in ms since the clock was created. */
  nowMs(): number {
    return this.#nowMs;
  }

  uptimeMs(): number {
    return this.#nowMs;
  }

  /** True wall time at the current simulation time, whether or not anyone has synced. */
  wallMs(): number {
    return this.#startEpochMs + this.#nowMs;
  }

  epochMs(): number | undefined {
    return syncedEpoch(this.#syncAfterMs, this.#nowMs, this.wallMs());
  }

  /** SNTP answers now (for a clock created with syncAfterMs null or later). */
  syncNow(): void {
    if (this.#syncAfterMs === null || this.#syncAfterMs > this.#nowMs) this.#syncAfterMs = this.#nowMs;
  }

  setTimer(callback: () => void, delayMs: number, repeatMs?: number): TimerHandle {
    checkTimerArguments(delayMs, repeatMs);
    const timerId = this.#nextTimerId++;
    const timer: VirtualTimer = {
      timerId,
      dueMs: this.#nowMs + delayMs,
      heapIndex: -1,
      handle: Object.freeze({ timerId }),
      repeatMs,
      callback,
    };
    this.#timers.set(timerId, timer);
    this.#queue.push(timer);
    return timer.handle;
  }

  clearTimer(timer: TimerHandle): void {
    const entry = this.#timers.get(timer.timerId);
    if (entry === undefined || entry.handle !== timer) return;
    this.#timers.delete(timer.timerId);
    this.#queue.remove(entry);
  }

  pendingTimers(): number {
    return this.#timers.size;
  }

  /** Due time of the next timer, or undefined when idle. */
  nextDueMs(): number | undefined {
    return this.#queue.peek()?.dueMs;
  }

  /**
   * Runs every timer due at or before `targetMs`, then sets the time to `targetMs`; returns how many fired.
   * An exception from a callback propagates with the time left at that timer's due time, so the caller
   * may continue with another advanceTo.
   */
  advanceTo(targetMs: number): number {
    if (!(targetMs >= this.#nowMs) || !Number.isFinite(targetMs)) {
      throw new RangeError(`advanceTo(${targetMs}): time is ${this.#nowMs} ms and never goes backwards`);
    }
    if (this.#advancing) throw new Error('advanceTo: called from inside a timer callback');
    this.#advancing = true;
    let fired = 0;
    try {
      for (let next = this.#queue.peek(); next !== undefined && next.dueMs <= targetMs; next = this.#queue.peek()) {
        this.#queue.pop();
        this.#nowMs = next.dueMs;
        if (next.repeatMs === undefined) {
          this.#timers.delete(next.timerId);
        } else {
          next.dueMs += next.repeatMs;
          this.#queue.push(next);
        }
        fired++;
        next.callback();
      }
      this.#nowMs = targetMs;
    } finally {
      this.#advancing = false;
    }
    return fired;
  }

  advanceBy(deltaMs: number): number {
    if (!(deltaMs >= 0)) throw new RangeError(`advanceBy(${deltaMs}): must be ≥ 0`);
    return this.advanceTo(this.#nowMs + deltaMs);
  }

  /** Runs timers until none is left; returns how many fired. */
  runUntilIdle(options: RunUntilIdleOptions = {}): number {
    const maxTimers = options.maxTimers ?? 1_000_000;
    let fired = 0;
    for (let due = this.nextDueMs(); due !== undefined; due = this.nextDueMs()) {
      if (fired >= maxTimers) {
        throw new Error(`runUntilIdle: still busy after ${fired} timers at ${this.#nowMs} ms (a repeating timer never goes idle; use advanceTo)`);
      }
      fired += this.advanceTo(due);
    }
    return fired;
  }

  /** A node booting now: its uptime starts at 0 and its timers run on this clock's timeline. */
  bootNode(options: NodeClockOptions = {}): VirtualNodeClock {
    return new VirtualNodeClock(this, options.syncAfterMs === undefined ? 0 : options.syncAfterMs);
  }
}

/** One simulated node's view of a VirtualClock. */
export class VirtualNodeClock implements NodeClockControl {
  readonly bootedAtMs: number;
  readonly #clock: VirtualClock;
  #syncAfterMs: SyncAfterMs;
  #poweredOn = true;
  readonly #timers = new Set<TimerHandle>();

  constructor(clock: VirtualClock, syncAfterMs: SyncAfterMs) {
    checkSyncAfterMs(syncAfterMs);
    this.#clock = clock;
    this.#syncAfterMs = syncAfterMs;
    this.bootedAtMs = clock.nowMs();
  }

  get poweredOn(): boolean {
    return this.#poweredOn;
  }

  uptimeMs(): number {
    return this.#clock.nowMs() - this.bootedAtMs;
  }

  epochMs(): number | undefined {
    return syncedEpoch(this.#syncAfterMs, this.uptimeMs(), this.#clock.wallMs());
  }

  syncNow(): void {
    const uptimeMs = this.uptimeMs();
    if (this.#syncAfterMs === null || this.#syncAfterMs > uptimeMs) this.#syncAfterMs = uptimeMs;
  }

  setTimer(callback: () => void, delayMs: number, repeatMs?: number): TimerHandle {
    checkTimerArguments(delayMs, repeatMs);
    if (!this.#poweredOn) return DEAD_TIMER;
    const handle = this.#clock.setTimer(
      repeatMs === undefined
        ? (): void => {
            this.#timers.delete(handle);
            callback();
          }
        : callback,
      delayMs,
      repeatMs,
    );
    this.#timers.add(handle);
    return handle;
  }

  clearTimer(timer: TimerHandle): void {
    if (this.#timers.delete(timer)) this.#clock.clearTimer(timer);
  }

  powerOff(): void {
    this.#poweredOn = false;
    for (const timer of this.#timers) this.#clock.clearTimer(timer);
    this.#timers.clear();
  }
}

function checkedEpoch(epochMs: number): number {
  if (!Number.isFinite(epochMs)) throw new RangeError(`startEpochMs must be finite, got ${epochMs}`);
  return epochMs;
}

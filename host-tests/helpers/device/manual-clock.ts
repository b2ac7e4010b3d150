/**
 * A Clock whose time only moves when the test says so; timers fire in due order, each at its own due
 * time. No Node APIs, so the XS entries can use it too.
 */
import type { Clock, TimerHandle } from '../../../firmware/ports';

interface PendingTimer {
  handle: TimerHandle;
  callback: () => void;
  dueMs: number;
  repeatMs: number | undefined;
}

export class ManualClock implements Clock {
  nowMs: number;
  epochOffsetMs: number | undefined;
  #timers: PendingTimer[] = [];
  #nextId = 1;

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  uptimeMs(): number {
    return this.nowMs;
  }

  epochMs(): number | undefined {
    return this.epochOffsetMs === undefined ? undefined : this.epochOffsetMs + this.nowMs;
  }

  setTimer(callback: () => void, delayMs: number, repeatMs?: number): TimerHandle {
    const handle = { timerId: this.#nextId++ };
    this.#timers.push({ handle, callback, dueMs: this.nowMs + delayMs, repeatMs });
    return handle;
  }

  clearTimer(timer: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.handle.timerId !== timer.timerId);
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time to `targetMs`, firing every timer due on the way, in order. */
  advanceTo(targetMs: number): void {
    for (;;) {
      let next: PendingTimer | undefined;
      for (const timer of this.#timers) if (timer.dueMs <= targetMs && (next === undefined || timer.dueMs < next.dueMs)) next = timer;
      if (next === undefined) break;
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      if (next.repeatMs === undefined) this.#timers = this.#timers.filter((t) => t !== next);
      else next.dueMs += Math.max(next.repeatMs, 1);
      next.callback();
    }
    this.nowMs = Math.max(this.nowMs, targetMs);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.nowMs + ms);
  }
}

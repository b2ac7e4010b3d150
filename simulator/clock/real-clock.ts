/**
 * Wall time on Node timers, for running nodes in real time (the demo, and nodes talking to a real
 * broker whose keepalive runs on real time anyway). Uptime counts from construction (the node's boot).
 */
import type { TimerHandle } from '../../firmware/ports';
import { checkTimerArguments } from './timer-arguments';
import { DEAD_TIMER, checkSyncAfterMs, syncedEpoch } from './types';
import type { NodeClockControl, SyncAfterMs } from './types';

/** Node's timers take a signed 32-bit delay; longer ones would silently fire after 1 ms. */
const MAX_NODE_DELAY_MS = 2_147_483_647;

export interface RealClockOptions {
  /** Uptime after which `epochMs()` answers (the SNTP sync), or null for never. Default 0. */
  syncAfterMs?: SyncAfterMs;
}

export class RealClock implements NodeClockControl {
  readonly #bootPerfMs = performance.now();
  readonly #syncAfterMs: SyncAfterMs;
  #poweredOn = true;
  #nextTimerId = 1;
  readonly #timers = new Map<number, NodeJS.Timeout>();

  constructor(options: RealClockOptions = {}) {
    this.#syncAfterMs = options.syncAfterMs === undefined ? 0 : options.syncAfterMs;
    checkSyncAfterMs(this.#syncAfterMs);
  }

  get poweredOn(): boolean {
    return this.#poweredOn;
  }

  uptimeMs(): number {
    return performance.now() - this.#bootPerfMs;
  }

  epochMs(): number | undefined {
    return syncedEpoch(this.#syncAfterMs, this.uptimeMs(), Date.now());
  }

  setTimer(callback: () => void, delayMs: number, repeatMs?: number): TimerHandle {
    checkTimerArguments(delayMs, repeatMs);
    if (delayMs > MAX_NODE_DELAY_MS || (repeatMs ?? 0) > MAX_NODE_DELAY_MS) {
      throw new RangeError(`setTimer: RealClock delays are limited to ${MAX_NODE_DELAY_MS} ms, got ${delayMs}/${repeatMs}`);
    }
    if (!this.#poweredOn) return DEAD_TIMER;
    const timerId = this.#nextTimerId++;
    const handle: TimerHandle = Object.freeze({ timerId });
    const first = setTimeout(() => {
      // Arm the repetition before the callback so that the callback may clear it.
      if (repeatMs === undefined) this.#timers.delete(timerId);
      else this.#timers.set(timerId, setInterval(callback, repeatMs));
      callback();
    }, delayMs);
    this.#timers.set(timerId, first);
    return handle;
  }

  clearTimer(timer: TimerHandle): void {
    const pending = this.#timers.get(timer.timerId);
    if (pending === undefined) return;
    clearTimeout(pending);
    this.#timers.delete(timer.timerId);
  }

  pendingTimers(): number {
    return this.#timers.size;
  }

  powerOff(): void {
    this.#poweredOn = false;
    for (const pending of this.#timers.values()) clearTimeout(pending);
    this.#timers.clear();
  }
}

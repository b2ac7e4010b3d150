/**
 * The Clock port over Moddable's `timer` and `time` modules. Uptime comes from Time.ticks, a 32-bit
 * millisecond counter that wraps (after 24.8 days read as a signed int32, 49.7 as unsigned): the clock
 * accumulates differences modulo 2^32, so uptime keeps growing for the life of the node as long as it
 * is read at least once per wrap period (heartbeats read it every few seconds).
 * Wall time is known once SNTP has set it: either through markSynced() (SntpSync), or because the
 * platform's network setup set the system time (ESP32 `config.sntp`), seen as a plausible Date.now().
 */
import type { Clock, TimerHandle } from '../ports';

/** The part of Moddable's Timer used here (a Timer object is opaque). */
export interface TimerIo {
  set(callback: () => void, interval?: number, repeat?: number): object;
  clear(timer: object): void;
}

export interface TimeIo {
  readonly ticks: number;
}

export interface DeviceClockOptions {
  timer: TimerIo;
  time: TimeIo;
  /** The system wall clock (Date.now); before any sync it reads near 1970. */
  wallClockMs?: () => number;
}

/** Wall-clock readings before this (2024-01-01T00:00:00Z) mean the system time was never set. */
export const PLAUSIBLE_EPOCH_MS = 1_704_067_200_000;
const TWO_TO_32 = 4294967296;

export class DeviceClock implements Clock {
  readonly #timer: TimerIo;
  readonly #time: TimeIo;
  readonly #wallClockMs: (() => number) | undefined;
  readonly #timers = new Map<number, object>();
  #nextId = 1;
  #lastTicks: number;
  #uptimeMs = 0;
  /** Epoch minus uptime, once synced. */
  #epochOffsetMs: number | undefined;

  constructor(options: DeviceClockOptions) {
    this.#timer = options.timer;
    this.#time = options.time;
    this.#wallClockMs = options.wallClockMs;
    this.#lastTicks = options.time.ticks;
  }

  uptimeMs(): number {
    const ticks = this.#time.ticks;
    // Modulo 2^32, so a wrap of the counter (signed or unsigned) still adds the small true difference.
    const delta = (ticks - this.#lastTicks) % TWO_TO_32;
    this.#uptimeMs += delta < 0 ? delta + TWO_TO_32 : delta;
    this.#lastTicks = ticks;
    return this.#uptimeMs;
  }

  epochMs(): number | undefined {
    const uptime = this.uptimeMs();
    if (this.#epochOffsetMs !== undefined) return this.#epochOffsetMs + uptime;
    const wall = this.#wallClockMs?.();
    return wall !== undefined && wall >= PLAUSIBLE_EPOCH_MS ? wall : undefined;
  }

  /** SNTP answered with `epochMs` (ms since 1970) now. */
  markSynced(epochMs: number): void {
    this.#epochOffsetMs = epochMs - this.uptimeMs();
  }

  setTimer(callback: () => void, delayMs: number, repeatMs?: number): TimerHandle {
    const handle = { timerId: this.#nextId++ };
    const id = handle.timerId;
    const fire = repeatMs === undefined
      ? (): void => {
        // A one-shot Timer is gone once it fired: forget it so clearTimer stays a no-op.
        this.#timers.delete(id);
        callback();
      }
      : callback;
    this.#timers.set(id, repeatMs === undefined ? this.#timer.set(fire, delayMs) : this.#timer.set(fire, delayMs, repeatMs));
    return handle;
  }

  clearTimer(timer: TimerHandle): void {
    const moddableTimer = this.#timers.get(timer.timerId);
    if (moddableTimer === undefined) return;
    this.#timers.delete(timer.timerId);
    this.#timer.clear(moddableTimer);
  }
}

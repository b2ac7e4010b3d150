/**
 * A software watchdog on a timer: the main loop kicks it; when no kick arrives for `timeoutMs`, the node
 * restarts through the SystemInfo port. No module in the reference exposes ESP32's hardware watchdogs
 * to JS, so this is a software one. It catches a main loop that stopped making progress while timers
 * still run (a stalled sensor chain, a callback never called again). It cannot catch the JS thread
 * itself hanging — its own timer would not fire then; for that, ESP-IDF's task watchdog
 * (CONFIG_ESP_TASK_WDT_PANIC, docs/flashing.md) resets the chip.
 */
import type { Clock, SystemInfo, TimerHandle } from '../ports';

export interface WatchdogOptions {
  clock: Clock;
  system: SystemInfo;
  timeoutMs: number;
  /** How often to check (default a quarter of the timeout). */
  checkMs?: number;
}

export class Watchdog {
  readonly #options: WatchdogOptions;
  #lastKickMs = 0;
  #timer: TimerHandle | undefined;

  constructor(options: WatchdogOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`watchdog timeoutMs must be positive, got ${options.timeoutMs}`);
    this.#options = options;
  }

  start(): void {
    this.stop();
    this.kick();
    const checkMs = this.#options.checkMs ?? Math.max(1, Math.floor(this.#options.timeoutMs / 4));
    this.#timer = this.#options.clock.setTimer(() => this.#check(), checkMs, checkMs);
  }

  stop(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  kick(): void {
    this.#lastKickMs = this.#options.clock.uptimeMs();
  }

  #check(): void {
    const silentMs = this.#options.clock.uptimeMs() - this.#lastKickMs;
    if (silentMs < this.#options.timeoutMs) return;
    this.stop();
    this.#options.system.restart(`watchdog: main loop silent for ${silentMs} ms (limit ${this.#options.timeoutMs} ms)`);
  }
}

/**
 * Sets the node's wall clock from SNTP with Moddable's `sntp` module (reference/moddable.md §1:
 * `new SNTP({host}, callback)`; message 1 = time in Unix seconds, 2 = retrying, -1 = failed, where the
 * callback may return another host to try). Tries each configured host in turn, resyncs periodically,
 * and retries a failed round later. Until the first answer the clock's epochMs() stays undefined.
 */
import type { Clock, Log, TimerHandle } from '../ports';

export interface SntpIo {
  close?(): void;
}

export type SntpIoConstructor = new (options: { host: string }, callback: (message: number, value?: number) => string | void) => SntpIo;

export interface SntpSyncOptions {
  sntp: SntpIoConstructor;
  hosts: string[];
  clock: Clock & { markSynced(epochMs: number): void };
  /** Sets the system time too (Moddable's Time.set(seconds)), so Date and TLS see it. */
  setSystemTime?: (epochSeconds: number) => void;
  log?: Log;
  /** Resync this often after a success (default 6 h); retry this soon after a failed round (default 60 s). */
  resyncMs?: number;
  retryMs?: number;
}

const TIME = 1;
const ERROR = -1;

export class SntpSync {
  readonly #options: SntpSyncOptions;
  #timer: TimerHandle | undefined;
  #client: SntpIo | undefined;
  #synced = false;
  #running = false;

  constructor(options: SntpSyncOptions) {
    if (options.hosts.length === 0) throw new Error('SNTP needs at least one host');
    this.#options = options;
  }

  get synced(): boolean {
    return this.#synced;
  }

  start(): void {
    this.#running = true;
    this.#request();
  }

  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#client?.close?.();
    this.#client = undefined;
  }

  #request(): void {
    const hosts = this.#options.hosts;
    let next = 1;
    const Sntp = this.#options.sntp;
    this.#client = new Sntp({ host: hosts[0] ?? '' }, (message, value) => {
      if (!this.#running) return undefined;
      if (message === TIME && value !== undefined) {
        this.#client = undefined;
        this.#options.setSystemTime?.(value);
        this.#options.clock.markSynced(value * 1000);
        if (!this.#synced) this.#options.log?.log('info', `clock synced by SNTP: ${value} s since 1970`);
        this.#synced = true;
        this.#schedule(this.#options.resyncMs ?? 6 * 3600_000);
        return undefined;
      }
      if (message === ERROR) {
        // Returning a host makes the module try it; when none is left the round has failed.
        const host = hosts[next++];
        if (host !== undefined) return host;
        this.#client = undefined;
        this.#options.log?.log('warn', `SNTP failed with ${hosts.join(', ')}`);
        this.#schedule(this.#options.retryMs ?? 60_000);
      }
      return undefined;
    });
  }

  #schedule(delayMs: number): void {
    this.#timer = this.#options.clock.setTimer(() => {
      this.#timer = undefined;
      if (this.#running) this.#request();
    }, delayMs);
  }
}

/**
 * Keeps the station connected with Moddable's legacy `wifi` module (reference/moddable.md §1). On ESP32
 * the platform's network setup (`config.ssid`, `config.password`) connects before main runs; this class
 * then only watches (a WiFi object created without options monitors) and reconnects with backoff after
 * a loss, reporting changes so the node can log them. MQTT reconnects by itself once the link is back.
 */
import type { Clock, Log, TimerHandle } from '../ports';

export interface WifiIo {
  close(): void;
}

export interface WifiIoConstructor {
  new (options: undefined, callback: (message: string) => void): WifiIo;
  connect(options: { ssid: string; password?: string }): void;
}

export interface WifiLinkOptions {
  wifi: WifiIoConstructor;
  ssid: string;
  password?: string;
  clock: Clock;
  log?: Log;
  /** Whether the link is up at start (e.g. Net.get("IP") !== undefined after the platform setup). */
  initiallyConnected: boolean;
  /** First retry delay after a loss, doubling up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  onChange?: (connected: boolean) => void;
}

export class WifiLink {
  readonly #options: WifiLinkOptions;
  #monitor: WifiIo | undefined;
  #timer: TimerHandle | undefined;
  #connected: boolean;
  #retryMs: number;

  constructor(options: WifiLinkOptions) {
    if (options.ssid === '') throw new Error('Wi-Fi needs an SSID (mcconfig ... ssid=NAME password=SECRET)');
    this.#options = options;
    this.#connected = options.initiallyConnected;
    this.#retryMs = options.retryMs ?? 2000;
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    const Wifi = this.#options.wifi;
    this.#monitor = new Wifi(undefined, (message) => this.#onMessage(message));
    if (!this.#connected) this.#reconnect();
  }

  stop(): void {
    this.#cancel();
    this.#monitor?.close();
    this.#monitor = undefined;
  }

  #onMessage(message: string): void {
    if (message === 'gotIP') {
      this.#cancel();
      this.#retryMs = this.#options.retryMs ?? 2000;
      this.#set(true);
    } else if (message === 'lostIP' || message === 'disconnect') {
      const was = this.#connected;
      this.#set(false);
      if (was || this.#timer === undefined) this.#schedule();
    }
  }

  #set(connected: boolean): void {
    if (connected === this.#connected) return;
    this.#connected = connected;
    this.#options.log?.log(connected ? 'info' : 'warn', connected ? `Wi-Fi connected to ${this.#options.ssid}` :
      `Wi-Fi lost ${this.#options.ssid}`);
    this.#options.onChange?.(connected);
  }

  #schedule(): void {
    this.#cancel();
    const delayMs = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#options.maxRetryMs ?? 60_000);
    this.#timer = this.#options.clock.setTimer(() => {
      this.#timer = undefined;
      this.#reconnect();
    }, delayMs);
  }

  #reconnect(): void {
    if (this.#monitor === undefined || this.#connected) return;
    const { ssid, password } = this.#options;
    this.#options.wifi.connect(password === undefined ? { ssid } : { ssid, password });
    // If no gotIP follows, try again later.
    this.#schedule();
  }

  #cancel(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }
}

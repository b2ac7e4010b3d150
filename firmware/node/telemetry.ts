/**
 * The calibration stream: while a technician has it on (cmd/telemetry), the pipelines' snapshots are
 * published on `telemetry` (QoS 0) at most 5 times a second, and the stream switches itself off after
 * its duration. It yields to everything else: a message is skipped whenever an alert or a command result
 * is waiting in the outbox, and the outbox drops telemetry first.
 */
import type { Clock, TimerHandle } from '../ports';
import type { PipelineSnapshot } from './pipeline';
import { PROTOCOL_VERSION } from './protocol';

/** The hard limit of the protocol, whatever the configuration says. */
export const TELEMETRY_MAX_RATE_HZ = 5;
export const TELEMETRY_MAX_DURATION_S = 600;

export interface TelemetryMessage {
  v: number;
  seq: number;
  site: string;
  node: string;
  uptimeMs: number;
  ts: number | null;
  /** Uptime at which the stream switches itself off. */
  untilUptimeMs: number;
  rateHz: number;
  /** Messages skipped so far because the outbox was busy or the link down. */
  skipped: number;
  pipelines: PipelineSnapshot[];
}

export interface TelemetryStreamOptions {
  clock: Clock;
  site: string;
  node: string;
  /** The pipelines' snapshots right now. */
  snapshots(): PipelineSnapshot[];
  /** Whether a message may go now (connected and nothing more important waiting). */
  mayPublish(): boolean;
  publish(payload: string): void;
  onEnded?(): void;
}

/** JSON has no infinities or NaN: a snapshot's −∞ dB (digital silence) becomes null. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

export class TelemetryStream {
  readonly #o: TelemetryStreamOptions;
  #timer: TimerHandle | undefined;
  #untilMs = 0;
  #rateHz = 0;
  #seq = 0;
  #skipped = 0;

  constructor(options: TelemetryStreamOptions) {
    this.#o = options;
  }

  get active(): boolean {
    return this.#timer !== undefined;
  }

  get untilMs(): number | undefined {
    return this.#timer === undefined ? undefined : this.#untilMs;
  }

  /** Starts (or restarts) the stream; rate and duration must already be within the configured limits. */
  start(durationS: number, rateHz: number): number {
    this.stop();
    const rate = Math.min(rateHz, TELEMETRY_MAX_RATE_HZ);
    this.#rateHz = rate;
    this.#untilMs = this.#o.clock.uptimeMs() + Math.min(durationS, TELEMETRY_MAX_DURATION_S) * 1000;
    const periodMs = Math.ceil(1000 / rate);
    this.#skipped = 0;
    this.#timer = this.#o.clock.setTimer(() => this.#tick(), periodMs, periodMs);
    return this.#untilMs;
  }

  stop(): void {
    if (this.#timer === undefined) return;
    this.#o.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#o.onEnded?.();
  }

  #tick(): void {
    const now = this.#o.clock.uptimeMs();
    if (now >= this.#untilMs) {
      this.stop();
      return;
    }
    if (!this.#o.mayPublish()) {
      this.#skipped++;
      return;
    }
    const message: TelemetryMessage = {
      v: PROTOCOL_VERSION,
      seq: ++this.#seq,
      site: this.#o.site,
      node: this.#o.node,
      uptimeMs: now,
      ts: this.#o.clock.epochMs() ?? null,
      untilUptimeMs: this.#untilMs,
      rateHz: this.#rateHz,
      skipped: this.#skipped,
      pipelines: this.#o.snapshots(),
    };
    this.#o.publish(JSON.stringify(message, finiteOrNull));
  }
}

/**
 * A baseline: the telemetry messages of one node recorded for a while, turned into one series per
 * threshold (for recommend.ts) and a summary of each pipeline's noise floor. Pure; it reads parsed
 * telemetry JSON defensively because it comes from the network.
 */
import type { ThresholdSeries } from './recommend';

export interface PipelineSummary {
  kind: string;
  messages: number;
  /** Noise floor over the baseline, dB: min, median, max of the finite values. */
  noiseFloorDb: { min: number; median: number; max: number } | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class BaselineRecorder {
  readonly #series = new Map<string, ThresholdSeries>();
  readonly #floors = new Map<string, number[]>();
  readonly #kindMessages = new Map<string, number>();
  #messages = 0;
  #ignored = 0;
  #firstUptimeMs: number | undefined;
  #lastUptimeMs: number | undefined;

  /** Adds one parsed telemetry message; returns false (and counts it) if it is not usable. */
  add(message: unknown): boolean {
    if (!isRecord(message) || !Array.isArray(message.pipelines)) {
      this.#ignored++;
      return false;
    }
    this.#messages++;
    if (typeof message.uptimeMs === 'number') {
      this.#firstUptimeMs ??= message.uptimeMs;
      this.#lastUptimeMs = message.uptimeMs;
    }
    for (const pipeline of message.pipelines) {
      if (!isRecord(pipeline)) continue;
      const kind = typeof pipeline.kind === 'string' ? pipeline.kind : '?';
      this.#kindMessages.set(kind, (this.#kindMessages.get(kind) ?? 0) + 1);
      if (typeof pipeline.noiseFloorDb === 'number' && Number.isFinite(pipeline.noiseFloorDb)) {
        let floors = this.#floors.get(kind);
        if (floors === undefined) this.#floors.set(kind, (floors = []));
        floors.push(pipeline.noiseFloorDb);
      }
      if (!Array.isArray(pipeline.thresholds)) continue;
      for (const reading of pipeline.thresholds) {
        if (!isRecord(reading) || typeof reading.option !== 'string' || typeof reading.threshold !== 'number') continue;
        let series = this.#series.get(reading.option);
        if (series === undefined) {
          series = { option: reading.option, unit: typeof reading.unit === 'string' ? reading.unit : '', threshold: reading.threshold, values: [], nulls: 0 };
          this.#series.set(reading.option, series);
        }
        series.threshold = reading.threshold;
        if (typeof reading.current === 'number' && Number.isFinite(reading.current)) series.values.push(reading.current);
        else series.nulls++;
      }
    }
    return true;
  }

  get messages(): number {
    return this.#messages;
  }

  /** Messages that were not telemetry at all. */
  get ignored(): number {
    return this.#ignored;
  }

  /** Node uptime covered by the recorded messages, ms. */
  get spanMs(): number {
    return this.#firstUptimeMs === undefined || this.#lastUptimeMs === undefined ? 0 : this.#lastUptimeMs - this.#firstUptimeMs;
  }

  series(): ThresholdSeries[] {
    return [...this.#series.values()].map((s) => ({ ...s, values: [...s.values] }));
  }

  pipelines(): PipelineSummary[] {
    return [...this.#kindMessages.entries()].map(([kind, messages]) => {
      const floors = [...(this.#floors.get(kind) ?? [])].sort((a, b) => a - b);
      return {
        kind,
        messages,
        noiseFloorDb: floors.length === 0 ? undefined
          : { min: floors[0], median: floors[Math.floor((floors.length - 1) / 2)], max: floors[floors.length - 1] },
      };
    });
  }
}

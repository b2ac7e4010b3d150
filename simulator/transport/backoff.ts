/**
 * Reconnect delays: exponential with a cap, each shortened by a random part (jitter) so that nodes
 * which lost the broker together do not all come back in the same millisecond.
 * Delay n (from 0) = min(maxMs, initialMs × factor^n) × (1 − jitterRatio × random()).
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0 … 1: the share of each delay that is random. */
  jitterRatio: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitterRatio: 0.5 };

export class Backoff {
  readonly options: BackoffOptions;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    this.options = { ...DEFAULT_BACKOFF, ...options };
    const { initialMs, maxMs, factor, jitterRatio } = this.options;
    if (!(initialMs > 0) || !(maxMs >= initialMs) || !(factor >= 1) || !(jitterRatio >= 0 && jitterRatio <= 1)) {
      throw new RangeError(`backoff: need 0 < initialMs ≤ maxMs, factor ≥ 1 and 0 ≤ jitterRatio ≤ 1, got ${JSON.stringify(this.options)}`);
    }
    this.#random = random;
  }

  /** Delays handed out since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The nominal (jitter-free) delay of attempt n. */
  nominalMs(attempt: number): number {
    const { initialMs, maxMs, factor } = this.options;
    return Math.min(maxMs, initialMs * factor ** attempt);
  }

  next(): number {
    const nominal = this.nominalMs(this.#attempt++);
    return Math.round(nominal * (1 - this.options.jitterRatio * this.#random()));
  }

  /** After a successful connection. */
  reset(): void {
    this.#attempt = 0;
  }
}

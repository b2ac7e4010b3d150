/**
 * Background level tracking in the spirit of minimum statistics: the floor falls quickly to any
 * quieter level and climbs slowly (a fixed slew in dB per second), so a loud event of a few seconds
 * lifts it by a fraction of a dB while a lasting change of ambience is followed within tens of seconds.
 * Works on levels in dB (dBFS, dB re 1 g, ...) because the rise rate is a rate in dB.
 *
 * Because the floor hugs the quiet moments, it sits below the mean level of fluctuating noise (for
 * steady white noise about 0.6 dB with 4 ms frames, within 0.25 dB with 32 ms frames; more for an ambience
 * that comes and goes): set margins above it on the frame length they will be used with.
 */

export interface NoiseFloorOptions {
  /** Largest rise of the floor, dB per second of signal. Default 0.5: +10 dB of ambience is followed in 20 s. */
  riseDbPerS?: number;
  /** Time constant of the fall towards a quieter level, ms. Default 250. */
  fallMs?: number;
  /** Starting floor; undefined adopts the first level offered. */
  initialDb?: number;
}

export class NoiseFloorTracker {
  readonly riseDbPerS: number;
  readonly fallMs: number;
  /** Current floor, dB; NaN until the first update when no initial floor was given. */
  floorDb: number;

  constructor(options: NoiseFloorOptions = {}) {
    this.riseDbPerS = options.riseDbPerS ?? 0.5;
    this.fallMs = options.fallMs ?? 250;
    if (!(this.riseDbPerS > 0) || !(this.fallMs >= 0)) {
      throw new RangeError(`NoiseFloorTracker: riseDbPerS must be positive and fallMs not negative, got ${this.riseDbPerS}, ${this.fallMs}`);
    }
    this.floorDb = options.initialDb ?? NaN;
  }

  /** Offers the level of the latest frame, `dtMs` after the previous one; returns the new floor. */
  update(levelDb: number, dtMs: number): number {
    const floor = this.floorDb;
    if (!(levelDb > -Infinity)) return floor; // silence (−∞ dB) or NaN says nothing about the ambience
    if (Number.isNaN(floor)) {
      this.floorDb = levelDb;
    } else if (levelDb < floor) {
      this.floorDb = this.fallMs > 0 ? floor + (levelDb - floor) * (1 - Math.exp(-dtMs / this.fallMs)) : levelDb;
    } else {
      const rise = (this.riseDbPerS * dtMs) / 1000;
      this.floorDb = levelDb - floor < rise ? levelDb : floor + rise;
    }
    return this.floorDb;
  }

  /** Starts again from `initialDb`, or from the next level offered when it is undefined. */
  reset(initialDb?: number): void {
    this.floorDb = initialDb ?? NaN;
  }
}

/**
 * Parameter ranges for the acoustic generators. Every generator has two sets: `default`, the ranges the
 * glass-break detector was tuned on, and `holdout`, different ranges and variants it must never be tuned
 * on (only evaluated).
 */
import type { Rng } from '../rng';

export type ParamSet = 'default' | 'holdout';

/** A closed interval of a physical quantity; the unit is in the field name that holds it. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

export function range(min: number, max: number): Range {
  if (!(min <= max)) throw new RangeError(`range: min ${min} is above max ${max}`);
  return { min, max };
}

/** Uniform draw in the range. */
export function drawIn(rng: Rng, r: Range): number {
  return rng.uniform(r.min, r.max);
}

/** Log-uniform draw (for quantities spanning ratios: sizes, volumes, frequencies). */
export function drawLog(rng: Rng, r: Range): number {
  return Math.exp(rng.uniform(Math.log(r.min), Math.log(r.max)));
}

/** Throws a RangeError naming the parameter when `value` is not a finite number inside `r`. */
export function checkIn(where: string, value: number, r: Range): void {
  if (!Number.isFinite(value) || value < r.min || value > r.max) {
    throw new RangeError(`${where}: ${value} is outside ${r.min}..${r.max}`);
  }
}

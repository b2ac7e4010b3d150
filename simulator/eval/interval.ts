/**
 * How far a rate measured on a finite corpus can be trusted. 292 of 300 is 97.3 %, but the true recall of
 * the detector on that kind of case could as well be 94.8 % or 98.6 %; 0 alarms in 2100 confuser cases
 * does not mean none will ever alarm. The eval reports a 95 % interval beside every rate so that a
 * figure just over or under a target is read for what it is.
 *
 * Wilson's score interval (E. B. Wilson, "Probable inference, the law of succession, and statistical
 * inference", JASA 1927): unlike the normal approximation it stays inside 0..1 and is not empty at 0 or n
 * successes (0 of n: upper bound z²/(n + z²), about 3.8/n, near the "rule of three"). The cases of a
 * corpus are drawn independently, so each row is a binomial sample.
 */

/** Two-sided 95 %: the standard normal's 97.5 % quantile. */
export const Z_95 = 1.959963984540054;

export interface RateInterval {
  low: number;
  high: number;
}

/** Wilson score interval of `successes` out of `trials` (0..1 both ends); all of 0..1 when there are no trials. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): RateInterval {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || trials < 0 || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: ${successes} of ${trials} is not a count of successes out of trials`);
  }
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 or n successes one end is exactly 0 or 1; rounding must not move it.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: successes === trials ? 1 : Math.min(1, centre + halfWidth),
  };
}

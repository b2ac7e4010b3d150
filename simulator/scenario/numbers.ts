/**
 * Number rules for scenario fields, and the words that describe them in error messages and docs:
 * `{ unit: 'seconds', min: 0 }` reads "a non-negative number of seconds".
 */
export interface NumberRule {
  unit?: string;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (e.g. 0 for "positive"). */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  integer?: boolean;
}

export function describeNumber(rule: NumberRule): string {
  const noun = rule.integer === true ? 'integer' : 'number';
  const ofUnit = rule.unit === undefined ? '' : ` of ${rule.unit}`;
  if (rule.above === 0 && rule.max === undefined) return `a positive ${noun}${ofUnit}`;
  if (rule.min === 0 && rule.max === undefined) return `a non-negative ${noun}${ofUnit}`;
  const low = rule.min ?? rule.above;
  const lowWord = rule.above !== undefined ? 'above' : 'from';
  const article = noun === 'integer' ? 'an' : 'a';
  if (low !== undefined && rule.max !== undefined) return `${article} ${noun}${ofUnit} ${lowWord} ${low} to ${rule.max}`;
  if (low !== undefined) return `${article} ${noun}${ofUnit} ${rule.above !== undefined ? '>' : '≥'} ${low}`;
  if (rule.max !== undefined) return `${article} ${noun}${ofUnit} ≤ ${rule.max}`;
  return `a finite ${noun}${ofUnit}`;
}

export function numberFits(value: unknown, rule: NumberRule): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (rule.integer === true && !Number.isInteger(value)) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  if (rule.above !== undefined && value <= rule.above) return false;
  if (rule.max !== undefined && value > rule.max) return false;
  return true;
}

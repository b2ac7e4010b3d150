/**
 * Recommended thresholds from an ambient baseline: for every threshold a pipeline reports in its
 * telemetry (`option`, `threshold`, `current`, `unit`), a high quantile of `current` over the baseline
 * plus a margin in the threshold's unit, clamped to the option's range. Pure: the CLI (`npm run
 * calibrate`) and the browser console both use it, and every number it returns comes with its reasons.
 *
 * Rules (docs/calibration.md explains them to technicians):
 * - too few samples: no recommendation;
 * - a value that never changed over the baseline was not measured (a criterion the detector evaluates
 *   only once its gate opens reports its initial value meanwhile): nothing to calibrate from;
 * - only the level gates are calibrated (glass break `onsetDb`/`onsetRiseDb`, grinder `gateDb`, the
 *   impact and tilt thresholds in g and degrees): they compare the signal's level with what the room
 *   makes. `min…`/`max…` options and times in ms are criteria on the shape of a candidate event — what
 *   a break or a grinder looks like, not how loud the room is: ambient candidates already fail one of
 *   them, and raising each above the ambient makes the detector deaf to the real event (measured: the
 *   glass-break shape minima raised over a gallery's ambient took recall on the acoustic corpus from
 *   33/36 to 0/36). They are reported as `signature` and left alone;
 * - the recommendation never goes below the lower of the threshold in force and the option's default:
 *   a quiet room is no reason to make a detector more sensitive than it was tuned, but a threshold
 *   raised earlier may come back down towards the default;
 * - the result is clamped to the option's min..max; whole-number options are rounded up.
 */
import type { NumberOptionSpec } from '../../firmware/detect/options';

/** How much room to leave above the ambient quantile, for one unit: max(|q| × (ratio − 1), minStep). */
export interface MarginRule {
  ratio: number;
  minStep: number;
}

/**
 * Margins per unit. Levels in dB get a fixed 3 dB (twice the power). Linear amplitudes (g, counts) get
 * 50 % (3.5 dB). Angles get 50 % and at least 0.1°. Times and frequencies get 20 %.
 */
export const UNIT_MARGINS: Readonly<Record<string, MarginRule>> = {
  dB: { ratio: 1, minStep: 3 },
  g: { ratio: 1.5, minStep: 0.002 },
  count: { ratio: 1.5, minStep: 1 },
  deg: { ratio: 1.5, minStep: 0.1 },
  Hz: { ratio: 1.2, minStep: 1 },
  ms: { ratio: 1.2, minStep: 20 },
  ratio: { ratio: 1.2, minStep: 0.05 },
  fraction: { ratio: 1.2, minStep: 0.01 },
};
export const DEFAULT_MARGIN: MarginRule = { ratio: 1.25, minStep: 0 };

export interface CalibrationPolicy {
  /** Quantile of the ambient `current` values, 0..1. */
  quantile: number;
  /** Fewer finite samples than this give no recommendation. */
  minSamples: number;
  margins: Readonly<Record<string, MarginRule>>;
}

export const DEFAULT_POLICY: CalibrationPolicy = { quantile: 0.99, minSamples: 20, margins: UNIT_MARGINS };

/** What a baseline recorded for one threshold. */
export interface ThresholdSeries {
  /** Option path as telemetry names it, e.g. `glassBreak.onsetDb`. */
  option: string;
  unit: string;
  /** The threshold in force (the last value telemetry reported). */
  threshold: number;
  /** Finite `current` values in arrival order. */
  values: number[];
  /** Samples whose `current` was null (not finite, e.g. −∞ dB in digital silence). */
  nulls: number;
}

export type CalibrationAction = 'raise' | 'lower' | 'keep' | 'too-few-samples' | 'not-measured' | 'signature';

export interface Recommendation {
  option: string;
  /** Path in the node configuration: `detectors.<option>`. */
  configPath: string;
  unit: string;
  threshold: number;
  /** The new value; undefined when there is no recommendation (too few samples, not measured, signature). */
  recommended: number | undefined;
  action: CalibrationAction;
  samples: number;
  nulls: number;
  quantile: number;
  /** The ambient quantile, its maximum, and the margin added (in the unit); undefined without samples. */
  ambientQuantile: number | undefined;
  ambientMax: number | undefined;
  margin: number | undefined;
  /** One line per step of the reasoning, in order. */
  reasons: string[];
}

/** Quantile of ascending `sorted` values by linear interpolation between order statistics (R type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside 0..1`);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export function marginFor(unit: string, ambient: number, margins: Readonly<Record<string, MarginRule>> = UNIT_MARGINS): number {
  const rule = margins[unit] ?? DEFAULT_MARGIN;
  return Math.max(Math.abs(ambient) * (rule.ratio - 1), rule.minStep);
}

/** Rounds up to 3 significant digits (so the rounded value is never below the computed one). */
export function roundUp(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const step = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 2);
  return Number((Math.ceil(value / step - 1e-9) * step).toPrecision(3));
}

/** Readable number: at most 4 significant digits, no trailing zeros. */
export function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/**
 * Criteria on the shape of a candidate event rather than on the level of the signal: `min…`/`max…`
 * options (minHfRatioDb, maxTonality, minHarmonics, minScore) and times (minDurationMs, integrationMs).
 */
export function isSignatureCriterion(option: string, unit: string): boolean {
  const name = option.slice(option.lastIndexOf('.') + 1);
  return /^(min|max)[A-Z]/.test(name) || unit === 'ms';
}

export function recommendThreshold(series: ThresholdSeries, spec: NumberOptionSpec | undefined,
  policy: CalibrationPolicy = DEFAULT_POLICY): Recommendation {
  const { option, unit, threshold } = series;
  const samples = series.values.length;
  const base: Recommendation = {
    option, configPath: `detectors.${option}`, unit, threshold, recommended: undefined, action: 'keep', samples,
    nulls: series.nulls, quantile: policy.quantile, ambientQuantile: undefined, ambientMax: undefined, margin: undefined, reasons: [],
  };
  const reasons = base.reasons;
  const u = unit === '' ? '' : ` ${unit}`;
  reasons.push(`${samples} finite samples${series.nulls > 0 ? ` (${series.nulls} not finite, left out)` : ''}`);
  if (isSignatureCriterion(option, unit)) {
    reasons.push('a criterion on the shape of a candidate event (what the threat looks like, not how loud the room is): ' +
      'raising it above the ambient would make the detector miss the real event; left as it is — the level gates take the room');
    return { ...base, action: 'signature' };
  }
  if (samples < policy.minSamples) {
    reasons.push(`fewer than ${policy.minSamples}: record a longer baseline; no recommendation`);
    return { ...base, action: 'too-few-samples' };
  }
  const sorted = [...series.values].sort((a, b) => a - b);
  const ambientQuantile = quantile(sorted, policy.quantile);
  const ambientMax = sorted[sorted.length - 1];
  if (sorted[0] === ambientMax) {
    reasons.push(`it stayed at ${fmt(ambientMax)}${u} for the whole baseline: this ambient never made the detector measure it; nothing to calibrate from`);
    return { ...base, action: 'not-measured', ambientQuantile, ambientMax };
  }
  const margin = marginFor(unit, ambientQuantile, policy.margins);
  reasons.push(`ambient: median ${fmt(quantile(sorted, 0.5))}${u}, ${fmt(policy.quantile * 100)}th percentile ${fmt(ambientQuantile)}${u}, maximum ${fmt(ambientMax)}${u}`);
  let target = ambientQuantile + margin;
  const rule = policy.margins[unit];
  reasons.push(`margin ${fmt(margin)}${u} (${rule === undefined ? `unit '${unit}' has no rule: 25 %` : describeRule(rule, unit)}): ${fmt(ambientQuantile)} + ${fmt(margin)} = ${fmt(target)}${u}`);
  const floor = spec === undefined ? threshold : Math.min(threshold, spec.default);
  if (target < floor) {
    reasons.push(spec === undefined
      ? `below the threshold in force (${fmt(threshold)}${u}); without the option's spec it is never lowered`
      : `below ${threshold <= spec.default ? `the threshold in force (${fmt(threshold)}${u})` : `the default (${fmt(spec.default)}${u})`}: ` +
        'calibration never makes a detector more sensitive than its default or its current setting');
    target = floor;
  }
  if (spec !== undefined) {
    if (target > spec.max) {
      reasons.push(`clamped to the option's maximum ${fmt(spec.max)}${u}: the ambient is close to what the detector can tolerate`);
      target = spec.max;
    } else if (target < spec.min) {
      reasons.push(`clamped to the option's minimum ${fmt(spec.min)}${u}`);
      target = spec.min;
    }
    target = spec.integer === true ? Math.ceil(target - 1e-9) : Math.min(roundUp(target), spec.max);
  } else {
    reasons.push(`no spec for ${option}: range not checked (the node validates it)`);
    target = roundUp(target);
  }
  const action: CalibrationAction = target > threshold ? 'raise' : target < threshold ? 'lower' : 'keep';
  reasons.push(action === 'keep' ? `keep ${fmt(threshold)}${u}` : `${action} ${fmt(threshold)} → ${fmt(target)}${u}`);
  return { ...base, recommended: target, action, ambientQuantile, ambientMax, margin };
}

function describeRule(rule: MarginRule, unit: string): string {
  if (rule.ratio === 1) return `fixed ${fmt(rule.minStep)} ${unit}`;
  return `${fmt((rule.ratio - 1) * 100)} % of the ambient, at least ${fmt(rule.minStep)} ${unit}`;
}

export type SpecLookup = (option: string) => NumberOptionSpec | undefined;

/**
 * Detector option specs as plain data, `{ glassBreak: { onsetDb: { kind, default, unit, min, max, … } } }`:
 * a DetectorSpecRegistry, or the same sent to the browser as JSON.
 */
export type SpecRegistryJson = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * Per-role defaults that differ from the specs' (a RoleDetectorDefaults as plain data):
 * `{ balcony: { impact: { blowThresholdG: 0.5 } } }`.
 */
export type RoleDefaultsJson = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>>>;

/**
 * A lookup into a detector spec registry by telemetry option path (`<detectorKey>.<option>`). With the
 * node's role, an option's `default` is the role's (a balcony's blow threshold is not a display case's),
 * so "never below the default" means the default this node was tuned with.
 */
export function specLookup(registry: SpecRegistryJson, roleDefaults?: RoleDefaultsJson, role?: string): SpecLookup {
  const forRole = role === undefined ? undefined : roleDefaults?.[role];
  return (option) => {
    const dot = option.indexOf('.');
    if (dot < 0) return undefined;
    const key = option.slice(0, dot);
    const name = option.slice(dot + 1);
    const spec = registry[key]?.[name] as NumberOptionSpec | undefined;
    if (spec === undefined || spec.kind !== 'number') return undefined;
    const roleDefault = forRole?.[key]?.[name];
    return typeof roleDefault === 'number' ? { ...spec, default: roleDefault } : spec;
  };
}

export function recommendAll(series: readonly ThresholdSeries[], lookup: SpecLookup, policy: CalibrationPolicy = DEFAULT_POLICY): Recommendation[] {
  return series.map((s) => recommendThreshold(s, lookup(s.option), policy));
}

/** The cmd/config merge patch that applies the raises and lowers (undefined when nothing changes). */
export function configPatch(recommendations: readonly Recommendation[]): { detectors: Record<string, Record<string, number>> } | undefined {
  const detectors: Record<string, Record<string, number>> = {};
  let any = false;
  for (const r of recommendations) {
    if ((r.action !== 'raise' && r.action !== 'lower') || r.recommended === undefined) continue;
    const dot = r.option.indexOf('.');
    const key = r.option.slice(0, dot);
    (detectors[key] ??= {})[r.option.slice(dot + 1)] = r.recommended;
    any = true;
  }
  return any ? { detectors } : undefined;
}

/**
 * Walk-test margins: how far a test detection cleared its detector's thresholds, the way an installer
 * reads a glass-break simulator's result. Each option of the detector is paired with the alert feature
 * it is compared with; the margin is feature − threshold for lower bounds (`min…`, level thresholds)
 * and threshold − feature for upper bounds (`max…`), in the option's unit.
 *
 * Pairing: an explicit table for the detectors whose names differ, then `min<X>`/`max<X>` ↔ feature
 * `<x>`, then `<a>Threshold<B>` ↔ feature `<a><B>`. The headline is the weakest criterion that passed
 * (margins compared as a fraction of the threshold, or per 6 dB for dB); a criterion that did not pass
 * belongs to another way of deciding (impact's single-shock channel beside its blow count) and is
 * listed only. Times (ms) are listed but never the headline: an evidence time such as the grinder's
 * integrationMs is met exactly when the detector decides, so its margin is 0 by construction.
 */
import type { NumberOptionSpec } from '../../firmware/detect/options';
import type { SpecLookup } from './recommend';

/** option path (`<detector>.<option>`) → alert feature, where the names do not follow the rules. */
export const MARGIN_FEATURES: Readonly<Record<string, string>> = {
  'impact.blowThresholdG': 'peakG',
  'impact.shockThresholdG': 'peakG',
  'impact.blowCount': 'blowCount',
  'tilt.thresholdDeg': 'angleDeg',
  'grinder.integrationMs': 'evidenceMs',
  'grinder.minHarmonics': 'harmonicCount',
  'glassBreak.minTransients': 'transientCount',
};

const DETECTOR_OF_TYPE: Readonly<Record<string, string>> = {
  glass_break: 'glassBreak', grinder: 'grinder', impact: 'impact', tilt: 'tilt',
};

export interface CriterionMargin {
  option: string;
  feature: string;
  value: number;
  threshold: number;
  unit: string;
  /** `above`: the feature must reach the threshold; `below`: it must stay under it. */
  bound: 'above' | 'below';
  /** Positive: cleared with room; negative: this criterion did not pass. */
  margin: number;
  passed: boolean;
  /** margin per 6 dB (dB units) or as a fraction of |threshold|: comparable across units. */
  relative: number;
}

export interface WalkTestMargin {
  detector: string | undefined;
  criteria: CriterionMargin[];
  weakest: CriterionMargin | undefined;
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : text[0].toLowerCase() + text.slice(1);
}

/** Unit from a spec, else guessed from the name's suffix (`…Db`, `…Ms`, `…Hz`, `…G`, `…Deg`). */
function unitOf(name: string, spec: NumberOptionSpec | undefined): string {
  if (spec !== undefined) return spec.unit;
  const suffix = /(Db|Ms|Hz|Deg|G|Counts?)$/.exec(name)?.[1];
  const units: Record<string, string> = { Db: 'dB', Ms: 'ms', Hz: 'Hz', Deg: 'deg', G: 'g', Count: 'count', Counts: 'count' };
  return suffix === undefined ? '' : units[suffix];
}

function pairing(detector: string, name: string): { feature: string; bound: 'above' | 'below' } | undefined {
  const explicit = MARGIN_FEATURES[`${detector}.${name}`];
  if (explicit !== undefined) return { feature: explicit, bound: 'above' };
  const limit = /^(min|max)([A-Z].*)$/.exec(name);
  if (limit !== null) return { feature: lowerFirst(limit[2]), bound: limit[1] === 'min' ? 'above' : 'below' };
  const level = /^(.*)Threshold(.*)$/.exec(name);
  if (level !== null && level[1] !== '') return { feature: `${level[1]}${level[2]}`, bound: 'above' };
  return undefined;
}

export function walkTestMargin(alert: { type: string; features: Readonly<Record<string, number>> },
  detectors: Readonly<Record<string, Readonly<Record<string, number | boolean>>>> | undefined, lookup?: SpecLookup): WalkTestMargin {
  const detector = DETECTOR_OF_TYPE[alert.type];
  const options = detector === undefined ? undefined : detectors?.[detector];
  const criteria: CriterionMargin[] = [];
  if (detector === undefined || options === undefined) return { detector, criteria, weakest: undefined };
  for (const [name, threshold] of Object.entries(options)) {
    if (typeof threshold !== 'number') continue;
    const pair = pairing(detector, name);
    if (pair === undefined) continue;
    const value = alert.features[pair.feature];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const unit = unitOf(name, lookup?.(`${detector}.${name}`));
    const margin = pair.bound === 'above' ? value - threshold : threshold - value;
    const scale = unit === 'dB' ? 6 : Math.abs(threshold) > 0 ? Math.abs(threshold) : 1;
    criteria.push({ option: `${detector}.${name}`, feature: pair.feature, value, threshold, unit, bound: pair.bound, margin,
      passed: margin >= 0, relative: margin / scale });
  }
  let weakest: CriterionMargin | undefined;
  for (const c of criteria) if (c.passed && c.unit !== 'ms' && (weakest === undefined || c.relative < weakest.relative)) weakest = c;
  return { detector, criteria, weakest };
}

/** `+0.6 g over impact.blowThresholdG (peakG 0.9 g vs 0.3 g)`, or why there is no margin. */
export function describeMargin(margin: WalkTestMargin): string {
  const w = margin.weakest;
  if (w === undefined) {
    return margin.criteria.length === 0 ? 'no threshold of this detector could be paired with the alert\'s features' : 'no criterion passed by a margin';
  }
  const u = w.unit === '' ? '' : ` ${w.unit}`;
  const sign = w.margin >= 0 ? '+' : '';
  // In dB too for amplitudes (g, sensor counts: …Counts), as a test tool reads it; not for angles, ratios or
  // counts of things (blowCount, minHarmonics).
  const amplitude = w.unit === 'g' || (w.unit === 'count' && /Counts$/.test(w.option));
  const ratio = amplitude && w.threshold > 0 && w.value > 0 ? `, ${sign}${Number((20 * Math.log10(w.value / w.threshold)).toFixed(1))} dB` : '';
  return `${sign}${Number(w.margin.toPrecision(3))}${u}${w.bound === 'above' ? ratio : ''} on ${w.option} (${w.feature} ${Number(w.value.toPrecision(4))}${u} vs ${w.threshold}${u})`;
}

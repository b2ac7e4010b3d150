/**
 * Single acoustic cases for tests: a chosen event at a chosen level in a chosen ambient, reproducible
 * from the seed. Built with the same generators and placement as the corpus.
 */
import type { CorpusOptions, LabelledCase } from '../../simulator/signals/corpus';
import { Rng } from '../../simulator/signals/rng';
import type { Signal } from '../../simulator/signals/signal';
import type { ParamSet } from '../../simulator/signals/acoustic/ranges';
import type { AmbientProfile } from '../../simulator/signals/acoustic/ambient';
import { type GlassType, drawGlassBreakParams, glassBreak } from '../../simulator/signals/acoustic/glass-break';
import { type ConfuserClass, CONFUSERS, acousticCorpus, placeEvent } from '../../simulator/signals/corpus-acoustic';

export function glassCase(seed: number, glass: GlassType, levelDb: number, profile: AmbientProfile, set: ParamSet = 'default'): LabelledCase {
  const rng = new Rng(seed);
  const params = drawGlassBreakParams(rng, set, glass);
  return placeEvent(rng, set, { id: `glass_break/${glass}/+${levelDb}dB/${profile}`, threat: 'glass_break', group: 'glass_break', profile, levelDb, event: glassBreak(rng, params), params });
}

export function confuserCase(seed: number, group: ConfuserClass, levelDb: number, profile: AmbientProfile, set: ParamSet = 'default'): LabelledCase {
  const rng = new Rng(seed);
  const { signal, params } = CONFUSERS[group].make(rng, set);
  return placeEvent(rng, set, { id: `${group}/+${levelDb}dB/${profile}`, threat: null, group, profile, levelDb, event: signal, params });
}

/** 16-bit counts of a full-scale signal, saturating like the microphone (as feedBlocks does). */
export function toCounts(signal: Signal): number[] {
  return Array.from(signal.data, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
}

const corpora = new Map<string, LabelledCase[]>();

/** The acoustic corpus for these options, generated once per test process (several test files share it). */
export function sharedCorpus(options: CorpusOptions): LabelledCase[] {
  const key = JSON.stringify(options);
  let cases = corpora.get(key);
  if (cases === undefined) {
    cases = acousticCorpus(options);
    corpora.set(key, cases);
  }
  return cases;
}

/**
 * Single acoustic cases for tests: a chosen event at a chosen level in a chosen ambient, reproducible
 * from the seed. Built with the same generators and placement as the corpus.
 */
import type { CorpusOptions, LabelledCase } from '../../simulator/signals/corpus';
import { Rng } from '../../simulator/signals/rng';
import { type Signal, dbToGain, mixInto } from '../../simulator/signals/signal';
import { activeRms, micHighpass } from '../../simulator/signals/acoustic/level';
import type { ParamSet } from '../../simulator/signals/acoustic/ranges';
import type { AmbientProfile } from '../../simulator/signals/acoustic/ambient';
import { type GlassType, drawGlassBreakParams, glassBreak, paneKnock } from '../../simulator/signals/acoustic/glass-break';
import { type ConfuserClass, CONFUSERS, acousticCorpus, placeEvent } from '../../simulator/signals/corpus-acoustic';

export function glassCase(seed: number, glass: GlassType, levelDb: number, profile: AmbientProfile, set: ParamSet = 'default'): LabelledCase {
  const rng = new Rng(seed);
  const params = drawGlassBreakParams(rng, set, glass);
  return placeEvent(rng, set, { id: `glass_break/${glass}/+${levelDb}dB/${profile}`, threat: 'glass_break', group: 'glass_break', profile, levelDb, event: glassBreak(rng, params), params });
}

/**
 * A break preceded by `knocks` blows on the same pane that did not break it (a thief's first strikes),
 * `gapS` apart, each `knockDb` relative to the break's active level.
 */
export function knockedGlassCase(seed: number, glass: GlassType, levelDb: number, profile: AmbientProfile, knocks: number, gapS: number, knockDb: number): LabelledCase {
  const rng = new Rng(seed);
  const params = drawGlassBreakParams(rng, 'default', glass);
  const event = glassBreak(rng, params);
  const knock = micHighpass(paneKnock(rng, params).data);
  const c = placeEvent(rng, 'default', { id: `glass_break/${glass}/+${levelDb}dB/${profile}/knocked`, threat: 'glass_break', group: 'glass_break', profile, levelDb, event, params });
  const gain = dbToGain((c.params.eventDbfs as number) + knockDb) / activeRms(knock);
  for (let k = 1; k <= knocks; k++) mixInto(c.signal, { rateHz: c.signal.rateHz, channels: 1, data: knock }, (c.onsetS as number) - k * gapS, gain);
  return c;
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

/**
 * The labelled acoustic corpus: glass breaks of every glass type at levels 10, 20 and 30 dB (and more)
 * above the ambient floor, every confuser class at realistic and loud levels, and ambient alone, each
 * in one of the ambient profiles. `size: 'small'` is for CI (about a minute of audio per set), `full`
 * for `npm run eval`. `holdout: true` draws every parameter from the holdout ranges.
 *
 * Levels: an event's level is its active level (level.ts) at the microphone, relative to the ambient
 * floor (the ambient's RMS). The active level is capped at −15 dBFS (about 105 dB SPL on a −26 dBFS /
 * 94 dB SPL MEMS microphone; the impulsive peaks of a close break may still clip, as they would on the
 * device); `params.eventDbfs` records the level applied.
 */
import type { CorpusOptions, LabelledCase } from './corpus';
import { Rng } from './rng';
import { type Signal, dbToGain, mixInto } from './signal';
import type { ParamSet } from './acoustic/ranges';
import { type AmbientProfile, AMBIENT_PROFILES, ambient, drawAmbientParams } from './acoustic/ambient';
import { GLASS_TYPES, drawGlassBreakParams, drawPaneKnockParams, glassBreak, paneKnocks } from './acoustic/glass-break';
import { bell, cymbal, drawBellParams, drawCymbalParams, drawKeysParams, keys } from './acoustic/metal';
import { clap, doorSlam, drawClapParams, drawDoorSlamParams, drawDroppedObjectParams, droppedObject } from './acoustic/impacts';
import { crowd, drawCrowdParams, drawSpeechParams, speech } from './acoustic/voice';
import { drawMusicParams, music } from './acoustic/music';
import { drawHvacStartParams, hvacStart } from './acoustic/hvac';
import { activeRms, activeSpanS, micHighpass } from './acoustic/level';
import { MIC_RATE_HZ } from './acoustic/synth';

/** Event levels over the floor for the glass breaks, dB. */
export const GLASS_LEVELS_DB: Record<CorpusOptions['size'], readonly number[]> = {
  small: [10, 20, 30],
  full: [10, 15, 20, 30, 40],
};

export type ConfuserClass = 'cymbal' | 'bell' | 'clap' | 'keys' | 'speech' | 'music' | 'door_slam' | 'dropped_object' | 'hvac' | 'crowd' | 'pane_knock';

interface ConfuserSpec {
  /** Realistic and loud level ranges over the floor, dB. */
  realisticDb: readonly [number, number];
  loudDb: readonly [number, number];
  make(rng: Rng, set: ParamSet): { signal: Signal; params: object };
}

function made<P extends object>(params: P, signal: Signal): { signal: Signal; params: object } {
  return { signal, params };
}

export const CONFUSERS: Record<ConfuserClass, ConfuserSpec> = {
  cymbal: { realisticDb: [15, 30], loudDb: [30, 45], make: (r, s) => { const p = drawCymbalParams(r, s); return made(p, cymbal(r, p)); } },
  bell: { realisticDb: [10, 25], loudDb: [25, 40], make: (r, s) => { const p = drawBellParams(r, s); return made(p, bell(r, p)); } },
  clap: { realisticDb: [15, 30], loudDb: [30, 45], make: (r, s) => { const p = drawClapParams(r, s); return made(p, clap(r, p)); } },
  keys: { realisticDb: [5, 20], loudDb: [20, 35], make: (r, s) => { const p = drawKeysParams(r, s); return made(p, keys(r, p)); } },
  speech: { realisticDb: [5, 20], loudDb: [20, 35], make: (r, s) => { const p = drawSpeechParams(r, s); return made(p, speech(r, p)); } },
  music: { realisticDb: [5, 20], loudDb: [20, 35], make: (r, s) => { const p = drawMusicParams(r, s); return made(p, music(r, p)); } },
  door_slam: { realisticDb: [15, 30], loudDb: [30, 45], make: (r, s) => { const p = drawDoorSlamParams(r, s); return made(p, doorSlam(r, p)); } },
  dropped_object: { realisticDb: [10, 25], loudDb: [25, 40], make: (r, s) => { const p = drawDroppedObjectParams(r, s); return made(p, droppedObject(r, p)); } },
  hvac: { realisticDb: [5, 15], loudDb: [15, 30], make: (r, s) => { const p = drawHvacStartParams(r, s); return made(p, hvacStart(r, p)); } },
  crowd: { realisticDb: [5, 15], loudDb: [15, 25], make: (r, s) => { const p = drawCrowdParams(r, s); return made(p, crowd(r, p)); } },
  // Last, so that the cases before it keep their numbers: knocks on a pane that stays whole (a visitor at a
  // display case), the confuser that flexes the pane as a break does (eval --pane).
  pane_knock: { realisticDb: [10, 25], loudDb: [25, 40], make: (r, s) => { const p = drawPaneKnockParams(r, s); return made(p, paneKnocks(r, p)); } },
};
export const CONFUSER_CLASSES = Object.keys(CONFUSERS) as ConfuserClass[];

/** Ambient before the event: the detector's noise floor settles in it. */
const LEAD_S = 1.2;
const TAIL_S = 0.4;
/** Events are cut after this long (music, crowds, long bells). */
const MAX_EVENT_S = 3;
const MAX_EVENT_DBFS = -15;

/**
 * The labelled acoustic corpus of a seed. `only`: build just the cases of these numbers (the `#n` that ends
 * each id), each the same as in the whole corpus (every case draws from its own fork of the seed's stream).
 */
export function acousticCorpus(options: CorpusOptions, only?: ReadonlySet<number>): LabelledCase[] {
  const set: ParamSet = options.holdout ? 'holdout' : 'default';
  const full = options.size === 'full';
  const master = new Rng((options.seed ^ (options.holdout ? 0x5eed0b1e : 0x0ac0571c)) >>> 0);
  const cases: LabelledCase[] = [];
  let serial = 0;
  const profileFor = (i: number): AmbientProfile => AMBIENT_PROFILES[i % AMBIENT_PROFILES.length];

  // Threats: every glass type at every level, spread over the ambient profiles.
  const repeats = full ? 4 : 1;
  for (const glass of GLASS_TYPES) {
    for (const levelDb of GLASS_LEVELS_DB[options.size]) {
      for (let rep = 0; rep < repeats * AMBIENT_PROFILES.length; rep++) {
        const rng = master.fork();
        const number = serial++;
        if (only !== undefined && !only.has(number)) continue;
        const profile = profileFor(rep);
        const params = drawGlassBreakParams(rng, set, glass);
        const event = glassBreak(rng, params);
        cases.push(placeEvent(rng, set, {
          id: `glass_break/${glass}/+${levelDb}dB/${profile}/#${number}`,
          threat: 'glass_break', group: 'glass_break', profile, levelDb, event, params,
        }));
      }
    }
  }
  // Confusers: every class at a realistic and a loud level.
  const confuserRepeats = full ? 3 : 1;
  CONFUSER_CLASSES.forEach((name, classIndex) => {
    const spec = CONFUSERS[name];
    for (const loudness of ['realistic', 'loud'] as const) {
      for (let rep = 0; rep < confuserRepeats * (full ? AMBIENT_PROFILES.length : 1); rep++) {
        const rng = master.fork();
        const number = serial++;
        if (only !== undefined && !only.has(number)) continue;
        const profile = profileFor(rep + classIndex + (loudness === 'loud' ? 1 : 0));
        const [low, high] = loudness === 'realistic' ? spec.realisticDb : spec.loudDb;
        const levelDb = Math.round(rng.uniform(low, high));
        const { signal, params } = spec.make(rng, set);
        cases.push(placeEvent(rng, set, {
          id: `${name}/${loudness}/+${levelDb}dB/${profile}/#${number}`,
          threat: null, group: name, profile, levelDb, event: signal, params: { ...params, loudness },
        }));
      }
    }
  });
  // Ambient alone.
  for (let rep = 0; rep < (full ? 4 : 1) * AMBIENT_PROFILES.length; rep++) {
    const rng = master.fork();
    const number = serial++;
    if (only !== undefined && !only.has(number)) continue;
    const profile = profileFor(rep);
    const ambientParams = drawAmbientParams(rng, set, profile, full ? 8 : 5);
    cases.push({
      id: `ambient/${profile}/#${number}`,
      sensor: 'acoustic', threat: null, group: 'ambient', onsetS: null, endS: null,
      signal: ambient(rng, ambientParams),
      params: flatten({ profile, floorDbfs: ambientParams.floorDbfs }),
    });
  }
  return cases;
}

export interface Composition {
  id: string;
  threat: 'glass_break' | null;
  group: string;
  profile: AmbientProfile;
  /** Event level over the ambient floor, dB (capped so the event stays at or below −15 dBFS active). */
  levelDb: number;
  event: Signal;
  params: object;
}

/**
 * Puts an event into an ambient of its own (drawn from `set`): the event's active level set `levelDb`
 * over the floor, its onset 1.2–1.5 s in (the detector's floor settles before it).
 */
export function placeEvent(rng: Rng, set: ParamSet, c: Composition): LabelledCase {
  const eventData = micHighpass(c.event.data.slice(0, Math.round(MAX_EVENT_S * MIC_RATE_HZ)));
  const eventS = eventData.length / MIC_RATE_HZ;
  const onsetS = LEAD_S + rng.uniform(0, 0.3);
  const ambientParams = drawAmbientParams(rng, set, c.profile, onsetS + eventS + TAIL_S);
  const signal = ambient(rng, ambientParams);
  const floorRms = dbToGain(ambientParams.floorDbfs);
  const targetRms = Math.min(floorRms * dbToGain(c.levelDb), dbToGain(MAX_EVENT_DBFS));
  const eventDbfs = 20 * Math.log10(targetRms);
  const current = activeRms(eventData);
  const event: Signal = { rateHz: MIC_RATE_HZ, channels: 1, data: eventData };
  mixInto(signal, event, onsetS, current > 0 ? targetRms / current : 0);
  const span = activeSpanS(eventData);
  return {
    id: c.id,
    sensor: 'acoustic',
    threat: c.threat,
    group: c.group,
    levelDb: c.levelDb,
    onsetS: onsetS + span.startS,
    endS: onsetS + span.endS,
    signal,
    params: flatten({ ...c.params, profile: c.profile, floorDbfs: ambientParams.floorDbfs, eventDbfs }),
  };
}

/** Nested generator parameters as one flat record (`room.distanceM`). */
function flatten(value: object, prefix = '', out: Record<string, number | string | boolean> = {}): Record<string, number | string | boolean> {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[name] = v;
    else if (Array.isArray(v)) out[name] = v.join(',');
    else if (v !== null && typeof v === 'object') flatten(v as object, name, out);
  }
  return out;
}

/**
 * Ambient profiles: the background every event is heard against, with a defined floor level (the RMS
 * of the ambient at the microphone, dBFS, the microphone's self-noise and low-frequency roll-off
 * included).
 * - quiet_gallery: a closed or empty gallery: distant ventilation, the odd footstep far away;
 * - busy_gallery: visitors talking and walking, ventilation under it;
 * - hvac_plant: next to a ventilation unit: rumble, fan and hum tones, hiss.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { type ParamSet, type Range, checkIn, drawIn, range } from './ranges';
import { type HvacParams, drawHvacParams, hvac } from './hvac';
import { type CrowdParams, crowd, drawCrowdParams } from './voice';
import { MIC_SELF_NOISE_DBFS, addMicSelfNoise, micHighpass } from './level';
import { MIC_RATE_HZ, addInto, normaliseRms } from './synth';

export type AmbientProfile = 'quiet_gallery' | 'busy_gallery' | 'hvac_plant';
export const AMBIENT_PROFILES: readonly AmbientProfile[] = ['quiet_gallery', 'busy_gallery', 'hvac_plant'];

/** Floor levels of each profile, dBFS (0 dBFS = 120 dB SPL for a −26 dBFS/94 dB SPL MEMS microphone). */
export const AMBIENT_FLOOR_DBFS: Record<ParamSet, Record<AmbientProfile, Range>> = {
  default: { quiet_gallery: range(-76, -68), busy_gallery: range(-58, -48), hvac_plant: range(-62, -52) },
  holdout: { quiet_gallery: range(-80, -72), busy_gallery: range(-52, -42), hvac_plant: range(-56, -46) },
};

export interface AmbientParams {
  profile: AmbientProfile;
  durationS: number;
  floorDbfs: number;
  hvac: HvacParams;
  /** Visitors (busy gallery; a lone distant walker or none in the quiet one); null in the plant room. */
  crowd: CrowdParams | null;
  /** RMS of the visitors relative to the ventilation, dB (ignored without visitors). */
  peopleDb: number;
}

export function drawAmbientParams(rng: Rng, set: ParamSet, profile: AmbientProfile, durationS: number): AmbientParams {
  const floorDbfs = drawIn(rng, AMBIENT_FLOOR_DBFS[set][profile]);
  let people: CrowdParams | null = null;
  let peopleDb = 0;
  if (profile === 'busy_gallery') {
    people = drawCrowdParams(rng, set, durationS);
    peopleDb = rng.uniform(3, 15);
  } else if (profile === 'quiet_gallery') {
    people = { ...drawCrowdParams(rng, set, durationS), talkers: 0, walkers: rng.int(0, 1) };
    peopleDb = rng.uniform(-15, -6);
  }
  return { profile, durationS, floorDbfs, hvac: drawHvacParams(rng, set, durationS), crowd: people, peopleDb };
}

export function ambient(rng: Rng, p: AmbientParams): Signal {
  checkIn('ambient.durationS', p.durationS, range(0.1, 600));
  checkIn('ambient.floorDbfs', p.floorDbfs, range(-90, -10));
  checkIn('ambient.peopleDb', p.peopleDb, range(-60, 40));
  const out = micHighpass(normaliseRms(hvac(rng, p.hvac), 1)).slice(0, Math.round(p.durationS * MIC_RATE_HZ));
  if (p.crowd !== null && (p.crowd.talkers > 0 || p.crowd.walkers > 0)) {
    const people = micHighpass(normaliseRms(crowd(rng, p.crowd).data.slice(), 1));
    addInto(out, people, 0, 10 ** (p.peopleDb / 20));
  }
  // Scale the sound so that, with the microphone's own noise added, the RMS is the floor level.
  const floorPower = 10 ** (p.floorDbfs / 10);
  const selfPower = 10 ** (MIC_SELF_NOISE_DBFS / 10);
  normaliseRms(out, Math.sqrt(Math.max(floorPower - selfPower, floorPower * 0.01)));
  addMicSelfNoise(rng, out);
  return { rateHz: MIC_RATE_HZ, channels: 1, data: out };
}

/**
 * Metallic confusers: cymbals, bells and keys. All ring: their energy sits in vibration modes that
 * keep their frequencies from one strike to the next, which is what separates them from glass, whose
 * every fragment rings at its own frequency.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { type ParamSet, type Range, checkIn, drawIn, drawLog, range } from './ranges';
import { type RoomParams, drawRoom, propagate } from './room';
import { MIC_RATE_HZ, addInto, addMode, noiseBurst, samplesOf } from './synth';

const MAX_MODE_HZ = 7800;

// ---------------------------------------------------------------------------------------------
// Cymbals
// ---------------------------------------------------------------------------------------------

/** crash: one hit, long decay. ride: a pattern of pings. splash (holdout): small, bright, short. hihat (holdout): open hi-hat pattern. */
export type CymbalKind = 'crash' | 'ride' | 'splash' | 'hihat';
export const CYMBAL_KINDS: Record<ParamSet, readonly CymbalKind[]> = { default: ['crash', 'ride'], holdout: ['splash', 'hihat'] };

export interface CymbalParams {
  kind: CymbalKind;
  /** Strikes in the pattern (1 for a single crash). */
  strikes: number;
  /** Strikes per second in a pattern. */
  strikeRateHz: number;
  /** Decay time constant of the mid partials (HF partials decay faster). */
  decayS: number;
  /** Centre of the spectral envelope (strong 3–8 kHz content). */
  brightnessHz: number;
  room: RoomParams;
}

export function drawCymbalParams(rng: Rng, set: ParamSet): CymbalParams {
  const kind = rng.pick(CYMBAL_KINDS[set]);
  const shape: Record<CymbalKind, { strikes: [number, number]; rate: Range; decay: Range; bright: Range }> = {
    crash: { strikes: [1, 1], rate: range(1, 1), decay: range(0.8, 2.5), bright: range(3000, 6000) },
    ride: { strikes: [4, 10], rate: range(2, 6), decay: range(1.5, 3), bright: range(2500, 5000) },
    splash: { strikes: [1, 2], rate: range(1.5, 3), decay: range(0.3, 0.8), bright: range(4500, 7000) },
    hihat: { strikes: [4, 10], rate: range(3, 8), decay: range(0.15, 0.5), bright: range(5000, 7500) },
  };
  const s = shape[kind];
  return {
    kind,
    strikes: rng.int(s.strikes[0], s.strikes[1]),
    strikeRateHz: drawIn(rng, s.rate),
    decayS: drawIn(rng, s.decay),
    brightnessHz: drawIn(rng, s.bright),
    room: drawRoom(rng, set),
  };
}

export function cymbal(rng: Rng, p: CymbalParams): Signal {
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, cymbalDry(rng, p), p.room) };
}

/** The cymbal as 1 m from it (used by the drum kit in music.ts as well). */
export function cymbalDry(rng: Rng, p: Omit<CymbalParams, 'kind' | 'room'>): Float32Array {
  checkIn('cymbal.strikes', p.strikes, range(1, 32));
  checkIn('cymbal.strikeRateHz', p.strikeRateHz, range(0.2, 20));
  checkIn('cymbal.decayS', p.decayS, range(0.05, 6));
  checkIn('cymbal.brightnessHz', p.brightnessHz, range(1000, MAX_MODE_HZ));
  const lengthS = (p.strikes - 1) / p.strikeRateHz + p.decayS * 2.5 + 0.05;
  const dry = new Float32Array(samplesOf(lengthS));
  // One cymbal: a fixed set of densely packed inharmonic partials with a bright spectral envelope.
  const partials = 260;
  const freqs = new Float64Array(partials);
  const weights = new Float64Array(partials);
  for (let k = 0; k < partials; k++) {
    freqs[k] = Math.exp(rng.uniform(Math.log(300), Math.log(MAX_MODE_HZ)));
    const octaves = Math.log2(freqs[k] / p.brightnessHz);
    weights[k] = Math.exp(-0.5 * (octaves / 1.1) ** 2) * Math.exp(0.4 * rng.normal());
  }
  for (let s = 0; s < p.strikes; s++) {
    const start = samplesOf(s / p.strikeRateHz);
    const force = s === 0 ? 1 : Math.exp(0.25 * rng.normal()) * 0.7;
    for (let k = 0; k < partials; k++) {
      // Higher partials decay faster (radiation and internal damping grow with frequency).
      const decay = p.decayS * Math.sqrt(1000 / freqs[k]) * rng.uniform(0.7, 1.3);
      addMode(dry, start, freqs[k], force * weights[k] * 0.08, decay, rng.uniform(0, 2 * Math.PI));
    }
    // Stick attack and the nonlinear "wash" of the first tens of milliseconds.
    const wash = noiseBurst(rng, 0.3, 0.001, p.decayS * 0.12, [
      { kind: 'highpass', freqHz: 2000, q: 0.7 },
      { kind: 'peak', freqHz: p.brightnessHz, q: 0.8, gainDb: 6 },
    ]);
    addInto(dry, wash, start, force * 0.25);
  }
  return dry;
}

// ---------------------------------------------------------------------------------------------
// Bells
// ---------------------------------------------------------------------------------------------

/**
 * handbell and desk (service) bell in the default set; bicycle bell trill (a clapper striking 15–25
 * times a second) and wind chimes (free-free tubes struck at random) in the holdout.
 */
export type BellKind = 'handbell' | 'desk' | 'bicycle' | 'chimes';
export const BELL_KINDS: Record<ParamSet, readonly BellKind[]> = { default: ['handbell', 'desk'], holdout: ['bicycle', 'chimes'] };

export interface BellParams {
  kind: BellKind;
  /** Fundamental (lowest strong partial) of the bell or of the lowest chime tube. */
  fundamentalHz: number;
  strikes: number;
  strikeRateHz: number;
  decayS: number;
  room: RoomParams;
}

/** Partial ratios: a tuned handbell, a thin service-bell dome, and a free-free tube (chimes). */
const BELL_PARTIALS: Record<BellKind, readonly number[]> = {
  handbell: [1, 2.0, 3.0, 4.16, 5.43, 6.8],
  desk: [1, 2.32, 4.1, 6.25],
  bicycle: [1, 1.67, 2.48, 3.51],
  chimes: [1, 2.76, 5.4, 8.93],
};

export function drawBellParams(rng: Rng, set: ParamSet): BellParams {
  const kind = rng.pick(BELL_KINDS[set]);
  const shape: Record<BellKind, { f0: Range; strikes: [number, number]; rate: Range; decay: Range }> = {
    handbell: { f0: range(400, 1600), strikes: [1, 4], rate: range(1, 3), decay: range(0.8, 2.5) },
    desk: { f0: range(1800, 3500), strikes: [1, 3], rate: range(2, 5), decay: range(0.6, 1.5) },
    bicycle: { f0: range(2000, 3600), strikes: [6, 24], rate: range(15, 25), decay: range(0.3, 0.8) },
    chimes: { f0: range(700, 2500), strikes: [5, 20], rate: range(3, 12), decay: range(1, 3) },
  };
  const s = shape[kind];
  return {
    kind,
    fundamentalHz: drawLog(rng, s.f0),
    strikes: rng.int(s.strikes[0], s.strikes[1]),
    strikeRateHz: drawIn(rng, s.rate),
    decayS: drawIn(rng, s.decay),
    room: drawRoom(rng, set),
  };
}

export function bell(rng: Rng, p: BellParams): Signal {
  checkIn('bell.fundamentalHz', p.fundamentalHz, range(100, 6000));
  checkIn('bell.strikes', p.strikes, range(1, 64));
  checkIn('bell.strikeRateHz', p.strikeRateHz, range(0.2, 40));
  checkIn('bell.decayS', p.decayS, range(0.05, 6));
  const ratios = BELL_PARTIALS[p.kind];
  // Chimes: five to eight tubes tuned around the fundamental; every other kind is one bell.
  const bodies = p.kind === 'chimes' ? rng.int(5, 8) : 1;
  const bodyHz = Array.from({ length: bodies }, (_, i) => p.fundamentalHz * (bodies === 1 ? 1 : 2 ** (i / 5 + 0.05 * rng.normal())));
  const lengthS = (p.strikes - 1) / p.strikeRateHz + p.decayS * 3 + 0.05;
  const dry = new Float32Array(samplesOf(lengthS));
  for (let s = 0; s < p.strikes; s++) {
    const jitter = p.kind === 'chimes' ? rng.uniform(-0.4, 0.4) : rng.uniform(-0.05, 0.05);
    const start = samplesOf(Math.max(0, (s + jitter) / p.strikeRateHz));
    const body = bodyHz[rng.int(0, bodies - 1)];
    const force = Math.exp(0.3 * rng.normal());
    ratios.forEach((ratio, i) => {
      const f = body * ratio;
      if (f >= MAX_MODE_HZ) return;
      addMode(dry, start, f, (force * 0.5) / (1 + 0.5 * i), (p.decayS * Math.sqrt(p.fundamentalHz / f)), rng.uniform(0, 2 * Math.PI));
    });
    const click = noiseBurst(rng, 0.004, 0.0002, 0.0008, [{ kind: 'highpass', freqHz: 1000, q: 0.7 }]);
    addInto(dry, click, start, force * 0.15);
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

export interface KeysParams {
  keys: number;
  /** Hand shakes per second; each shake makes a cluster of contacts. */
  shakeHz: number;
  contactsPerShake: number;
  durationS: number;
  /** Fundamental bending mode of the keys (each key gets its own near it). */
  keyModeHz: number;
  /** Quality factor of the key modes (small steel and brass parts ring). */
  q: number;
  room: RoomParams;
}

export const KEYS_RANGES: Record<ParamSet, { keys: [number, number]; shakeHz: Range; contacts: [number, number]; durationS: Range; keyModeHz: Range; q: Range }> = {
  default: { keys: [3, 7], shakeHz: range(2, 5), contacts: [2, 6], durationS: range(0.6, 2.5), keyModeHz: range(2500, 4500), q: range(80, 300) },
  holdout: { keys: [6, 12], shakeHz: range(4, 8), contacts: [3, 9], durationS: range(0.4, 3), keyModeHz: range(2000, 5500), q: range(50, 400) },
};

export function drawKeysParams(rng: Rng, set: ParamSet): KeysParams {
  const r = KEYS_RANGES[set];
  return {
    keys: rng.int(r.keys[0], r.keys[1]),
    shakeHz: drawIn(rng, r.shakeHz),
    contactsPerShake: rng.int(r.contacts[0], r.contacts[1]),
    durationS: drawIn(rng, r.durationS),
    keyModeHz: drawLog(rng, r.keyModeHz),
    q: drawLog(rng, r.q),
    room: drawRoom(rng, set),
  };
}

/** Free-free bar mode ratios (a key is a small bar): 1, 2.76, 5.40. */
const BAR_RATIOS = [1, 2.76, 5.4];

export function keys(rng: Rng, p: KeysParams): Signal {
  checkIn('keys.keys', p.keys, range(1, 20));
  checkIn('keys.shakeHz', p.shakeHz, range(0.5, 15));
  checkIn('keys.contactsPerShake', p.contactsPerShake, range(1, 20));
  checkIn('keys.durationS', p.durationS, range(0.1, 10));
  checkIn('keys.keyModeHz', p.keyModeHz, range(500, MAX_MODE_HZ));
  checkIn('keys.q', p.q, range(5, 2000));
  const keyHz = Array.from({ length: p.keys }, () => p.keyModeHz * Math.exp(0.25 * rng.normal()));
  const dry = new Float32Array(samplesOf(p.durationS + 0.3));
  const shakes = Math.max(1, Math.round(p.durationS * p.shakeHz));
  for (let s = 0; s < shakes; s++) {
    const shakeS = s / p.shakeHz + rng.uniform(0, 0.05);
    const contacts = rng.int(1, p.contactsPerShake);
    for (let c = 0; c < contacts; c++) {
      const start = samplesOf(shakeS + rng.uniform(0, 0.08));
      const force = Math.exp(0.7 * rng.normal());
      // A contact excites the two keys that touch.
      for (let side = 0; side < 2; side++) {
        const f0 = keyHz[rng.int(0, p.keys - 1)];
        BAR_RATIOS.forEach((ratio, i) => {
          const f = f0 * ratio;
          if (f < MAX_MODE_HZ) addMode(dry, start, f, (force * 0.3) / (1 + i), p.q / (Math.PI * f), rng.uniform(0, 2 * Math.PI));
        });
      }
      // The click of the contact: a second difference, since keys a few cm long radiate little low frequency.
      if (start + 3 < dry.length) {
        const click = force * 0.2 * (rng.next() < 0.5 ? -1 : 1);
        dry[start] -= 0.5 * click;
        dry[start + 1] += click;
        dry[start + 2] -= 0.5 * click;
      }
    }
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}

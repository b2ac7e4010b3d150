/**
 * Voices: speech (a source–filter model: glottal pulses through vowel formants, noise for fricatives
 * and plosive bursts, at a syllable rate of 3–6 per second) and crowd babble (many talkers at
 * different distances plus footsteps, through one room).
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { type ParamSet, type Range, checkIn, drawIn, drawLog, range } from './ranges';
import { type RoomParams, drawRoom, propagate } from './room';
import { MIC_RATE_HZ, addInto, addMode, energy, filterChain, noiseBurst, normaliseRms, pinkNoise, samplesOf, tiltDown, whiteNoise } from './synth';

/** Adult talkers (default); a child with squeals and a shouting adult (holdout). */
export type VoiceKind = 'male' | 'female' | 'child' | 'shout';
export const VOICE_KINDS: Record<ParamSet, readonly VoiceKind[]> = { default: ['male', 'female'], holdout: ['child', 'shout'] };

export interface SpeechParams {
  kind: VoiceKind;
  durationS: number;
  /** Mean fundamental frequency of the voice. */
  f0Hz: number;
  syllablesPerS: number;
  room: RoomParams;
}

const VOICE: Record<VoiceKind, { f0: Range; formantScale: number; tiltPole: number }> = {
  male: { f0: range(90, 140), formantScale: 1, tiltPole: 0.93 },
  female: { f0: range(170, 250), formantScale: 1.17, tiltPole: 0.9 },
  child: { f0: range(250, 400), formantScale: 1.3, tiltPole: 0.86 },
  // A shout has a raised pitch and a flatter source spectrum (pressed phonation).
  shout: { f0: range(200, 320), formantScale: 1.05, tiltPole: 0.75 },
};

/** First three formants of five vowels (adult male), Hz. */
const VOWELS: readonly (readonly [number, number, number])[] = [
  [730, 1090, 2440], [530, 1840, 2480], [270, 2290, 3010], [570, 840, 2410], [300, 870, 2240],
];

export function drawSpeechParams(rng: Rng, set: ParamSet, durationS = rng.uniform(1.5, 4)): SpeechParams {
  const kind = rng.pick(VOICE_KINDS[set]);
  return { kind, durationS, f0Hz: drawIn(rng, VOICE[kind].f0), syllablesPerS: rng.uniform(3, 6), room: drawRoom(rng, set) };
}

/** Dry speech (as 1 m from the mouth), unit-less level. */
export function speechDry(rng: Rng, p: Omit<SpeechParams, 'room'>): Float32Array {
  checkIn('speech.durationS', p.durationS, range(0.1, 60));
  checkIn('speech.f0Hz', p.f0Hz, range(50, 2000));
  checkIn('speech.syllablesPerS', p.syllablesPerS, range(1, 10));
  const voice = VOICE[p.kind];
  const out = new Float32Array(samplesOf(p.durationS + 0.3));
  let t = rng.uniform(0, 0.2);
  let phraseEnd = t + rng.uniform(1, 3);
  while (t < p.durationS) {
    if (t > phraseEnd) {
      t += rng.uniform(0.2, 0.6);
      phraseEnd = t + rng.uniform(1, 3);
      continue;
    }
    const syllableS = (1 / p.syllablesPerS) * rng.uniform(0.7, 1.3);
    let vowelStart = t;
    if (rng.next() < 0.6) vowelStart += addConsonant(rng, out, t, voice.formantScale);
    const vowelS = Math.max(0.05, syllableS - (vowelStart - t));
    const squeal = p.kind === 'child' && rng.next() < 0.15;
    const f0 = squeal ? rng.uniform(800, 1600) : p.f0Hz * Math.exp(0.12 * rng.normal());
    addVowel(rng, out, vowelStart, vowelS, f0, rng.pick(VOWELS), voice.formantScale, voice.tiltPole);
    t += syllableS;
  }
  return out;
}

export function speech(rng: Rng, p: SpeechParams): Signal {
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, speechDry(rng, p), p.room) };
}

/** Formant gains relative to the first, and their quality factors (bandwidths of about 70–130 Hz). */
const FORMANT_GAINS = [1, 0.6, 0.35];
const FORMANT_Q = [5, 7, 9];

function addVowel(rng: Rng, out: Float32Array, atS: number, lengthS: number, f0Hz: number,
  formants: readonly [number, number, number], scale: number, tiltPole: number): void {
  const start = samplesOf(atS);
  const n = Math.min(samplesOf(lengthS), out.length - start);
  // Three bandpass resonators (RBJ, 0 dB at the centre), unrolled and run side by side in one pass.
  const design = (k: number): [number, number, number] => {
    const w0 = (2 * Math.PI * Math.min(formants[k] * scale, MIC_RATE_HZ * 0.45)) / MIC_RATE_HZ;
    const alpha = Math.sin(w0) / (2 * FORMANT_Q[k]);
    return [(alpha / (1 + alpha)) * FORMANT_GAINS[k] * 8, (-2 * Math.cos(w0)) / (1 + alpha), (1 - alpha) / (1 + alpha)];
  };
  const [g0, p0, q0] = design(0);
  const [g1, p1, q1] = design(1);
  const [g2, p2, q2] = design(2);
  let x1 = 0, x2 = 0;
  let u1 = 0, u2 = 0, v1 = 0, v2 = 0, w1 = 0, w2 = 0;
  // Glottal pulses with jitter, the pitch gliding slightly over the vowel, through a source spectrum
  // falling with frequency (glottal roll-off net of lip radiation).
  const glide = rng.uniform(-0.15, 0.1);
  const rise = samplesOf(0.015);
  const release = samplesOf(0.025);
  let phase = 0;
  let source = 0;
  for (let i = 0; i < n; i++) {
    phase += (f0Hz * (1 + (glide * i) / n)) / MIC_RATE_HZ;
    let pulse = 0;
    if (phase >= 1) {
      phase -= 1;
      pulse = 1 + 0.05 * rng.normal();
    }
    source = pulse * (1 - tiltPole) + tiltPole * source;
    const d = source - x2;
    x2 = x1;
    x1 = source;
    const u = g0 * d - p0 * u1 - q0 * u2;
    u2 = u1;
    u1 = u;
    const v = g1 * d - p1 * v1 - q1 * v2;
    v2 = v1;
    v1 = v;
    const w = g2 * d - p2 * w1 - q2 * w2;
    w2 = w1;
    w1 = w;
    // Syllable envelope: 15 ms rise, a gentle decay, 25 ms release.
    const edge = i < rise ? i / rise : n - i < release ? (n - i) / release : 1;
    out[start + i] += (u + v + w) * edge * (1 - (0.3 * i) / n);
  }
}

/** Adds a consonant before a vowel; returns its length in seconds. */
function addConsonant(rng: Rng, out: Float32Array, atS: number, scale: number): number {
  const kind = rng.int(0, 3);
  const start = samplesOf(atS);
  if (kind === 0) {
    // /s/: turbulent noise shaped by the front cavity, 4–8 kHz.
    const lengthS = rng.uniform(0.07, 0.16);
    const s = noiseBurst(rng, lengthS, 0.02, lengthS, [
      { kind: 'bandpass', freqHz: Math.min(7500, 5500 * scale * rng.uniform(0.9, 1.1)), q: 1.5 },
      { kind: 'highpass', freqHz: 3000, q: 0.7 },
    ]);
    envelopeEnds(s);
    addInto(out, s, start, 0.09);
    return lengthS;
  }
  if (kind === 1) {
    // /ʃ/: a larger front cavity, 2.5–5 kHz.
    const lengthS = rng.uniform(0.07, 0.15);
    const sh = noiseBurst(rng, lengthS, 0.02, lengthS, [{ kind: 'bandpass', freqHz: 3000 * scale * rng.uniform(0.9, 1.1), q: 1.8 }]);
    envelopeEnds(sh);
    addInto(out, sh, start, 0.1);
    return lengthS;
  }
  if (kind === 2) {
    // Plosive: silence of the closure, then a burst and aspiration.
    const burst = noiseBurst(rng, 0.03, 0.001, 0.008, [{ kind: 'bandpass', freqHz: rng.uniform(1500, 4000), q: 1 }]);
    addInto(out, burst, start + samplesOf(0.04), 0.12);
    return 0.07;
  }
  // Nasal: a low murmur.
  const lengthS = rng.uniform(0.04, 0.08);
  addMode(out, start, 250 * scale, 0.05, lengthS / 2);
  return lengthS;
}

function envelopeEnds(data: Float32Array): void {
  const edge = Math.min(samplesOf(0.02), data.length >> 1);
  for (let i = 0; i < edge; i++) {
    data[i] *= i / edge;
    data[data.length - 1 - i] *= i / edge;
  }
}

// ---------------------------------------------------------------------------------------------
// Crowd babble
// ---------------------------------------------------------------------------------------------

export interface CrowdParams {
  talkers: number;
  /** Voices the talkers are drawn from. */
  voices: readonly VoiceKind[];
  /** People walking (footsteps on a hard gallery floor). */
  walkers: number;
  durationS: number;
  /** Talker distances are drawn log-uniformly up to this. */
  maxDistanceM: number;
  room: RoomParams;
}

export const CROWD_RANGES: Record<ParamSet, { talkers: [number, number]; walkers: [number, number]; maxDistanceM: Range }> = {
  default: { talkers: [4, 14], walkers: [1, 6], maxDistanceM: range(6, 15) },
  holdout: { talkers: [15, 40], walkers: [4, 14], maxDistanceM: range(10, 25) },
};

export function drawCrowdParams(rng: Rng, set: ParamSet, durationS = rng.uniform(2, 5)): CrowdParams {
  const r = CROWD_RANGES[set];
  return {
    talkers: rng.int(r.talkers[0], r.talkers[1]),
    voices: set === 'default' ? ['male', 'female'] : ['male', 'female', 'child', 'shout'],
    walkers: rng.int(r.walkers[0], r.walkers[1]),
    durationS,
    maxDistanceM: drawIn(rng, r.maxDistanceM),
    room: drawRoom(rng, set),
  };
}

/** Talkers synthesised one by one; beyond these, babble is modelled as speech-shaped noise. */
const VOICED_TALKERS = 8;

/**
 * A crowd at the microphone: talkers and walkers spread through one room, their reverberation shared.
 * The nearest VOICED_TALKERS talk; the rest merge into babble: noise with the long-term speech spectrum
 * and a syllabic modulation whose depth falls as 1/√n, at the power of that many talkers.
 */
export function crowd(rng: Rng, p: CrowdParams): Signal {
  checkIn('crowd.talkers', p.talkers, range(0, 200));
  checkIn('crowd.walkers', p.walkers, range(0, 100));
  checkIn('crowd.durationS', p.durationS, range(0.1, 120));
  checkIn('crowd.maxDistanceM', p.maxDistanceM, range(1, 100));
  const length = samplesOf(p.durationS);
  const dry = new Float32Array(length);
  const distances = Array.from({ length: p.talkers }, () => drawLog(rng, range(1.5, p.maxDistanceM))).sort((a, b) => a - b);
  let voicedPower = 0;
  distances.slice(0, VOICED_TALKERS).forEach((distanceM) => {
    const kind = rng.pick(p.voices);
    const voice = speechDry(rng, { kind, durationS: p.durationS + 1, f0Hz: drawIn(rng, VOICE[kind].f0), syllablesPerS: rng.uniform(3, 6) });
    tiltDown(voice, 10 ** ((-0.1 * distanceM) / 20));
    const gain = Math.exp(0.3 * rng.normal()) / distanceM;
    const part = voice.subarray(samplesOf(rng.uniform(0, 1)));
    addInto(dry, part, 0, gain);
    voicedPower += (gain * gain * energy(part, 0, length)) / length;
  });
  const far = distances.slice(VOICED_TALKERS);
  if (far.length > 0 && voicedPower > 0) {
    // Each far talker contributes the voiced talkers' mean power scaled by distance (1/r²).
    const meanVoicedGain2 = distances.slice(0, VOICED_TALKERS).reduce((s, d) => s + 1 / (d * d), 0) / Math.min(VOICED_TALKERS, distances.length);
    const farPower = (voicedPower / Math.min(VOICED_TALKERS, distances.length) / meanVoicedGain2) * far.reduce((s, d) => s + 1 / (d * d), 0);
    const babble = pinkNoise(rng, length);
    filterChain(babble, [{ kind: 'highpass', freqHz: 120, q: 0.7 }, { kind: 'lowpass', freqHz: 2500, q: 0.7 }]);
    const depth = 0.6 / Math.sqrt(far.length);
    const rateHz = rng.uniform(3, 5);
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let i = 0; i < length; i++) babble[i] *= 1 + depth * Math.sin((2 * Math.PI * rateHz * i) / MIC_RATE_HZ + phase);
    normaliseRms(babble, Math.sqrt(farPower));
    addInto(dry, babble, 0);
  }
  for (let w = 0; w < p.walkers; w++) addFootsteps(rng, dry, drawLog(rng, range(2, p.maxDistanceM)));
  const wet = propagate(rng, dry, { ...p.room, distanceM: 1 });
  return { rateHz: MIC_RATE_HZ, channels: 1, data: wet.subarray(0, length) };
}

/** One person walking: heel strikes at about two steps a second, a thud and a shoe click each. */
function addFootsteps(rng: Rng, out: Float32Array, distanceM: number): void {
  const stepS = rng.uniform(0.45, 0.65);
  const hard = rng.uniform(0.02, 0.3);
  for (let t = rng.uniform(0, stepS); t < out.length / MIC_RATE_HZ; t += stepS * rng.uniform(0.95, 1.05)) {
    const start = samplesOf(t);
    addMode(out, start, rng.uniform(60, 150), 0.15 / distanceM, 0.03);
    const clickNoise = whiteNoise(rng, samplesOf(0.01));
    filterChain(clickNoise, [{ kind: 'bandpass', freqHz: rng.uniform(1500, 4000), q: 1.2 }]);
    for (let i = 0; i < clickNoise.length; i++) clickNoise[i] *= Math.exp(-i / 20);
    addInto(out, clickNoise, start, hard / distanceM);
  }
}

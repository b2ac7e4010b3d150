/**
 * Building blocks of the acoustic generators: noise, damped modes, biquad filters (RBJ cookbook) and
 * envelopes, all on Float32Array buffers at the microphone rate.
 */
import type { Rng } from '../rng';

/** The microphone's sample rate: every acoustic generator produces 16 kHz mono. */
export const MIC_RATE_HZ = 16000;

export function samplesOf(seconds: number): number {
  return Math.max(0, Math.round(seconds * MIC_RATE_HZ));
}

/** 1 / standard deviation of the sum of four uniform bytes (Irwin–Hall, n = 4). */
const BYTE_SUM_SCALE = 1 / Math.sqrt((4 * (256 * 256 - 1)) / 12);

/**
 * White noise of unit variance, near-Gaussian: each value is the sum of the four bytes of one random
 * 32-bit word (Irwin–Hall with n = 4; kurtosis 2.7 instead of 3, tails cut at ±3.5σ), several times
 * cheaper than Box–Muller and indistinguishable once filtered.
 */
export function whiteNoise(rng: Rng, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const u = rng.nextUint32();
    out[i] = ((u & 255) + ((u >>> 8) & 255) + ((u >>> 16) & 255) + (u >>> 24) - 510) * BYTE_SUM_SCALE;
  }
  return out;
}

/** Pink (1/f) noise of roughly unit variance (Paul Kellet's refined filter on white noise). */
export function pinkNoise(rng: Rng, length: number): Float32Array {
  const out = whiteNoise(rng, length);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < length; i++) {
    const w = out[i];
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = (b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.2;
    b6 = w * 0.115926;
  }
  return out;
}

export type BiquadKind = 'lowpass' | 'highpass' | 'bandpass' | 'peak';

export interface BiquadDesign {
  kind: BiquadKind;
  freqHz: number;
  q: number;
  /** Peak filters only: gain at freqHz. */
  gainDb?: number;
}

/** Filters `data` in place with one RBJ-cookbook biquad (bandpass: 0 dB at the centre). */
export function biquad(data: Float32Array, design: BiquadDesign): Float32Array {
  const w0 = (2 * Math.PI * Math.min(design.freqHz, MIC_RATE_HZ * 0.49)) / MIC_RATE_HZ;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * design.q);
  let b0: number, b1: number, b2: number, a0: number, a1: number, a2: number;
  switch (design.kind) {
    case 'lowpass':
      b1 = 1 - cos; b0 = b1 / 2; b2 = b0; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'highpass':
      b1 = -(1 + cos); b0 = -b1 / 2; b2 = b0; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'bandpass':
      b0 = alpha; b1 = 0; b2 = -alpha; a0 = 1 + alpha; a1 = -2 * cos; a2 = 1 - alpha;
      break;
    case 'peak': {
      const a = 10 ** ((design.gainDb ?? 0) / 40);
      b0 = 1 + alpha * a; b1 = -2 * cos; b2 = 1 - alpha * a; a0 = 1 + alpha / a; a1 = -2 * cos; a2 = 1 - alpha / a;
      break;
    }
  }
  b0 /= a0; b1 /= a0; b2 /= a0; a1 /= a0; a2 /= a0;
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1; x1 = x; y2 = y1; y1 = y;
    data[i] = y;
  }
  return data;
}

/** Applies several biquads in series. */
export function filterChain(data: Float32Array, designs: readonly BiquadDesign[]): Float32Array {
  for (const design of designs) biquad(data, design);
  return data;
}

/**
 * One-pole lowpass in place whose gain is 1 at DC and `nyquistGain` at 8 kHz: the shape of air
 * absorption, which grows with the square of frequency.
 */
export function tiltDown(data: Float32Array, nyquistGain: number): Float32Array {
  const g = Math.min(1, Math.max(1e-6, nyquistGain));
  const a = (1 - g) / (1 + g);
  let y = 0;
  for (let i = 0; i < data.length; i++) {
    y = (1 - a) * data[i] + a * y;
    data[i] = y;
  }
  return data;
}

/**
 * Adds a damped sinusoid (one vibration mode) into `out` from sample `start`:
 * amplitude · e^(−t/decayS) · sin(2π f t + phase), until it has decayed by 80 dB or the buffer ends.
 */
export function addMode(out: Float32Array, start: number, freqHz: number, amplitude: number, decayS: number, phase = 0): void {
  const w = (2 * Math.PI * freqHz) / MIC_RATE_HZ;
  const decay = Math.exp(-1 / (decayS * MIC_RATE_HZ));
  const length = Math.min(out.length - start, Math.ceil(decayS * MIC_RATE_HZ * 9.2));
  // Rotating phasor: one complex multiply per sample instead of sin() and exp().
  const cr = Math.cos(w) * decay;
  const ci = Math.sin(w) * decay;
  let re = amplitude * Math.cos(phase);
  let im = amplitude * Math.sin(phase);
  for (let i = Math.max(0, -start); i < length; i++) {
    out[start + i] += im;
    const nr = re * cr - im * ci;
    im = re * ci + im * cr;
    re = nr;
  }
}

/** Adds `source` × `gain` into `out` starting at sample `start` (clipped to the buffer). */
export function addInto(out: Float32Array, source: Float32Array, start: number, gain = 1): void {
  const end = Math.min(out.length, start + source.length);
  for (let i = Math.max(0, start); i < end; i++) out[i] += source[i - start] * gain;
}

/** Multiplies in place by an exponential decay e^(−t/decayS) after an attack of `attackS` (linear ramp). */
export function shapeAttackDecay(data: Float32Array, attackS: number, decayS: number): Float32Array {
  const attack = Math.max(1, samplesOf(attackS));
  const k = Math.exp(-1 / (decayS * MIC_RATE_HZ));
  let g = 1;
  for (let i = 0; i < data.length; i++) {
    if (i < attack) {
      data[i] *= i / attack;
    } else {
      data[i] *= g;
      g *= k;
    }
  }
  return data;
}

/** A burst of filtered noise: `lengthS` long, shaped by attack and exponential decay. */
export function noiseBurst(rng: Rng, lengthS: number, attackS: number, decayS: number, filters: readonly BiquadDesign[]): Float32Array {
  const burst = whiteNoise(rng, samplesOf(lengthS));
  filterChain(burst, filters);
  return shapeAttackDecay(burst, attackS, decayS);
}

export function energy(data: Float32Array, start = 0, end = data.length): number {
  let sum = 0;
  for (let i = Math.max(0, start); i < Math.min(end, data.length); i++) sum += data[i] * data[i];
  return sum;
}

/** Scales in place so the RMS over the whole buffer is `rmsTarget` (unchanged if silent). */
export function normaliseRms(data: Float32Array, rmsTarget: number): Float32Array {
  const current = Math.sqrt(energy(data) / Math.max(1, data.length));
  if (current > 0) {
    const g = rmsTarget / current;
    for (let i = 0; i < data.length; i++) data[i] *= g;
  }
  return data;
}

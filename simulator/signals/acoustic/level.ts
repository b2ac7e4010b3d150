/**
 * How loud an event is, and the microphone's own response. The level of an event is its *active level*:
 * the RMS over the 10 ms frames within 25 dB of its loudest frame (a simplified ITU-T P.56 active
 * speech level), so a short clap and a 1.5 s shatter are both measured while they sound.
 */
import type { Rng } from '../rng';
import { MIC_RATE_HZ, biquad, whiteNoise } from './synth';

const FRAME_SAMPLES = MIC_RATE_HZ / 100;
const ACTIVE_RANGE_DB = 25;

export function activeRms(data: Float32Array): number {
  const frames = Math.ceil(data.length / FRAME_SAMPLES);
  const energies = new Float64Array(frames);
  let loudest = 0;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    const end = Math.min(data.length, (f + 1) * FRAME_SAMPLES);
    for (let i = f * FRAME_SAMPLES; i < end; i++) sum += data[i] * data[i];
    energies[f] = sum / (end - f * FRAME_SAMPLES);
    loudest = Math.max(loudest, energies[f]);
  }
  if (loudest === 0) return 0;
  const floor = loudest * 10 ** (-ACTIVE_RANGE_DB / 10);
  let sum = 0;
  let count = 0;
  for (let f = 0; f < frames; f++) {
    if (energies[f] >= floor) {
      sum += energies[f];
      count++;
    }
  }
  return Math.sqrt(sum / count);
}

/**
 * Start and end (seconds) of the part of an event within `rangeDb` of its loudest 10 ms frame:
 * where it begins and where it has died away into its own reverberation.
 */
export function activeSpanS(data: Float32Array, rangeDb = 30): { startS: number; endS: number } {
  const frames = Math.ceil(data.length / FRAME_SAMPLES);
  const energies = new Float64Array(frames);
  let loudest = 0;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * FRAME_SAMPLES; i < Math.min(data.length, (f + 1) * FRAME_SAMPLES); i++) sum += data[i] * data[i];
    energies[f] = sum;
    loudest = Math.max(loudest, sum);
  }
  const floor = loudest * 10 ** (-rangeDb / 10);
  let first = -1;
  let last = -1;
  for (let f = 0; f < frames; f++) {
    if (loudest > 0 && energies[f] >= floor) {
      if (first < 0) first = f;
      last = f;
    }
  }
  if (first < 0) return { startS: 0, endS: 0 };
  return { startS: (first * FRAME_SAMPLES) / MIC_RATE_HZ, endS: Math.min(data.length, (last + 1) * FRAME_SAMPLES) / MIC_RATE_HZ };
}

/** Scales an event in place so its active level is `rmsTarget` (full-scale units). */
export function setActiveRms(data: Float32Array, rmsTarget: number): Float32Array {
  const current = activeRms(data);
  if (current > 0) {
    const g = rmsTarget / current;
    for (let i = 0; i < data.length; i++) data[i] *= g;
  }
  return data;
}

/**
 * Self-noise of a MEMS microphone, full-scale units: INMP441 / ICS-43434 class, sensitivity −26 dBFS
 * at 94 dB SPL and 61–65 dB SNR, so about −87 dBFS of white noise.
 */
export const MIC_SELF_NOISE_DBFS = -87;

/** The low-frequency roll-off of an I2S MEMS microphone (second-order high-pass at 60 Hz), in place. */
export function micHighpass(data: Float32Array): Float32Array {
  return biquad(data, { kind: 'highpass', freqHz: 60, q: 0.7071 });
}

/** Adds the microphone's white self-noise in place. */
export function addMicSelfNoise(rng: Rng, data: Float32Array): Float32Array {
  const gain = 10 ** (MIC_SELF_NOISE_DBFS / 20);
  const noise = whiteNoise(rng, data.length);
  for (let i = 0; i < data.length; i++) data[i] += gain * noise[i];
  return data;
}

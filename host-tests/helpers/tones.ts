/**
 * Small test signals for the DSP kernels: tones, seeded white noise and a sine-response meter.
 */
import { Rng } from '../../simulator/signals/rng';

/** amplitude·sin(2π·frequencyHz·i/rateHz + phase) for i < length. */
export function tone(length: number, frequencyHz: number, rateHz: number, amplitude = 1, phase = 0): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / rateHz + phase);
  return out;
}

/** Gaussian white noise with the given standard deviation, reproducible from `seed`. */
export function whiteNoise(length: number, seed: number, sigma = 1): Float64Array {
  const rng = new Rng(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = sigma * rng.normal();
  return out;
}

/**
 * Amplitude of the component of `signal` at `frequencyHz` over samples from..end, by a Hann-weighted
 * projection (leakage from other frequencies falls off fast, so a few tens of periods suffice).
 */
export function amplitudeAt(signal: ArrayLike<number>, frequencyHz: number, rateHz: number, from = 0, end = signal.length): number {
  let re = 0;
  let im = 0;
  let weights = 0;
  const n = end - from;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
    const phase = (2 * Math.PI * frequencyHz * (from + i)) / rateHz;
    re += w * signal[from + i] * Math.cos(phase);
    im += w * signal[from + i] * Math.sin(phase);
    weights += w;
  }
  return (2 * Math.hypot(re, im)) / weights;
}

export function toDb(ratio: number): number {
  return 20 * Math.log10(ratio);
}

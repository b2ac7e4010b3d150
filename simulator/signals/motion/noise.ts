/**
 * Random waveforms for the motion generators: band-limited Gaussian noise, slowly wandering processes
 * and smooth on/off envelopes. Generator-side only (the firmware has its own kernels).
 */
import type { Rng } from '../rng';

/** Second-order section (RBJ cookbook), direct form I, processing a buffer in place. */
class GenBiquad {
  readonly #b0: number;
  readonly #b1: number;
  readonly #b2: number;
  readonly #a1: number;
  readonly #a2: number;

  constructor(kind: 'lowpass' | 'highpass', rateHz: number, cornerHz: number, q = Math.SQRT1_2) {
    const w = (2 * Math.PI * Math.min(cornerHz, rateHz * 0.49)) / rateHz;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    const b1 = kind === 'lowpass' ? 1 - cos : -(1 + cos);
    const b0 = kind === 'lowpass' ? (1 - cos) / 2 : (1 + cos) / 2;
    this.#b0 = b0 / a0;
    this.#b1 = b1 / a0;
    this.#b2 = b0 / a0;
    this.#a1 = (-2 * cos) / a0;
    this.#a2 = (1 - alpha) / a0;
  }

  process(x: Float64Array): void {
    let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (let i = 0; i < x.length; i++) {
      const x0 = x[i];
      const y0 = this.#b0 * x0 + this.#b1 * x1 + this.#b2 * x2 - this.#a1 * y1 - this.#a2 * y2;
      x2 = x1; x1 = x0; y2 = y1; y1 = y0;
      x[i] = y0;
    }
  }
}

/** 4th-order high-pass (two sections) in place. */
export function highPass(x: Float64Array, rateHz: number, cornerHz: number): void {
  new GenBiquad('highpass', rateHz, cornerHz).process(x);
  new GenBiquad('highpass', rateHz, cornerHz).process(x);
}

export function whiteNoise(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** Scales `x` in place to unit RMS (no-op on silence) and returns it. */
export function normalizeRms(x: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  if (sum > 0) {
    const k = 1 / Math.sqrt(sum / x.length);
    for (let i = 0; i < x.length; i++) x[i] *= k;
  }
  return x;
}

/** Gaussian noise band-limited to loHz..hiHz (4th-order edges), unit RMS. loHz 0 means low-pass only. */
export function bandNoise(rng: Rng, n: number, rateHz: number, loHz: number, hiHz: number): Float64Array {
  const x = whiteNoise(rng, n);
  if (loHz > 0) highPass(x, rateHz, loHz);
  if (hiHz < rateHz / 2) {
    new GenBiquad('lowpass', rateHz, hiHz).process(x);
    new GenBiquad('lowpass', rateHz, hiHz).process(x);
  }
  return normalizeRms(x);
}

/**
 * A slowly wandering zero-mean process with unit RMS and about `bandwidthHz` of bandwidth
 * (white noise through two one-pole low-passes): feed-pressure wander, gust strength, and so on.
 */
export function wander(rng: Rng, n: number, rateHz: number, bandwidthHz: number): Float64Array {
  // Run the filters over a lead-in that is thrown away, so the start is as lively as the rest.
  const lead = Math.min(20 * n + 1000, Math.ceil((3 * rateHz) / Math.max(bandwidthHz, 1e-3)));
  const x = whiteNoise(rng, n + lead);
  const a = Math.exp((-2 * Math.PI * bandwidthHz) / rateHz);
  for (let pass = 0; pass < 2; pass++) {
    let y = 0;
    for (let i = 0; i < x.length; i++) {
      y = a * y + (1 - a) * x[i];
      x[i] = y;
    }
  }
  const out = x.slice(lead);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += out[i];
  mean /= n || 1;
  for (let i = 0; i < n; i++) out[i] -= mean;
  return normalizeRms(out);
}

/** A segment [startS, endS) with raised-cosine edges of `edgeS`, sampled into `out` (values 0..1, added by max). */
export function addSegment(out: Float64Array, rateHz: number, startS: number, endS: number, edgeS: number): void {
  const first = Math.max(0, Math.floor((startS - edgeS) * rateHz));
  const last = Math.min(out.length, Math.ceil((endS + edgeS) * rateHz));
  for (let i = first; i < last; i++) {
    const t = i / rateHz;
    let v: number;
    if (t < startS) v = edgeS > 0 ? 0.5 + 0.5 * Math.cos((Math.PI * (startS - t)) / edgeS) : 0;
    else if (t >= endS) v = edgeS > 0 ? 0.5 + 0.5 * Math.cos((Math.PI * (t - endS)) / edgeS) : 0;
    else v = 1;
    if (v > out[i]) out[i] = v;
  }
}

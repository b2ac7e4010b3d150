/**
 * Band-limited resampling between arbitrary rates with a Kaiser-windowed sinc (the method of
 * J. O. Smith's "Digital Audio Resampling"): each output sample is the input convolved with a lowpass
 * kernel centred on the output instant. The kernel's cutoff follows the lower of the two rates, so
 * the same filter interpolates when going up and removes what would alias when going down.
 *
 * Design (in units of the lower rate fLow): passband to 0.4·fLow (ripple far below 0.01 dB), cutoff
 * (−6 dB) at 0.45·fLow, stopband from 0.5·fLow (the new Nyquist when going down) at about −80 dB.
 * The kernel is tabulated once per call at KERNEL_STEPS points per zero crossing and interpolated
 * linearly; each output is divided by the sum of its weights, so DC passes exactly and the first and
 * last few samples, where the kernel runs off the signal, keep their level.
 */
import type { Signal } from './signal';

/** Zero crossings of the sinc on each side of the centre (kernel half-width, in samples of fLow). */
const ZERO_CROSSINGS = 25;
const KERNEL_STEPS = 512;
/** Cutoff as a fraction of the lower rate. */
const CUTOFF = 0.45;
/** Kaiser β for about 80 dB of stopband attenuation: 0.1102·(80 − 8.7). */
const KAISER_BETA = 7.857;

/** Zeroth-order modified Bessel function of the first kind (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; term > 1e-12 * sum; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }
  return sum;
}

/** Windowed sinc h(u) for u = 0..ZERO_CROSSINGS (in samples of the lower rate), tabulated. */
function kernelTable(): Float64Array {
  const length = ZERO_CROSSINGS * KERNEL_STEPS + 2; // one extra entry so interpolation may read past the end
  const table = new Float64Array(length);
  const norm = besselI0(KAISER_BETA);
  for (let i = 0; i < length; i++) {
    const u = i / KERNEL_STEPS;
    if (u >= ZERO_CROSSINGS) break;
    const x = 2 * CUTOFF * u;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = u / ZERO_CROSSINGS;
    table[i] = sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / norm);
  }
  return table;
}

/**
 * Returns `signal` at `targetRateHz` (every channel), with round(frames · target / source) frames;
 * output frame i is the signal at time i / targetRateHz. Returns a copy when the rates are equal.
 */
export function resample(signal: Signal, targetRateHz: number): Signal {
  const { rateHz, channels, data } = signal;
  if (!(targetRateHz > 0) || !Number.isFinite(targetRateHz)) throw new RangeError(`resample: targetRateHz must be a positive number, got ${targetRateHz}`);
  if (!(rateHz > 0) || !Number.isFinite(rateHz)) throw new RangeError(`resample: the signal's rateHz must be a positive number, got ${rateHz}`);
  if (!Number.isInteger(channels) || channels < 1 || data.length % channels !== 0) {
    throw new RangeError(`resample: ${data.length} samples are not whole frames of ${channels} channels`);
  }
  if (targetRateHz === rateHz) return { rateHz, channels, data: data.slice() };
  const frames = data.length / channels;
  const outFrames = Math.round((frames * targetRateHz) / rateHz);
  const out = new Float32Array(outFrames * channels);
  const table = kernelTable();
  // Distances in input samples become distances in samples of the lower rate.
  const scale = Math.min(1, targetRateHz / rateHz);
  const reach = ZERO_CROSSINGS / scale; // kernel half-width in input samples
  const step = rateHz / targetRateHz;
  const sums = new Float64Array(channels);
  for (let i = 0; i < outFrames; i++) {
    const centre = i * step;
    const first = Math.max(0, Math.ceil(centre - reach));
    const last = Math.min(frames - 1, Math.floor(centre + reach));
    let weights = 0;
    sums.fill(0);
    for (let j = first; j <= last; j++) {
      const position = Math.abs(j - centre) * scale * KERNEL_STEPS;
      const index = Math.floor(position);
      const fraction = position - index;
      const weight = table[index] + fraction * (table[index + 1] - table[index]);
      weights += weight;
      const at = j * channels;
      for (let c = 0; c < channels; c++) sums[c] += weight * data[at + c];
    }
    for (let c = 0; c < channels; c++) out[i * channels + c] = sums[c] / weights;
  }
  return { rateHz: targetRateHz, channels, data: out };
}

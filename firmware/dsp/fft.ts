/**
 * Real-input FFT for power-of-two sizes 64..2048.
 *
 * A real sequence of n samples is packed into n/2 complex values z[m] = x[2m] + i·x[2m+1], transformed
 * with an iterative decimation-in-time complex FFT of size n/2, then split into the n/2 + 1 bins of
 * the real spectrum. The complex FFT reads its input in bit-reversed order straight from the samples
 * and runs radix-4 passes (three twiddle products per four points, two radix-2 stages per pass over
 * memory), preceded by one radix-2 pass when log2(n/2) is odd; its first pass needs no twiddles.
 * The split computes bins k and n/2 − k together from the same two values. Every table and work
 * buffer is made by the constructor; `forward` and `power` allocate nothing.
 */

export type RealSamples = Float64Array | Float32Array;

/**
 * What the node needs from a real FFT; RealFft (TypeScript) and NativeRealFft (C, firmware/native/)
 * both provide it with the same output convention.
 */
export interface Fft {
  readonly size: number;
  /** size / 2 + 1: DC to Nyquist. */
  readonly bins: number;
  forward(input: RealSamples, re: Float64Array, im: Float64Array): void;
  power(input: RealSamples, out: Float64Array, scratchRe: Float64Array, scratchIm: Float64Array): void;
}

export const FFT_MIN_SIZE = 64;
export const FFT_MAX_SIZE = 2048;

export class RealFft implements Fft {
  readonly size: number;
  /** Number of bins of the real spectrum: size / 2 + 1 (DC to Nyquist). */
  readonly bins: number;
  readonly #half: number;
  /** Bit reversal (over log2(n/2) bits) of the first index of each group the first pass reads. */
  readonly #groupStart: Uint16Array;
  /** Whether the first pass is radix-2 (log2(n/2) odd) rather than radix-4. */
  readonly #radix2First: boolean;
  /** For every radix-4 pass after the first and every k < span: cos, sin of W^k, W^2k, W^3k (W = e^(−2πi/(4·span))). */
  readonly #twiddles: Float64Array;
  /** ½·cos and ½·sin of −2πk/n for the split, k < n/4. */
  readonly #splitCos: Float64Array;
  readonly #splitSin: Float64Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < FFT_MIN_SIZE || size > FFT_MAX_SIZE || (size & (size - 1)) !== 0) {
      throw new RangeError(`RealFft: size must be a power of two from ${FFT_MIN_SIZE} to ${FFT_MAX_SIZE}, got ${size}`);
    }
    this.size = size;
    this.bins = size / 2 + 1;
    const half = size / 2;
    this.#half = half;
    let bits = 0;
    while (1 << bits < half) bits++;
    const radix2First = bits % 2 === 1;
    this.#radix2First = radix2First;
    const groupSize = radix2First ? 2 : 4;
    this.#groupStart = new Uint16Array(half / groupSize);
    for (let g = 0; g < half / groupSize; g++) {
      const i = g * groupSize;
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.#groupStart[g] = r;
    }
    let entries = 0;
    for (let span = groupSize; span < half; span <<= 2) entries += 6 * span;
    this.#twiddles = new Float64Array(entries);
    for (let span = groupSize, t = 0; span < half; span <<= 2) {
      const step = (-2 * Math.PI) / (4 * span);
      for (let k = 0; k < span; k++, t += 6) {
        for (let p = 1; p <= 3; p++) {
          this.#twiddles[t + 2 * (p - 1)] = Math.cos(step * p * k);
          this.#twiddles[t + 2 * (p - 1) + 1] = Math.sin(step * p * k);
        }
      }
    }
    this.#splitCos = new Float64Array(half / 2);
    this.#splitSin = new Float64Array(half / 2);
    for (let k = 0; k < half / 2; k++) {
      this.#splitCos[k] = 0.5 * Math.cos((-2 * Math.PI * k) / size);
      this.#splitSin[k] = 0.5 * Math.sin((-2 * Math.PI * k) / size);
    }
    this.#re = new Float64Array(half);
    this.#im = new Float64Array(half);
  }

  /**
   * Spectrum X[k] = Σ x[n]·e^(−2πikn/N) for k = 0..size/2 into `re` and `im` (each at least `bins` long).
   * Only the first `size` samples of `input` are read.
   */
  forward(input: RealSamples, re: Float64Array, im: Float64Array): void {
    const half = this.#half;
    if (input.length < this.size || re.length < this.bins || im.length < this.bins) {
      throw new RangeError(`RealFft.forward: needs ${this.size} input samples and ${this.bins} output bins`);
    }
    const zr = this.#re;
    const zi = this.#im;
    const starts = this.#groupStart;
    let span: number;
    if (this.#radix2First) {
      // Positions 2g and 2g + 1 hold z[r] and z[r + n/4] (bit reversal), with r = starts[g].
      const offset = half; // n/4 complex values = n/2 samples
      for (let g = 0, j = 0; j < half; g++, j += 2) {
        const p = 2 * starts[g];
        const ar = input[p];
        const ai = input[p + 1];
        const br = input[p + offset];
        const bi = input[p + offset + 1];
        zr[j] = ar + br;
        zi[j] = ai + bi;
        zr[j + 1] = ar - br;
        zi[j + 1] = ai - bi;
      }
      span = 2;
    } else {
      // Positions 4g..4g+3 hold z[r], z[r + n/4], z[r + n/8], z[r + 3n/8]; all twiddles are 1.
      const o2 = half >> 1; // n/8 complex values, in samples
      const o1 = half;
      const o3 = o1 + o2;
      for (let g = 0, j = 0; j < half; g++, j += 4) {
        const p = 2 * starts[g];
        const ar = input[p];
        const ai = input[p + 1];
        const br = input[p + o1];
        const bi = input[p + o1 + 1];
        const cr = input[p + o2];
        const ci = input[p + o2 + 1];
        const dr = input[p + o3];
        const di = input[p + o3 + 1];
        const t0r = ar + br;
        const t0i = ai + bi;
        const t1r = ar - br;
        const t1i = ai - bi;
        const t2r = cr + dr;
        const t2i = ci + di;
        const t3r = cr - dr;
        const t3i = ci - di;
        zr[j] = t0r + t2r;
        zi[j] = t0i + t2i;
        zr[j + 2] = t0r - t2r;
        zi[j + 2] = t0i - t2i;
        zr[j + 1] = t1r + t3i;
        zi[j + 1] = t1i - t3r;
        zr[j + 3] = t1r - t3i;
        zi[j + 3] = t1i + t3r;
      }
      span = 4;
    }
    // Radix-4 passes: each merges two radix-2 stages (spans `span` and 2·span).
    const tw = this.#twiddles;
    for (let t = 0; span < half; span <<= 2) {
      const step = span << 2;
      for (let k = 0; k < span; k++, t += 6) {
        const w1r = tw[t];
        const w1i = tw[t + 1];
        const w2r = tw[t + 2];
        const w2i = tw[t + 3];
        const w3r = tw[t + 4];
        const w3i = tw[t + 5];
        for (let a = k; a < half; a += step) {
          const b = a + span;
          const c = b + span;
          const d = c + span;
          let xr = zr[b];
          let xi = zi[b];
          const br = xr * w2r - xi * w2i;
          const bi = xr * w2i + xi * w2r;
          xr = zr[c];
          xi = zi[c];
          const cr = xr * w1r - xi * w1i;
          const ci = xr * w1i + xi * w1r;
          xr = zr[d];
          xi = zi[d];
          const dr = xr * w3r - xi * w3i;
          const di = xr * w3i + xi * w3r;
          xr = zr[a];
          xi = zi[a];
          const t0r = xr + br;
          const t0i = xi + bi;
          const t1r = xr - br;
          const t1i = xi - bi;
          const t2r = cr + dr;
          const t2i = ci + di;
          const t3r = cr - dr;
          const t3i = ci - di;
          zr[a] = t0r + t2r;
          zi[a] = t0i + t2i;
          zr[c] = t0r - t2r;
          zi[c] = t0i - t2i;
          zr[b] = t1r + t3i;
          zi[b] = t1i - t3r;
          zr[d] = t1r - t3i;
          zi[d] = t1i + t3r;
        }
      }
    }
    // Split: X[k] = E + W^k·O and X[n/2 − k] = conj(E − W^k·O), where E = (Z[k] + conj Z[n/2−k]) / 2 and
    // O = (Z[k] − conj Z[n/2−k]) / 2i; the tables hold W^k / 2.
    const z0r = zr[0];
    const z0i = zi[0];
    re[0] = z0r + z0i;
    im[0] = 0;
    re[half] = z0r - z0i;
    im[half] = 0;
    const quarter = half >> 1;
    re[quarter] = zr[quarter];
    im[quarter] = -zi[quarter];
    const sc = this.#splitCos;
    const ss = this.#splitSin;
    for (let k = 1, j = half - 1; k < quarter; k++, j--) {
      const ar = zr[k];
      const ai = zi[k];
      const cr = zr[j];
      const ci = zi[j];
      const or = ai + ci;
      const oi = cr - ar;
      const wr = sc[k];
      const wi = ss[k];
      const pr = or * wr - oi * wi;
      const pi = or * wi + oi * wr;
      const er = 0.5 * (ar + cr);
      const ei = 0.5 * (ai - ci);
      re[k] = er + pr;
      im[k] = ei + pi;
      re[j] = er - pr;
      im[j] = pi - ei;
    }
  }

  /** Power |X[k]|² for k = 0..size/2 into `out`; `scratchRe`/`scratchIm` hold the spectrum (bins long). */
  power(input: RealSamples, out: Float64Array, scratchRe: Float64Array, scratchIm: Float64Array): void {
    this.forward(input, scratchRe, scratchIm);
    for (let k = 0; k < this.bins; k++) out[k] = scratchRe[k] * scratchRe[k] + scratchIm[k] * scratchIm[k];
  }
}

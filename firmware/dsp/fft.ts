/**
 * Real-input FFT for power-of-two sizes 64..2048.
 *
 * A real sequence of n samples is packed into n/2 complex values (even samples real, odd imaginary),
 * transformed with an iterative radix-2 complex FFT of size n/2, then split into the n/2 + 1 bins of
 * the real spectrum. Every table and work buffer is made by the constructor; `forward` and `power`
 * allocate nothing.
 */

export type RealSamples = Float64Array | Float32Array;

export const FFT_MIN_SIZE = 64;
export const FFT_MAX_SIZE = 2048;

export class RealFft {
  readonly size: number;
  /** Number of bins of the real spectrum: size / 2 + 1 (DC to Nyquist). */
  readonly bins: number;
  readonly #half: number;
  readonly #bitReverse: Uint16Array;
  /** cos/sin of -2πk/(n/2) for the complex stage, k < n/4. */
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  /** cos/sin of -2πk/n for the split into the real spectrum, k ≤ n/2. */
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
    this.#bitReverse = new Uint16Array(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.#bitReverse[i] = r;
    }
    this.#cos = new Float64Array(half / 2);
    this.#sin = new Float64Array(half / 2);
    for (let k = 0; k < half / 2; k++) {
      this.#cos[k] = Math.cos((-2 * Math.PI * k) / half);
      this.#sin[k] = Math.sin((-2 * Math.PI * k) / half);
    }
    this.#splitCos = new Float64Array(half + 1);
    this.#splitSin = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.#splitCos[k] = Math.cos((-2 * Math.PI * k) / size);
      this.#splitSin[k] = Math.sin((-2 * Math.PI * k) / size);
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
    const rev = this.#bitReverse;
    for (let i = 0; i < half; i++) {
      const j = rev[i];
      zr[j] = input[2 * i];
      zi[j] = input[2 * i + 1];
    }
    const cos = this.#cos;
    const sin = this.#sin;
    for (let span = 1, stride = half >> 1; span < half; span <<= 1, stride >>= 1) {
      for (let start = 0; start < half; start += span << 1) {
        for (let k = 0, t = 0; k < span; k++, t += stride) {
          const a = start + k;
          const b = a + span;
          const wr = cos[t];
          const wi = sin[t];
          const br = zr[b] * wr - zi[b] * wi;
          const bi = zr[b] * wi + zi[b] * wr;
          zr[b] = zr[a] - br;
          zi[b] = zi[a] - bi;
          zr[a] += br;
          zi[a] += bi;
        }
      }
    }
    // Split: X[k] = (Z[k] + conj Z[h-k])/2 + W^k (Z[k] − conj Z[h-k]) / (2i), with Z[h] ≡ Z[0].
    const sc = this.#splitCos;
    const ss = this.#splitSin;
    for (let k = 0; k <= half; k++) {
      const k1 = k === half ? 0 : k;
      const k2 = k === 0 ? 0 : half - k;
      const ar = zr[k1];
      const ai = zi[k1];
      const cr = zr[k2];
      const ci = -zi[k2];
      const er = 0.5 * (ar + cr);
      const ei = 0.5 * (ai + ci);
      // (Z[k] − conj Z[h−k]) / (2i) = ((ai − ci) − i(ar − cr)) / 2
      const or = 0.5 * (ai - ci);
      const oi = -0.5 * (ar - cr);
      const wr = sc[k];
      const wi = ss[k];
      re[k] = er + or * wr - oi * wi;
      im[k] = ei + or * wi + oi * wr;
    }
  }

  /** Power |X[k]|² for k = 0..size/2 into `out`; `scratchRe`/`scratchIm` hold the spectrum (bins long). */
  power(input: RealSamples, out: Float64Array, scratchRe: Float64Array, scratchIm: Float64Array): void {
    this.forward(input, scratchRe, scratchIm);
    for (let k = 0; k < this.bins; k++) out[k] = scratchRe[k] * scratchRe[k] + scratchIm[k] * scratchIm[k];
  }
}

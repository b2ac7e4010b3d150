/**
 * Frequency bands over a power spectrum. The layout is computed once: for each band the first and
 * last FFT bin it touches and the fraction of those two edge bins that lies inside the band, so
 * per-frame work is one pass over the bins with no division or search.
 *
 * Bin k stands for the frequencies ((k − ½)·binHz, (k + ½)·binHz), clipped to 0..rateHz/2 (so the
 * DC and Nyquist bins are half as wide). A bin cut by a band edge contributes to each side in
 * proportion to its width on that side: contiguous bands share the power of such a bin exactly, and
 * the energies of bands that tile 0..Nyquist add up to the whole spectrum.
 */

export interface BandLayoutOptions {
  /** Band edges, ascending, from 0 to rateHz / 2: band i spans edgesHz[i]..edgesHz[i + 1]. */
  edgesHz: readonly number[];
  rateHz: number;
  fftSize: number;
}

export class BandLayout {
  /** Number of bands (edgesHz.length − 1). */
  readonly count: number;
  readonly edgesHz: readonly number[];
  readonly binHz: number;
  /** First and last bin of each band (inclusive). */
  readonly firstBin: Uint16Array;
  readonly lastBin: Uint16Array;
  /** Fraction of the first and last bin inside the band (equal when the band lies within one bin). */
  readonly firstWeight: Float64Array;
  readonly lastWeight: Float64Array;
  /** Width of each band in bins (sum of bin fractions): divides a band energy to get mean power per bin. */
  readonly widthBins: Float64Array;

  constructor(options: BandLayoutOptions) {
    const { edgesHz, rateHz, fftSize } = options;
    if (!(rateHz > 0) || !Number.isFinite(rateHz)) throw new RangeError(`BandLayout: rateHz must be positive, got ${rateHz}`);
    if (!Number.isInteger(fftSize) || fftSize < 2 || (fftSize & (fftSize - 1)) !== 0) {
      throw new RangeError(`BandLayout: fftSize must be a power of two, got ${fftSize}`);
    }
    const nyquistHz = rateHz / 2;
    if (edgesHz.length < 2) throw new RangeError(`BandLayout: needs at least 2 edges, got ${edgesHz.length}`);
    for (let i = 0; i < edgesHz.length; i++) {
      const edge = edgesHz[i];
      if (!(edge >= 0 && edge <= nyquistHz)) {
        throw new RangeError(`BandLayout: edgesHz[${i}] = ${edge} is outside 0..${nyquistHz} Hz (Nyquist)`);
      }
      if (i > 0 && !(edge > edgesHz[i - 1])) {
        throw new RangeError(`BandLayout: edgesHz must ascend strictly, but edgesHz[${i}] = ${edge} follows ${edgesHz[i - 1]}`);
      }
    }
    const count = edgesHz.length - 1;
    const lastSpectrumBin = fftSize / 2;
    const binHz = rateHz / fftSize;
    this.count = count;
    this.edgesHz = Object.freeze(edgesHz.slice());
    this.binHz = binHz;
    this.firstBin = new Uint16Array(count);
    this.lastBin = new Uint16Array(count);
    this.firstWeight = new Float64Array(count);
    this.lastWeight = new Float64Array(count);
    this.widthBins = new Float64Array(count);
    for (let band = 0; band < count; band++) {
      // Edges in units of bins, measured from the lower edge of bin 0's full-width interval.
      const lo = edgesHz[band] / binHz;
      const hi = edgesHz[band + 1] / binHz;
      const first = Math.min(lastSpectrumBin, Math.round(lo));
      let last = Math.min(lastSpectrumBin, Math.round(hi));
      // An upper edge exactly on a boundary between bins leaves the bin above out.
      if (last > first && hi + 0.5 <= last) last--;
      this.firstBin[band] = first;
      this.lastBin[band] = last;
      this.firstWeight[band] = binOverlap(first, lo, hi, lastSpectrumBin);
      this.lastWeight[band] = binOverlap(last, lo, hi, lastSpectrumBin);
      let width = 0;
      for (let k = first; k <= last; k++) width += binOverlap(k, lo, hi, lastSpectrumBin);
      this.widthBins[band] = width;
    }
  }
}

/** Fraction of bin k's interval (clipped to 0..lastBin) that lies within lo..hi (in bins). */
function binOverlap(k: number, lo: number, hi: number, lastBin: number): number {
  const start = Math.max(0, k - 0.5);
  const end = Math.min(lastBin, k + 0.5);
  const inside = Math.min(end, hi) - Math.max(start, lo);
  return inside > 0 ? inside / (end - start) : 0;
}

/**
 * Sums `power` (one value per FFT bin, e.g. from RealFft.power) over each band of `layout` into
 * `out[0..count)`. Allocates nothing.
 */
export function bandEnergies(power: Float64Array, layout: BandLayout, out: Float64Array): void {
  const count = layout.count;
  const firstBin = layout.firstBin;
  const lastBin = layout.lastBin;
  if (out.length < count) throw new RangeError(`bandEnergies: out has ${out.length} slots for ${count} bands`);
  if (power.length <= lastBin[count - 1]) {
    throw new RangeError(`bandEnergies: power has ${power.length} bins, the layout reads bin ${lastBin[count - 1]}`);
  }
  const firstWeight = layout.firstWeight;
  const lastWeight = layout.lastWeight;
  for (let band = 0; band < count; band++) {
    const first = firstBin[band];
    const last = lastBin[band];
    if (first === last) {
      out[band] = power[first] * firstWeight[band];
      continue;
    }
    let sum = power[first] * firstWeight[band] + power[last] * lastWeight[band];
    for (let k = first + 1; k < last; k++) sum += power[k];
    out[band] = sum;
  }
}

/**
 * `count + 1` edges spaced geometrically from lowHz to highHz (equal width on a log-frequency axis,
 * as for the 32-band compact spectrum). Allocates: call it at construction only.
 */
export function logBandEdgesHz(lowHz: number, highHz: number, count: number): number[] {
  if (!(lowHz > 0) || !(highHz > lowHz) || !Number.isFinite(highHz)) {
    throw new RangeError(`logBandEdgesHz: needs 0 < lowHz < highHz, got ${lowHz}..${highHz}`);
  }
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`logBandEdgesHz: count must be a positive integer, got ${count}`);
  const edges: number[] = [];
  const ratio = highHz / lowHz;
  for (let i = 0; i <= count; i++) edges.push(i === count ? highHz : lowHz * ratio ** (i / count));
  return edges;
}

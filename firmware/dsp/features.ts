/**
 * Spectral features of one power spectrum (|X[k]|² per bin, DC to Nyquist, as RealFft.power gives)
 * and a tracker that follows a spectral peak from frame to frame. Bin ranges are half-open:
 * `fromBin` is included, `toBin` is not. Nothing here allocates.
 */

/** Σ f·P / Σ P over bins fromBin..toBin−1, in Hz; 0 when that range holds no power. */
export function spectralCentroidHz(power: Float64Array, binHz: number, fromBin = 0, toBin = power.length): number {
  checkRange('spectralCentroidHz', power, fromBin, toBin);
  let weighted = 0;
  let total = 0;
  for (let k = fromBin; k < toBin; k++) {
    const p = power[k];
    weighted += k * p;
    total += p;
  }
  return total > 0 ? (weighted / total) * binHz : 0;
}

/**
 * Wiener entropy: geometric mean / arithmetic mean of the power in bins fromBin..toBin−1, 0..1.
 * Near 0 for a tone, 1 for a perfectly flat spectrum; 0 when the range holds no power. A single
 * periodogram of white noise gives about e^−γ ≈ 0.56 (each bin's power is exponentially
 * distributed); averaging frames brings it towards 1.
 */
export function spectralFlatness(power: Float64Array, fromBin: number, toBin: number): number {
  checkRange('spectralFlatness', power, fromBin, toBin);
  let logSum = 0;
  let sum = 0;
  for (let k = fromBin; k < toBin; k++) {
    const p = power[k];
    sum += p;
    logSum += Math.log(p);
  }
  if (!(sum > 0)) return 0;
  const n = toBin - fromBin;
  const flatness = Math.exp(logSum / n) / (sum / n);
  return flatness > 1 ? 1 : flatness;
}

/**
 * Frequency below which `fraction` (0..1) of the spectrum's power lies, interpolated linearly inside
 * the bin where the running sum crosses it (bin k spanning (k − ½)·binHz..(k + ½)·binHz); 0 for silence.
 */
export function spectralRolloffHz(power: Float64Array, binHz: number, fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`spectralRolloffHz: fraction must be in 0..1, got ${fraction}`);
  const n = power.length;
  let total = 0;
  for (let k = 0; k < n; k++) total += power[k];
  if (!(total > 0)) return 0;
  const target = fraction * total;
  let running = 0;
  for (let k = 0; k < n; k++) {
    const p = power[k];
    if (p > 0 && running + p >= target) {
      const hz = (k - 0.5 + (target - running) / p) * binHz;
      return hz > 0 ? hz : 0;
    }
    running += p;
  }
  return (n - 1) * binHz;
}

/** What findHarmonicPeak found; owned by the caller and filled in place. */
export interface HarmonicPeak {
  /** Peak frequency refined by parabolic interpolation of log power over the three top bins; 0 if none. */
  frequencyHz: number;
  /** Power at the interpolated top of the peak (same unit as the spectrum). */
  peakPower: number;
  /**
   * Mean support of harmonics 2…`harmonics` that fall inside the spectrum, 0..1: each harmonic counts
   * its prominence over its own local floor, linearly from 0 dB (0) to HARMONIC_FULL_SUPPORT_DB (1).
   */
  harmonicRatio: number;
  /** Peak power over the local floor around it, dB. */
  prominenceDb: number;
}

export function emptyHarmonicPeak(): HarmonicPeak {
  return { frequencyHz: 0, peakPower: 0, harmonicRatio: 0, prominenceDb: 0 };
}

/** Prominence at which a harmonic counts fully in harmonicRatio. */
export const HARMONIC_FULL_SUPPORT_DB = 20;
/** The local floor is the mean power of bins FLOOR_INNER_BINS..FLOOR_OUTER_BINS away, on the quieter side. */
const FLOOR_INNER_BINS = 3; // a Hann window's main lobe spans ±2 bins
const FLOOR_OUTER_BINS = 10;
/** Caps prominences at 120 dB so a noiseless spectrum gives finite figures. */
const MIN_FLOOR_RATIO = 1e-12;

/**
 * Finds the strongest local maximum of `power` between minHz and maxHz (inclusive) and measures how
 * well the bins at 2×, 3×, … `harmonics`× its frequency stand above their surroundings. Returns false
 * (and zeroes `result`) when the range holds no local maximum.
 */
export function findHarmonicPeak(
  power: Float64Array,
  binHz: number,
  minHz: number,
  maxHz: number,
  harmonics: number,
  result: HarmonicPeak,
): boolean {
  const n = power.length;
  const from = Math.max(1, Math.ceil(minHz / binHz));
  const to = Math.min(n - 2, Math.floor(maxHz / binHz));
  let best = -1;
  let bestPower = 0;
  for (let k = from; k <= to; k++) {
    const p = power[k];
    if (p > bestPower && p >= power[k - 1] && p > power[k + 1]) {
      best = k;
      bestPower = p;
    }
  }
  if (best < 0) {
    result.frequencyHz = 0;
    result.peakPower = 0;
    result.harmonicRatio = 0;
    result.prominenceDb = 0;
    return false;
  }
  const tiny = bestPower * MIN_FLOOR_RATIO;
  const a = Math.log(power[best - 1] + tiny);
  const b = Math.log(bestPower);
  const c = Math.log(power[best + 1] + tiny);
  const curvature = a - 2 * b + c;
  let delta = curvature < 0 ? (0.5 * (a - c)) / curvature : 0;
  if (delta > 0.5) delta = 0.5;
  else if (delta < -0.5) delta = -0.5;
  const peakPower = Math.exp(b - 0.25 * (a - c) * delta);
  const fundamentalBins = best + delta;
  result.frequencyHz = fundamentalBins * binHz;
  result.peakPower = peakPower;
  result.prominenceDb = ratioDb(peakPower, localFloor(power, best), tiny);

  let support = 0;
  let counted = 0;
  for (let h = 2; h <= harmonics; h++) {
    const centre = Math.round(h * fundamentalBins);
    const reach = 1 + (h >> 1);
    if (centre + reach > n - 1) break;
    let top = centre - reach;
    for (let k = top + 1; k <= centre + reach; k++) if (power[k] > power[top]) top = k;
    const prominence = ratioDb(power[top], localFloor(power, top), tiny);
    support += prominence <= 0 ? 0 : prominence >= HARMONIC_FULL_SUPPORT_DB ? 1 : prominence / HARMONIC_FULL_SUPPORT_DB;
    counted++;
  }
  result.harmonicRatio = counted > 0 ? support / counted : 0;
  return true;
}

function localFloor(power: Float64Array, centre: number): number {
  const n = power.length;
  let below = 0;
  let belowCount = 0;
  let above = 0;
  let aboveCount = 0;
  for (let d = FLOOR_INNER_BINS; d <= FLOOR_OUTER_BINS; d++) {
    if (centre - d >= 1) {
      below += power[centre - d];
      belowCount++;
    }
    if (centre + d < n) {
      above += power[centre + d];
      aboveCount++;
    }
  }
  const meanBelow = belowCount > 0 ? below / belowCount : Infinity;
  const meanAbove = aboveCount > 0 ? above / aboveCount : Infinity;
  return meanBelow < meanAbove ? meanBelow : meanAbove;
}

function ratioDb(power: number, floor: number, tiny: number): number {
  return 10 * Math.log10((power + tiny) / (floor + tiny));
}

function checkRange(where: string, power: Float64Array, fromBin: number, toBin: number): void {
  if (!(fromBin >= 0 && toBin <= power.length && fromBin < toBin)) {
    throw new RangeError(`${where}: bins ${fromBin}..${toBin} (end excluded) are not a range within 0..${power.length}`);
  }
}

export interface PeakTrackerOptions {
  /** Largest change between two accepted updates that still counts as the same source, Hz. */
  maxStepHz?: number;
  /** Updates with a lower confidence count as gaps. */
  minConfidence?: number;
  /** A gap longer than this ends the track. */
  holdMs?: number;
  /** Time constant of the smoothing applied to trackedHz (and to wanderHz). */
  smoothingMs?: number;
}

/**
 * Follows one moving spectral peak (a grinder's disc speed, a hum) across frames: accepts a new
 * frequency when it is confident and close to the track, bridges short gaps, and starts a new track
 * after a jump or a long gap.
 */
export class PeakTracker {
  readonly maxStepHz: number;
  readonly minConfidence: number;
  readonly holdMs: number;
  readonly smoothingMs: number;
  /** Smoothed frequency of the current track, or 0 when there is none. */
  trackedHz = 0;
  /** How long the current track has lasted (start to last accepted update), ms; 0 without a track. */
  stableMs = 0;
  /** Smoothed RMS deviation of accepted frequencies from the track, Hz: ≈0 for mains hum, larger for a grinder. */
  wanderHz = 0;
  #startMs = 0;
  #lastMs = 0;
  #variance = 0;

  constructor(options: PeakTrackerOptions = {}) {
    this.maxStepHz = options.maxStepHz ?? 20;
    this.minConfidence = options.minConfidence ?? 0.5;
    this.holdMs = options.holdMs ?? 200;
    this.smoothingMs = options.smoothingMs ?? 100;
    if (!(this.maxStepHz > 0) || !(this.holdMs >= 0) || !(this.smoothingMs >= 0)) {
      throw new RangeError(`PeakTracker: maxStepHz must be positive, holdMs and smoothingMs not negative`);
    }
  }

  /** Offers the peak seen in the frame at `tMs` (times must not go backwards). */
  update(frequencyHz: number, confidence: number, tMs: number): void {
    const tracking = this.trackedHz > 0;
    if (!(confidence >= this.minConfidence && frequencyHz > 0)) {
      if (tracking && tMs - this.#lastMs > this.holdMs) this.reset();
      return;
    }
    const deviation = frequencyHz - this.trackedHz;
    if (!tracking || tMs - this.#lastMs > this.holdMs || deviation > this.maxStepHz || deviation < -this.maxStepHz) {
      this.trackedHz = frequencyHz;
      this.stableMs = 0;
      this.wanderHz = 0;
      this.#variance = 0;
      this.#startMs = tMs;
      this.#lastMs = tMs;
      return;
    }
    const dtMs = tMs - this.#lastMs;
    const alpha = this.smoothingMs > 0 ? 1 - Math.exp(-dtMs / this.smoothingMs) : 1;
    this.trackedHz += alpha * deviation;
    this.#variance += alpha * (deviation * deviation - this.#variance);
    this.wanderHz = Math.sqrt(this.#variance);
    this.#lastMs = tMs;
    this.stableMs = tMs - this.#startMs;
  }

  reset(): void {
    this.trackedHz = 0;
    this.stableMs = 0;
    this.wanderHz = 0;
    this.#variance = 0;
    this.#startMs = 0;
    this.#lastMs = 0;
  }
}

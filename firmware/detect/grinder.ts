/**
 * Angle grinder on glass or a frame, from a 3-axis accelerometer at ~1600 Hz mounted any way round.
 *
 * What it looks for (reference/detectors.md §3): a fundamental in 80–250 Hz (disc unbalance, sagging
 * and wandering with feed pressure) with harmonics at 2× and 3×, plus broadband cutting texture between
 * the harmonics, sustained over about a second of cutting that may come in short cuts with pauses.
 *
 * Cost shape (budget: 1.2 M XS computrons per second of signal):
 * - per block: the shared one-pass front end (MotionBlockStats: per-axis extremes) and a native copy
 *   into the hop buffer;
 * - per hop of 200 ms: the block ranges of each axis against their own floor open a gate; only then is
 *   the last 256-sample frame (160 ms) of the hop projected onto its principal direction of vibration (from a
 *   subsampled covariance of band-passed differences, so gravity and rumble do not steer it), windowed,
 *   transformed (one 256-point real FFT) and scored; when the tone passes but the texture on its direction
 *   falls short, a second FFT of the projection onto the second principal direction measures the cutting
 *   texture across the tone. While the gate is closed every fourth hop is transformed anyway, one axis at
 *   a time, to keep each axis's noise-floor spectrum current.
 *
 * A frame counts as grinding when the spectrum has a tonal peak in the fundamental range (above the
 * floor and above its neighbourhood) that is not itself a harmonic of something slower, at least one
 * tonal harmonic, and cutting texture above the floor between the harmonics (on the tone's direction or
 * across it, whichever shows more: the disc's edge on the work need not shake the pane the way its
 * unbalance does). Grinding hops add their duration to an evidence integrator that leaks slowly during
 * pauses (intermittent contact); the alarm
 * needs `integrationMs` of evidence and a fundamental that moved by at least `minWanderHz` (machines
 * held exactly steady — mains hum, fans, the modes of a tapped pane — never do), or, for a tone held
 * steady, `pausesWithoutWander` pauses in the cutting: a tacho-regulated grinder keeps its speed under
 * load, but the disc still leaves the work and bites again, while a fan runs on (round 15).
 */
import type { SampleBlock } from '../ports';
import type { Fft } from '../dsp/fft';
import { createFft } from '../dsp/fft-factory';
import { fillHann, windowPower } from '../dsp/window';
import { MOTION_CHANNELS, MotionBlockStats } from './motion-block';
import { NO_DETECTIONS } from './types';
import type { Detection, Detector, NodeRole } from './types';
import { resolveOptions } from './options';
import type { OptionSpecs } from './options';

export interface GrinderOptions {
  minFundamentalHz: number;
  maxFundamentalHz: number;
  gateDb: number;
  minFundamentalSnrDb: number;
  minProminenceDb: number;
  harmonicProminenceDb: number;
  minHarmonics: number;
  subharmonicProminenceDb: number;
  minTextureDb: number;
  minWanderHz: number;
  pausesWithoutWander: number;
  pauseDropDb: number;
  integrationMs: number;
  decayMsPerS: number;
  holdoffMs: number;
}

export const GRINDER_OPTION_SPECS: OptionSpecs<GrinderOptions> = {
  minFundamentalHz: { kind: 'number', default: 80, unit: 'Hz', min: 40, max: 200, doc: 'Lowest disc speed accepted as a grinder fundamental (a 10,000 rpm disc sags to ~100 Hz under load).' },
  maxFundamentalHz: { kind: 'number', default: 250, unit: 'Hz', min: 120, max: 400, doc: 'Highest disc speed accepted as a grinder fundamental (13,300 rpm unloaded is 222 Hz).' },
  gateDb: { kind: 'number', default: 3, unit: 'dB', min: 0, max: 20, doc: 'Vibration (mean square of the block ranges) above its tracked floor, on the liveliest axis, that starts spectral analysis.' },
  minFundamentalSnrDb: { kind: 'number', default: 12, unit: 'dB', min: 3, max: 40, doc: 'Fundamental peak above the noise-floor spectrum of the analysed direction.' },
  minProminenceDb: { kind: 'number', default: 10, unit: 'dB', min: 3, max: 30, doc: 'Fundamental peak above the mean of its spectral neighbourhood (±3–8 bins): a tone, not broadband.' },
  harmonicProminenceDb: { kind: 'number', default: 6, unit: 'dB', min: 2, max: 30, doc: 'Prominence a 2nd or 3rd harmonic needs to count.' },
  minHarmonics: { kind: 'number', default: 1, unit: 'count', min: 0, max: 2, integer: true, doc: 'Harmonics (of the 2nd and 3rd) that must be present.' },
  subharmonicProminenceDb: { kind: 'number', default: 8, unit: 'dB', min: 3, max: 30, doc: 'A peak this prominent at f/2, f/3 or f/4 (close in level) marks a lower machine (brush roll, motor) whose harmonics fell in range.' },
  minTextureDb: { kind: 'number', default: 2, unit: 'dB', min: 0.5, max: 20, doc: 'Broadband cutting energy between the harmonics (250 Hz to 0.47·rate) above that band\'s noise floor, over this frame and the previous one.' },
  minWanderHz: { kind: 'number', default: 1.5, unit: 'Hz', min: 0, max: 20, doc: 'Standard deviation the fundamental must show over the grinding frames (feed pressure moves it); steady machines stay far below.' },
  pausesWithoutWander: { kind: 'number', default: 1, unit: 'count', min: 0, max: 10, integer: true, doc: 'Pauses within a grinding episode (the vibration falling pauseDropDb under the grinding, then grinding again) that let a tone without wander alarm: a tacho-regulated grinder holds its speed but still lifts off the work; a fan or pump runs on. 0: only wander counts.' },
  pauseDropDb: { kind: 'number', default: 6, unit: 'dB', min: 3, max: 30, doc: 'How far the vibration level (the gate\'s, over its floor) must fall between two runs of grinding for the gap to count as a pause.' },
  integrationMs: { kind: 'number', default: 800, unit: 'ms', min: 300, max: 10000, doc: 'Grinding needed (sum of grinding frames, less the leak) before the alarm.' },
  decayMsPerS: { kind: 'number', default: 300, unit: 'ms/s', min: 0, max: 1000, doc: 'How fast evidence leaks away while the disc is off the work: tolerance of intermittent contact.' },
  holdoffMs: { kind: 'number', default: 10000, unit: 'ms', min: 0, max: 600000, doc: 'Quiet time after a grinder detection before the next one.' },
};

/** Role defaults: a grinder threatens every pane and frame; balconies see more weather and people, so ask for more evidence. */
export const GRINDER_ROLE_OVERRIDES: Record<NodeRole, Partial<GrinderOptions> | null> = {
  display_case: {},
  window: {},
  balcony: { integrationMs: 1200 },
};

export interface GrinderStream {
  /** Accelerometer output data rate; blocks at another rate are rejected. 1000–3200 Hz. */
  rateHz: number;
}

/** The fundamental (up to 250 Hz) and a harmonic must lie under the Nyquist frequency. */
export const GRINDER_MIN_RATE_HZ = 1000;
const MIN_RATE_HZ = GRINDER_MIN_RATE_HZ;
const MAX_RATE_HZ = 3200;
const HOP_MS = 200;
/** Bins below this are left out: gravity's window leakage and building sway live there. */
const LOWEST_HZ = 20;
const TEXTURE_LO_HZ = 250;
/** Per-bin texture ratios are capped here (≈6 dB) so that a few leaking tonal bins cannot fake texture. */
const TEXTURE_CAP = 4;
/** Speed change within one frame the harmonic exclusion allows for, as a fraction (it widens with h). */
const FRAME_FM = 0.015;
/** SNR ratios are capped here (60 dB) in the harmonic product, so one overwhelming line cannot decide alone. */
const SNR_CAP = 1e6;
/**
 * Spectral floor: a running mean of the first frames, then an average with this weight for a new
 * frame; a floor frame every FLOOR_EVERY quiet hops; analysis starts once every axis has
 * FLOOR_READY frames (a single periodogram is far too ragged to divide by).
 */
const FLOOR_WEIGHT = 0.125;
const FLOOR_EVERY = 4;
const FLOOR_READY = 3;
/** Block-range floor per axis: falls fast to a quieter hop, rises 1 dB in about 8 s of steady vibration. */
const RANGE_FLOOR_FALL = 0.3;
const RANGE_FLOOR_RISE = 1.01;
/** Covariance subsampling (every 4th frame, differences across that lag) and power-iteration steps for the principal direction. */
const COVARIANCE_STEP = 4;
const POWER_ITERATIONS = 8;
/** Wander is measured over the episode's last this many grinding frames. */
const WANDER_FRAMES = 16;
/** Median absolute deviation × this estimates a standard deviation (normal distribution). */
const MAD_TO_SIGMA = 1.4826;
const DB_PER_LN = 10 / Math.LN10;
const TINY = 1e-12;

export class GrinderDetector implements Detector {
  readonly type = 'grinder' as const;
  readonly options: GrinderOptions;
  readonly rateHz: number;
  /** FFT size, frames between analyses, bin width. */
  readonly frameSize: number;
  readonly hopFrames: number;
  readonly binHz: number;
  readonly frameMs: number;
  readonly hopMs: number;

  readonly #stats = new MotionBlockStats();
  readonly #fft: Fft;
  readonly #window: Float64Array;
  readonly #windowPower: number;
  readonly #input: Float64Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;
  readonly #power: Float64Array;
  /** Power of the frame projected on the second principal direction, and that projection's floor. */
  readonly #crossPower: Float64Array;
  readonly #crossFloor: Float64Array;
  /** Covariance (xx, yy, zz, xy, xz, yz) and principal direction of the last projected frame. */
  readonly #covariance = new Float64Array(6);
  readonly #principal = new Float64Array(MOTION_CHANNELS);
  /** Per-axis mean of the last projected frame (from the covariance's subsample), counts. */
  readonly #mean = new Float64Array(MOTION_CHANNELS);
  /** power / floor per bin of the analysed frame, between 1 and SNR_CAP. */
  readonly #snr: Float64Array;
  /** Noise-floor power spectrum per axis (counts²), axis-major; how many frames formed each. */
  readonly #floor: Float64Array;
  readonly #floorFrames = new Int32Array(MOTION_CHANNELS);
  /** Floor of the analysed projection: Σ u_a² · floor_a. */
  readonly #projectedFloor: Float64Array;
  readonly #rangeFloor = new Float64Array(MOTION_CHANNELS);
  readonly #rangeSum = new Float64Array(MOTION_CHANNELS);
  #rangeBlocks = 0;
  #rangePrimed = false;
  #frameBuffer: Int16Array;
  #bufferedFrames = 0;
  #quietHops = 0;
  /** Texture ratio of the previous hop if it was analysed, else 0. */
  #previousTextureRatio = 0;
  #floorAxis = 0;

  // Bin ranges, fixed by the rate.
  readonly #kLowest: number;
  readonly #kTop: number;
  readonly #kFundLo: number;
  readonly #kFundHi: number;
  readonly #kTextureLo: number;

  // Evidence over the current episode.
  #evidenceMs = 0;
  #episodeStartMs = 0;
  #attackCount = 0;
  /** Grinding frames in the current episode. */
  #attackFrames = 0;
  #previousGrinding = false;
  /** Pauses counted in the episode. */
  #pauses = 0;
  /** The quietest level of a pause begun since the last one counted, dB on the gate's scale (Infinity: none). */
  #pauseDb = Infinity;
  /** Gate level of the last grinding hop, dB; the quietest pair of blocks of the hop being gathered (a ratio). */
  #grindingGateDb = 0;
  #quietestPair = Infinity;
  #previousBlockRatio = 0;
  #hopQuietestDb = Infinity;
  /** Fundamentals of the episode's grinding frames (the last WANDER_FRAMES of them). */
  readonly #fundamentals = new Float64Array(WANDER_FRAMES);
  readonly #sorted = new Float64Array(WANDER_FRAMES);
  #holdUntilMs = -Infinity;
  #unitsPerCount = 0;

  // Last analysed frame, for the calibration snapshot.
  lastFundamentalHz = 0;
  lastFundamentalSnrDb = 0;
  lastProminenceDb = 0;
  lastHarmonicCount = 0;
  lastHarmonicRatio = 0;
  lastTextureDb = 0;
  lastGateDb = 0;
  lastGrinding = false;
  /** -1 none yet, 0..2 an axis (floor frame), 3 the principal projection. */
  lastSource = -1;
  /** Hops analysed with the full spectral test (gate open) and floor frames transformed, since construction. */
  analysedFrames = 0;
  floorUpdates = 0;

  readonly #features: Record<string, number> = {
    fundamentalHz: 0, fundamentalSnrDb: 0, prominenceDb: 0, harmonicCount: 0, harmonicRatio: 0,
    textureDb: 0, wanderHz: 0, attackCount: 0, pauses: 0, evidenceMs: 0,
  };
  readonly #detection: Detection = { type: 'grinder', decidedMs: 0, onsetMs: 0, score: 0, features: this.#features };
  readonly #result: readonly Detection[] = [this.#detection];

  constructor(options: Partial<GrinderOptions> = {}, stream: Partial<GrinderStream> = {}) {
    this.options = resolveOptions(GRINDER_OPTION_SPECS, options);
    const rateHz = stream.rateHz ?? 1600;
    if (!(rateHz >= MIN_RATE_HZ && rateHz <= MAX_RATE_HZ)) {
      throw new RangeError(`GrinderDetector: rateHz ${rateHz} is outside ${MIN_RATE_HZ}..${MAX_RATE_HZ} Hz`);
    }
    if (this.options.minFundamentalHz >= this.options.maxFundamentalHz) {
      throw new RangeError(`GrinderDetector: minFundamentalHz ${this.options.minFundamentalHz} must be below maxFundamentalHz ${this.options.maxFundamentalHz}`);
    }
    this.rateHz = rateHz;
    // ~160 ms frames: a loaded disc's speed moves several percent within a few hundred ms, and a
    // longer frame smears its harmonics into the texture; 6.25 Hz bins still separate 80–250 Hz well.
    this.frameSize = rateHz > 2000 ? 512 : 256;
    this.hopFrames = Math.max(this.frameSize, Math.round((rateHz * HOP_MS) / 1000));
    this.binHz = rateHz / this.frameSize;
    this.frameMs = (this.frameSize * 1000) / rateHz;
    this.hopMs = (this.hopFrames * 1000) / rateHz;
    this.#fft = createFft(this.frameSize);
    const bins = this.#fft.bins;
    this.#window = new Float64Array(this.frameSize);
    fillHann(this.#window);
    this.#windowPower = windowPower(this.#window);
    this.#input = new Float64Array(this.frameSize);
    this.#re = new Float64Array(bins);
    this.#im = new Float64Array(bins);
    this.#power = new Float64Array(bins);
    this.#crossPower = new Float64Array(bins);
    this.#crossFloor = new Float64Array(bins);
    this.#snr = new Float64Array(bins);
    this.#floor = new Float64Array(bins * MOTION_CHANNELS);
    this.#projectedFloor = new Float64Array(bins);
    this.#frameBuffer = new Int16Array((this.hopFrames + 64) * MOTION_CHANNELS);
    this.#kLowest = Math.ceil(LOWEST_HZ / this.binHz);
    this.#kTop = bins - 2;
    this.#kFundLo = Math.max(this.#kLowest + 1, Math.floor(this.options.minFundamentalHz / this.binHz));
    this.#kFundHi = Math.min(this.#kTop - 1, Math.ceil(this.options.maxFundamentalHz / this.binHz));
    this.#kTextureLo = Math.round(TEXTURE_LO_HZ / this.binHz);
  }

  push(block: SampleBlock): readonly Detection[] {
    this.#stats.update(block);
    return this.pushMeasured(block, this.#stats);
  }

  /** Like push, with the block's front-end figures already computed (the vibration pipeline shares them). */
  pushMeasured(block: SampleBlock, stats: MotionBlockStats): readonly Detection[] {
    if (block.rateHz !== this.rateHz) {
      throw new Error(`GrinderDetector: block at ${block.rateHz} Hz, expected ${this.rateHz} Hz`);
    }
    const frames = block.frames;
    if (frames === 0) return NO_DETECTIONS;
    this.#unitsPerCount = block.unitsPerCount;
    let blockRatio = 0;
    for (let a = 0; a < MOTION_CHANNELS; a++) {
      const range = stats.max[a] - stats.min[a];
      this.#rangeSum[a] += range * range;
      const ratio = (range * range + 1) / this.#rangeFloor[a];
      if (ratio > blockRatio) blockRatio = ratio;
    }
    this.#rangeBlocks++;
    // The quietest two blocks in a row of the hop, on the gate's scale: a pause in the cutting shows there
    // even when it is shorter than a hop. (Until the floor is primed the ratio is meaningless and unused.)
    if (this.#rangePrimed) {
      const pair = 0.5 * (blockRatio + this.#previousBlockRatio);
      if (this.#previousBlockRatio > 0 && pair < this.#quietestPair) this.#quietestPair = pair;
      this.#previousBlockRatio = blockRatio;
    }

    const room = this.#bufferedFrames * MOTION_CHANNELS + block.samples.length;
    if (room > this.#frameBuffer.length) this.#grow(room);
    // Native copy of the whole block (cheap in XS); only the first `frames` frames are valid.
    this.#frameBuffer.set(block.samples, this.#bufferedFrames * MOTION_CHANNELS);
    const periodMs = 1000 / this.rateHz;
    const hop = this.hopFrames;
    let consumed = 0;
    let result = NO_DETECTIONS;
    let buffered = this.#bufferedFrames + frames;
    while (buffered >= hop) {
      consumed += hop - this.#bufferedFrames;
      if (this.#analyseHop(block.t0Ms + consumed * periodMs)) result = this.#result;
      buffered -= hop;
      this.#frameBuffer.copyWithin(0, hop * MOTION_CHANNELS, (hop + buffered) * MOTION_CHANNELS);
      this.#bufferedFrames = 0;
    }
    this.#bufferedFrames = buffered;
    return result;
  }

  reset(): void {
    this.#stats.reset();
    this.#floor.fill(0);
    this.#floorFrames.fill(0);
    this.#rangeFloor.fill(0);
    this.#rangeSum.fill(0);
    this.#rangeBlocks = 0;
    this.#rangePrimed = false;
    this.#bufferedFrames = 0;
    this.#quietHops = 0;
    this.#floorAxis = 0;
    this.#previousTextureRatio = 0;
    this.#endEpisode();
    this.#grindingGateDb = 0;
    this.#quietestPair = Infinity;
    this.#previousBlockRatio = 0;
    this.#hopQuietestDb = Infinity;
    this.#holdUntilMs = -Infinity;
    this.lastFundamentalHz = 0;
    this.lastFundamentalSnrDb = 0;
    this.lastProminenceDb = 0;
    this.lastHarmonicCount = 0;
    this.lastHarmonicRatio = 0;
    this.lastTextureDb = 0;
    this.lastGateDb = 0;
    this.lastGrinding = false;
    this.lastSource = -1;
  }

  /** Evidence integrated so far in the current episode, ms. */
  get evidenceMs(): number {
    return this.#evidenceMs;
  }

  /** Whether every axis has a settled noise-floor spectrum (about 1.8 s after start or reset). */
  get ready(): boolean {
    const f = this.#floorFrames;
    return f[0] >= FLOOR_READY && f[1] >= FLOOR_READY && f[2] >= FLOOR_READY;
  }

  /**
   * How much the fundamental moves over the episode's recent grinding frames, Hz: the median absolute
   * deviation from the median, scaled to a standard deviation. Robust: a few frames that caught
   * another line (an octave, a neighbour's machine) cannot make a steady tone look like a wandering one,
   * while a disc sagging under load and recovering moves most frames.
   */
  get wanderHz(): number {
    const n = this.#attackFrames < WANDER_FRAMES ? this.#attackFrames : WANDER_FRAMES;
    if (n < 2) return 0;
    const sorted = this.#sorted;
    for (let i = 0; i < n; i++) sorted[i] = this.#fundamentals[i];
    insertionSort(sorted, n);
    const median = middle(sorted, n);
    for (let i = 0; i < n; i++) sorted[i] = Math.abs(this.#fundamentals[i] - median);
    insertionSort(sorted, n);
    return MAD_TO_SIGMA * middle(sorted, n);
  }

  /** Noise floor as the vector RMS of all three axes from LOWEST_HZ to Nyquist, dB re 1 g (-Infinity before it is known). */
  noiseFloorDb(): number {
    const bins = this.#fft.bins;
    let sum = 0;
    for (let a = 0; a < MOTION_CHANNELS; a++) {
      for (let k = this.#kLowest; k < bins - 1; k++) sum += this.#floor[a * bins + k];
    }
    const rmsG = Math.sqrt(sum * this.#meanSquarePerPower()) * this.#unitsPerCount;
    return rmsG > 0 ? 20 * Math.log10(rmsG) : -Infinity;
  }

  /** Power spectrum of the last transformed frame in g² (mean-square scaled) into `out`; returns lastSource. */
  lastSpectrum(out: Float64Array): number {
    const scale = this.#meanSquarePerPower() * this.#unitsPerCount * this.#unitsPerCount;
    const bins = Math.min(out.length, this.#power.length);
    for (let k = 0; k < bins; k++) out[k] = this.#power[k] * scale;
    return this.lastSource;
  }

  /** One-sided power of a Hann-windowed frame → mean square: 2 / (N·Σw²). */
  #meanSquarePerPower(): number {
    return 2 / (this.frameSize * this.#windowPower);
  }

  #grow(samples: number): void {
    const bigger = new Int16Array(samples + 64 * MOTION_CHANNELS);
    bigger.set(this.#frameBuffer);
    this.#frameBuffer = bigger;
  }

  /** One hop is in the buffer (its last frameSize frames are analysed); true when it completes a detection. */
  #analyseHop(endMs: number): boolean {
    // Mean squared block range per axis against its floor: the gate.
    const perBlock = this.#rangeBlocks > 0 ? 1 / this.#rangeBlocks : 0;
    let bestRatio = 0;
    for (let a = 0; a < MOTION_CHANNELS; a++) {
      const level = this.#rangeSum[a] * perBlock + 1;
      if (!this.#rangePrimed) this.#rangeFloor[a] = level;
      const floor = this.#rangeFloor[a];
      const ratio = level / floor;
      if (ratio > bestRatio) bestRatio = ratio;
      this.#rangeFloor[a] = level < floor ? floor + (level - floor) * RANGE_FLOOR_FALL : Math.min(level, floor * RANGE_FLOOR_RISE);
      this.#rangeSum[a] = 0;
    }
    this.#rangePrimed = true;
    this.#rangeBlocks = 0;
    this.lastGateDb = DB_PER_LN * Math.log(bestRatio);
    this.#hopQuietestDb = DB_PER_LN * Math.log(this.#quietestPair);
    this.#quietestPair = Infinity;

    let grinding = false;
    if (this.ready && this.lastGateDb >= this.options.gateDb) {
      this.#projectPrincipal();
      this.#fft.power(this.#input, this.#power, this.#re, this.#im);
      this.lastSource = MOTION_CHANNELS;
      this.analysedFrames++;
      grinding = this.#scoreFrame();
    } else {
      this.lastGrinding = false;
      this.#previousTextureRatio = 0;
      if (!this.ready || ++this.#quietHops >= FLOOR_EVERY) {
        this.#quietHops = 0;
        const axis = this.#floorAxis;
        this.#floorAxis = (axis + 1) % MOTION_CHANNELS;
        this.#transformAxis(axis);
        this.#updateFloor(axis);
      }
    }
    return this.#integrate(grinding, endMs);
  }

  /** Windowed power spectrum of one axis of the analysed frame into #power. */
  #transformAxis(axis: number): void {
    const n = this.frameSize;
    const buffer = this.#frameBuffer;
    const input = this.#input;
    const window = this.#window;
    const start = (this.hopFrames - n) * MOTION_CHANNELS + axis;
    let sum = 0;
    for (let i = 0, j = start; i < n; i++, j += 3) sum += buffer[j];
    const mean = sum / n;
    for (let i = 0, j = start; i < n; i++, j += 3) input[i] = (buffer[j] - mean) * window[i];
    this.#fft.power(input, this.#power, this.#re, this.#im);
    this.lastSource = axis;
  }

  /**
   * Windowed projection of the analysed frame onto its principal direction of vibration into #input,
   * and the matching floor into #projectedFloor. The direction comes from the covariance of the
   * differences x[n] − x[n−4] taken every 4th frame, by power iteration. That difference passes
   * 100–300 Hz best (gain 4·sin²(4πf/fs), largest at fs/8) where the disc's tone lives, and keeps
   * gravity, tilt and rumble below 30 Hz out of the direction.
   */
  #projectPrincipal(): void {
    const n = this.frameSize;
    const buffer = this.#frameBuffer;
    const start = (this.hopFrames - n) * MOTION_CHANNELS;
    let sx = 0, sy = 0, sz = 0;
    let cxx = 0, cyy = 0, czz = 0, cxy = 0, cxz = 0, cyz = 0;
    const stride = COVARIANCE_STEP * MOTION_CHANNELS;
    for (let j = start + stride; j < start + n * MOTION_CHANNELS; j += stride) {
      const x = buffer[j], y = buffer[j + 1], z = buffer[j + 2];
      const dx = x - buffer[j - stride], dy = y - buffer[j - stride + 1], dz = z - buffer[j - stride + 2];
      sx += x; sy += y; sz += z;
      cxx += dx * dx; cyy += dy * dy; czz += dz * dz;
      cxy += dx * dy; cxz += dx * dz; cyz += dy * dz;
    }
    const samples = n / COVARIANCE_STEP - 1;
    // Power iteration from the axis with the most energy.
    let ux = 0, uy = 0, uz = 0;
    if (cxx >= cyy && cxx >= czz) ux = 1; else if (cyy >= czz) uy = 1; else uz = 1;
    for (let i = 0; i < POWER_ITERATIONS; i++) {
      const vx = cxx * ux + cxy * uy + cxz * uz;
      const vy = cxy * ux + cyy * uy + cyz * uz;
      const vz = cxz * ux + cyz * uy + czz * uz;
      const length = Math.sqrt(vx * vx + vy * vy + vz * vz);
      if (length === 0) break;
      ux = vx / length; uy = vy / length; uz = vz / length;
    }
    const c = this.#covariance;
    c[0] = cxx; c[1] = cyy; c[2] = czz; c[3] = cxy; c[4] = cxz; c[5] = cyz;
    const u = this.#principal;
    u[0] = ux; u[1] = uy; u[2] = uz;
    const m = this.#mean;
    m[0] = sx / samples; m[1] = sy / samples; m[2] = sz / samples;
    this.#project(ux, uy, uz, this.#projectedFloor);
  }

  /**
   * Windowed projection of the analysed frame onto the second principal direction (the covariance with
   * the first removed, by power iteration kept orthogonal to it) into #input, its floor into #crossFloor.
   * Cutting texture comes from the disc's edge on the work and need not share the unbalance tone's
   * direction; with the tone dominating the covariance, the second direction is where texture across
   * it shows, free of the harmonics.
   */
  #projectSecond(): void {
    const c = this.#covariance;
    const u = this.#principal;
    const ux = u[0], uy = u[1], uz = u[2];
    const lambda = ux * (c[0] * ux + c[3] * uy + c[4] * uz) + uy * (c[3] * ux + c[1] * uy + c[5] * uz) + uz * (c[4] * ux + c[5] * uy + c[2] * uz);
    const cxx = c[0] - lambda * ux * ux, cyy = c[1] - lambda * uy * uy, czz = c[2] - lambda * uz * uz;
    const cxy = c[3] - lambda * ux * uy, cxz = c[4] - lambda * ux * uz, cyz = c[5] - lambda * uy * uz;
    // Start from the axis least aligned with u, made orthogonal to it.
    let vx = 0, vy = 0, vz = 0;
    const ax = Math.abs(ux), ay = Math.abs(uy), az = Math.abs(uz);
    if (ax <= ay && ax <= az) vx = 1; else if (ay <= az) vy = 1; else vz = 1;
    for (let i = 0; i <= POWER_ITERATIONS; i++) {
      const along = vx * ux + vy * uy + vz * uz;
      const px = vx - along * ux, py = vy - along * uy, pz = vz - along * uz;
      const length = Math.sqrt(px * px + py * py + pz * pz);
      if (length === 0) break;
      vx = px / length; vy = py / length; vz = pz / length;
      if (i === POWER_ITERATIONS) break;
      const wx = cxx * vx + cxy * vy + cxz * vz;
      const wy = cxy * vx + cyy * vy + cyz * vz;
      const wz = cxz * vx + cyz * vy + czz * vz;
      if (wx === 0 && wy === 0 && wz === 0) break;
      vx = wx; vy = wy; vz = wz;
    }
    this.#project(vx, vy, vz, this.#crossFloor);
  }

  /** Windowed projection of the analysed frame onto unit vector (ux, uy, uz) into #input, its floor into `floorOut`. */
  #project(ux: number, uy: number, uz: number, floorOut: Float64Array): void {
    const n = this.frameSize;
    const buffer = this.#frameBuffer;
    const start = (this.hopFrames - n) * MOTION_CHANNELS;
    const m = this.#mean;
    const offset = ux * m[0] + uy * m[1] + uz * m[2];
    const input = this.#input;
    const window = this.#window;
    for (let i = 0, j = start; i < n; i++, j += 3) {
      input[i] = (ux * buffer[j] + uy * buffer[j + 1] + uz * buffer[j + 2] - offset) * window[i];
    }
    const bins = this.#fft.bins;
    const floor = this.#floor;
    const wx = ux * ux, wy = uy * uy, wz = uz * uz;
    for (let k = this.#kLowest; k <= this.#kTop; k++) floorOut[k] = wx * floor[k] + wy * floor[bins + k] + wz * floor[2 * bins + k];
  }

  #updateFloor(axis: number): void {
    const bins = this.#fft.bins;
    const floor = this.#floor;
    const power = this.#power;
    const base = axis * bins;
    const count = this.#floorFrames[axis];
    const weight = count * FLOOR_WEIGHT < 1 ? 1 / (count + 1) : FLOOR_WEIGHT;
    for (let k = 0; k < bins; k++) floor[base + k] += (power[k] + TINY - floor[base + k]) * weight;
    this.#floorFrames[axis]++;
    this.floorUpdates++;
  }

  /** Mean power of the neighbourhood k±3..8 (the peak's own skirt excluded). */
  #neighbourhood(k: number): number {
    const power = this.#power;
    let sum = 0;
    let count = 0;
    for (let d = 3; d <= 8; d++) {
      if (k - d >= this.#kLowest) { sum += power[k - d]; count++; }
      if (k + d <= this.#kTop) { sum += power[k + d]; count++; }
    }
    return count > 0 ? sum / count + TINY : TINY;
  }

  /**
   * The local maximum of the power spectrum reached by climbing from bin k (at most two bins either
   * way): the harmonic search lands within a bin of a peak, and may land on its skirt.
   */
  #peakBin(k: number): number {
    const power = this.#power;
    const lowest = this.#kLowest;
    const top = this.#kTop;
    let kp = k < lowest ? lowest : k > top ? top : k;
    for (let step = 0; step < 2; step++) {
      if (kp - 1 >= lowest && power[kp - 1] > power[kp] && (kp + 1 > top || power[kp - 1] >= power[kp + 1])) kp--;
      else if (kp + 1 <= top && power[kp + 1] > power[kp]) kp++;
      else break;
    }
    return kp;
  }

  /**
   * Frequency of the peak at local maximum kp, from the magnitudes of kp and its neighbours with the
   * Hann window's own interpolation formula (exact for a lone tone: δ = 2(b₊ − b₋)/(b₋ + 2b + b₊)).
   */
  #refinedHz(kp: number): number {
    if (kp <= this.#kLowest || kp >= this.#kTop) return kp * this.binHz;
    const power = this.#power;
    const below = Math.sqrt(power[kp - 1]);
    const above = Math.sqrt(power[kp + 1]);
    const sum = below + 2 * Math.sqrt(power[kp]) + above;
    let offset = sum > 0 ? (2 * (above - below)) / sum : 0;
    if (offset > 0.5) offset = 0.5; else if (offset < -0.5) offset = -0.5;
    return (kp + offset) * this.binHz;
  }

  /** Scores the projected frame; updates the last* figures; true when it looks like grinding. */
  #scoreFrame(): boolean {
    const o = this.options;
    const power = this.#power;
    const floor = this.#projectedFloor;
    const snr = this.#snr;
    const kLowest = this.#kLowest;
    const kTop = this.#kTop;
    let totalPower = 0;
    for (let k = kLowest; k <= kTop; k++) {
      const p = power[k];
      totalPower += p;
      const ratio = p / floor[k];
      snr[k] = ratio < 1 ? 1 : ratio > SNR_CAP ? SNR_CAP : ratio;
    }

    // Harmonic product over candidate fundamentals: SNR at f, 2f and 3f (best of ±1 bin).
    let bestK = this.#kFundLo;
    let bestScore = -1;
    for (let k0 = this.#kFundLo; k0 <= this.#kFundHi; k0++) {
      let score = 1;
      for (let h = 1; h <= 3; h++) {
        const k = h * k0;
        if (k + 1 > kTop) break;
        let v = snr[k - 1];
        if (snr[k] > v) v = snr[k];
        if (snr[k + 1] > v) v = snr[k + 1];
        score *= v;
      }
      if (score > bestScore) {
        bestScore = score;
        bestK = k0;
      }
    }
    const kp = this.#peakBin(bestK);
    const fundamentalPower = power[kp];
    const fundamentalSnrDb = DB_PER_LN * Math.log((fundamentalPower + TINY) / floor[kp]);
    const prominenceDb = DB_PER_LN * Math.log((fundamentalPower + TINY) / this.#neighbourhood(kp));

    // Harmonics: count the tonal ones; their peaks refine the fundamental (weighted by power).
    let harmonicCount = 0;
    let seriesPower = fundamentalPower;
    let weightedHz = this.#refinedHz(kp) * fundamentalPower;
    let weights = fundamentalPower;
    const roughHz = weightedHz / weights;
    for (let h = 2; h <= 3; h++) {
      const kh = this.#peakBin(Math.round((h * roughHz) / this.binHz));
      if (kh + 1 > kTop) break;
      seriesPower += power[kh];
      if (DB_PER_LN * Math.log((power[kh] + TINY) / this.#neighbourhood(kh)) >= o.harmonicProminenceDb) {
        harmonicCount++;
        weightedHz += (this.#refinedHz(kh) / h) * power[kh];
        weights += power[kh];
      }
    }
    const fundamentalHz = weightedHz / weights;

    // A tonal peak at f/2, f/3 or f/4, close in level: the series belongs to a slower machine.
    let subharmonic = false;
    for (let d = 2; d <= 4; d++) {
      const k = Math.round(fundamentalHz / d / this.binHz);
      if (k - 1 < kLowest) break;
      const ks = this.#peakBin(k);
      if (DB_PER_LN * Math.log((power[ks] + TINY) / this.#neighbourhood(ks)) >= o.subharmonicProminenceDb &&
        power[ks] * 16 >= fundamentalPower) {
        subharmonic = true;
      }
    }

    const tonal = fundamentalSnrDb >= o.minFundamentalSnrDb && prominenceDb >= o.minProminenceDb &&
      harmonicCount >= o.minHarmonics && !subharmonic && fundamentalHz >= o.minFundamentalHz && fundamentalHz <= o.maxFundamentalHz;
    // Cutting bites unevenly: the texture is judged on this frame and the one before (when that was analysed too).
    const previous = this.#previousTextureRatio;
    let textureRatio = this.#textureRatio(power, floor, fundamentalHz);
    let judged = previous > 0 ? 0.5 * (textureRatio + previous) : textureRatio;
    // Texture across the tone (the second principal direction) counts too; a second FFT, spent only on a
    // frame whose tone passes and whose texture on the tone's direction falls short.
    if (tonal && DB_PER_LN * Math.log(judged + TINY) < o.minTextureDb) {
      this.#projectSecond();
      this.#fft.power(this.#input, this.#crossPower, this.#re, this.#im);
      const crossRatio = this.#textureRatio(this.#crossPower, this.#crossFloor, fundamentalHz);
      if (crossRatio > textureRatio) {
        textureRatio = crossRatio;
        judged = previous > 0 ? 0.5 * (textureRatio + previous) : textureRatio;
      }
    }
    this.#previousTextureRatio = textureRatio;
    const textureDb = DB_PER_LN * Math.log(judged + TINY);

    this.lastFundamentalHz = fundamentalHz;
    this.lastFundamentalSnrDb = fundamentalSnrDb;
    this.lastProminenceDb = prominenceDb;
    this.lastHarmonicCount = harmonicCount;
    this.lastHarmonicRatio = totalPower > 0 ? seriesPower / totalPower : 0;
    this.lastTextureDb = textureDb;
    this.lastGrinding = tonal && textureDb >= o.minTextureDb;
    return this.lastGrinding;
  }

  /**
   * Cutting texture of a spectrum: mean of the per-bin power to floor ratio (capped at TEXTURE_CAP)
   * between the harmonics of `fundamentalHz`, from TEXTURE_LO_HZ up.
   */
  #textureRatio(power: Float64Array, floor: Float64Array, fundamentalHz: number): number {
    const kTop = this.#kTop;
    const binsPerHarmonic = fundamentalHz / this.binHz;
    let textureSum = 0;
    let textureBins = 0;
    for (let h = Math.floor(this.#kTextureLo / binsPerHarmonic); h * binsPerHarmonic <= kTop; h++) {
      const lo = Math.ceil(h * binsPerHarmonic + 2 + h * binsPerHarmonic * FRAME_FM);
      const hi = Math.floor((h + 1) * binsPerHarmonic - 2 - (h + 1) * binsPerHarmonic * FRAME_FM);
      const from = lo < this.#kTextureLo ? this.#kTextureLo : lo;
      const to = hi > kTop ? kTop : hi;
      for (let k = from; k <= to; k++) {
        // The floor of one bin is still an estimate; its neighbours steady it (texture is broadband anyway).
        const ratio = (3 * power[k]) / (floor[k - 1] + floor[k] + floor[k + 1]);
        textureSum += ratio > TEXTURE_CAP ? TEXTURE_CAP : ratio;
        textureBins++;
      }
    }
    return textureBins > 0 ? textureSum / textureBins : 1;
  }

  #endEpisode(): void {
    this.#evidenceMs = 0;
    this.#attackCount = 0;
    this.#attackFrames = 0;
    this.#previousGrinding = false;
    this.#pauses = 0;
    this.#pauseDb = Infinity;
  }

  /** Adds one hop's verdict to the evidence; true when it completes a detection. */
  #integrate(grinding: boolean, endMs: number): boolean {
    const o = this.options;
    // The level fell clearly below the episode's last grinding: the disc left the work (a machine that
    // merely flickers across a threshold keeps its level). Judged against earlier hops only, so a machine
    // starting up within the episode's first hop is no pause; and only a later hop completes it, since a
    // machine running down still looks like grinding in the hop where its level falls.
    if (this.#evidenceMs > 0 && this.#hopQuietestDb <= this.#grindingGateDb - o.pauseDropDb && this.#hopQuietestDb < this.#pauseDb) {
      this.#pauseDb = this.#hopQuietestDb;
    }
    if (grinding) {
      // Grinding again, at a level back up from the pause's: the disc bit again.
      if (this.lastGateDb - this.#pauseDb >= o.pauseDropDb && this.#hopQuietestDb > this.#pauseDb) {
        this.#pauses++;
        this.#pauseDb = Infinity;
      }
      this.#grindingGateDb = this.lastGateDb;
      if (this.#evidenceMs === 0) this.#episodeStartMs = endMs - this.frameMs;
      this.#fundamentals[this.#attackFrames % WANDER_FRAMES] = this.lastFundamentalHz;
      this.#attackFrames++;
      if (!this.#previousGrinding) this.#attackCount++;
      this.#evidenceMs = Math.min(this.#evidenceMs + this.hopMs, 2 * o.integrationMs);
    } else if (this.#evidenceMs > 0) {
      this.#evidenceMs -= (o.decayMsPerS * this.hopMs) / 1000;
      if (this.#evidenceMs <= 0) this.#endEpisode();
    }
    this.#previousGrinding = grinding;
    if (!grinding || endMs < this.#holdUntilMs || this.#evidenceMs < o.integrationMs) return false;
    const wanderHz = this.wanderHz;
    // A steady tone alarms only once the cutting has paused and resumed (a tacho-regulated grinder).
    if (wanderHz < o.minWanderHz && (o.pausesWithoutWander === 0 || this.#pauses < o.pausesWithoutWander)) return false;

    const features = this.#features;
    features.fundamentalHz = this.lastFundamentalHz;
    features.fundamentalSnrDb = this.lastFundamentalSnrDb;
    features.prominenceDb = this.lastProminenceDb;
    features.harmonicCount = this.lastHarmonicCount;
    features.harmonicRatio = this.lastHarmonicRatio;
    features.textureDb = this.lastTextureDb;
    features.wanderHz = wanderHz;
    features.attackCount = this.#attackCount;
    features.pauses = this.#pauses;
    features.evidenceMs = this.#evidenceMs;
    const detection = this.#detection;
    detection.decidedMs = endMs;
    detection.onsetMs = this.#episodeStartMs;
    // Confidence grows with how clearly the tone stands out and how much texture there is.
    const margin = (this.lastProminenceDb - o.minProminenceDb) / 20 + (this.lastTextureDb - o.minTextureDb) / 6;
    detection.score = Math.min(1, 0.6 + 0.2 * Math.min(2, Math.max(0, margin)));
    this.#holdUntilMs = endMs + o.holdoffMs;
    this.#endEpisode();
    return true;
  }
}

/** Sorts the first n values in place (n ≤ WANDER_FRAMES: insertion sort, no allocation). */
function insertionSort(values: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > v) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = v;
  }
}

/** Median of the first n sorted values. */
function middle(sorted: Float64Array, n: number): number {
  const half = n >> 1;
  return n % 2 === 1 ? sorted[half] : 0.5 * (sorted[half - 1] + sorted[half]);
}

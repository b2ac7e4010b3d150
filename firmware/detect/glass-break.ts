/**
 * Glass-break detector for a 16 kHz microphone.
 *
 * Computation plan (measured costs in docs/detectors-acoustic.md):
 * 1. Front end, every sample, integers only: per 4 ms tick (64 samples) the energy Σx² and the energy
 *    of the second difference Σ(x[n] − 2x[n−1] + x[n−2])², a high-frequency proxy whose gain rises
 *    24 dB per octave (+2 dB at 3 kHz, −16 dB at 1 kHz, −56 dB at 100 Hz). Blocks are also copied
 *    (natively where possible) into a ring for the spectral stage and the calibration snapshot.
 * 2. Per tick: noise floors of both levels. A candidate event opens when the high-frequency level stands
 *    `onsetDb` over its floor and has jumped `onsetRiseDb` over its last ~16 ms: an impact is abrupt, a
 *    voice or a fan swells. Only candidates run the spectral stage.
 * 3. Candidate, for `analysisMs` after the onset: per tick, active time, shard transients and the
 *    re-attack of the smoothed high-frequency level; every 32 ms a 256-point FFT frame: band energies
 *    below 1 kHz, 1–3 kHz and 3–8 kHz over the background measured just before the onset, and the
 *    3–8 kHz fine structure.
 * 4. Decision at the end of the window. A break is a broadband impact (the band below 1 kHz jumps at the
 *    onset: impactDb) followed by high-frequency shatter (hfRatioDb: 3–8 kHz against everything below)
 *    that is not tonal (the fine structure of one frame does not predict the next: tonality; the
 *    spectrum summed over the window has no standing peaks: peakiness) and does not attack again
 *    (reattackDb). Bells, keys and cymbals ring at modes of fixed frequency, every glass fragment at its
 *    own; music, keys, claps and voices come back within the window. These make a weighted evidence
 *    score; hard limits veto what is certainly no break. Flex of the pane reported by the accelerometer
 *    within `flexWindowMs` of the onset adds `flexBonus` (or is required, with `requireFlex`).
 * Nothing is allocated after construction: the result array and its Detection are reused.
 */
import type { SampleBlock } from '../ports';
import { RealFft } from '../dsp/fft';
import { fillHann } from '../dsp/window';
import { type OptionSpecs, resolveOptions } from './options';
import { type Detection, type Detector, type NodeRole, NO_DETECTIONS } from './types';

export interface GlassBreakOptions {
  onsetDb: number;
  onsetRiseDb: number;
  restartDb: number;
  activeDb: number;
  jumpDb: number;
  minTransients: number;
  minDurationMs: number;
  minHfRatioDb: number;
  maxHfRatioDb: number;
  minHfMidDb: number;
  maxTonality: number;
  maxPeakiness: number;
  minScore: number;
  analysisMs: number;
  refractoryMs: number;
  floorRiseDbPerS: number;
  flexWindowMs: number;
  requireFlex: boolean;
  flexBonus: number;
}

export const GLASS_BREAK_OPTION_SPECS: OptionSpecs<GlassBreakOptions> = {
  onsetDb: { kind: 'number', default: 16, unit: 'dB', min: 4, max: 40, doc: 'High-frequency (second-difference) level over its noise floor that opens a candidate event.' },
  onsetRiseDb: { kind: 'number', default: 10, unit: 'dB', min: 0, max: 40, doc: 'Jump of the high-frequency level over its last ~16 ms that an onset also needs: an impact is abrupt, a voice or a fan swells.' },
  restartDb: { kind: 'number', default: 10, unit: 'dB', min: 3, max: 40, doc: 'A running candidate restarts on an onset that tops its peak by this much (a louder event began, e.g. a break during speech).' },
  activeDb: { kind: 'number', default: 6, unit: 'dB', min: 2, max: 30, doc: 'High-frequency level over the pre-onset floor at which a 4 ms tick counts as active.' },
  jumpDb: { kind: 'number', default: 6, unit: 'dB', min: 2, max: 20, doc: 'Rise of an active 4 ms tick over the two before it that counts as a shard transient.' },
  minTransients: { kind: 'number', default: 1, unit: 'count', min: 1, max: 60, integer: true, doc: 'Shard transients needed in the analysis window. Reverberation smears them beyond the critical distance, so the default only needs the onset; raise it in dry rooms.' },
  minDurationMs: { kind: 'number', default: 100, unit: 'ms', min: 20, max: 480, doc: 'Active high-frequency time needed in the analysis window (shatter lasts 0.1–1.5 s).' },
  minHfRatioDb: { kind: 'number', default: -8, unit: 'dB', min: -30, max: 20, doc: 'Lowest 3–8 kHz energy of the event over its energy below 3 kHz; the evidence for a break grows from 4 dB above this to 12 dB above.' },
  maxHfRatioDb: { kind: 'number', default: 15, unit: 'dB', min: 0, max: 40, doc: 'Highest 3–8 kHz to below-3 kHz ratio: a break always carries impact and crack energy below 3 kHz; purer high tones are keys or bells.' },
  minHfMidDb: { kind: 'number', default: -4, unit: 'dB', min: -30, max: 20, doc: 'Lowest 3–8 kHz energy of the event over its 1–3 kHz energy (claps and voices sit at 1–3 kHz).' },
  maxTonality: { kind: 'number', default: 0.42, unit: 'ratio', min: 0.05, max: 1, doc: 'Highest frame-to-frame correlation of the 3–8 kHz spectral fine structure (ringing modes persist, glass shards do not); the evidence for a break falls over the 0.2 below it.' },
  maxPeakiness: { kind: 'number', default: 0.45, unit: 'ratio', min: 0.15, max: 1, doc: 'Highest share of the window\'s summed 3–8 kHz spectrum in standing peaks (keys and bells recur at the same frequencies).' },
  minScore: { kind: 'number', default: 0.74, unit: 'ratio', min: 0.3, max: 1, doc: 'Evidence score (0..1, flex bonus included) needed for a detection.' },
  analysisMs: { kind: 'number', default: 400, unit: 'ms', min: 160, max: 480, doc: 'Time from the onset to the decision (the detection latency).' },
  refractoryMs: { kind: 'number', default: 3000, unit: 'ms', min: 0, max: 60000, doc: 'No new detection for this long after one.' },
  floorRiseDbPerS: { kind: 'number', default: 3, unit: 'dB/s', min: 0.1, max: 30, doc: 'How fast the noise floors follow a rising background (they fall to a quieter one within ~0.1 s).' },
  flexWindowMs: { kind: 'number', default: 300, unit: 'ms', min: 0, max: 2000, doc: 'A pane flex reported by the accelerometer within this time of the onset corroborates the break.' },
  requireFlex: { kind: 'boolean', default: false, doc: 'Alarm only when the accelerometer on the same pane saw it flex (dual technology).' },
  flexBonus: { kind: 'number', default: 0.15, unit: 'ratio', min: 0, max: 0.5, doc: 'Score added when the pane flex corroborates the break.' },
};

/**
 * Per role. A window gets the defaults. A display-case node sits within half a metre of its glass, so a
 * break there is loud and direct: a higher onset level costs nothing and keeps the visitors' chatter
 * from opening candidates. A balcony has no glass for a microphone to protect (null: not used).
 */
export const GLASS_BREAK_ROLE_OVERRIDES: Record<NodeRole, Partial<GlassBreakOptions> | null> = {
  window: {},
  display_case: { onsetDb: 20 },
  balcony: null,
};

/** Names of the figures in a glass-break Detection's `features`. */
export const GLASS_BREAK_FEATURES = [
  'hfRatioDb', 'hfMidDb', 'impactDb', 'reattackDb', 'tonality', 'peakiness', 'transientCount', 'durationMs', 'lfDurationMs',
  'levelDb', 'floorDbfs', 'acousticScore', 'flex', 'flexPeakG',
] as const;
export type GlassBreakFeature = (typeof GLASS_BREAK_FEATURES)[number];
export type GlassBreakFeatures = Record<GlassBreakFeature, number>;

export const GLASS_BREAK_RATE_HZ = 16000;
/** Samples per tick of the front end (4 ms). */
const TICK_SAMPLES = 64;
const TICK_MS = (TICK_SAMPLES * 1000) / GLASS_BREAK_RATE_HZ;
const FRAME_SAMPLES = 256;
/** A spectral frame every 8 ticks (32 ms) while a candidate is open: ticks 8k..8k+3 after the onset. */
const FRAME_EVERY_TICKS = 8;
const RING_SAMPLES = 4096;
const RING_MASK = RING_SAMPLES - 1;
/** Largest piece of a block processed at once; the ring keeps at least this much history behind it. */
const CHUNK_SAMPLES = 1024;
/** Most samples `recentSamples` can return. */
export const RECENT_SAMPLES_MAX = RING_SAMPLES - CHUNK_SAMPLES;
const BIN_HZ = GLASS_BREAK_RATE_HZ / FRAME_SAMPLES;
const bin = (hz: number): number => Math.round(hz / BIN_HZ);
const LF_BINS = [1, bin(1000)] as const;
const MID_BINS = [bin(1000), bin(3000)] as const;
const HF_BINS = [bin(3000), FRAME_SAMPLES / 2] as const;
/** Fine structure: the log spectrum minus its moving average over ±250 Hz. */
const FINE_HALF_WIDTH = bin(250);
const FINE_BINS = [HF_BINS[0], HF_BINS[1] - FINE_HALF_WIDTH] as const;
/** A frame is an event frame (used for tonality and peakiness) when its 3–8 kHz energy is 4× the background's. */
const EVENT_FRAME_RATIO = 4;
/** A bin of the summed spectrum is a standing peak at 4× the mean of its ±250 Hz neighbourhood. */
const PEAK_FACTOR = 4;
/** Re-attacks are looked for from 100 ms after the onset. */
const REATTACK_FROM_TICK = 25;
const WARMUP_MS = 500;
const FLEX_SLOTS = 4;
const TINY = 1e-12;
const DB_PER_NEPER_POWER = 10 / Math.LN10;
const NO_LEVEL_DB = -200;

/**
 * Evidence weights and ramps. Each figure maps linearly to 0..1 over its ramp; the acoustic score is the
 * weighted mean. Spectral balance and impact carry most weight: they are the two stages of a break.
 */
const WEIGHT_HF = 3;
const WEIGHT_IMPACT = 3;
const WEIGHT_TONALITY = 2;
const WEIGHT_PEAKINESS = 1;
const WEIGHT_REATTACK = 1;
const HF_FROM_DB = 4;
const HF_RAMP_DB = 8;
const IMPACT_FROM_DB = 3;
const IMPACT_RAMP_DB = 12;
const TONALITY_RAMP = 0.2;
const PEAKINESS_MARGIN = 0.1;
const PEAKINESS_RAMP = 0.2;
/** No re-attack evidence is full up to 4 dB and gone at 12 dB. */
const REATTACK_TO_DB = 12;
const REATTACK_RAMP_DB = 8;

/**
 * Tracks the floor of a level in dB: follows a quieter level within ~`fallTimeMs`, a louder one at most
 * `riseDbPerS`, so it sits on the quiet moments of the background.
 */
// stand-in for firmware/dsp/noise-floor.ts
class NoiseFloorTracker {
  floorDb = Number.NaN;
  readonly riseDbPerS: number;
  readonly fallTimeMs: number;

  constructor(riseDbPerS: number, fallTimeMs = 100) {
    this.riseDbPerS = riseDbPerS;
    this.fallTimeMs = fallTimeMs;
  }

  update(levelDb: number, dtMs: number): number {
    if (Number.isNaN(this.floorDb)) {
      this.floorDb = levelDb;
    } else if (levelDb < this.floorDb) {
      this.floorDb += (levelDb - this.floorDb) * Math.min(1, dtMs / this.fallTimeMs);
    } else {
      this.floorDb = Math.min(levelDb, this.floorDb + (this.riseDbPerS * dtMs) / 1000);
    }
    return this.floorDb;
  }

  reset(): void {
    this.floorDb = Number.NaN;
  }
}

/** Sum of power[from..to). */
// stand-in for firmware/dsp/bands.ts
function bandPower(power: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let k = from; k < to; k++) sum += power[k];
  return sum;
}

/** Figures of the last candidate event, whether or not it was a break (for the calibration snapshot). */
export interface GlassBreakCandidate {
  onsetMs: number;
  decidedMs: number;
  detected: boolean;
  features: GlassBreakFeatures;
}

export class GlassBreakDetector implements Detector {
  readonly type = 'glass_break' as const;
  readonly options: Readonly<GlassBreakOptions>;
  /** The last candidate event (onsetMs NaN before the first). Updated in place at every decision. */
  readonly lastCandidate: GlassBreakCandidate;

  // Front end.
  #prev = 0;
  #prevDiff = 0;
  #tickEnergy = 0;
  #tickHf = 0;
  #tickFill = 0;
  #samplesSeen = 0;
  #firstMs = Number.NaN;
  #unitsPerCount = 0;
  #dbOffset = 0;
  readonly #ring = new Int16Array(RING_SAMPLES);
  readonly #levelFloor: NoiseFloorTracker;
  readonly #hfFloor: NoiseFloorTracker;
  #levelDb = NO_LEVEL_DB;
  #hfDb = NO_LEVEL_DB;
  #hfDb1 = NO_LEVEL_DB;
  #hfDb2 = NO_LEVEL_DB;
  /** Exponential average (~16 ms) of the high-frequency level of the ticks before the current one. */
  #recentHfDb = NO_LEVEL_DB;
  #jumpDb = 0;
  #candidateOpen = false;
  #candidates = 0;
  #quietUntilMs = Number.NEGATIVE_INFINITY;

  // Spectral stage.
  readonly #fft = new RealFft(FRAME_SAMPLES);
  readonly #window = new Float64Array(FRAME_SAMPLES);
  readonly #frame = new Float64Array(FRAME_SAMPLES);
  readonly #re = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #im = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #power = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #logPower = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #fine = new Float64Array(FINE_BINS[1] - FINE_BINS[0]);
  readonly #finePrev = new Float64Array(FINE_BINS[1] - FINE_BINS[0]);
  readonly #hfSum = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #lfFrames: Float64Array;

  // Candidate.
  readonly #analysisTicks: number;
  #onsetMs = 0;
  #ticks = 0;
  #preFloorDb = 0;
  #peakHfDb = 0;
  #activeTicks = 0;
  #transients = 0;
  /** High-frequency level smoothed over ~16 ms, its lowest value since REATTACK_FROM_TICK, and the largest rise above that. */
  #smoothHfDb = 0;
  #troughHfDb = 0;
  #reattackDb = 0;
  #frames = 0;
  #bgLf = 0;
  #bgMid = 0;
  #bgHf = 0;
  #sumLf = 0;
  #sumMid = 0;
  #sumHf = 0;
  #prevEventFrame = false;
  #coherenceSum = 0;
  #coherencePairs = 0;

  // Flex evidence from the accelerometer: the last few (time, peak) pairs.
  readonly #flexMs = new Float64Array(FLEX_SLOTS);
  readonly #flexG = new Float64Array(FLEX_SLOTS);
  #flexNext = 0;

  readonly #detection: Detection;
  readonly #features: GlassBreakFeatures;
  readonly #result: Detection[];

  constructor(options?: Partial<GlassBreakOptions>) {
    this.options = Object.freeze(resolveOptions(GLASS_BREAK_OPTION_SPECS, options));
    this.#levelFloor = new NoiseFloorTracker(this.options.floorRiseDbPerS);
    this.#hfFloor = new NoiseFloorTracker(this.options.floorRiseDbPerS);
    this.#analysisTicks = Math.round(this.options.analysisMs / TICK_MS);
    this.#lfFrames = new Float64Array(Math.ceil(this.#analysisTicks / FRAME_EVERY_TICKS) + 1);
    fillHann(this.#window);
    this.#features = newFeatures();
    this.#detection = { type: 'glass_break', decidedMs: 0, onsetMs: 0, score: 0, features: this.#features };
    this.#result = [this.#detection];
    this.lastCandidate = { onsetMs: Number.NaN, decidedMs: Number.NaN, detected: false, features: newFeatures() };
    this.#flexMs.fill(Number.NEGATIVE_INFINITY);
  }

  /** Noise floor of the broadband level, dBFS (NaN before the first tick). */
  get noiseFloorDbfs(): number {
    return this.#levelFloor.floorDb;
  }

  /** Broadband level of the last 4 ms tick, dBFS. */
  get levelDbfs(): number {
    return this.#levelDb;
  }

  /** High-frequency level of the last tick over its floor, dB (the quantity `onsetDb` applies to). */
  get hfOverFloorDb(): number {
    return this.#hfDb - this.#hfFloor.floorDb;
  }

  /** Jump of the last tick's high-frequency level over its ~16 ms average, dB (what `onsetRiseDb` applies to). */
  get hfJumpDb(): number {
    return this.#jumpDb;
  }

  get candidateOpen(): boolean {
    return this.#candidateOpen;
  }

  /** Candidate events decided since construction or reset. */
  get candidates(): number {
    return this.#candidates;
  }

  /**
   * Copies the most recent `out.length` samples (at most RECENT_SAMPLES_MAX) into `out` in full-scale
   * units, oldest first; history not yet seen reads as zero.
   */
  recentSamples(out: Float64Array): void {
    const n = out.length;
    if (n > RECENT_SAMPLES_MAX) throw new RangeError(`recentSamples: at most ${RECENT_SAMPLES_MAX} samples, asked for ${n}`);
    const scale = this.#unitsPerCount;
    for (let i = 0; i < n; i++) {
      const abs = this.#samplesSeen - n + i;
      out[i] = abs < 0 ? 0 : this.#ring[abs & RING_MASK] * scale;
    }
  }

  /** The accelerometer on the same pane saw it flex (or take a shock) at `atMs` with peak `peakG`. */
  noteFlex(atMs: number, peakG: number): void {
    this.#flexMs[this.#flexNext] = atMs;
    this.#flexG[this.#flexNext] = peakG;
    this.#flexNext = (this.#flexNext + 1) % FLEX_SLOTS;
  }

  reset(): void {
    this.#prev = 0;
    this.#prevDiff = 0;
    this.#tickEnergy = 0;
    this.#tickHf = 0;
    this.#tickFill = 0;
    this.#samplesSeen = 0;
    this.#firstMs = Number.NaN;
    this.#ring.fill(0);
    this.#levelFloor.reset();
    this.#hfFloor.reset();
    this.#levelDb = NO_LEVEL_DB;
    this.#hfDb = NO_LEVEL_DB;
    this.#hfDb1 = NO_LEVEL_DB;
    this.#hfDb2 = NO_LEVEL_DB;
    this.#recentHfDb = NO_LEVEL_DB;
    this.#jumpDb = 0;
    this.#candidateOpen = false;
    this.#candidates = 0;
    this.#quietUntilMs = Number.NEGATIVE_INFINITY;
    this.#flexMs.fill(Number.NEGATIVE_INFINITY);
    this.#flexG.fill(0);
    this.#flexNext = 0;
    this.lastCandidate.onsetMs = Number.NaN;
    this.lastCandidate.decidedMs = Number.NaN;
    this.lastCandidate.detected = false;
  }

  push(block: SampleBlock): readonly Detection[] {
    if (block.rateHz !== GLASS_BREAK_RATE_HZ) {
      throw new Error(`GlassBreakDetector: block at ${block.rateHz} Hz, needs ${GLASS_BREAK_RATE_HZ} Hz (resample first)`);
    }
    if (block.channels !== 1) throw new Error(`GlassBreakDetector: block has ${block.channels} channels, needs 1 (mono microphone)`);
    if (!(block.unitsPerCount > 0)) throw new Error(`GlassBreakDetector: unitsPerCount must be positive, got ${block.unitsPerCount}`);
    if (block.unitsPerCount !== this.#unitsPerCount) {
      this.#unitsPerCount = block.unitsPerCount;
      this.#dbOffset = 20 * Math.log10(block.unitsPerCount);
    }
    if (Number.isNaN(this.#firstMs)) this.#firstMs = block.t0Ms;
    const frames = block.frames;
    const msPerSample = 1000 / GLASS_BREAK_RATE_HZ;
    let result = NO_DETECTIONS;
    for (let from = 0; from < frames; from += CHUNK_SAMPLES) {
      const to = Math.min(frames, from + CHUNK_SAMPLES);
      this.#store(block.samples, from, to, frames);
      if (this.#process(block.samples, from, to, block.t0Ms + from * msPerSample, msPerSample)) result = this.#result;
    }
    return result;
  }

  /** Copies samples [from, to) into the ring: natively when the whole block fits without wrapping. */
  #store(samples: Int16Array, from: number, to: number, frames: number): void {
    const ring = this.#ring;
    const at = this.#samplesSeen & RING_MASK;
    if (from === 0 && to === frames && samples.length === frames && at + frames <= RING_SAMPLES) {
      ring.set(samples, at);
      return;
    }
    for (let i = from, w = at; i < to; i++, w = (w + 1) & RING_MASK) ring[w] = samples[i];
  }

  /** Front end over samples [from, to), which start at `t0Ms`; true when a detection was decided. */
  #process(samples: Int16Array, from: number, to: number, t0Ms: number, msPerSample: number): boolean {
    let detected = false;
    let prev = this.#prev;
    let prevDiff = this.#prevDiff;
    let energy = this.#tickEnergy;
    let hf = this.#tickHf;
    let i = from;
    while (i < to) {
      const end = Math.min(to, i + TICK_SAMPLES - this.#tickFill);
      this.#tickFill += end - i;
      for (; i < end; i++) {
        const x = samples[i];
        const d = x - prev;
        prev = x;
        const d2 = d - prevDiff;
        prevDiff = d;
        energy += x * x;
        hf += d2 * d2;
      }
      if (this.#tickFill === TICK_SAMPLES) {
        if (this.#endTick(energy, hf, t0Ms + (end - from) * msPerSample, this.#samplesSeen + (end - from))) detected = true;
        energy = 0;
        hf = 0;
        this.#tickFill = 0;
      }
    }
    this.#prev = prev;
    this.#prevDiff = prevDiff;
    this.#tickEnergy = energy;
    this.#tickHf = hf;
    this.#samplesSeen += to - from;
    return detected;
  }

  /** Per-tick work: floors, onset, candidate features and the decision. `tickEndAbs` counts samples. */
  #endTick(energy: number, hf: number, tickEndMs: number, tickEndAbs: number): boolean {
    const o = this.options;
    this.#levelDb = DB_PER_NEPER_POWER * Math.log(energy / TICK_SAMPLES + TINY) + this.#dbOffset;
    const hfDb = DB_PER_NEPER_POWER * Math.log(hf / TICK_SAMPLES + TINY) + this.#dbOffset;
    this.#hfDb = hfDb;
    const floorDb = this.#hfFloor.floorDb;
    this.#levelFloor.update(this.#levelDb, TICK_MS);
    this.#hfFloor.update(hfDb, TICK_MS);
    if (this.#recentHfDb === NO_LEVEL_DB) this.#recentHfDb = hfDb;

    // An onset is loud over the floor and abrupt; while a candidate runs, only a clearly louder one restarts it.
    const jumpDb = hfDb - this.#recentHfDb;
    this.#jumpDb = jumpDb;
    const onset = hfDb >= floorDb + o.onsetDb && jumpDb >= o.onsetRiseDb && tickEndMs - this.#firstMs >= WARMUP_MS &&
      tickEndMs >= this.#quietUntilMs;
    if (onset && (!this.#candidateOpen || (jumpDb >= o.restartDb && hfDb >= this.#peakHfDb + o.restartDb))) {
      this.#open(floorDb, tickEndMs, tickEndAbs);
    }
    let detected = false;
    if (this.#candidateOpen) {
      this.#observeTick(hfDb, tickEndAbs);
      if (this.#ticks >= this.#analysisTicks) {
        detected = this.#decide(tickEndMs);
        this.#candidateOpen = false;
      }
    }
    this.#recentHfDb += 0.25 * (hfDb - this.#recentHfDb);
    this.#hfDb2 = this.#hfDb1;
    this.#hfDb1 = hfDb;
    return detected;
  }

  #open(floorDb: number, tickEndMs: number, tickEndAbs: number): void {
    this.#candidateOpen = true;
    this.#onsetMs = tickEndMs - TICK_MS;
    this.#ticks = 0;
    this.#preFloorDb = floorDb;
    this.#peakHfDb = floorDb;
    this.#activeTicks = 0;
    this.#transients = 0;
    this.#reattackDb = 0;
    this.#frames = 0;
    this.#sumLf = 0;
    this.#sumMid = 0;
    this.#sumHf = 0;
    this.#prevEventFrame = false;
    this.#coherenceSum = 0;
    this.#coherencePairs = 0;
    this.#hfSum.fill(0);
    // Background: the mean of the two frames ending one tick before the onset tick.
    const p = this.#power;
    this.#bgLf = 0;
    this.#bgMid = 0;
    this.#bgHf = 0;
    for (let f = 0; f < 2; f++) {
      this.#spectrum(tickEndAbs - 2 * TICK_SAMPLES - f * FRAME_SAMPLES);
      this.#bgLf += 0.5 * bandPower(p, LF_BINS[0], LF_BINS[1]);
      this.#bgMid += 0.5 * bandPower(p, MID_BINS[0], MID_BINS[1]);
      this.#bgHf += 0.5 * bandPower(p, HF_BINS[0], HF_BINS[1]);
    }
  }

  #observeTick(hfDb: number, tickEndAbs: number): void {
    const o = this.options;
    if (hfDb >= this.#preFloorDb + o.activeDb) {
      this.#activeTicks++;
      const before = this.#hfDb1 > this.#hfDb2 ? this.#hfDb1 : this.#hfDb2;
      if (this.#ticks === 0 || hfDb - before >= o.jumpDb) this.#transients++;
    }
    if (hfDb > this.#peakHfDb) this.#peakHfDb = hfDb;
    this.#smoothHfDb = this.#ticks === 0 ? hfDb : this.#smoothHfDb + 0.25 * (hfDb - this.#smoothHfDb);
    if (this.#ticks === REATTACK_FROM_TICK || (this.#ticks > REATTACK_FROM_TICK && this.#smoothHfDb < this.#troughHfDb)) {
      this.#troughHfDb = this.#smoothHfDb;
    } else if (this.#ticks > REATTACK_FROM_TICK && this.#smoothHfDb - this.#troughHfDb > this.#reattackDb) {
      this.#reattackDb = this.#smoothHfDb - this.#troughHfDb;
    }
    if (this.#ticks % FRAME_EVERY_TICKS === FRAME_SAMPLES / TICK_SAMPLES - 1) this.#observeFrame(tickEndAbs);
    this.#ticks++;
  }

  /** One spectral frame of the candidate: band sums, low band per frame, and the 3–8 kHz fine structure. */
  #observeFrame(endAbs: number): void {
    this.#spectrum(endAbs);
    const p = this.#power;
    const lf = bandPower(p, LF_BINS[0], LF_BINS[1]);
    const hf = bandPower(p, HF_BINS[0], HF_BINS[1]);
    this.#lfFrames[this.#frames] = lf;
    this.#sumLf += lf;
    this.#sumMid += bandPower(p, MID_BINS[0], MID_BINS[1]);
    this.#sumHf += hf;
    if (hf >= EVENT_FRAME_RATIO * this.#bgHf && hf > 0) {
      // Each event frame counts equally in the summed spectrum.
      const sum = this.#hfSum;
      for (let k = HF_BINS[0] - FINE_HALF_WIDTH; k < HF_BINS[1]; k++) sum[k] += p[k] / hf;
      fineStructure(p, this.#logPower, this.#fine);
      if (this.#prevEventFrame) {
        this.#coherenceSum += correlation(this.#finePrev, this.#fine);
        this.#coherencePairs++;
      }
      this.#finePrev.set(this.#fine);
      this.#prevEventFrame = true;
    } else {
      this.#prevEventFrame = false;
    }
    this.#frames++;
  }

  /** Power spectrum (Hann window) of the 256 samples ending just before absolute index `endAbs`, into #power. */
  #spectrum(endAbs: number): void {
    const ring = this.#ring;
    const frame = this.#frame;
    const window = this.#window;
    const start = endAbs - FRAME_SAMPLES;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const abs = start + i;
      frame[i] = abs < 0 ? 0 : ring[abs & RING_MASK] * window[i];
    }
    this.#fft.forward(frame, this.#re, this.#im);
    const re = this.#re;
    const im = this.#im;
    const p = this.#power;
    for (let k = 0; k < p.length; k++) p[k] = re[k] * re[k] + im[k] * im[k];
  }

  /** Share of the summed 3–8 kHz spectrum in bins standing PEAK_FACTOR above their ±250 Hz neighbourhood. */
  #peakiness(): number {
    const s = this.#hfSum;
    let total = 0;
    let peaks = 0;
    for (let k = HF_BINS[0]; k < HF_BINS[1] - FINE_HALF_WIDTH; k++) {
      total += s[k];
      let around = -s[k];
      for (let j = k - FINE_HALF_WIDTH; j <= k + FINE_HALF_WIDTH; j++) around += s[j];
      if (s[k] * 2 * FINE_HALF_WIDTH > PEAK_FACTOR * around) peaks += s[k];
    }
    return total > 0 ? peaks / total : 0;
  }

  #decide(tickEndMs: number): boolean {
    const o = this.options;
    const frames = this.#frames;
    // Event energy per band: the window's minus the background's, but never below a tenth of the window's
    // (the background comes from two frames and may overshoot).
    const hfEvent = Math.max(0.1 * this.#sumHf + TINY, this.#sumHf - frames * this.#bgHf);
    const midEvent = Math.max(0.1 * this.#sumMid + TINY, this.#sumMid - frames * this.#bgMid);
    const low = this.#sumLf + this.#sumMid;
    const lowEvent = Math.max(0.1 * low + TINY, low - frames * (this.#bgLf + this.#bgMid));
    const hfRatioDb = DB_PER_NEPER_POWER * Math.log(hfEvent / lowEvent);
    const hfMidDb = DB_PER_NEPER_POWER * Math.log(hfEvent / midEvent);
    // Impact: the rise of the band below 1 kHz in the first two frames (0–16 and 32–48 ms) over the background.
    const lfFrames = this.#lfFrames;
    const impactLf = frames > 1 && lfFrames[1] > lfFrames[0] ? lfFrames[1] : lfFrames[0];
    const impactDb = DB_PER_NEPER_POWER * Math.log((impactLf + TINY) / (this.#bgLf + TINY));
    const tonality = this.#coherencePairs > 0 ? Math.max(0, this.#coherenceSum / this.#coherencePairs) : 0;
    const peakiness = this.#peakiness();
    // Low-frequency part (reported): frames within 12 dB of the band's peak and 6 dB over the background.
    let lfPeak = 0;
    for (let k = 0; k < frames; k++) if (lfFrames[k] > lfPeak) lfPeak = lfFrames[k];
    const lfAt = Math.max(lfPeak / 16, this.#bgLf * 4);
    let lfLast = 0;
    for (let k = 0; k < frames; k++) if (lfFrames[k] >= lfAt) lfLast = k + 1;

    let flex = 0;
    let flexPeakG = 0;
    for (let i = 0; i < FLEX_SLOTS; i++) {
      if (Math.abs(this.#flexMs[i] - this.#onsetMs) <= o.flexWindowMs) {
        flex = 1;
        if (this.#flexG[i] > flexPeakG) flexPeakG = this.#flexG[i];
      }
    }
    const reattackDb = this.#reattackDb;
    const acousticScore = (
      WEIGHT_HF * clamp01((hfRatioDb - o.minHfRatioDb - HF_FROM_DB) / HF_RAMP_DB) +
      WEIGHT_IMPACT * clamp01((impactDb - IMPACT_FROM_DB) / IMPACT_RAMP_DB) +
      WEIGHT_TONALITY * clamp01((o.maxTonality - tonality) / TONALITY_RAMP) +
      WEIGHT_PEAKINESS * clamp01((o.maxPeakiness - PEAKINESS_MARGIN - peakiness) / PEAKINESS_RAMP) +
      WEIGHT_REATTACK * clamp01((REATTACK_TO_DB - reattackDb) / REATTACK_RAMP_DB)
    ) / (WEIGHT_HF + WEIGHT_IMPACT + WEIGHT_TONALITY + WEIGHT_PEAKINESS + WEIGHT_REATTACK);
    const score = Math.min(1, acousticScore + o.flexBonus * flex);
    const durationMs = this.#activeTicks * TICK_MS;
    const plausible = hfRatioDb >= o.minHfRatioDb && hfRatioDb <= o.maxHfRatioDb && hfMidDb >= o.minHfMidDb && tonality <= o.maxTonality &&
      peakiness <= o.maxPeakiness && durationMs >= o.minDurationMs && this.#transients >= o.minTransients;
    const isBreak = plausible && score >= o.minScore && (flex === 1 || !o.requireFlex);

    const c = this.lastCandidate;
    const f = c.features;
    f.hfRatioDb = hfRatioDb;
    f.hfMidDb = hfMidDb;
    f.impactDb = impactDb;
    f.reattackDb = reattackDb;
    f.tonality = tonality;
    f.peakiness = peakiness;
    f.transientCount = this.#transients;
    f.durationMs = durationMs;
    f.lfDurationMs = lfLast * FRAME_EVERY_TICKS * TICK_MS;
    f.levelDb = this.#peakHfDb - this.#preFloorDb;
    f.floorDbfs = this.#levelFloor.floorDb;
    f.acousticScore = acousticScore;
    f.flex = flex;
    f.flexPeakG = flexPeakG;
    c.onsetMs = this.#onsetMs;
    c.decidedMs = tickEndMs;
    c.detected = isBreak;
    this.#candidates++;
    if (!isBreak) return false;
    for (let i = 0; i < GLASS_BREAK_FEATURES.length; i++) this.#features[GLASS_BREAK_FEATURES[i]] = f[GLASS_BREAK_FEATURES[i]];
    this.#detection.onsetMs = this.#onsetMs;
    this.#detection.decidedMs = tickEndMs;
    this.#detection.score = score;
    this.#quietUntilMs = tickEndMs + o.refractoryMs;
    return true;
  }
}

function newFeatures(): GlassBreakFeatures {
  return {
    hfRatioDb: 0, hfMidDb: 0, impactDb: 0, reattackDb: 0, tonality: 0, peakiness: 0, transientCount: 0, durationMs: 0, lfDurationMs: 0,
    levelDb: 0, floorDbfs: 0, acousticScore: 0, flex: 0, flexPeakG: 0,
  };
}

/**
 * Fine structure of the 3–8 kHz band (FINE_BINS) of `power` into `out`: the log spectrum minus its moving
 * average over ±FINE_HALF_WIDTH bins, so a sloped or coloured spectrum leaves only its peaks and dips.
 */
function fineStructure(power: Float64Array, logs: Float64Array, out: Float64Array): void {
  const half = FINE_HALF_WIDTH;
  const from = FINE_BINS[0];
  const to = FINE_BINS[1];
  for (let k = from - half; k < to + half; k++) logs[k] = Math.log(power[k] + TINY);
  const width = 2 * half + 1;
  let window = 0;
  for (let k = from - half; k <= from + half; k++) window += logs[k];
  for (let k = from; k < to; k++) {
    out[k - from] = logs[k] - window / width;
    if (k + 1 < to) window += logs[k + half + 1] - logs[k - half];
  }
}

/** Correlation (cosine similarity) of two fine-structure vectors; 0 when either is flat. */
function correlation(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

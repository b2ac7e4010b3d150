/**
 * Glass-break detector for a 16 kHz microphone.
 *
 * Computation plan (measured costs in docs/detectors-acoustic.md):
 * 1. Front end, every sample, integers only: per 4 ms tick (64 samples) the energy Σx² and the energy
 *    of the second difference Σ(x[n] − 2x[n−1] + x[n−2])², a high-frequency proxy whose gain rises
 *    24 dB per octave (+2 dB at 3 kHz, −16 dB at 1 kHz, −56 dB at 100 Hz). Blocks are also copied
 *    (natively where possible) into a ring for the spectral stage and the calibration snapshot.
 * 2. Per tick: noise floors of both levels and a 2 s history of the high-frequency level. A candidate
 *    event opens when the high-frequency level stands `onsetDb` over its floor and has jumped
 *    `onsetRiseDb` over its last ~16 ms: an impact is abrupt, a voice or a fan swells. Only candidates
 *    run the spectral stage.
 * 3. Candidate, for `analysisMs` after the onset: per tick, active time, the sustain and re-attack of the
 *    high-frequency level; every 32 ms a 256-point spectrum: band energies (below 1 kHz, 1–2, 2–3, 3–6,
 *    6–8 kHz) over those of the background just before the onset, the 3–8 kHz fine structure, and the
 *    event's spectrum from 64 ms on. At the onset, the context: how loud the room was in the 1.5 s before.
 * 4. Decision at the end of the window: the figures (GlassBreakFeatures) feed the evidence model of
 *    glass-break-evidence.ts, whose logistic is the acoustic score; hard limits veto what is certainly no
 *    break (a ringing body, a sound centred below 3 kHz, a click shorter than any shatter). Flex of the
 *    pane reported by the accelerometer from `flexWindowMs` before the onset to `flexAfterOnsetMs` after it
 *    adds `flexBonus`, in full from a peak of `flexFullG` (or is required, with `requireFlex`); without it
 *    the sound alone needs `minScoreWithoutFlex` as well.
 * Nothing is allocated after construction: the result array and its Detection are reused.
 */
import type { SampleBlock } from '../ports';
import type { Fft } from '../dsp/fft';
import { createFft } from '../dsp/fft-factory';
import { fillHann } from '../dsp/window';
import { NoiseFloorTracker } from '../dsp/noise-floor';
import { BandLayout, bandEnergies } from '../dsp/bands';
import { breaksLimit, brokenLimit, evidenceLogOdds } from './glass-break-evidence';
import { FlexPendingCandidates } from './flex-pending';
import { type OptionSpecs, resolveOptions } from './options';
import { type Detection, type Detector, type NodeRole, NO_DETECTIONS } from './types';

export interface GlassBreakOptions {
  onsetDb: number;
  onsetRiseDb: number;
  restartDb: number;
  activeDb: number;
  jumpDb: number;
  minDurationMs: number;
  minHfMidDb: number;
  maxTonality: number;
  minScore: number;
  analysisMs: number;
  refractoryMs: number;
  floorRiseDbPerS: number;
  flexWindowMs: number;
  flexAfterOnsetMs: number;
  requireFlex: boolean;
  flexBonus: number;
  minScoreWithoutFlex: number;
  flexOnsetReliefDb: number;
  flexFullG: number;
}

export const GLASS_BREAK_OPTION_SPECS: OptionSpecs<GlassBreakOptions> = {
  onsetDb: { kind: 'number', default: 16, unit: 'dB', min: 4, max: 40, doc: 'High-frequency (second-difference) level over its noise floor that opens a candidate event.' },
  onsetRiseDb: { kind: 'number', default: 10, unit: 'dB', min: 0, max: 40, doc: 'Jump of the high-frequency level over its last ~16 ms that an onset also needs: an impact is abrupt, a voice or a fan swells.' },
  restartDb: { kind: 'number', default: 10, unit: 'dB', min: 3, max: 40, doc: 'A weak running candidate (peak under 20 dB over the floor) restarts on an onset that tops its peak by this much (a break during speech).' },
  activeDb: { kind: 'number', default: 6, unit: 'dB', min: 2, max: 30, doc: 'High-frequency level over the pre-onset floor at which a 4 ms tick counts as active.' },
  jumpDb: { kind: 'number', default: 6, unit: 'dB', min: 2, max: 20, doc: 'Rise of an active 4 ms tick over the two before it that counts as a shard transient (reported as transientCount).' },
  minDurationMs: { kind: 'number', default: 80, unit: 'ms', min: 20, max: 480, doc: 'Active high-frequency time a break needs in the analysis window (shatter lasts 0.1–1.5 s).' },
  minHfMidDb: { kind: 'number', default: -8, unit: 'dB', min: -30, max: 20, doc: 'Lowest 3–8 kHz energy of the event (from 64 ms on) over its 1–3 kHz energy: claps and voices sit at 1–3 kHz.' },
  maxTonality: { kind: 'number', default: 0.45, unit: 'ratio', min: 0.05, max: 1, doc: 'Highest frame-to-frame correlation of the 3–8 kHz spectral fine structure: bells, cymbals and keys ring at fixed modes, every glass fragment at its own.' },
  minScore: { kind: 'number', default: 0.5, unit: 'ratio', min: 0.05, max: 1, doc: 'Score (0..1, the logistic of the evidence, flex bonus included) needed for a detection.' },
  analysisMs: { kind: 'number', default: 400, unit: 'ms', min: 400, max: 480, doc: 'Time from the onset to the decision (the detection latency). The evidence model weighs the sustain up to 400 ms after the onset.' },
  refractoryMs: { kind: 'number', default: 3000, unit: 'ms', min: 0, max: 60000, doc: 'No new detection for this long after one.' },
  floorRiseDbPerS: { kind: 'number', default: 3, unit: 'dB/s', min: 0.1, max: 30, doc: 'How fast the noise floors follow a rising background (they fall to a quieter one within ~0.1 s).' },
  flexWindowMs: { kind: 'number', default: 300, unit: 'ms', min: 0, max: 2000, doc: 'A pane flex reported by the accelerometer within this time of the onset corroborates the break (after the onset, flexAfterOnsetMs at most).' },
  flexAfterOnsetMs: { kind: 'number', default: 60, unit: 'ms', min: 0, max: 2000, doc: 'Latest a corroborating flex may come after the sound\'s onset. The blow that breaks a pane flexes it as the sound begins (the node times both sensors\' blocks by its own clock; the margin covers their jitter and a flex that crosses the threshold on a later swing); a flex this much later is a later blow, such as the second knock of a series, whose gaps start near 100 ms.' },
  requireFlex: { kind: 'boolean', default: false, doc: 'Alarm only when the accelerometer on the same pane saw it flex (dual technology).' },
  flexBonus: { kind: 'number', default: 0.4, unit: 'ratio', min: 0, max: 0.5, doc: 'Score added when the pane flex corroborates the break (0.4: with a flex of flexFullG or more, an acoustic score of 0.1 suffices, as in flex-gated dual-technology sensors).' },
  minScoreWithoutFlex: { kind: 'number', default: 0.5, unit: 'ratio', min: 0.05, max: 1, doc: 'Score the sound alone needs when no pane flex corroborates it (and minScore as well). 0.9 where the accelerometer sits on the glass it protects: a break of that glass flexes it, so a missing flex counts against a break as much as a flex counts for one.' },
  flexOnsetReliefDb: { kind: 'number', default: 4, unit: 'dB', min: 0, max: 12, doc: 'How much lower both onset gates (onsetDb, onsetRiseDb) stand for a sound whose onset the accelerometer saw flex the pane (flexWindowMs, flexAfterOnsetMs): its candidate opens when the flex report arrives, from the sound\'s own onset (up to 128 ms back). 0: off.' },
  flexFullG: { kind: 'number', default: 0.8, unit: 'g', min: 0, max: 16, doc: 'Flex peak (vector, at the sensor) from which the flex adds all of flexBonus; a weaker one adds it in proportion. A knuckle\'s knock or a bass note flexes a pane by a tenth of a g, the blow that breaks it by about 0.8 g and more (docs/detectors-acoustic.md, round 10). 0: every flex adds all of it.' },
};

/**
 * Per role. A window and a display case get the defaults; what follows from the node's mounting (the flex
 * required on a window's glass, a stricter sound alone on a case's glass) is in SURFACE_DEFAULTS of
 * firmware/node/config.ts. A display case once opened candidates at 20 dB: it missed 8 % of the breaks
 * 10 dB over the floor (docs/detectors-acoustic.md, "The display case"). A balcony has no glass for a
 * microphone to protect (null: not used).
 */
export const GLASS_BREAK_ROLE_OVERRIDES: Record<NodeRole, Partial<GlassBreakOptions> | null> = {
  window: {},
  display_case: {},
  balcony: null,
};

/**
 * Names of the figures in a glass-break Detection's `features` (units in the names; docs/detectors-acoustic.md).
 * An alert carries the first 16 (protocol.md): the verdict and the flex first, then the heaviest evidence.
 */
export const GLASS_BREAK_FEATURES = [
  'acousticScore', 'flex', 'flexPeakG', 'levelDb', 'durationMs', 'thudDb', 'impactDb', 'centroidHz', 'slopeDb',
  'tonality', 'sustain100Db', 'sustain300Db', 'reattackDb', 'lfReattackDb', 'contextDb', 'hfMidDb',
  'peakiness', 'fluxDb', 'busyShare', 'floorDbfs', 'hfRatioDb', 'transientCount',
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
/** Frames from this one on (64 ms after the onset) are the shatter, after the impact and the cracks. */
const LATE_FRAME = 2;
const RING_SAMPLES = 4096;
const RING_MASK = RING_SAMPLES - 1;
/** Largest piece of a block processed at once; the ring keeps at least this much history behind it. */
const CHUNK_SAMPLES = 1024;
/** Most samples `recentSamples` can return. */
export const RECENT_SAMPLES_MAX = RING_SAMPLES - CHUNK_SAMPLES;
const BIN_HZ = GLASS_BREAK_RATE_HZ / FRAME_SAMPLES;
const bin = (hz: number): number => Math.round(hz / BIN_HZ);
/** Bands of each frame: below 1 kHz (impact), 1–2 and 2–3 kHz (claps, voices), 3–6 and 6–8 kHz (shatter). */
const BAND_EDGES_HZ = [50, 1000, 2000, 3000, 6000, 8000];
const LF = 0;
const MID_LOW = 1;
const MID_HIGH = 2;
const HF_LOW = 3;
const HF_HIGH = 4;
const BANDS = 5;
/** The centroid is taken over 1–8 kHz. */
const CENTROID_BINS = [bin(1000), FRAME_SAMPLES / 2 + 1] as const;
const HF_BINS = [bin(3000), FRAME_SAMPLES / 2] as const;
/** Fine structure: the log spectrum minus its moving average over ±250 Hz. */
const FINE_HALF_WIDTH = bin(250);
const FINE_BINS = [HF_BINS[0], HF_BINS[1] - FINE_HALF_WIDTH] as const;
/** A frame is an event frame (used for tonality and peakiness) when its 3–8 kHz energy is 4× the background's. */
const EVENT_FRAME_RATIO = 4;
/** A bin of the summed spectrum is a standing peak at 4× the mean of its ±250 Hz neighbourhood. */
const PEAK_FACTOR = 4;
/** The peak of the event is taken over its first 32 ms; sustain over 100–200 and 300–400 ms after the onset. */
const PEAK_TICKS = 8;
const SUSTAIN_100 = [25, 50] as const;
const SUSTAIN_300 = [75, 100] as const;
/** Re-attacks are looked for from 100 ms after the onset. */
const REATTACK_FROM_TICK = 25;
/** An LF re-attack counts from 12 dB below the impact's peak (ambience below that is not a second blow). */
const LF_REATTACK_RANGE_DB = 12;
/** A running candidate whose peak stands less than this over the floor may be restarted by a louder onset. */
const RESTART_WEAK_DB = 20;
/** Context: the 1.5 s before the onset, up to 48 ms before it; a tick 10 dB over the floor is busy. */
const HISTORY_TICKS = 512;
const CONTEXT_FROM_TICKS = 375;
const CONTEXT_TO_TICKS = 12;
const BUSY_DB = 10;
const WARMUP_MS = 500;
const FLEX_SLOTS = 4;
/** A flex opens a candidate from an onset at most this many ticks back (128 ms), within the ring and the energy history. */
const LATE_TICKS = 32;
/** Ticks of linear high-band energy kept for opening a candidate late (a power of two above LATE_TICKS). */
const ENERGY_HISTORY_TICKS = 64;
/** Ticks within which a second onset under the relaxed gates is the same attack as the first. */
const ATTACK_TICKS = 4;
/** Onsets under the relaxed gates remembered for a flex to choose from (the one nearest the flex). */
const ARMED_SLOTS = 4;
const TINY = 1e-12;
const DB_PER_NEPER_POWER = 10 / Math.LN10;
const NO_LEVEL_DB = -200;
/** Floors of figures that compare event energies: a dB ratio of nothing is reported as this. */
const FLOOR_DB = -40;

/** Figures of the last candidate event, whether or not it was a break (for the calibration snapshot). */
export interface GlassBreakCandidate {
  onsetMs: number;
  decidedMs: number;
  detected: boolean;
  /**
   * A figure known before the decision (busy share at the onset, context at 32 ms, thud at 48 ms) broke a
   * limit of the evidence model, so the candidate could no longer be a break: its spectral stage stopped
   * there (the figures it did not measure are NaN) while it stayed open, so later onsets are treated as
   * without the stop. Music and rattling keys open candidate after candidate; this keeps them cheap.
   */
  stoppedEarly: boolean;
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
  #ticksSeen = 0;
  #firstMs = Number.NaN;
  #unitsPerCount = 0;
  #dbOffset = 0;
  readonly #ring = new Int16Array(RING_SAMPLES);
  readonly #levelFloor: NoiseFloorTracker;
  readonly #hfFloor: NoiseFloorTracker;
  /** High-frequency level of the last HISTORY_TICKS ticks, dBFS (index: tick count modulo). */
  readonly #hfHistory = new Float64Array(HISTORY_TICKS);
  /** Their linear energy (the tick's Σ of squared second differences), for the last ENERGY_HISTORY_TICKS. */
  readonly #hfEnergyHistory = new Float64Array(ENERGY_HISTORY_TICKS);
  // The last onsets that passed the gates lowered by flexOnsetReliefDb but not the full ones: a flex may open
  // one. Per slot: tick number (−1: empty), tick end (ms, sample) and the floor then.
  readonly #armedIndex = new Float64Array(ARMED_SLOTS).fill(-1);
  readonly #armedEndMs = new Float64Array(ARMED_SLOTS);
  readonly #armedEndAbs = new Float64Array(ARMED_SLOTS);
  readonly #armedFloorDb = new Float64Array(ARMED_SLOTS);
  #armedNext = 0;
  #levelDb = NO_LEVEL_DB;
  #hfDb = NO_LEVEL_DB;
  #hfDb1 = NO_LEVEL_DB;
  #hfDb2 = NO_LEVEL_DB;
  /** Exponential average (~16 ms) of the high-frequency level of the ticks before the current one. */
  #recentHfDb = NO_LEVEL_DB;
  #jumpDb = 0;
  #candidateOpen = false;
  #candidates = 0;
  #stoppedCandidates = 0;
  #quietUntilMs = Number.NEGATIVE_INFINITY;

  // Spectral stage.
  readonly #fft: Fft;
  readonly #layout = new BandLayout({ edgesHz: BAND_EDGES_HZ, rateHz: GLASS_BREAK_RATE_HZ, fftSize: FRAME_SAMPLES });
  readonly #window = new Float64Array(FRAME_SAMPLES);
  readonly #frame = new Float64Array(FRAME_SAMPLES);
  readonly #re = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #im = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #power = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #logPower = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #fine = new Float64Array(FINE_BINS[1] - FINE_BINS[0]);
  readonly #finePrev = new Float64Array(FINE_BINS[1] - FINE_BINS[0]);
  readonly #hfSum = new Float64Array(FRAME_SAMPLES / 2 + 1);
  /** Background power per bin (mean of the two frames before the onset) and the shatter's summed power. */
  readonly #bgPower = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #latePower = new Float64Array(FRAME_SAMPLES / 2 + 1);
  readonly #bands = new Float64Array(BANDS);
  readonly #bgBands = new Float64Array(BANDS);
  readonly #lateBands = new Float64Array(BANDS);
  /** Per frame of the candidate: energy below 1 kHz and at 3–8 kHz. */
  readonly #lfFrames: Float64Array;
  readonly #hfFrames: Float64Array;

  // Candidate.
  readonly #analysisTicks: number;
  #onsetMs = 0;
  #ticks = 0;
  #preFloorDb = 0;
  #peakHfDb = 0;
  #activeTicks = 0;
  #transients = 0;
  /** Energies (linear) of the high-frequency ticks: the largest of the first PEAK_TICKS, and sums for sustain. */
  #peakHf = 0;
  #sustain100 = 0;
  #sustain300 = 0;
  /** High-frequency level smoothed over ~16 ms, its lowest value since REATTACK_FROM_TICK, and the largest rise above that. */
  #smoothHfDb = 0;
  #troughHfDb = 0;
  #reattackDb = 0;
  #contextDb = 0;
  #busyShare = 0;
  #frames = 0;
  #lateFrames = 0;
  #prevEventFrame = false;
  #coherenceSum = 0;
  #coherencePairs = 0;
  /** The candidate broke a limit before its decision: no more spectral frames (GlassBreakCandidate.stoppedEarly). */
  #stopped = false;

  // Flex evidence from the accelerometer: the last few (time, peak) pairs.
  /** Whether an accelerometer that can report the pane's flex is running (setFlexAvailable). */
  #flexAvailable = true;
  readonly #flexMs = new Float64Array(FLEX_SLOTS);
  readonly #flexG = new Float64Array(FLEX_SLOTS);
  #flexNext = 0;
  /** Candidates that failed only for want of a flex, for `judgeWithoutFlexSince`. */
  readonly #flexPending = new FlexPendingCandidates(GLASS_BREAK_FEATURES);

  readonly #detection: Detection;
  readonly #features: GlassBreakFeatures;
  readonly #result: Detection[];

  constructor(options?: Partial<GlassBreakOptions>) {
    this.options = Object.freeze(resolveOptions(GLASS_BREAK_OPTION_SPECS, options));
    this.#levelFloor = new NoiseFloorTracker({ riseDbPerS: this.options.floorRiseDbPerS, fallMs: 100 });
    this.#hfFloor = new NoiseFloorTracker({ riseDbPerS: this.options.floorRiseDbPerS, fallMs: 100 });
    this.#fft = createFft(FRAME_SAMPLES);
    this.#analysisTicks = Math.round(this.options.analysisMs / TICK_MS);
    const frames = Math.ceil(this.#analysisTicks / FRAME_EVERY_TICKS) + 1;
    this.#lfFrames = new Float64Array(frames);
    this.#hfFrames = new Float64Array(frames);
    fillHann(this.#window);
    this.#hfHistory.fill(NO_LEVEL_DB);
    this.#features = newFeatures();
    this.#detection = { type: 'glass_break', decidedMs: 0, onsetMs: 0, score: 0, features: this.#features };
    this.#result = [this.#detection];
    this.lastCandidate = { onsetMs: Number.NaN, decidedMs: Number.NaN, detected: false, stoppedEarly: false, features: newFeatures() };
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

  /** Of those, the candidates whose spectral stage stopped early (GlassBreakCandidate.stoppedEarly). */
  get stoppedCandidates(): number {
    return this.#stoppedCandidates;
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
    this.#openOnFlex(atMs);
  }

  /** Whether a flex at `flexMs` can be the blow that began a sound at `onsetMs` (it may precede it, hardly follow it). */
  #corroborates(flexMs: number, onsetMs: number): boolean {
    const o = this.options;
    const afterMs = flexMs - onsetMs;
    return afterMs >= -o.flexWindowMs && afterMs <= Math.min(o.flexWindowMs, o.flexAfterOnsetMs);
  }

  /**
   * A quiet break may rise too slowly or stand too little over the floor to open a candidate by its sound
   * alone (a far pane, a thick one, a damped crash); its blow still flexes the pane. When the flex report
   * comes, the remembered onset nearest it that passed the gates lowered by flexOnsetReliefDb opens its
   * candidate after all, from its own tick: the ticks since are replayed from the histories and the frames
   * read from the ring.
   */
  #openOnFlex(atMs: number): void {
    if (this.#candidateOpen || this.options.flexOnsetReliefDb <= 0) return;
    let slot = -1;
    let nearestMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < ARMED_SLOTS; i++) {
      const index = this.#armedIndex[i];
      const oldestAbs = this.#armedEndAbs[i] - 2 * TICK_SAMPLES - 2 * FRAME_SAMPLES;
      const onsetMs = this.#armedEndMs[i] - TICK_MS;
      if (index < 0 || this.#ticksSeen - index > LATE_TICKS || this.#samplesSeen - oldestAbs > RING_SAMPLES ||
        !this.#corroborates(atMs, onsetMs)) continue;
      const distanceMs = Math.abs(atMs - onsetMs);
      if (distanceMs < nearestMs) {
        slot = i;
        nearestMs = distanceMs;
      }
    }
    if (slot < 0) return;
    const index = this.#armedIndex[slot];
    const endAbs = this.#armedEndAbs[slot];
    this.#open(this.#armedFloorDb[slot], this.#armedEndMs[slot], endAbs, index);
    const h1 = this.#hfDb1;
    const h2 = this.#hfDb2;
    for (let t = index; t < this.#ticksSeen; t++) {
      this.#hfDb1 = this.#hfHistory[(t - 1) & (HISTORY_TICKS - 1)];
      this.#hfDb2 = this.#hfHistory[(t - 2) & (HISTORY_TICKS - 1)];
      this.#observeTick(this.#hfHistory[t & (HISTORY_TICKS - 1)], this.#hfEnergyHistory[t & (ENERGY_HISTORY_TICKS - 1)],
        endAbs + (t - index) * TICK_SAMPLES);
    }
    this.#hfDb1 = h1;
    this.#hfDb2 = h2;
  }

  /**
   * Whether an accelerometer that can report the pane's flex is running: false on a node without one or while
   * it is faulted. Without it the flex's absence means nothing, so the sound is judged by `minScore` alone
   * (`requireFlex` and `minScoreWithoutFlex` wait until it is back) rather than no break ever alarming.
   * Not signal state: `reset()` keeps it.
   */
  setFlexAvailable(available: boolean): void {
    this.#flexAvailable = available;
    // Back: the candidates kept for a fault's judgement are no longer in question.
    if (available) this.#flexPending.clear();
  }

  /**
   * The accelerometer has been found faulted, its data suspect since `sinceMs` (uptime): the candidates decided
   * since then that failed only because no flex corroborated them are judged as without an accelerometer
   * (minScore alone) and returned as detections decided at `nowMs`. Call after `setFlexAvailable(false)`.
   * The returned array is reused by the next call.
   */
  judgeWithoutFlexSince(sinceMs: number, nowMs: number): readonly Detection[] {
    return this.#flexPending.release(sinceMs, nowMs);
  }

  get flexAvailable(): boolean {
    return this.#flexAvailable;
  }

  reset(): void {
    this.#prev = 0;
    this.#prevDiff = 0;
    this.#tickEnergy = 0;
    this.#tickHf = 0;
    this.#tickFill = 0;
    this.#samplesSeen = 0;
    this.#ticksSeen = 0;
    this.#firstMs = Number.NaN;
    this.#ring.fill(0);
    this.#hfHistory.fill(NO_LEVEL_DB);
    this.#hfEnergyHistory.fill(0);
    this.#armedIndex.fill(-1);
    this.#armedNext = 0;
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
    this.#stoppedCandidates = 0;
    this.#quietUntilMs = Number.NEGATIVE_INFINITY;
    this.#flexMs.fill(Number.NEGATIVE_INFINITY);
    this.#flexG.fill(0);
    this.#flexNext = 0;
    this.#flexPending.clear();
    this.lastCandidate.onsetMs = Number.NaN;
    this.lastCandidate.decidedMs = Number.NaN;
    this.lastCandidate.detected = false;
    this.lastCandidate.stoppedEarly = false;
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
      // p1, p2: the two samples before i. Four samples per pass: loop overhead dominates XS's cost here.
      let p1 = prev;
      let p2 = prev - prevDiff;
      for (; i + 3 < end; i += 4) {
        const a = samples[i];
        const b = samples[i + 1];
        const c = samples[i + 2];
        const e = samples[i + 3];
        const da = a - 2 * p1 + p2;
        const db = b - 2 * a + p1;
        const dc = c - 2 * b + a;
        const de = e - 2 * c + b;
        energy += a * a + b * b + c * c + e * e;
        hf += da * da + db * db + dc * dc + de * de;
        p2 = c;
        p1 = e;
      }
      for (; i < end; i++) {
        const x = samples[i];
        const d2 = x - 2 * p1 + p2;
        energy += x * x;
        hf += d2 * d2;
        p2 = p1;
        p1 = x;
      }
      prevDiff = p1 - p2;
      prev = p1;
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
    if (hf === 0) {
      // Digital silence: no live microphone reads exactly nothing in the high band (its own noise fills it).
      // One stuck flat comes back as a jump from nothing, which judged by the sound alone once alarmed: the
      // room is learnt again from its return, as after a start (floors, warm-up, no candidate).
      this.#hfFloor.reset();
      this.#levelFloor.reset();
      this.#firstMs = Number.NaN;
      this.#recentHfDb = NO_LEVEL_DB;
      this.#candidateOpen = false;
    }
    const floorDb = this.#hfFloor.floorDb;
    if (hf !== 0) {
      this.#levelFloor.update(this.#levelDb, TICK_MS);
      this.#hfFloor.update(hfDb, TICK_MS);
      if (this.#recentHfDb === NO_LEVEL_DB) this.#recentHfDb = hfDb;
    }

    // An onset is loud over the floor and abrupt. While a candidate runs, only a clearly louder onset restarts
    // it, and only when the running one is weak (a voice before a break): a break's own later cracks and
    // landing fragments must not cut its analysis short.
    const jumpDb = hfDb - this.#recentHfDb;
    this.#jumpDb = jumpDb;
    const onset = hfDb >= floorDb + o.onsetDb && jumpDb >= o.onsetRiseDb && tickEndMs - this.#firstMs >= WARMUP_MS &&
      tickEndMs >= this.#quietUntilMs;
    const restart = this.#candidateOpen && this.#peakHfDb - this.#preFloorDb < RESTART_WEAK_DB && jumpDb >= o.restartDb &&
      hfDb >= this.#peakHfDb + o.restartDb;
    if (onset && (!this.#candidateOpen || restart)) {
      this.#open(floorDb, tickEndMs, tickEndAbs, this.#ticksSeen);
    } else if (!this.#candidateOpen && this.#ticksSeen - this.#lastArmed() > ATTACK_TICKS &&
      hfDb >= floorDb + o.onsetDb - o.flexOnsetReliefDb && jumpDb >= o.onsetRiseDb - o.flexOnsetReliefDb &&
      tickEndMs - this.#firstMs >= WARMUP_MS && tickEndMs >= this.#quietUntilMs) {
      const slot = this.#armedNext;
      this.#armedIndex[slot] = this.#ticksSeen;
      this.#armedEndMs[slot] = tickEndMs;
      this.#armedEndAbs[slot] = tickEndAbs;
      this.#armedFloorDb[slot] = floorDb;
      this.#armedNext = (slot + 1) % ARMED_SLOTS;
    }
    let detected = false;
    if (this.#candidateOpen) {
      this.#observeTick(hfDb, hf, tickEndAbs);
      if (this.#ticks >= this.#analysisTicks) {
        detected = this.#decide(tickEndMs);
        this.#candidateOpen = false;
      }
    }
    this.#hfHistory[this.#ticksSeen & (HISTORY_TICKS - 1)] = hfDb;
    this.#hfEnergyHistory[this.#ticksSeen & (ENERGY_HISTORY_TICKS - 1)] = hf;
    this.#ticksSeen++;
    this.#recentHfDb += 0.25 * (hfDb - this.#recentHfDb);
    this.#hfDb2 = this.#hfDb1;
    this.#hfDb1 = hfDb;
    return detected;
  }

  /** The tick number of the onset armed last (−∞ when none is remembered). */
  #lastArmed(): number {
    const index = this.#armedIndex[(this.#armedNext + ARMED_SLOTS - 1) % ARMED_SLOTS];
    return index < 0 ? Number.NEGATIVE_INFINITY : index;
  }

  /**
   * Opens a candidate whose onset tick (number `tickIndex`) ended at `tickEndMs`, sample `tickEndAbs`; the
   * onsets remembered for a flex are forgotten (a candidate now covers them).
   */
  #open(floorDb: number, tickEndMs: number, tickEndAbs: number, tickIndex: number): void {
    this.#armedIndex.fill(-1);
    this.#candidateOpen = true;
    this.#onsetMs = tickEndMs - TICK_MS;
    this.#ticks = 0;
    this.#preFloorDb = floorDb;
    this.#peakHfDb = floorDb;
    this.#activeTicks = 0;
    this.#transients = 0;
    this.#peakHf = 0;
    this.#sustain100 = 0;
    this.#sustain300 = 0;
    this.#reattackDb = 0;
    this.#frames = 0;
    this.#lateFrames = 0;
    this.#prevEventFrame = false;
    this.#coherenceSum = 0;
    this.#coherencePairs = 0;
    this.#hfSum.fill(0);
    this.#latePower.fill(0);
    this.#lateBands.fill(0);
    // Context: the loudest tick and the share of busy ticks in the 1.5 s before the onset (history not yet
    // heard reads NO_LEVEL_DB: quiet).
    const now = tickIndex;
    let loudest = NO_LEVEL_DB;
    let busy = 0;
    for (let t = now - CONTEXT_FROM_TICKS; t < now - CONTEXT_TO_TICKS; t++) {
      const level = t < 0 ? NO_LEVEL_DB : this.#hfHistory[t & (HISTORY_TICKS - 1)];
      if (level > loudest) loudest = level;
      if (level >= floorDb + BUSY_DB) busy++;
    }
    this.#contextDb = loudest;
    this.#busyShare = busy / (CONTEXT_FROM_TICKS - CONTEXT_TO_TICKS);
    this.#stopped = breaksLimit('busyShare', this.#busyShare);
    if (this.#stopped) return;
    // Background: the mean of the two frames ending one tick before the onset tick.
    const p = this.#power;
    this.#bgPower.fill(0);
    this.#bgBands.fill(0);
    for (let f = 0; f < 2; f++) {
      this.#spectrum(tickEndAbs - 2 * TICK_SAMPLES - f * FRAME_SAMPLES);
      bandEnergies(p, this.#layout, this.#bands);
      for (let b = 0; b < BANDS; b++) this.#bgBands[b] += 0.5 * this.#bands[b];
      for (let k = 0; k < p.length; k++) this.#bgPower[k] += 0.5 * p[k];
    }
  }

  #observeTick(hfDb: number, hf: number, tickEndAbs: number): void {
    const o = this.options;
    const tick = this.#ticks;
    if (hfDb >= this.#preFloorDb + o.activeDb) {
      this.#activeTicks++;
      const before = this.#hfDb1 > this.#hfDb2 ? this.#hfDb1 : this.#hfDb2;
      if (tick === 0 || hfDb - before >= o.jumpDb) this.#transients++;
    }
    if (hfDb > this.#peakHfDb) this.#peakHfDb = hfDb;
    if (tick < PEAK_TICKS && hf > this.#peakHf) this.#peakHf = hf;
    if (tick >= SUSTAIN_100[0] && tick < SUSTAIN_100[1]) this.#sustain100 += hf;
    if (tick >= SUSTAIN_300[0] && tick < SUSTAIN_300[1]) this.#sustain300 += hf;
    this.#smoothHfDb = tick === 0 ? hfDb : this.#smoothHfDb + 0.25 * (hfDb - this.#smoothHfDb);
    if (tick === REATTACK_FROM_TICK || (tick > REATTACK_FROM_TICK && this.#smoothHfDb < this.#troughHfDb)) {
      this.#troughHfDb = this.#smoothHfDb;
    } else if (tick > REATTACK_FROM_TICK && this.#smoothHfDb - this.#troughHfDb > this.#reattackDb) {
      this.#reattackDb = this.#smoothHfDb - this.#troughHfDb;
    }
    if (tick === PEAK_TICKS - 1 && !this.#stopped) this.#stopped = breaksLimit('contextDb', this.#contextFigureDb());
    if (!this.#stopped && tick % FRAME_EVERY_TICKS === FRAME_SAMPLES / TICK_SAMPLES - 1) this.#observeFrame(tickEndAbs);
    this.#ticks++;
  }

  /** One spectral frame of the candidate: band energies, the shatter's spectrum, and the 3–8 kHz fine structure. */
  #observeFrame(endAbs: number): void {
    this.#spectrum(endAbs);
    const p = this.#power;
    const bands = this.#bands;
    bandEnergies(p, this.#layout, bands);
    const hf = bands[HF_LOW] + bands[HF_HIGH];
    const frame = this.#frames;
    this.#lfFrames[frame] = bands[LF];
    this.#hfFrames[frame] = hf;
    if (frame >= LATE_FRAME) {
      this.#lateFrames++;
      for (let b = 0; b < BANDS; b++) this.#lateBands[b] += bands[b];
      const late = this.#latePower;
      for (let k = CENTROID_BINS[0]; k < CENTROID_BINS[1]; k++) late[k] += p[k];
    }
    const bgHf = this.#bgBands[HF_LOW] + this.#bgBands[HF_HIGH];
    if (hf >= EVENT_FRAME_RATIO * bgHf && hf > 0) {
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
    if (this.#frames === 2) this.#stopped = breaksLimit('thudDb', this.#thudFigureDb());
  }

  /** Power spectrum (Hann window) of the 256 samples ending just before absolute index `endAbs`, into #power. */
  #spectrum(endAbs: number): void {
    const ring = this.#ring;
    const frame = this.#frame;
    const window = this.#window;
    const start = endAbs - FRAME_SAMPLES;
    if (start >= 0 && (start & 3) === 0) {
      // Frames start on a tick: two contiguous runs of the ring, four samples per pass (a third cheaper in XS).
      const at = start & RING_MASK;
      const split = Math.min(FRAME_SAMPLES, RING_SAMPLES - at);
      windowInto(ring, at, window, frame, 0, split);
      windowInto(ring, at - RING_SAMPLES, window, frame, split, FRAME_SAMPLES);
    } else {
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const abs = start + i;
        frame[i] = abs < 0 ? 0 : ring[abs & RING_MASK] * window[i];
      }
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

  /** Late (shatter) energy of bands [from, to) over the background's, never below a tenth of the window's. */
  #lateEvent(from: number, to: number): number {
    let sum = 0;
    let bg = 0;
    for (let b = from; b < to; b++) {
      sum += this.#lateBands[b];
      bg += this.#bgBands[b];
    }
    // The background comes from two frames and may overshoot: keep a tenth of the window's energy.
    return Math.max(0.1 * sum + TINY, sum - this.#lateFrames * bg);
  }

  /** The context figure: the loudest tick before the onset over this event's peak (final after PEAK_TICKS). */
  #contextFigureDb(): number {
    const peakDbfs = dB((this.#peakHf + TINY) / TICK_SAMPLES) + this.#dbOffset;
    return Math.max(FLOOR_DB, this.#contextDb - peakDbfs);
  }

  /** A band's energy at the impact: the louder of its first two frames (0–16 and 32–48 ms). */
  #atImpact(band: Float64Array): number {
    return this.#frames > 1 && band[1] > band[0] ? band[1] : band[0];
  }

  /** The impact: the band below 1 kHz at the impact over the background. */
  #impactFigureDb(): number {
    return dB((this.#atImpact(this.#lfFrames) + TINY) / (this.#bgBands[LF] + TINY));
  }

  /** The thud: the rise below 1 kHz over the background against the 3–8 kHz band's rise, first two frames. */
  #thudFigureDb(): number {
    const bgLf = this.#bgBands[LF];
    const bgHf = this.#bgBands[HF_LOW] + this.#bgBands[HF_HIGH];
    const impactLf = this.#atImpact(this.#lfFrames);
    const impactHf = this.#atImpact(this.#hfFrames);
    return Math.max(FLOOR_DB, dB(Math.max(impactLf - bgLf, 1e-3 * impactLf + TINY) / Math.max(impactHf - bgHf, 1e-3 * impactHf + TINY)));
  }

  /** Fills the candidate's figures into `f`: the spectral ones only if its spectral stage ran to the end (NaN otherwise). */
  #measure(f: GlassBreakFeatures): void {
    this.#measureTicks(f);
    if (this.#stopped) {
      const blowKnown = this.#frames >= 2;
      f.impactDb = blowKnown ? this.#impactFigureDb() : Number.NaN;
      f.thudDb = blowKnown ? this.#thudFigureDb() : Number.NaN;
      f.hfRatioDb = f.hfMidDb = f.slopeDb = f.centroidHz = f.lfReattackDb = f.fluxDb = f.tonality = f.peakiness = Number.NaN;
      return;
    }
    const frames = this.#frames;
    const hfEvent = this.#lateEvent(HF_LOW, BANDS);
    f.hfRatioDb = dB(hfEvent / this.#lateEvent(LF, HF_LOW));
    f.hfMidDb = dB(hfEvent / this.#lateEvent(MID_LOW, HF_LOW));
    const widths = this.#layout.widthBins;
    f.slopeDb = dB((this.#lateEvent(MID_LOW, MID_HIGH) / widths[MID_LOW]) / (this.#lateEvent(HF_LOW, HF_HIGH) / widths[HF_LOW]));
    let moment = 0;
    let total = 0;
    for (let k = CENTROID_BINS[0]; k < CENTROID_BINS[1]; k++) {
      const e = this.#latePower[k] - this.#lateFrames * this.#bgPower[k];
      if (e > 0) {
        moment += k * e;
        total += e;
      }
    }
    f.centroidHz = total > 0 ? (moment / total) * BIN_HZ : 0;
    // Impact and thud: the first two frames (0–16 and 32–48 ms) against the background and the crack.
    f.impactDb = this.#impactFigureDb();
    f.thudDb = this.#thudFigureDb();
    const lf = this.#lfFrames;
    const hf = this.#hfFrames;
    const impactLf = this.#atImpact(lf);
    // LF re-attack: from the third frame on, a rise of the band below 1 kHz over its lowest level so far
    // (counted from LF_REATTACK_RANGE_DB below the impact).
    const impactDb = dB(impactLf + TINY);
    let lowest = Math.min(dB(lf[0] + TINY), frames > 1 ? dB(lf[1] + TINY) : Infinity);
    let lfReattack = 0;
    for (let k = 2; k < frames; k++) {
      const level = dB(lf[k] + TINY);
      const from = Math.max(lowest, impactDb - LF_REATTACK_RANGE_DB);
      if (level - from > lfReattack) lfReattack = level - from;
      if (level < lowest) lowest = level;
    }
    f.lfReattackDb = lfReattack;
    // Flux: mean absolute change of the 3–8 kHz level between consecutive frames after the first.
    let flux = 0;
    for (let k = 2; k < frames; k++) flux += Math.abs(dB((hf[k] + TINY) / (hf[k - 1] + TINY)));
    f.fluxDb = frames > 2 ? flux / (frames - 2) : 0;
    f.tonality = this.#coherencePairs > 0 ? Math.max(0, this.#coherenceSum / this.#coherencePairs) : 0;
    f.peakiness = this.#peakiness();
  }

  /** The figures of the 4 ms ticks, measured whether or not the spectral stage ran to the end. */
  #measureTicks(f: GlassBreakFeatures): void {
    const peak = this.#peakHf + TINY;
    f.sustain100Db = Math.max(FLOOR_DB, dB(this.#sustain100 / (SUSTAIN_100[1] - SUSTAIN_100[0]) / peak));
    f.sustain300Db = Math.max(FLOOR_DB, dB(this.#sustain300 / (SUSTAIN_300[1] - SUSTAIN_300[0]) / peak));
    f.reattackDb = this.#reattackDb;
    f.contextDb = this.#contextFigureDb();
    f.busyShare = this.#busyShare;
    f.transientCount = this.#transients;
    f.durationMs = this.#activeTicks * TICK_MS;
    f.levelDb = this.#peakHfDb - this.#preFloorDb;
    f.floorDbfs = this.#levelFloor.floorDb;
  }

  #decide(tickEndMs: number): boolean {
    const o = this.options;
    const c = this.lastCandidate;
    const f = c.features;
    this.#measure(f);
    let flex = 0;
    let flexPeakG = 0;
    for (let i = 0; i < FLEX_SLOTS; i++) {
      if (this.#corroborates(this.#flexMs[i], this.#onsetMs)) {
        flex = 1;
        if (this.#flexG[i] > flexPeakG) flexPeakG = this.#flexG[i];
      }
    }
    f.flex = flex;
    f.flexPeakG = flexPeakG;
    f.acousticScore = logistic(evidenceLogOdds(f));
    const score = decisionScore(f, o);
    const plausible = withinLimits(f, o);
    const isBreak = !this.#stopped && plausible && score >= o.minScore
      && (flex === 1 || !this.#flexAvailable || (!o.requireFlex && score >= o.minScoreWithoutFlex));
    c.onsetMs = this.#onsetMs;
    c.stoppedEarly = this.#stopped;
    c.decidedMs = tickEndMs;
    c.detected = isBreak;
    this.#candidates++;
    if (this.#stopped) this.#stoppedCandidates++;
    if (!isBreak) {
      // Failed only for want of a flex: if the accelerometer turns out to have been dead, it never could come.
      if (!this.#stopped && plausible && score >= o.minScore && this.#flexAvailable) this.#flexPending.hold(this.#onsetMs, score, f);
      return false;
    }
    for (let i = 0; i < GLASS_BREAK_FEATURES.length; i++) this.#features[GLASS_BREAK_FEATURES[i]] = f[GLASS_BREAK_FEATURES[i]];
    this.#detection.onsetMs = this.#onsetMs;
    this.#detection.decidedMs = tickEndMs;
    this.#detection.score = score;
    this.#quietUntilMs = tickEndMs + o.refractoryMs;
    return true;
  }
}

/**
 * The score a candidate's figures are judged by (against minScore). With the flex, the blow is the
 * accelerometer's to show, so the sound counts for the shatter alone (evidenceLogOdds' `blowShown`), and
 * the flex adds its bonus, in proportion to its peak under flexFullG: a weak flex shows that the pane was
 * touched, hardly that it was struck hard enough to break.
 */
export function decisionScore(f: GlassBreakFeatures, o: Readonly<GlassBreakOptions>): number {
  if (f.flex !== 1) return f.acousticScore;
  const strength = o.flexFullG > 0 && f.flexPeakG < o.flexFullG ? f.flexPeakG / o.flexFullG : 1;
  return Math.min(1, logistic(evidenceLogOdds(f, true)) + o.flexBonus * strength);
}

function logistic(logOdds: number): number {
  return 1 / (1 + Math.exp(-logOdds));
}

/**
 * Whether a candidate's figures stay within what a break can show: the technician's limits in the options
 * and the evidence model's own (GLASS_EVIDENCE_LIMITS).
 */
export function withinLimits(f: GlassBreakFeatures, o: Readonly<GlassBreakOptions>): boolean {
  return f.hfMidDb >= o.minHfMidDb && f.tonality <= o.maxTonality && f.durationMs >= o.minDurationMs && brokenLimit(f) < 0;
}

function newFeatures(): GlassBreakFeatures {
  const f = {} as GlassBreakFeatures;
  for (const name of GLASS_BREAK_FEATURES) f[name] = 0;
  return f;
}

/** frame[i] = ring[i + offset] · window[i] for i in [from, to), a multiple of four samples long. */
function windowInto(ring: Int16Array, offset: number, window: Float64Array, frame: Float64Array, from: number, to: number): void {
  for (let i = from, r = from + offset; i < to; i += 4, r += 4) {
    frame[i] = ring[r] * window[i];
    frame[i + 1] = ring[r + 1] * window[i + 1];
    frame[i + 2] = ring[r + 2] * window[i + 2];
    frame[i + 3] = ring[r + 3] * window[i + 3];
  }
}

/** Power ratio in dB. */
function dB(ratio: number): number {
  return DB_PER_NEPER_POWER * Math.log(ratio);
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

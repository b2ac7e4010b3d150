/**
 * Blows on glass or a frame, after the seismic detectors' counting and explosion channels
 * (reference/detectors.md §2): blows are counted within a window (N blows in T → alarm), and one very
 * strong shock alarms at once. It also reports lighter flexes and knocks of the pane (for the acoustic
 * glass-break detector's corroboration).
 *
 * Per block it uses only the shared front end's extremes: the deviation of each axis from its resting
 * value (gravity), combined into a vector peak. A crossing of the flex threshold opens an event of
 * blowGapMs (a blow and its ringing). The event is a blow when it was sudden — within 40 ms it at least
 * doubled the level just before it — and the peak of those 40 ms clears the blow threshold and stands out
 * from the background (so a grinder, a floor machine starting up, a pane still ringing or a railing's hum
 * swelling with a gust never count as a hail of blows: a blow peaks at once). A blow also stands alone:
 * after one, another counts only once the motion has fallen below half its peak (a struck pane rings down
 * between blows; a machine running up never falls back, and its first seconds would otherwise pass for a
 * series). Once it has, a pane so lightly damped that it still rings over the flex threshold lets the next
 * blow open its own event by a jump to twice the recent level. Only a block that opens an event is scanned
 * again, to time the crossing to the sample.
 */
import type { SampleBlock } from '../ports';
import { FULL_SCALE_COUNTS, MOTION_CHANNELS, MotionBlockStats } from './motion-block';
import { NO_DETECTIONS } from './types';
import type { Detection, Detector, NodeRole } from './types';
import { resolveOptions } from './options';
import type { OptionSpecs } from './options';

export interface ImpactOptions {
  blowThresholdG: number;
  blowCount: number;
  countWindowMs: number;
  blowGapMs: number;
  blowCrestRatio: number;
  shockThresholdG: number;
  flexThresholdG: number;
  flexGapMs: number;
  holdoffMs: number;
}

export const IMPACT_OPTION_SPECS: OptionSpecs<ImpactOptions> = {
  blowThresholdG: { kind: 'number', default: 0.3, unit: 'g', min: 0.05, max: 8, doc: 'Peak acceleration (vector, above rest) that counts as a blow. Knuckle taps and door slams stay below it.' },
  blowCount: { kind: 'number', default: 3, unit: 'count', min: 1, max: 20, integer: true, doc: 'Blows within countWindowMs that raise the alarm (counting channel).' },
  countWindowMs: { kind: 'number', default: 10000, unit: 'ms', min: 1000, max: 120000, doc: 'Window in which blows are counted.' },
  blowGapMs: { kind: 'number', default: 150, unit: 'ms', min: 20, max: 2000, doc: 'One event lasts this long from its first crossing of the flex threshold: a blow and its ringing count once.' },
  blowCrestRatio: { kind: 'number', default: 3, unit: 'ratio', min: 1, max: 20, doc: 'A blow must also peak this many times above the recent background peak level.' },
  shockThresholdG: { kind: 'number', default: 3, unit: 'g', min: 0.5, max: 16, doc: 'One shock this strong raises the alarm at once (explosion channel).' },
  flexThresholdG: { kind: 'number', default: 0.1, unit: 'g', min: 0.005, max: 2, doc: 'Sudden peak reported to the acoustic pipeline as a flex or knock of the pane (corroboration only, never an alarm). Keep it above the sensor\'s noise peaks (≈0.06 g for an ADXL345 at 1600 Hz).' },
  flexGapMs: { kind: 'number', default: 250, unit: 'ms', min: 20, max: 5000, doc: 'Shortest time between two flex reports.' },
  holdoffMs: { kind: 'number', default: 2000, unit: 'ms', min: 0, max: 600000, doc: 'Quiet time after an impact detection before the next one.' },
};

/** Display cases are hit at close range and seldom jostled: two blows suffice. Balconies take weather and people. */
export const IMPACT_ROLE_OVERRIDES: Record<NodeRole, Partial<ImpactOptions> | null> = {
  display_case: { blowCount: 2 },
  window: {},
  balcony: { blowThresholdG: 0.5, shockThresholdG: 4 },
};

const MAX_BLOWS = 32;
/** Resting value per axis: follows block mid-ranges with this time constant (slower during activity). */
const BASELINE_MS = 1000;
/** Background peak level over blocks that are not sudden events: rises within half a second, falls over two. */
const BACKGROUND_RISE_MS = 500;
const BACKGROUND_FALL_MS = 2000;
/**
 * Blows and shocks are sudden: within ONSET_MS of crossing the flex threshold the peak must reach this
 * many times the level just before, a maximum of the previous blocks' peaks that decays with RECENT_MS.
 * Sustained vibration (a grinder, a floor machine, a pane still ringing from the last blow) does not
 * double within 40 ms.
 */
const ONSET_RISE = 2;
const RECENT_MS = 300;
/** The part of an event in which its onset peak is taken. */
const ONSET_MS = 40;
/**
 * Between two counted blows the motion falls below this share of the earlier one's peak. Most panes ring
 * down to it well within the shortest gap of a hammer series (0.3 s); the slowest ringing the signal library
 * gives a pane (damping ratio 0.005 at 40 Hz) takes 0.55 s, so there a quick second blow waits for a later one.
 */
const RELEASE_RATIO = 0.5;

export class ImpactDetector implements Detector {
  readonly type = 'impact' as const;
  readonly options: ImpactOptions;

  readonly #stats = new MotionBlockStats();
  readonly #baseline = new Float64Array(MOTION_CHANNELS);
  #baselineReady = false;
  #backgroundG = 0;
  #recentPeakG = 0;
  readonly #blowTimes = new Float64Array(MAX_BLOWS);
  readonly #blowPeaks = new Float64Array(MAX_BLOWS);
  #blowNext = 0;
  #blowStored = 0;
  /** RELEASE_RATIO × the last counted blow's peak until the motion has fallen below it since; then 0. */
  #releaseBelowG = 0;
  #lastFlexMs = -Infinity;
  // The current event: a crossing of the flex threshold and the blowGapMs after it.
  #eventActive = false;
  #eventStartMs = 0;
  #eventReferenceG = 0;
  #eventPeakG = 0;
  #eventOnsetPeakG = 0;
  #eventCounted = false;
  #eventFlexed = false;
  #holdUntilMs = -Infinity;
  /** A detection decided on a block that reached full scale, waiting for the next block (see pushMeasured). */
  #held = false;
  #heldHoldUntilMs = -Infinity;
  /** The last block was pinned at full scale: until a block stays off the rail, nothing here is motion. */
  #railStuck = false;

  /** Vector peak of the last block above rest, g. */
  lastPeakG = 0;
  /** Set when the last block held a flex report: its time (ms) and peak (g); NaN otherwise. */
  flexAtMs = NaN;
  flexPeakG = 0;

  readonly #features: Record<string, number> = { blowCount: 0, peakG: 0, spanMs: 0, shock: 0 };
  readonly #detection: Detection = { type: 'impact', decidedMs: 0, onsetMs: 0, score: 0, features: this.#features };
  readonly #result: readonly Detection[] = [this.#detection];

  constructor(options: Partial<ImpactOptions> = {}) {
    this.options = resolveOptions(IMPACT_OPTION_SPECS, options);
    if (this.options.flexThresholdG > this.options.blowThresholdG) {
      throw new RangeError(`ImpactDetector: flexThresholdG ${this.options.flexThresholdG} g must not exceed blowThresholdG ${this.options.blowThresholdG} g`);
    }
    if (this.options.blowThresholdG > this.options.shockThresholdG) {
      throw new RangeError(`ImpactDetector: blowThresholdG ${this.options.blowThresholdG} g must not exceed shockThresholdG ${this.options.shockThresholdG} g`);
    }
  }

  push(block: SampleBlock): readonly Detection[] {
    this.#stats.update(block);
    return this.pushMeasured(block, this.#stats);
  }

  /**
   * Like push, with the block's front-end figures already computed (the vibration pipeline shares them).
   * An accelerometer stuck on its rail (a sensor fault) jumps there like a shock: a block pinned at full
   * scale measures no motion, a detection from a block that reached full scale waits one block to see
   * that the next is not pinned (shocks that clip: 20 ms later at 1600 Hz), and the block where the sensor
   * comes off its rail is no evidence either. The health monitor reports the fault itself.
   */
  pushMeasured(block: SampleBlock, stats: MotionBlockStats): readonly Detection[] {
    this.flexAtMs = NaN;
    const pinned = stats.pinned(FULL_SCALE_COUNTS);
    if (this.#held) {
      this.#held = false;
      if (pinned) {
        this.#holdUntilMs = this.#heldHoldUntilMs;
        this.#railStuck = true;
        this.#eventActive = false;
        return NO_DETECTIONS;
      }
      // The hold-off #decide set keeps #judge from deciding again on this block.
      this.#judge(block, stats);
      // Published now, at the end of the block that showed it real.
      this.#detection.decidedMs = block.t0Ms + (block.frames * 1000) / block.rateHz;
      return this.#result;
    }
    if (pinned || (this.#railStuck && stats.reaches(FULL_SCALE_COUNTS))) {
      if (pinned && this.#eventCounted) this.#uncountEventBlow();
      this.#railStuck = true;
      this.#eventActive = false;
      return NO_DETECTIONS;
    }
    this.#railStuck = false;
    const holdUntilMs = this.#holdUntilMs;
    const detections = this.#judge(block, stats);
    if (detections !== NO_DETECTIONS && stats.reaches(FULL_SCALE_COUNTS)) {
      this.#held = true;
      this.#heldHoldUntilMs = holdUntilMs;
      return NO_DETECTIONS;
    }
    return detections;
  }

  #judge(block: SampleBlock, stats: MotionBlockStats): readonly Detection[] {
    const frames = block.frames;
    if (frames === 0) return NO_DETECTIONS;
    const o = this.options;
    const blockMs = (frames * 1000) / block.rateHz;
    const endMs = block.t0Ms + blockMs;
    const peakG = this.#blockPeakG(stats, block.unitsPerCount, o.flexThresholdG, blockMs);
    if (peakG < this.#releaseBelowG) this.#releaseBelowG = 0;
    const decayed = this.#recentPeakG * Math.exp(-blockMs / RECENT_MS);
    this.#recentPeakG = peakG > decayed ? peakG : decayed;

    if (this.#eventActive && block.t0Ms - this.#eventStartMs >= o.blowGapMs) this.#eventActive = false;
    if (!this.#eventActive) {
      if (peakG < o.flexThresholdG) {
        this.#updateBackground(peakG, blockMs);
        return NO_DETECTIONS;
      }
      // A new event: something crossed the flex threshold. Its reference is the level just before it.
      this.#openEvent(block, decayed);
    } else if (!this.#eventSudden() && this.#releaseBelowG === 0 &&
      block.t0Ms - this.#eventStartMs >= ONSET_MS && peakG >= ONSET_RISE * decayed && this.blowsWithin(block.t0Ms) > 0) {
      // A lightly damped pane still ringing over flexThresholdG from a counted blow (the event open on it is
      // not sudden), and rung down below half of it: a block at twice the recent level is the next blow, and
      // opens its own event. A machine running up never released its first step, so its later steps do not.
      this.#openEvent(block, decayed);
    }
    if (peakG > this.#eventPeakG) this.#eventPeakG = peakG;
    // Suddenness is judged on the event's first ONSET_MS: a blow peaks at once, a machine only creeps up.
    if (block.t0Ms - this.#eventStartMs < ONSET_MS && peakG > this.#eventOnsetPeakG) this.#eventOnsetPeakG = peakG;
    const eventPeakG = this.#eventPeakG;
    const atMs = this.#eventStartMs;
    const sudden = this.#eventSudden();
    if (!sudden) {
      // Sustained vibration above the flex threshold (a machine, a grinder): background, not an event.
      this.#updateBackground(peakG, blockMs);
      return NO_DETECTIONS;
    }
    if (!this.#eventFlexed && atMs - this.#lastFlexMs >= o.flexGapMs) {
      this.#eventFlexed = true;
      this.#lastFlexMs = atMs;
      this.flexAtMs = atMs;
      this.flexPeakG = eventPeakG;
    }
    if (eventPeakG >= o.shockThresholdG && endMs >= this.#holdUntilMs) {
      const over = eventPeakG / o.shockThresholdG - 1;
      this.#decide(endMs, atMs, 1, eventPeakG, 0, true, 0.9 + 0.1 * (over < 1 ? over : 1));
      return this.#result;
    }
    if (this.#eventCounted) {
      // The same blow still building up: keep its largest peak; only a fall after that releases.
      const last = (this.#blowNext + MAX_BLOWS - 1) % MAX_BLOWS;
      if (eventPeakG > this.#blowPeaks[last]) {
        this.#blowPeaks[last] = eventPeakG;
        this.#releaseBelowG = RELEASE_RATIO * eventPeakG;
      }
      return NO_DETECTIONS;
    }
    // A blow peaks at once: its onset, not a swell that keeps growing after it (a railing's hum caught by a gust).
    const onsetPeakG = this.#eventOnsetPeakG;
    if (onsetPeakG < o.blowThresholdG || onsetPeakG < o.blowCrestRatio * this.#backgroundG) return NO_DETECTIONS;
    if (this.#releaseBelowG > 0 && this.blowsWithin(atMs) > 0) return NO_DETECTIONS;
    this.#eventCounted = true;
    this.#releaseBelowG = RELEASE_RATIO * eventPeakG;
    this.#blowTimes[this.#blowNext] = atMs;
    this.#blowPeaks[this.#blowNext] = eventPeakG;
    this.#blowNext = (this.#blowNext + 1) % MAX_BLOWS;
    if (this.#blowStored < MAX_BLOWS) this.#blowStored++;
    if (endMs < this.#holdUntilMs) return NO_DETECTIONS;

    // Counting channel: blows within the window that ends now.
    let count = 0;
    let firstMs = atMs;
    let largestG = 0;
    for (let i = 0; i < this.#blowStored; i++) {
      const j = (this.#blowNext + MAX_BLOWS - 1 - i) % MAX_BLOWS;
      if (atMs - this.#blowTimes[j] > o.countWindowMs) break;
      count++;
      firstMs = this.#blowTimes[j];
      if (this.#blowPeaks[j] > largestG) largestG = this.#blowPeaks[j];
    }
    if (count < o.blowCount) return NO_DETECTIONS;
    const strength = largestG / o.shockThresholdG;
    this.#decide(endMs, firstMs, count, largestG, atMs - firstMs, false,
      0.6 + 0.05 * Math.min(4, count - o.blowCount) + 0.2 * (strength < 1 ? strength : 1));
    return this.#result;
  }

  reset(): void {
    this.#stats.reset();
    this.#baseline.fill(0);
    this.#baselineReady = false;
    this.#backgroundG = 0;
    this.#recentPeakG = 0;
    this.#eventActive = false;
    this.#clearBlows();
    this.#lastFlexMs = -Infinity;
    this.#holdUntilMs = -Infinity;
    this.#held = false;
    this.#railStuck = false;
    this.lastPeakG = 0;
    this.flexAtMs = NaN;
    this.flexPeakG = 0;
  }

  /** Background peak level (g): what the blow crest test compares with. */
  get backgroundG(): number {
    return this.#backgroundG;
  }

  /** Blows counted within the window that ends at `atMs`. */
  blowsWithin(atMs: number): number {
    let count = 0;
    for (let i = 0; i < this.#blowStored; i++) {
      const j = (this.#blowNext + MAX_BLOWS - 1 - i) % MAX_BLOWS;
      if (atMs - this.#blowTimes[j] > this.options.countWindowMs) break;
      count++;
    }
    return count;
  }

  /** Whether the current event's onset peak reached ONSET_RISE × the level just before it. */
  #eventSudden(): boolean {
    return this.#eventOnsetPeakG >= ONSET_RISE * this.#eventReferenceG;
  }

  /** Starts an event at the block's first crossing of flexThresholdG, against `referenceG`, the level just before it. */
  #openEvent(block: SampleBlock, referenceG: number): void {
    this.#eventActive = true;
    this.#eventStartMs = this.#crossingMs(block, this.options.flexThresholdG);
    this.#eventReferenceG = referenceG;
    this.#eventPeakG = 0;
    this.#eventOnsetPeakG = 0;
    this.#eventCounted = false;
    this.#eventFlexed = false;
  }

  /** The current event's blow was the sensor jumping onto its rail: it is no blow. */
  #uncountEventBlow(): void {
    this.#eventCounted = false;
    this.#releaseBelowG = 0;
    if (this.#blowStored === 0) return;
    this.#blowNext = (this.#blowNext + MAX_BLOWS - 1) % MAX_BLOWS;
    this.#blowStored--;
  }

  #clearBlows(): void {
    this.#releaseBelowG = 0;
    this.#blowNext = 0;
    this.#blowStored = 0;
    this.#blowTimes.fill(0);
    this.#blowPeaks.fill(0);
  }

  /** Vector peak of the block above rest (g); also moves the resting value (slower while active). */
  #blockPeakG(stats: MotionBlockStats, unitsPerCount: number, flexThresholdG: number, blockMs: number): number {
    const baseline = this.#baseline;
    if (!this.#baselineReady) {
      for (let a = 0; a < MOTION_CHANNELS; a++) baseline[a] = 0.5 * (stats.min[a] + stats.max[a]);
      this.#baselineReady = true;
    }
    let sumSquares = 0;
    for (let a = 0; a < MOTION_CHANNELS; a++) {
      const up = stats.max[a] - baseline[a];
      const down = baseline[a] - stats.min[a];
      const d = up > down ? up : down;
      sumSquares += d * d;
    }
    const peakG = Math.sqrt(sumSquares) * unitsPerCount;
    this.lastPeakG = peakG;
    const w = blockMs / BASELINE_MS;
    const weight = peakG < flexThresholdG ? w : w * 0.125;
    for (let a = 0; a < MOTION_CHANNELS; a++) {
      baseline[a] += (0.5 * (stats.min[a] + stats.max[a]) - baseline[a]) * (weight < 1 ? weight : 1);
    }
    return peakG;
  }

  #updateBackground(peakG: number, blockMs: number): void {
    const w = blockMs / (peakG > this.#backgroundG ? BACKGROUND_RISE_MS : BACKGROUND_FALL_MS);
    this.#backgroundG += (peakG - this.#backgroundG) * (w < 1 ? w : 1);
  }

  #decide(endMs: number, onsetMs: number, count: number, peakG: number, spanMs: number, shock: boolean, score: number): void {
    const features = this.#features;
    features.blowCount = count;
    features.peakG = peakG;
    features.spanMs = spanMs;
    features.shock = shock ? 1 : 0;
    const detection = this.#detection;
    detection.decidedMs = endMs;
    detection.onsetMs = onsetMs;
    detection.score = score;
    this.#holdUntilMs = endMs + this.options.holdoffMs;
    this.#clearBlows();
  }

  /** Time of the first frame in the block whose vector deviation from rest reaches `thresholdG`. */
  #crossingMs(block: SampleBlock, thresholdG: number): number {
    const s = block.samples;
    const b = this.#baseline;
    const limit = (thresholdG / block.unitsPerCount) ** 2;
    const bx = b[0], by = b[1], bz = b[2];
    for (let f = 0, i = 0; f < block.frames; f++, i += 3) {
      const dx = s[i] - bx, dy = s[i + 1] - by, dz = s[i + 2] - bz;
      if (dx * dx + dy * dy + dz * dz >= limit) return block.t0Ms + (f * 1000) / block.rateHz;
    }
    // The block-level peak combines axis extremes from different frames; fall back to the block start.
    return block.t0Ms;
  }
}

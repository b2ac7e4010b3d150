/**
 * Tilt of a balcony (or a window frame) from a ladder or a lift basket leaning on it: the gravity vector
 * the accelerometer feels turns by a fraction of a degree to a few degrees and stays.
 *
 * Fed 50 Hz samples (the tilt pipeline decimates the accelerometer to that rate). It learns the home
 * gravity vector over `learnMs` (and keeps averaging quiet samples into it for SETTLE_MS), smooths the current vector with two one-pole low-passes (climbing
 * vibration and sensor noise out, the tilt in within a few hundred ms), and alarms when the angle to
 * home stays above the threshold for `holdMs` (after Pyronix-style "home position" tilt sensors,
 * reference/detectors.md §2). Home follows slow thermal drift at a limited rate, and only while the
 * angle is well below the threshold, so a ladder is never absorbed. Wind sway is oscillation around
 * home: its amplitude is tracked while nothing is alarming, and strong gusts raise the effective
 * threshold above the sway's peaks.
 */
import type { SampleBlock } from '../ports';
import { NO_DETECTIONS } from './types';
import type { Detection, Detector, NodeRole } from './types';
import { resolveOptions } from './options';
import type { OptionSpecs } from './options';

export interface TiltOptions {
  thresholdDeg: number;
  holdMs: number;
  smoothingMs: number;
  learnMs: number;
  driftFollowDegPerHour: number;
  swayMarginRatio: number;
}

export const TILT_OPTION_SPECS: OptionSpecs<TiltOptions> = {
  thresholdDeg: { kind: 'number', default: 0.4, unit: 'deg', min: 0.1, max: 20, doc: 'Angle between the current and the home gravity vector that means something leans on the structure.' },
  holdMs: { kind: 'number', default: 200, unit: 'ms', min: 0, max: 10000, doc: 'How long the angle must stay above the threshold.' },
  smoothingMs: { kind: 'number', default: 100, unit: 'ms', min: 20, max: 2000, doc: 'Time constant of each of the two low-pass stages on the gravity vector.' },
  learnMs: { kind: 'number', default: 6000, unit: 'ms', min: 200, max: 60000, doc: 'Averaging time for the home position at start and after relearn() (several periods of the slowest sway, 0.3 Hz); no detection meanwhile.' },
  driftFollowDegPerHour: { kind: 'number', default: 1.2, unit: 'deg/h', min: 0, max: 30, doc: 'Fastest drift of the home position followed (thermal drift is a fraction of a degree per hour).' },
  swayMarginRatio: { kind: 'number', default: 1.3, unit: 'ratio', min: 1, max: 5, doc: 'The effective threshold is at least this many times the tracked peak amplitude of wind sway.' },
};

/** Tilt watches balconies only; a display case or window node does not run it. */
export const TILT_ROLE_OVERRIDES: Record<NodeRole, Partial<TiltOptions> | null> = {
  display_case: null,
  window: null,
  balcony: {},
};

/** The detector's input rate; the tilt pipeline decimates to it. */
export const TILT_RATE_HZ = 50;
const RATE_TOLERANCE_HZ = 1;
const DEG = 180 / Math.PI;
/** Sway tracker: time constant of the slow mean and of the variance around it. */
const SWAY_MS = 10000;
/** Re-arm after an alarm once the angle is back below this share of the threshold (the ladder went away). */
const REARM_RATIO = 0.7;
/** Home follows drift only while the angle is below this share of the threshold. */
const FOLLOW_RATIO = 0.5;
/** The onset of a tilt is the last time the angle was below this share of the threshold. */
const ONSET_RATIO = 0.25;
/**
 * After learning, home keeps being the plain average of every sample below the threshold for this
 * long, so a sway cycle caught half-way while learning does not bias it; after that only the
 * rate-limited drift follower moves it.
 */
const SETTLE_MS = 30000;

export class TiltDetector implements Detector {
  readonly type = 'tilt' as const;
  readonly options: TiltOptions;

  readonly #alpha: number;
  readonly #swayAlpha: number;
  readonly #learnFrames: number;
  readonly #followRadPerFrame: number;
  // Two low-pass stages on x, y, z (g).
  #s1x = 0; #s1y = 0; #s1z = 0;
  #s2x = 0; #s2y = 0; #s2z = 0;
  #primed = false;
  // Home vector (unit) and learning sums.
  #hx = 0; #hy = 0; #hz = 1;
  #learnX = 0; #learnY = 0; #learnZ = 0;
  #learned = 0;
  #homeSinceMs = 0;
  // Sway: slow mean of the small-angle tilt vector (relative to home) and the variance around it.
  #meanDx = 0; #meanDy = 0; #meanDz = 0;
  #swayVariance = 0;
  #aboveSinceMs = NaN;
  #lastLowMs = 0;
  #armed = true;
  #lastMs = 0;

  /** Angle to home after smoothing, degrees (0 while learning). */
  angleDeg = 0;

  readonly #features: Record<string, number> = { angleDeg: 0, thresholdDeg: 0, swayDeg: 0, heldMs: 0, homeAgeS: 0 };
  readonly #detection: Detection = { type: 'tilt', decidedMs: 0, onsetMs: 0, score: 0, features: this.#features };
  readonly #result: readonly Detection[] = [this.#detection];

  constructor(options: Partial<TiltOptions> = {}) {
    this.options = resolveOptions(TILT_OPTION_SPECS, options);
    const periodMs = 1000 / TILT_RATE_HZ;
    this.#alpha = 1 - Math.exp(-periodMs / this.options.smoothingMs);
    this.#swayAlpha = 1 - Math.exp(-periodMs / SWAY_MS);
    this.#learnFrames = Math.max(1, Math.round(this.options.learnMs / periodMs));
    this.#followRadPerFrame = this.options.driftFollowDegPerHour / DEG / 3600 / TILT_RATE_HZ;
  }

  /** Feeds blocks at 50 Hz (±1 Hz) directly from an accelerometer; the tilt pipeline uses pushG. */
  push(block: SampleBlock): readonly Detection[] {
    if (Math.abs(block.rateHz - TILT_RATE_HZ) > RATE_TOLERANCE_HZ) {
      throw new Error(`TiltDetector: block at ${block.rateHz} Hz, expected ${TILT_RATE_HZ} Hz (feed other rates through TiltPipeline)`);
    }
    if (block.channels !== 3) throw new Error(`TiltDetector: accelerometer blocks need 3 channels, got ${block.channels}`);
    const s = block.samples;
    const units = block.unitsPerCount;
    const periodMs = 1000 / block.rateHz;
    let result = NO_DETECTIONS;
    for (let f = 0, i = 0; f < block.frames; f++, i += 3) {
      if (this.pushG(s[i] * units, s[i + 1] * units, s[i + 2] * units, block.t0Ms + (f + 1) * periodMs) !== null) result = this.#result;
    }
    return result;
  }

  /**
   * One 50 Hz sample in g, taken at `atMs` (the end of the interval it averages). Returns the shared
   * detection object when this sample completes a tilt detection, else null.
   */
  pushG(xG: number, yG: number, zG: number, atMs: number): Detection | null {
    this.#lastMs = atMs;
    if (!this.#primed) {
      this.#s1x = this.#s2x = xG;
      this.#s1y = this.#s2y = yG;
      this.#s1z = this.#s2z = zG;
      this.#primed = true;
    }
    const a = this.#alpha;
    this.#s1x += (xG - this.#s1x) * a;
    this.#s1y += (yG - this.#s1y) * a;
    this.#s1z += (zG - this.#s1z) * a;
    this.#s2x += (this.#s1x - this.#s2x) * a;
    this.#s2y += (this.#s1y - this.#s2y) * a;
    this.#s2z += (this.#s1z - this.#s2z) * a;

    if (this.#learned < this.#learnFrames) {
      this.#learnX += xG;
      this.#learnY += yG;
      this.#learnZ += zG;
      if (++this.#learned === this.#learnFrames) this.#setHome(this.#learnX, this.#learnY, this.#learnZ, atMs);
      this.angleDeg = 0;
      this.#lastLowMs = atMs;
      return null;
    }

    // Unit vector of the smoothed gravity, its difference from home (small-angle tilt vector) and the angle.
    const length = Math.sqrt(this.#s2x * this.#s2x + this.#s2y * this.#s2y + this.#s2z * this.#s2z);
    if (length === 0) return null;
    const ux = this.#s2x / length, uy = this.#s2y / length, uz = this.#s2z / length;
    const cx = uy * this.#hz - uz * this.#hy;
    const cy = uz * this.#hx - ux * this.#hz;
    const cz = ux * this.#hy - uy * this.#hx;
    const angleRad = Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), ux * this.#hx + uy * this.#hy + uz * this.#hz);
    const angleDeg = angleRad * DEG;
    this.angleDeg = angleDeg;
    const o = this.options;

    if (angleDeg < o.thresholdDeg * ONSET_RATIO) this.#lastLowMs = atMs;
    if (!this.#armed && angleDeg < o.thresholdDeg * REARM_RATIO) this.#armed = true;

    if (angleDeg < o.thresholdDeg && this.#armed) {
      // Nothing leans on the structure: learn the sway and follow the drift.
      const dx = ux - this.#hx, dy = uy - this.#hy, dz = uz - this.#hz;
      const w = this.#swayAlpha;
      this.#meanDx += (dx - this.#meanDx) * w;
      this.#meanDy += (dy - this.#meanDy) * w;
      this.#meanDz += (dz - this.#meanDz) * w;
      const ex = dx - this.#meanDx, ey = dy - this.#meanDy, ez = dz - this.#meanDz;
      this.#swayVariance += (ex * ex + ey * ey + ez * ez - this.#swayVariance) * w;
      if (atMs - this.#homeSinceMs < SETTLE_MS) {
        this.#learnX += xG;
        this.#learnY += yG;
        this.#learnZ += zG;
        this.#setDirection(this.#learnX, this.#learnY, this.#learnZ);
      } else if (angleDeg < o.thresholdDeg * FOLLOW_RATIO && angleRad > 0) {
        const k = this.#followRadPerFrame >= angleRad ? 1 : this.#followRadPerFrame / angleRad;
        this.#setDirection(this.#hx + (ux - this.#hx) * k, this.#hy + (uy - this.#hy) * k, this.#hz + (uz - this.#hz) * k);
      }
    }

    const thresholdDeg = this.effectiveThresholdDeg;
    if (angleDeg < thresholdDeg) {
      this.#aboveSinceMs = NaN;
      return null;
    }
    if (Number.isNaN(this.#aboveSinceMs)) this.#aboveSinceMs = atMs;
    const heldMs = atMs - this.#aboveSinceMs;
    if (!this.#armed || heldMs < o.holdMs) return null;

    this.#armed = false;
    const features = this.#features;
    features.angleDeg = angleDeg;
    features.thresholdDeg = thresholdDeg;
    features.swayDeg = this.swayDeg;
    features.heldMs = heldMs;
    features.homeAgeS = (atMs - this.#homeSinceMs) / 1000;
    const detection = this.#detection;
    detection.decidedMs = atMs;
    detection.onsetMs = this.#lastLowMs;
    const over = angleDeg / thresholdDeg - 1;
    detection.score = 0.6 + 0.4 * (over < 1 ? over : 1);
    return detection;
  }

  reset(): void {
    this.#primed = false;
    this.#armed = true;
    this.#aboveSinceMs = NaN;
    this.#meanDx = this.#meanDy = this.#meanDz = 0;
    this.#swayVariance = 0;
    this.relearn();
  }

  /** Forget the home position and learn it again from the next learnMs of samples. */
  relearn(): void {
    this.#learnX = this.#learnY = this.#learnZ = 0;
    this.#learned = 0;
    this.#armed = true;
    this.#aboveSinceMs = NaN;
    this.angleDeg = 0;
  }

  get learning(): boolean {
    return this.#learned < this.#learnFrames;
  }

  /** Peak amplitude of the tracked wind sway, degrees. */
  get swayDeg(): number {
    return Math.sqrt(2 * this.#swayVariance) * DEG;
  }

  /** The threshold in force: the configured one, or more in strong sway. */
  get effectiveThresholdDeg(): number {
    const swayLimit = this.options.swayMarginRatio * this.swayDeg;
    return swayLimit > this.options.thresholdDeg ? swayLimit : this.options.thresholdDeg;
  }

  /** Seconds since the home position was learned (0 while learning). */
  get homeAgeS(): number {
    return this.learning ? 0 : (this.#lastMs - this.#homeSinceMs) / 1000;
  }

  #setHome(x: number, y: number, z: number, atMs: number): void {
    this.#setDirection(x, y, z);
    this.#homeSinceMs = atMs;
    this.#meanDx = this.#meanDy = this.#meanDz = 0;
  }

  #setDirection(x: number, y: number, z: number): void {
    const length = Math.sqrt(x * x + y * y + z * z);
    if (length === 0) return;
    this.#hx = x / length;
    this.#hy = y / length;
    this.#hz = z / length;
  }
}

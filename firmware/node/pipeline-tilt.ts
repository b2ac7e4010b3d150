/**
 * Tilt pipeline: the accelerometer at any rate of 50 Hz or more, averaged down to 50 Hz, → the tilt
 * detector. Balcony nodes run it; the others do not. The averages weigh two output periods as a triangle
 * (BlockAverager, two stages): a railing's rattle folded into the tilt band through a plain boxcar. While
 * the accelerometer saturates, its averages are left out (a clipped vibration is not gravity).
 */
import type { SampleBlock } from '../ports';
import { BlockAverager } from '../dsp/decimate';
import { MotionBlockStats } from '../detect/motion-block';
import { TILT_OPTION_SPECS, TILT_RATE_HZ, TILT_ROLE_OVERRIDES, TiltDetector } from '../detect/tilt';
import type { TiltOptions } from '../detect/tilt';
import { NO_DETECTIONS } from '../detect/types';
import type { Detection, NodeRole } from '../detect/types';
import { FULL_SCALE_COUNTS } from './health';
import type { Pipeline, PipelineSnapshot } from './pipeline';
import { snapshotDb } from './snapshot-levels';

export interface TiltPipelineOptions {
  /** Applies the role defaults (an error for roles that do not run tilt, unless tilt options are given). */
  role?: NodeRole;
  tilt?: Partial<TiltOptions>;
  /**
   * The vibration pipeline's per-block stats on the same accelerometer, updated before this pipeline sees
   * each block: the saturation check then costs nothing. Without it (or when it is not for this block)
   * the pipeline takes its own, one more pass over every sample.
   */
  blockStats?: MotionBlockStats;
}

/** Time constant of the noise estimate shown to technicians, ms. */
const NOISE_MS = 5000;

/** Averages handed to the detector per call of the averager: a block completing more is taken in parts. */
const AVERAGES_PER_CALL = 64;
/**
 * Averages still left out after a block that reached full scale: the triangle reaches one group back, and
 * a group may straddle two blocks.
 */
const HOLD_AFTER_SATURATION = 2;

export class TiltPipeline implements Pipeline {
  readonly kind = 'tilt' as const;
  readonly detector: TiltDetector;
  readonly #averager = new BlockAverager({ channels: 3, inRateHz: TILT_RATE_HZ, outRateHz: TILT_RATE_HZ, stages: 2 });
  readonly #averages = new Float64Array(3 * AVERAGES_PER_CALL);
  readonly #endFrames = new Int32Array(AVERAGES_PER_CALL);
  readonly #result: Detection[];
  #found = false;
  #units = 0;
  #px = NaN;
  #py = 0;
  #pz = 0;
  #noiseSquareG = 0;
  #inRateHz = 0;
  readonly #sharedStats: MotionBlockStats | undefined;
  readonly #ownStats = new MotionBlockStats();
  /** Averages still to leave out after a block that reached full scale, and all left out so far. */
  #holdAverages = 0;
  #heldAverages = 0;

  constructor(options: TiltPipelineOptions = {}) {
    let tiltOptions: Partial<TiltOptions> = options.tilt ?? {};
    if (options.role !== undefined) {
      const roleOverride = TILT_ROLE_OVERRIDES[options.role];
      if (roleOverride === null && options.tilt === undefined) {
        throw new Error(`TiltPipeline: tilt is not used on ${options.role} nodes`);
      }
      tiltOptions = { ...(roleOverride ?? {}), ...tiltOptions };
    }
    this.detector = new TiltDetector(tiltOptions);
    this.#sharedStats = options.blockStats;
    this.#result = [{ type: 'tilt', decidedMs: 0, onsetMs: 0, score: 0, features: {} }];
  }

  push(block: SampleBlock): readonly Detection[] {
    if (!(block.rateHz >= TILT_RATE_HZ)) {
      throw new Error(`TiltPipeline: block at ${block.rateHz} Hz; the tilt pipeline needs ${TILT_RATE_HZ} Hz or more`);
    }
    if (block.channels !== 3) throw new Error(`TiltPipeline: accelerometer blocks need 3 channels, got ${block.channels}`);
    const averager = this.#averager;
    if (block.rateHz !== averager.inRateHz) averager.setInputRate(block.rateHz);
    this.#units = block.unitsPerCount;
    this.#inRateHz = block.rateHz;
    this.#found = false;
    const averages = this.#averages;
    const endFrames = this.#endFrames;
    const periodMs = 1000 / block.rateHz;
    // Parts short enough that none completes more averages than the buffers hold.
    const partFrames = Math.floor((AVERAGES_PER_CALL * block.rateHz) / TILT_RATE_HZ);
    // Every sample is checked: scanning one frame in two already missed a railing's clipped peaks.
    const shared = this.#sharedStats;
    const stats = shared !== undefined && shared.sequence === block.sequence && shared.frames === block.frames ? shared : this.#ownStats;
    if (stats === this.#ownStats) stats.update(block);
    const saturated = stats.reaches(FULL_SCALE_COUNTS);
    for (let from = 0; from < block.frames; from += partFrames) {
      const written = averager.process(block.samples, Math.min(partFrames, block.frames - from), averages, endFrames, from);
      for (let k = 0, i = 0; k < written; k++, i += 3) {
        if (saturated || this.#holdAverages > 0) {
          // A saturated accelerometer does not measure gravity: clipping rectifies a strong vibration (a
          // railing's knocks past ±16 g) into a slow swing. Its averages are left out: the detector's
          // smoothed vector stays where the last good ones put it (holding one raw average instead
          // would freeze whatever the vibration leaked into it).
          if (!saturated) this.#holdAverages--;
          this.#heldAverages++;
          continue;
        }
        this.#onFrame(averages[i], averages[i + 1], averages[i + 2], block.t0Ms + (endFrames[k] + 1) * periodMs);
      }
    }
    if (saturated) this.#holdAverages = HOLD_AFTER_SATURATION;
    return this.#found ? this.#result : NO_DETECTIONS;
  }

  relearn(): void {
    this.detector.relearn();
  }

  reset(): void {
    this.#averager.reset();
    this.detector.reset();
    this.#px = NaN;
    this.#noiseSquareG = 0;
    this.#holdAverages = 0;
    this.#heldAverages = 0;
    this.#ownStats.reset();
  }

  snapshot(): PipelineSnapshot {
    const d = this.detector;
    return {
      kind: 'tilt',
      noiseFloorDb: snapshotDb(this.#noiseSquareG),
      bandsDb: [],
      bandEdgesHz: [],
      levels: {
        tiltDeg: d.angleDeg,
        effectiveThresholdDeg: d.effectiveThresholdDeg,
        swayDeg: d.swayDeg,
        homeAgeS: d.homeAgeS,
        learning: d.learning ? 1 : 0,
        inputRateHz: this.#inRateHz,
        saturationHeldS: this.#heldAverages / TILT_RATE_HZ,
      },
      thresholds: [{ option: 'tilt.thresholdDeg', threshold: d.options.thresholdDeg, current: d.angleDeg, unit: TILT_OPTION_SPECS.thresholdDeg.unit }],
    };
  }

  #onFrame(x: number, y: number, z: number, atMs: number): void {
    const u = this.#units;
    const detection = this.detector.pushG(x * u, y * u, z * u, atMs);
    if (detection !== null) {
      this.#result[0] = detection;
      this.#found = true;
    }
    // Noise: half the mean square of the frame-to-frame difference (white noise, per axis summed), in g².
    if (!Number.isNaN(this.#px)) {
      const dx = (x - this.#px) * u, dy = (y - this.#py) * u, dz = (z - this.#pz) * u;
      this.#noiseSquareG += ((dx * dx + dy * dy + dz * dz) / 2 - this.#noiseSquareG) * (1000 / TILT_RATE_HZ / NOISE_MS);
    }
    this.#px = x; this.#py = y; this.#pz = z;
  }
}

/**
 * Tilt pipeline: the accelerometer at any rate of 50 Hz or more, averaged down to 50 Hz, → the tilt
 * detector. Balcony nodes run it; the others do not.
 */
import type { SampleBlock } from '../ports';
import { TILT_OPTION_SPECS, TILT_RATE_HZ, TILT_ROLE_OVERRIDES, TiltDetector } from '../detect/tilt';
import type { TiltOptions } from '../detect/tilt';
import { NO_DETECTIONS } from '../detect/types';
import type { Detection, NodeRole } from '../detect/types';
import type { Pipeline, PipelineSnapshot } from './pipeline';
import { snapshotDb } from './snapshot-levels';

export interface TiltPipelineOptions {
  /** Applies the role defaults (an error for roles that do not run tilt, unless tilt options are given). */
  role?: NodeRole;
  tilt?: Partial<TiltOptions>;
}

/** Time constant of the noise estimate shown to technicians, ms. */
const NOISE_MS = 5000;

/**
 * stand-in for firmware/dsp/decimate.ts (BlockAverager): averages consecutive frames down to a lower
 * rate. The ratio need not be whole (1344 → 50 Hz): a phase accumulator closes each output interval,
 * so groups hold 26 or 27 frames and the output rate is exact on average.
 */
class BlockAverager {
  readonly outRateHz: number;
  #inRateHz = 0;
  #step = 0;
  #phase = 0;
  #sx = 0;
  #sy = 0;
  #sz = 0;
  #count = 0;

  constructor(outRateHz: number) {
    this.outRateHz = outRateHz;
  }

  /** Adds one block; calls `emit` with each averaged frame (counts) and the end time of its interval. */
  push(block: SampleBlock, emit: (x: number, y: number, z: number, atMs: number) => void): void {
    if (block.rateHz !== this.#inRateHz) {
      this.#inRateHz = block.rateHz;
      this.#step = this.outRateHz / block.rateHz;
      this.reset();
    }
    const s = block.samples;
    const step = this.#step;
    const periodMs = 1000 / block.rateHz;
    let sx = this.#sx, sy = this.#sy, sz = this.#sz, count = this.#count, phase = this.#phase;
    for (let f = 0, i = 0; f < block.frames; f++, i += 3) {
      sx += s[i]; sy += s[i + 1]; sz += s[i + 2];
      count++;
      phase += step;
      if (phase >= 1 - 1e-9) {
        phase -= 1;
        emit(sx / count, sy / count, sz / count, block.t0Ms + (f + 1) * periodMs);
        sx = 0; sy = 0; sz = 0; count = 0;
      }
    }
    this.#sx = sx; this.#sy = sy; this.#sz = sz; this.#count = count; this.#phase = phase;
  }

  reset(): void {
    this.#phase = 0;
    this.#sx = this.#sy = this.#sz = 0;
    this.#count = 0;
  }
}

export class TiltPipeline implements Pipeline {
  readonly kind = 'tilt' as const;
  readonly detector: TiltDetector;
  readonly #averager = new BlockAverager(TILT_RATE_HZ);
  readonly #emit: (x: number, y: number, z: number, atMs: number) => void;
  readonly #result: Detection[];
  #found = false;
  #units = 0;
  #px = NaN;
  #py = 0;
  #pz = 0;
  #noiseSquareG = 0;
  #inRateHz = 0;

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
    this.#result = [{ type: 'tilt', decidedMs: 0, onsetMs: 0, score: 0, features: {} }];
    // Made once: the averager calls it for every 50 Hz frame.
    this.#emit = (x, y, z, atMs) => this.#onFrame(x, y, z, atMs);
  }

  push(block: SampleBlock): readonly Detection[] {
    if (!(block.rateHz >= TILT_RATE_HZ)) {
      throw new Error(`TiltPipeline: block at ${block.rateHz} Hz; the tilt pipeline needs ${TILT_RATE_HZ} Hz or more`);
    }
    if (block.channels !== 3) throw new Error(`TiltPipeline: accelerometer blocks need 3 channels, got ${block.channels}`);
    this.#units = block.unitsPerCount;
    this.#inRateHz = block.rateHz;
    this.#found = false;
    this.#averager.push(block, this.#emit);
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

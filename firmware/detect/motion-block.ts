/**
 * The cheap per-sample front end shared by the vibration detectors: one pass over a 3-axis
 * accelerometer block giving the smallest and largest count of each axis. The impact detector turns
 * them into a vector peak above rest; the grinder detector into a block range that gates its spectral
 * work; the tilt pipeline reads them to leave out blocks where the sensor saturated. Integer counts; no allocation after construction. About 83 XS computrons per frame, with the
 * source's block copy (`npm run --silent bench -- --scenarios vibration`, "front end only": 133 k/s).
 */
import type { SampleBlock } from '../ports';

export const MOTION_CHANNELS = 3;
/** Counts at or beyond this magnitude are full scale (sources deliver left-justified 16-bit counts). */
export const FULL_SCALE_COUNTS = 32700;

export class MotionBlockStats {
  /** Frames in the last block. */
  frames = 0;
  /** The last block's sequence number (-1 before any): lets a second reader tell the stats are for its block. */
  sequence = -1;
  /** Smallest and largest count per axis in the last block (valid when frames > 0). */
  readonly min = new Int32Array(MOTION_CHANNELS);
  readonly max = new Int32Array(MOTION_CHANNELS);

  update(block: SampleBlock): void {
    if (block.channels !== MOTION_CHANNELS) {
      throw new Error(`MotionBlockStats: accelerometer blocks need ${MOTION_CHANNELS} channels, got ${block.channels}`);
    }
    const s = block.samples;
    const n = block.frames * MOTION_CHANNELS;
    this.frames = block.frames;
    this.sequence = block.sequence;
    if (n === 0) return;
    let lx = s[0], hx = lx, ly = s[1], hy = ly, lz = s[2], hz = lz;
    for (let i = 3; i < n; i += 3) {
      const x = s[i], y = s[i + 1], z = s[i + 2];
      if (x < lx) lx = x; else if (x > hx) hx = x;
      if (y < ly) ly = y; else if (y > hy) hy = y;
      if (z < lz) lz = z; else if (z > hz) hz = z;
    }
    this.min[0] = lx; this.min[1] = ly; this.min[2] = lz;
    this.max[0] = hx; this.max[1] = hy; this.max[2] = hz;
  }

  /** Whether any axis of the last block reached ±fullScaleCounts. */
  /**
   * Whether some axis sat at full scale for the whole block: a sensor stuck on its rail (a fault), not
   * motion. A real shock that clips swings back within a block; a pinned axis has one value throughout.
   */
  pinned(fullScaleCounts: number): boolean {
    if (this.frames === 0) return false;
    const min = this.min, max = this.max;
    for (let a = 0; a < MOTION_CHANNELS; a++) {
      if (min[a] === max[a] && (max[a] >= fullScaleCounts || min[a] <= -fullScaleCounts)) return true;
    }
    return false;
  }

  reaches(fullScaleCounts: number): boolean {
    const min = this.min, max = this.max;
    return this.frames > 0 && (max[0] >= fullScaleCounts || max[1] >= fullScaleCounts || max[2] >= fullScaleCounts ||
      min[0] <= -fullScaleCounts || min[1] <= -fullScaleCounts || min[2] <= -fullScaleCounts);
  }

  reset(): void {
    this.frames = 0;
    this.sequence = -1;
    this.min.fill(0);
    this.max.fill(0);
  }
}

/**
 * Decimation by block averaging: consecutive frames of interleaved Int16 input become one output frame
 * (the mean of each channel, in counts). The ratio of the rates need not be whole (1344 → 50 Hz): an
 * accumulator counts input frames in units of Hz (each frame adds outRateHz; an average closes when it
 * reaches inRateHz), so groups hold 26 or 27 frames and the output rate is exact on average. With whole
 * rates the accumulator is exact integer arithmetic: no drift, however long the stream.
 *
 * The running sums carry over from one input block to the next, so blocks of any length give the same
 * output stream. Integer sums, with a straight loop for three channels (no per-frame test); one
 * division per output value. Used to bring the accelerometer down to 50 Hz for tilt, where the average
 * is also the anti-alias filter (a boxcar: its first null sits at the output rate).
 */

export interface BlockAveragerOptions {
  /** Samples per frame (3 for x, y, z). */
  channels: number;
  /** Input frame rate; may be changed later with setInputRate. At least outRateHz. */
  inRateHz: number;
  /** Output frame rate. */
  outRateHz: number;
}

/** 65536 frames of ±32768 still fit the Int32 sums. */
const MAX_RATIO = 65536;

export class BlockAverager {
  readonly channels: number;
  readonly outRateHz: number;
  #inRateHz = 0;
  readonly #sums: Int32Array;
  /** Input frames in the open average, and the accumulator (outRateHz per frame, closes at inRateHz). */
  #count = 0;
  #phase = 0;

  constructor(options: BlockAveragerOptions) {
    const { channels, outRateHz } = options;
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`BlockAverager: channels must be a positive integer, got ${channels}`);
    if (!(outRateHz > 0) || !Number.isFinite(outRateHz)) throw new RangeError(`BlockAverager: outRateHz must be a positive number, got ${outRateHz}`);
    this.channels = channels;
    this.outRateHz = outRateHz;
    this.#sums = new Int32Array(channels);
    this.setInputRate(options.inRateHz);
  }

  get inRateHz(): number {
    return this.#inRateHz;
  }

  /** Changes the input rate (a sensor reconfigured); drops a partial average. Allocates nothing. */
  setInputRate(inRateHz: number): void {
    if (!(inRateHz >= this.outRateHz) || !(inRateHz <= this.outRateHz * MAX_RATIO)) {
      throw new RangeError(`BlockAverager: inRateHz must be from outRateHz (${this.outRateHz}) to ${MAX_RATIO} times it, got ${inRateHz}`);
    }
    this.#inRateHz = inRateHz;
    this.reset();
  }

  /** Output frames that `frames` more input frames can complete: size `output` for the largest block. */
  maxOutputFrames(frames: number): number {
    return Math.ceil((frames * this.outRateHz) / this.#inRateHz);
  }

  /**
   * Adds `frames` frames of `input` (interleaved) from frame `fromFrame` on, and writes each completed
   * average, interleaved, to `output` from index 0; if `endFrames` is given, the frame index in `input`
   * of the last frame of each average goes to endFrames[0..]. Returns the number of output frames written.
   */
  process(input: Int16Array, frames: number, output: Float64Array | Float32Array, endFrames?: Int32Array | Float64Array, fromFrame = 0): number {
    const channels = this.channels;
    if (!(fromFrame >= 0) || input.length < (fromFrame + frames) * channels) {
      throw new RangeError(`BlockAverager.process: input holds ${input.length} samples, not ${frames} frames of ${channels} from frame ${fromFrame}`);
    }
    const inRateHz = this.#inRateHz;
    const outRateHz = this.outRateHz;
    let phase = this.#phase;
    const completes = Math.floor((phase + frames * outRateHz) / inRateHz);
    if (output.length < completes * channels) {
      throw new RangeError(`BlockAverager.process: output holds ${output.length} samples; these ${frames} frames complete ${completes} averages of ${channels}`);
    }
    if (endFrames !== undefined && endFrames.length < completes) {
      throw new RangeError(`BlockAverager.process: endFrames holds ${endFrames.length} entries; these ${frames} frames complete ${completes} averages`);
    }
    const sums = this.#sums;
    let count = this.#count;
    let written = 0;
    let frame = fromFrame;
    const end = fromFrame + frames;
    // Three channels (x, y, z: the only use on the node) keep their sums in locals for the whole call.
    let x = sums[0];
    let y = channels === 3 ? sums[1] : 0;
    let z = channels === 3 ? sums[2] : 0;
    while (frame < end) {
      // Frames still needed to close the open average (at least one, since phase < inRateHz).
      const needed = Math.ceil((inRateHz - phase) / outRateHz);
      const take = needed < end - frame ? needed : end - frame;
      const stop = (frame + take) * channels;
      if (channels === 3) {
        for (let i = frame * 3; i < stop; i += 3) {
          x += input[i];
          y += input[i + 1];
          z += input[i + 2];
        }
      } else {
        for (let i = frame * channels; i < stop; i += channels) for (let c = 0; c < channels; c++) sums[c] += input[i + c];
      }
      frame += take;
      count += take;
      phase += take * outRateHz;
      if (take === needed) {
        const base = written * channels;
        if (channels === 3) {
          output[base] = x / count;
          output[base + 1] = y / count;
          output[base + 2] = z / count;
          x = 0;
          y = 0;
          z = 0;
        } else {
          for (let c = 0; c < channels; c++) {
            output[base + c] = sums[c] / count;
            sums[c] = 0;
          }
        }
        if (endFrames !== undefined) endFrames[written] = frame - 1;
        written++;
        count = 0;
        phase -= inRateHz;
      }
    }
    if (channels === 3) {
      sums[0] = x;
      sums[1] = y;
      sums[2] = z;
    }
    this.#count = count;
    this.#phase = phase;
    return written;
  }

  reset(): void {
    this.#sums.fill(0);
    this.#count = 0;
    this.#phase = 0;
  }
}

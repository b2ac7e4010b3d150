/**
 * Decimation by block averaging: every `factor` consecutive frames of interleaved Int16 input become
 * one output frame (the mean of each channel, in counts). The running sums carry over from one input
 * block to the next, so blocks of any length give the same output stream. Integer sums, with a
 * straight loop for three channels; one division per output value. Used to bring the 1600 Hz accelerometer down to 50 Hz for tilt (factor 32), where
 * the average is also the anti-alias filter (a boxcar: its first null sits at the output rate).
 */

export interface BlockAveragerOptions {
  /** Samples per frame (3 for x, y, z). */
  channels: number;
  /** Input frames per output frame. */
  factor: number;
}

export class BlockAverager {
  readonly channels: number;
  readonly factor: number;
  readonly #sums: Int32Array;
  #count = 0;

  constructor(options: BlockAveragerOptions) {
    const { channels, factor } = options;
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`BlockAverager: channels must be a positive integer, got ${channels}`);
    // 65536 frames of ±32768 still fit the Int32 sums.
    if (!Number.isInteger(factor) || factor < 1 || factor > 65536) {
      throw new RangeError(`BlockAverager: factor must be an integer from 1 to 65536, got ${factor}`);
    }
    this.channels = channels;
    this.factor = factor;
    this.#sums = new Int32Array(channels);
  }

  /** Output frames that `frames` more input frames can complete: size `output` for the largest block. */
  maxOutputFrames(frames: number): number {
    return Math.ceil(frames / this.factor);
  }

  /**
   * Adds `frames` frames of `input` (interleaved) and writes each completed average, interleaved, to
   * `output` from index 0. Returns the number of output frames written.
   */
  process(input: Int16Array, frames: number, output: Float64Array | Float32Array): number {
    const channels = this.channels;
    const factor = this.factor;
    if (input.length < frames * channels) {
      throw new RangeError(`BlockAverager.process: input holds ${input.length} samples, not ${frames} frames of ${channels}`);
    }
    if (output.length < Math.floor((this.#count + frames) / factor) * channels) {
      throw new RangeError(`BlockAverager.process: output holds ${output.length} samples; ${frames} frames need up to ${this.maxOutputFrames(frames) * channels}`);
    }
    const sums = this.#sums;
    let count = this.#count;
    let written = 0;
    const end = frames * channels;
    let i = 0;
    while (i < end) {
      // Sum up to the end of the current average (or of the input) without per-frame checks.
      const stop = Math.min(end, i + (factor - count) * channels);
      count += (stop - i) / channels;
      if (channels === 3) {
        let x = sums[0];
        let y = sums[1];
        let z = sums[2];
        for (; i < stop; i += 3) {
          x += input[i];
          y += input[i + 1];
          z += input[i + 2];
        }
        sums[0] = x;
        sums[1] = y;
        sums[2] = z;
      } else {
        for (; i < stop; i += channels) for (let c = 0; c < channels; c++) sums[c] += input[i + c];
      }
      if (count === factor) {
        for (let c = 0; c < channels; c++) {
          output[written + c] = sums[c] / factor;
          sums[c] = 0;
        }
        written += channels;
        count = 0;
      }
    }
    this.#count = count;
    return written / channels;
  }

  reset(): void {
    this.#sums.fill(0);
    this.#count = 0;
  }
}

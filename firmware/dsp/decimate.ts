/**
 * Decimation by block averaging: consecutive frames of interleaved Int16 input become one output frame
 * (the mean of each channel, in counts). The ratio of the rates need not be whole (1344 → 50 Hz): an
 * accumulator counts input frames in units of Hz (each frame adds outRateHz; an average closes when it
 * reaches inRateHz), so groups hold 26 or 27 frames and the output rate is exact on average. With whole
 * rates the accumulator is exact integer arithmetic: no drift, however long the stream.
 *
 * The running sums carry over from one input block to the next, so blocks of any length give the same
 * output stream. Sums of integer counts (exact in doubles), with a straight loop for three channels; one
 * division per output value. Used to bring the accelerometer down to 50 Hz for tilt, where the average
 * is also the anti-alias filter.
 *
 * One stage is a boxcar over one output period: nulls at the multiples of the output rate, but its
 * sidelobes fall only 6 dB per octave, so broadband knocks (a loose railing joint) fold into the slow
 * band. Two stages weigh the last two groups as a triangle (rising over the older, falling over the
 * newer): the boxcar convolved with itself, sidelobes twice as deep in dB and falling 12 dB per octave,
 * for one more add per sample and channel and half an output period more delay (none at equal rates:
 * the older frame's weight is 0). The falling ramp is a running sum of the running sum; the rising one
 * follows from it and the group's plain sum.
 */

export interface BlockAveragerOptions {
  /** Samples per frame (3 for x, y, z). */
  channels: number;
  /** Input frame rate; may be changed later with setInputRate. At least outRateHz. */
  inRateHz: number;
  /** Output frame rate. */
  outRateHz: number;
  /** 1: a boxcar over one output period (default); 2: a triangle over two (deeper anti-aliasing). */
  stages?: 1 | 2;
}

/** Frames per average at most: the ramp sums (65536² / 2 × 32768) stay exact in doubles. */
const MAX_RATIO = 65536;

export class BlockAverager {
  readonly channels: number;
  readonly outRateHz: number;
  readonly stages: 1 | 2;
  #inRateHz = 0;
  /** Per channel: the open group's sum, and (two stages) its ramp sum, the previous group's sum and ramp sum. */
  readonly #sums: Float64Array;
  readonly #ramps: Float64Array;
  readonly #previousSums: Float64Array;
  readonly #previousRamps: Float64Array;
  /** Input frames in the open average and in the one before it, and the accumulator (outRateHz per frame, closes at inRateHz). */
  #count = 0;
  #previousCount = 0;
  #phase = 0;

  constructor(options: BlockAveragerOptions) {
    const { channels, outRateHz } = options;
    if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`BlockAverager: channels must be a positive integer, got ${channels}`);
    if (!(outRateHz > 0) || !Number.isFinite(outRateHz)) throw new RangeError(`BlockAverager: outRateHz must be a positive number, got ${outRateHz}`);
    const stages = options.stages ?? 1;
    if (stages !== 1 && stages !== 2) throw new RangeError(`BlockAverager: stages must be 1 or 2, got ${String(stages)}`);
    this.channels = channels;
    this.outRateHz = outRateHz;
    this.stages = stages;
    this.#sums = new Float64Array(channels);
    this.#ramps = new Float64Array(channels);
    this.#previousSums = new Float64Array(channels);
    this.#previousRamps = new Float64Array(channels);
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
    const sums = this.#sums, ramps = this.#ramps, previousSums = this.#previousSums, previousRamps = this.#previousRamps;
    // At equal rates a group is one frame and the triangle's older weight is 0: the plain path, cheaper.
    const triangle = this.stages === 2 && inRateHz > outRateHz;
    let count = this.#count;
    let previous = this.#previousCount;
    let written = 0;
    let frame = fromFrame;
    const end = fromFrame + frames;
    // Three channels (x, y, z: the only use on the node) keep their sums in locals for the whole call.
    const three = channels === 3;
    let x = sums[0], y = three ? sums[1] : 0, z = three ? sums[2] : 0;
    let rx = 0, ry = 0, rz = 0, px = 0, py = 0, pz = 0, prx = 0, pry = 0, prz = 0;
    if (three && triangle) {
      rx = ramps[0]; ry = ramps[1]; rz = ramps[2];
      px = previousSums[0]; py = previousSums[1]; pz = previousSums[2];
      prx = previousRamps[0]; pry = previousRamps[1]; prz = previousRamps[2];
    }
    while (frame < end) {
      // Frames still needed to close the open average (at least one, since phase < inRateHz).
      const needed = Math.ceil((inRateHz - phase) / outRateHz);
      const take = needed < end - frame ? needed : end - frame;
      const stop = (frame + take) * channels;
      if (three && triangle) {
        for (let i = frame * 3; i < stop; i += 3) {
          x += input[i]; rx += x;
          y += input[i + 1]; ry += y;
          z += input[i + 2]; rz += z;
        }
      } else if (three) {
        for (let i = frame * 3; i < stop; i += 3) {
          x += input[i];
          y += input[i + 1];
          z += input[i + 2];
        }
      } else if (triangle) {
        for (let i = frame * channels; i < stop; i += channels) {
          for (let c = 0; c < channels; c++) {
            sums[c] += input[i + c];
            ramps[c] += sums[c];
          }
        }
      } else {
        for (let i = frame * channels; i < stop; i += channels) for (let c = 0; c < channels; c++) sums[c] += input[i + c];
      }
      frame += take;
      count += take;
      phase += take * outRateHz;
      if (take === needed) {
        const base = written * channels;
        // The triangle (see #close); the first average after a start has no older group: a plain mean.
        const weight = triangle && previous > 0 ? (previous * (previous - 1) + count * (count + 1)) / 2 : 0;
        if (three) {
          if (weight > 0) {
            output[base] = (previous * px - prx + rx) / weight;
            output[base + 1] = (previous * py - pry + ry) / weight;
            output[base + 2] = (previous * pz - prz + rz) / weight;
          } else {
            output[base] = x / count;
            output[base + 1] = y / count;
            output[base + 2] = z / count;
          }
          if (triangle) {
            px = x; py = y; pz = z;
            prx = rx; pry = ry; prz = rz;
            rx = ry = rz = 0;
          }
          x = y = z = 0;
        } else {
          this.#close(count, previous, weight, output, base);
        }
        if (endFrames !== undefined) endFrames[written] = frame - 1;
        written++;
        previous = count;
        count = 0;
        phase -= inRateHz;
      }
    }
    if (three) {
      sums[0] = x; sums[1] = y; sums[2] = z;
    }
    if (three && triangle) {
      ramps[0] = rx; ramps[1] = ry; ramps[2] = rz;
      previousSums[0] = px; previousSums[1] = py; previousSums[2] = pz;
      previousRamps[0] = prx; previousRamps[1] = pry; previousRamps[2] = prz;
    }
    this.#count = count;
    this.#previousCount = previous;
    this.#phase = phase;
    return written;
  }

  /**
   * Any channel count: writes the average of the group of `count` frames just closed, from `base` in
   * `output`, and starts the next group. With `weight` > 0, the triangle: with n = `previous` frames in
   * the older group and m = `count` in this one, the weights rise 0..n−1 over the older and fall m..1
   * over this one (with n = m, the boxcar convolved with itself: double nulls at the multiples of the
   * output rate), `weight` their sum; a group's ramp sum is Σ (size − j)·x_j, so the rising part is
   * n·sum − ramp. Otherwise the plain mean.
   */
  #close(count: number, previous: number, weight: number, output: Float64Array | Float32Array, base: number): void {
    const sums = this.#sums, ramps = this.#ramps, previousSums = this.#previousSums, previousRamps = this.#previousRamps;
    for (let c = 0; c < this.channels; c++) {
      output[base + c] = weight > 0 ? (previous * previousSums[c] - previousRamps[c] + ramps[c]) / weight : sums[c] / count;
      previousSums[c] = sums[c];
      previousRamps[c] = ramps[c];
      sums[c] = 0;
      ramps[c] = 0;
    }
  }

  /** Drops the open average and, for two stages, the group before it (the next output is a plain mean of its own group). */
  reset(): void {
    this.#sums.fill(0);
    this.#ramps.fill(0);
    this.#previousSums.fill(0);
    this.#previousRamps.fill(0);
    this.#count = 0;
    this.#previousCount = 0;
    this.#phase = 0;
  }
}

/**
 * Turns what a sensor driver reads (runs of interleaved Int16 frames of varying length, each with the
 * time it was read) into the fixed-size SampleBlocks the pipelines consume: one block object and buffer,
 * reused; continuous timestamps; a skipped sequence number wherever samples were lost.
 * Pure logic (no IO), so it runs under Node and inside XS; nothing is allocated after construction.
 */
import type { SampleBlock } from '../ports';

export interface BlockSink {
  onBlock(block: SampleBlock): void;
}

export interface BlockAssemblerOptions {
  rateHz: number;
  channels: number;
  /** Frames per delivered block. */
  blockFrames: number;
  unitsPerCount: number;
  /**
   * How far a block's measured start may stray from the continuation of the previous block before it
   * counts as a jump (lost samples, or a clock step): then the timeline re-anchors on the measurement.
   */
  jumpToleranceMs: number;
  /** Fraction of the measured-minus-continued difference applied per block: follows the sensor's clock drift. */
  driftCorrection?: number;
}

export class BlockAssembler {
  readonly block: SampleBlock;
  readonly #blockFrames: number;
  readonly #channels: number;
  readonly #periodMs: number;
  readonly #toleranceMs: number;
  readonly #correction: number;
  #filled = 0;
  #nextSequence = 0;
  #lastT0Ms = 0;
  #anchored = false;
  #jumps = 0;

  constructor(options: BlockAssemblerOptions) {
    if (!(options.blockFrames >= 1) || !Number.isInteger(options.blockFrames)) {
      throw new RangeError(`blockFrames must be a positive integer, got ${options.blockFrames}`);
    }
    this.#blockFrames = options.blockFrames;
    this.#channels = options.channels;
    this.#periodMs = 1000 / options.rateHz;
    this.#toleranceMs = options.jumpToleranceMs;
    this.#correction = options.driftCorrection ?? 1 / 16;
    this.block = {
      t0Ms: 0,
      rateHz: options.rateHz,
      channels: options.channels,
      frames: options.blockFrames,
      samples: new Int16Array(options.blockFrames * options.channels),
      unitsPerCount: options.unitsPerCount,
      sequence: 0,
    };
  }

  /** Times the timeline jumped forward (samples lost without an overrun flag) since construction. */
  get jumps(): number {
    return this.#jumps;
  }

  /**
   * Appends `frames` interleaved frames from `source` (oldest first). The newest of them was sampled at
   * about `readMs` (uptime), so frame k of this run was sampled at readMs - (frames - k) × period.
   * Returns true when the timeline had to jump forward (the caller reports the loss).
   */
  push(source: Int16Array, frames: number, readMs: number, sink: BlockSink): boolean {
    const channels = this.#channels;
    const samples = this.block.samples;
    const runStartMs = readMs - frames * this.#periodMs;
    let jumped = false;
    let k = 0;
    while (k < frames) {
      if (this.#filled === 0) {
        if (this.#startBlock(runStartMs + k * this.#periodMs)) jumped = true;
      }
      let n = this.#blockFrames - this.#filled;
      if (n > frames - k) n = frames - k;
      const from = k * channels;
      const to = this.#filled * channels;
      const count = n * channels;
      for (let i = 0; i < count; i++) samples[to + i] = source[from + i];
      this.#filled += n;
      k += n;
      if (this.#filled === this.#blockFrames) {
        this.block.sequence = this.#nextSequence++;
        sink.onBlock(this.block);
        this.#filled = 0;
      }
    }
    return jumped;
  }

  /**
   * Delivers a whole block the caller wrote into `block.samples` itself (a source that can read straight
   * into the block saves the copy). Its newest frame was sampled at about `readMs`; undefined when the
   * caller knows the block simply continues the previous one but has no usable time for it. Only between
   * whole blocks: never mix with a partly filled push(). Returns true on a forward jump, like push().
   */
  deliverWhole(readMs: number | undefined, sink: BlockSink): boolean {
    let jumped = false;
    if (readMs === undefined && this.#anchored) {
      this.block.t0Ms = this.#lastT0Ms + this.#blockFrames * this.#periodMs;
      this.#lastT0Ms = this.block.t0Ms;
    } else {
      jumped = this.#startBlock((readMs ?? 0) - this.#blockFrames * this.#periodMs);
    }
    this.block.sequence = this.#nextSequence++;
    sink.onBlock(this.block);
    return jumped;
  }

  /** Samples were lost: drop the partial block, skip a sequence number, re-anchor the timeline. */
  markGap(): void {
    this.#filled = 0;
    this.#nextSequence++;
    this.#anchored = false;
  }

  reset(): void {
    this.#filled = 0;
    this.#nextSequence = 0;
    this.#anchored = false;
  }

  /** Sets the t0 of the block being started; returns true on a forward jump (a gap was recorded). */
  #startBlock(measuredMs: number): boolean {
    const block = this.block;
    if (!this.#anchored) {
      block.t0Ms = measuredMs;
      this.#anchored = true;
      this.#lastT0Ms = measuredMs;
      return false;
    }
    const continuedMs = this.#lastT0Ms + this.#blockFrames * this.#periodMs;
    const differenceMs = measuredMs - continuedMs;
    let jumped = false;
    if (differenceMs > this.#toleranceMs || differenceMs < -this.#toleranceMs) {
      jumped = differenceMs > 0;
      if (jumped) {
        this.#jumps++;
        this.#nextSequence++;
      }
      block.t0Ms = measuredMs;
    } else {
      block.t0Ms = continuedMs + differenceMs * this.#correction;
    }
    this.#lastT0Ms = block.t0Ms;
    return jumped;
  }
}

/**
 * Deterministic synthetic sensor signals for the self-benchmark, made on the board itself (no
 * recordings, no simulator code): integer xorshift noise, a sine table and integer envelopes, written
 * straight into one reused SampleBlock. Not realistic recordings: signals that put each pipeline in
 * its steady states — gates closed (quiet), and its spectral stage busy (events, a grinder).
 *
 *  gallery   microphone: low-passed noise near -50 dBFS (a quiet room)
 *  shatter   gallery, plus every 2 s an abrupt high-frequency burst with impulsive shards decaying over ~0.3 s
 *  structure accelerometer: gravity on z, sensor noise and a weak 12 Hz building sway
 *  grinding  structure, and from 2 s a spindle tone wandering around 180 Hz with 2nd and 3rd harmonics and
 *            cutting noise, in cuts of 2.6 s with 0.6 s pauses (the tone 18 dB weaker, no cutting noise)
 *  balcony   structure with a 0.8 Hz sway of a few mg (the tilt pipeline's input)
 */
import type { SampleBlock } from '../ports';

export type SyntheticKind = 'gallery' | 'shatter' | 'structure' | 'grinding' | 'balcony';

export interface SyntheticSignalOptions {
  kind: SyntheticKind;
  rateHz: number;
  blockFrames: number;
  /** Physical units per count: 1/32768 (microphone) or g per count (accelerometer). */
  unitsPerCount: number;
  seed: number;
}

const SINE_BITS = 10;
const SINE_SIZE = 1 << SINE_BITS;
/** Phase accumulators are 32-bit: the top SINE_BITS index the table. */
const PHASE_SHIFT = 32 - SINE_BITS;
const TWO_TO_32 = 4294967296;
const EVENT_PERIOD_S = 2;

export const SYNTHETIC_KINDS: readonly SyntheticKind[] = ['gallery', 'shatter', 'structure', 'grinding', 'balcony'];

function isMicrophone(kind: SyntheticKind): boolean {
  return kind === 'gallery' || kind === 'shatter';
}

function clamp16(value: number): number {
  return value > 32767 ? 32767 : value < -32768 ? -32768 : value;
}

export class SyntheticSignal {
  readonly kind: SyntheticKind;
  readonly block: SampleBlock;
  readonly #sine = new Int16Array(SINE_SIZE);
  readonly #rateHz: number;
  readonly #oneG: number;
  #state: number;
  #frame = 0;
  #lowpass = 0;
  #previous = 0;
  #phase = 0;
  #swayPhase = 0;
  #wanderPhase = 0;
  #envelope = 0;

  constructor(options: SyntheticSignalOptions) {
    if (!SYNTHETIC_KINDS.includes(options.kind)) throw new Error(`synthetic signal: unknown kind '${String(options.kind)}'`);
    if (!(options.rateHz > 0) || !Number.isInteger(options.blockFrames) || options.blockFrames < 1 || !(options.unitsPerCount > 0)) {
      throw new RangeError(`synthetic signal: rateHz ${options.rateHz}, blockFrames ${options.blockFrames} and ` +
        `unitsPerCount ${options.unitsPerCount} must be positive`);
    }
    this.kind = options.kind;
    this.#rateHz = options.rateHz;
    const channels = isMicrophone(options.kind) ? 1 : 3;
    this.block = {
      t0Ms: 0, rateHz: options.rateHz, channels, frames: options.blockFrames,
      samples: new Int16Array(options.blockFrames * channels), unitsPerCount: options.unitsPerCount, sequence: -1,
    };
    this.#oneG = Math.round(1 / options.unitsPerCount);
    // xorshift32 must not start at 0.
    this.#state = (options.seed | 0) === 0 ? 0x2545f491 : options.seed | 0;
    for (let i = 0; i < SINE_SIZE; i++) this.#sine[i] = Math.round(32767 * Math.sin((2 * Math.PI * i) / SINE_SIZE));
  }

  /** Frames generated so far. */
  get frames(): number {
    return this.#frame;
  }

  /** Fills the block with the next `blockFrames` frames and returns it. Allocates nothing. */
  next(): SampleBlock {
    const block = this.block;
    block.t0Ms = (this.#frame * 1000) / this.#rateHz;
    block.sequence++;
    if (isMicrophone(this.kind)) this.#microphone(block.samples, block.frames);
    else this.#accelerometer(block.samples, block.frames);
    this.#frame += block.frames;
    return block;
  }

  /** Signed noise in -2048..2047. */
  #noise(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x;
    return x >> 20;
  }

  #step(hz: number): number {
    return Math.floor((hz / this.#rateHz) * TWO_TO_32);
  }

  #microphone(out: Int16Array, frames: number): void {
    const periodFrames = Math.round(EVENT_PERIOD_S * this.#rateHz);
    const decayShift = 11; // envelope × (1 - 2^-11) per sample: ≈ 0.13 s time constant at 16 kHz
    let lowpass = this.#lowpass;
    let previous = this.#previous;
    let envelope = this.#envelope;
    for (let k = 0; k < frames; k++) {
      const frame = this.#frame + k;
      const white = this.#noise();
      lowpass += (white - lowpass) >> 2;
      let value = lowpass >> 2; // ≈ 110 counts RMS: about −50 dBFS
      if (this.kind === 'shatter') {
        if (frame % periodFrames === periodFrames >> 1) envelope = 8 << 12; // the break: onset at 1 s, 3 s, ...
        if (envelope > 0) {
          // High-frequency noise (a first difference) under the envelope, with sparse full-height shards.
          const shard = (white & 0x3f) === 0 ? 12 : 1;
          value += ((white - previous) * (envelope >> 12) * shard) >> 2;
          envelope -= envelope >> decayShift;
          if (envelope < 4096) envelope = 0;
        }
      }
      previous = white;
      out[k] = clamp16(value);
    }
    this.#lowpass = lowpass;
    this.#previous = previous;
    this.#envelope = envelope;
  }

  #accelerometer(out: Int16Array, frames: number): void {
    const sine = this.#sine;
    const oneG = this.#oneG;
    const grinding = this.kind === 'grinding';
    const swayStep = this.#step(this.kind === 'balcony' ? 0.8 : 12);
    // Sway amplitude: 3 mg (balcony) or 1 mg (building) in counts; grinder fundamental about 0.15 g.
    const swayCounts = this.kind === 'balcony' ? Math.round(oneG * 0.003) : Math.round(oneG * 0.001);
    const toneCounts = Math.round(oneG * 0.15);
    const rate = Math.round(this.#rateHz);
    const startFrame = 2 * rate;
    const cycleFrames = Math.round(3.2 * rate);
    const cutFrames = Math.round(2.6 * rate);
    const wanderStep = this.#step(0.6);
    let phase = this.#phase;
    let swayPhase = this.#swayPhase;
    let wanderPhase = this.#wanderPhase;
    for (let k = 0, i = 0; k < frames; k++, i += 3) {
      const frame = this.#frame + k;
      swayPhase = (swayPhase + swayStep) % TWO_TO_32;
      const sway = (sine[swayPhase >>> PHASE_SHIFT] * swayCounts) >> 15;
      let x = this.#noise() >> 7;
      let y = this.#noise() >> 7;
      let z = oneG + (this.#noise() >> 7) + sway;
      if (grinding && frame >= startFrame) {
        // The spindle wanders ±5 % around 180 Hz at 0.6 Hz (feed pressure).
        wanderPhase = (wanderPhase + wanderStep) % TWO_TO_32;
        const wander = sine[wanderPhase >>> PHASE_SHIFT] / 32768;
        phase = (phase + this.#step(180 * (1 + 0.05 * wander))) % TWO_TO_32;
        const p = phase >>> PHASE_SHIFT;
        const cutting = (frame - startFrame) % cycleFrames < cutFrames;
        const harmonics = sine[p] + ((sine[(2 * p) & (SINE_SIZE - 1)] * 5) >> 3) + (sine[(3 * p) & (SINE_SIZE - 1)] >> 2);
        const tone = (harmonics * toneCounts) >> (cutting ? 15 : 18);
        const texture = cutting ? (this.#noise() * toneCounts) >> 13 : 0;
        x += tone + texture;
        y += (tone >> 1) - texture;
        z += tone >> 2;
      } else {
        x += sway >> 2;
      }
      out[i] = clamp16(x);
      out[i + 1] = clamp16(y);
      out[i + 2] = clamp16(z);
    }
    this.#phase = phase;
    this.#swayPhase = swayPhase;
    this.#wanderPhase = wanderPhase;
  }
}

/**
 * Recursive filters for per-sample front ends: a one-pole smoother, RBJ-cookbook biquads and a DC
 * blocker. State lives in plain fields; block methods copy it into locals so the inner loop touches
 * no property, and nothing allocates after construction.
 */

/** Input a filter block method accepts: raw sensor counts or samples in physical units. */
export type FilterInput = Int16Array | Float32Array | Float64Array;
export type FilterOutput = Float32Array | Float64Array;

/** y += a·(x − y): exponential smoothing, a first-order lowpass. */
export class OnePole {
  /** Smoothing coefficient a in (0, 1]: 1 follows the input exactly. */
  readonly coefficient: number;
  value: number;

  constructor(coefficient: number, initial = 0) {
    if (!(coefficient > 0 && coefficient <= 1)) {
      throw new RangeError(`OnePole: coefficient must be in (0, 1], got ${coefficient}`);
    }
    this.coefficient = coefficient;
    this.value = initial;
  }

  /** Step response reaches 1 − 1/e after `tauMs` when fed at `rateHz` (updates per second). */
  static fromTimeConstant(tauMs: number, rateHz: number, initial = 0): OnePole {
    checkPositive('OnePole.fromTimeConstant', 'tauMs', tauMs);
    checkPositive('OnePole.fromTimeConstant', 'rateHz', rateHz);
    return new OnePole(1 - Math.exp(-1000 / (tauMs * rateHz)), initial);
  }

  /** −3 dB near `cutoffHz` (exactly the analog RC response for cutoffHz ≪ rateHz). */
  static fromCutoff(cutoffHz: number, rateHz: number, initial = 0): OnePole {
    checkPositive('OnePole.fromCutoff', 'cutoffHz', cutoffHz);
    checkPositive('OnePole.fromCutoff', 'rateHz', rateHz);
    return new OnePole(1 - Math.exp((-2 * Math.PI * cutoffHz) / rateHz), initial);
  }

  process(x: number): number {
    this.value += this.coefficient * (x - this.value);
    return this.value;
  }

  reset(value = 0): void {
    this.value = value;
  }
}

export interface BiquadDesign {
  rateHz: number;
  /** Corner (lowpass, highpass), centre (bandpass, notch) frequency; must be below rateHz / 2. */
  frequencyHz: number;
  /** Quality factor: 1/√2 gives a Butterworth lowpass or highpass. */
  q: number;
}

/**
 * Second-order section in transposed direct form II, designed with the formulas of R. Bristow-Johnson's
 * "Audio EQ Cookbook" (bilinear transform, pre-warped at frequencyHz). Coefficients are normalised by a0.
 */
export class Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
  #s1 = 0;
  #s2 = 0;

  constructor(b0: number, b1: number, b2: number, a1: number, a2: number) {
    this.b0 = b0;
    this.b1 = b1;
    this.b2 = b2;
    this.a1 = a1;
    this.a2 = a2;
  }

  /** H(s) = 1 / (s² + s/Q + 1). */
  static lowpass(design: BiquadDesign): Biquad {
    const { cos, alpha } = prewarp('lowpass', design);
    return normalised((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
  }

  /** H(s) = s² / (s² + s/Q + 1). */
  static highpass(design: BiquadDesign): Biquad {
    const { cos, alpha } = prewarp('highpass', design);
    return normalised((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
  }

  /** Constant 0 dB peak gain: H(s) = (s/Q) / (s² + s/Q + 1). */
  static bandpass(design: BiquadDesign): Biquad {
    const { cos, alpha } = prewarp('bandpass', design);
    return normalised(alpha, 0, -alpha, 1 + alpha, -2 * cos, 1 - alpha);
  }

  /** H(s) = (s² + 1) / (s² + s/Q + 1). */
  static notch(design: BiquadDesign): Biquad {
    const { cos, alpha } = prewarp('notch', design);
    return normalised(1, -2 * cos, 1, 1 + alpha, -2 * cos, 1 - alpha);
  }

  process(x: number): number {
    const y = this.b0 * x + this.#s1;
    this.#s1 = this.b1 * x - this.a1 * y + this.#s2;
    this.#s2 = this.b2 * x - this.a2 * y;
    return y;
  }

  /** Filters `length` samples of `input` into `output` (which may alias a float input). */
  processBlock(input: FilterInput, output: FilterOutput, length: number): void {
    if (input.length < length || output.length < length) {
      throw new RangeError(`Biquad.processBlock: input (${input.length}) and output (${output.length}) need ${length} samples`);
    }
    const b0 = this.b0;
    const b1 = this.b1;
    const b2 = this.b2;
    const a1 = this.a1;
    const a2 = this.a2;
    let s1 = this.#s1;
    let s2 = this.#s2;
    for (let i = 0; i < length; i++) {
      const x = input[i];
      const y = b0 * x + s1;
      s1 = b1 * x - a1 * y + s2;
      s2 = b2 * x - a2 * y;
      output[i] = y;
    }
    this.#s1 = s1;
    this.#s2 = s2;
  }

  reset(): void {
    this.#s1 = 0;
    this.#s2 = 0;
  }
}

export interface DcBlockerDesign {
  rateHz: number;
  /** −3 dB corner; a few Hz keeps the audio band and removes offset and drift. */
  cutoffHz: number;
}

/** y[n] = x[n] − x[n−1] + R·y[n−1]: removes DC with a zero at 0 Hz and a pole at R = 1 − 2π·fc/fs. */
export class DcBlocker {
  readonly pole: number;
  #x1 = 0;
  #y1 = 0;

  constructor(design: DcBlockerDesign) {
    checkPositive('DcBlocker', 'rateHz', design.rateHz);
    checkPositive('DcBlocker', 'cutoffHz', design.cutoffHz);
    const pole = 1 - (2 * Math.PI * design.cutoffHz) / design.rateHz;
    if (!(pole > 0)) {
      throw new RangeError(`DcBlocker: cutoffHz ${design.cutoffHz} is too high for rateHz ${design.rateHz}`);
    }
    this.pole = pole;
  }

  process(x: number): number {
    const y = x - this.#x1 + this.pole * this.#y1;
    this.#x1 = x;
    this.#y1 = y;
    return y;
  }

  processBlock(input: FilterInput, output: FilterOutput, length: number): void {
    if (input.length < length || output.length < length) {
      throw new RangeError(`DcBlocker.processBlock: input (${input.length}) and output (${output.length}) need ${length} samples`);
    }
    const r = this.pole;
    let x1 = this.#x1;
    let y1 = this.#y1;
    for (let i = 0; i < length; i++) {
      const x = input[i];
      y1 = x - x1 + r * y1;
      x1 = x;
      output[i] = y1;
    }
    this.#x1 = x1;
    this.#y1 = y1;
  }

  reset(): void {
    this.#x1 = 0;
    this.#y1 = 0;
  }
}

function checkPositive(where: string, name: string, value: number): void {
  if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${where}: ${name} must be a positive number, got ${value}`);
}

function prewarp(kind: string, design: BiquadDesign): { cos: number; alpha: number } {
  const where = `Biquad.${kind}`;
  checkPositive(where, 'rateHz', design.rateHz);
  checkPositive(where, 'frequencyHz', design.frequencyHz);
  checkPositive(where, 'q', design.q);
  if (design.frequencyHz >= design.rateHz / 2) {
    throw new RangeError(`${where}: frequencyHz ${design.frequencyHz} must be below the Nyquist frequency ${design.rateHz / 2}`);
  }
  const w0 = (2 * Math.PI * design.frequencyHz) / design.rateHz;
  return { cos: Math.cos(w0), alpha: Math.sin(w0) / (2 * design.q) };
}

function normalised(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): Biquad {
  return new Biquad(b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0);
}

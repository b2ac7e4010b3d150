/**
 * Sensor health from the signal itself and from what the sources report. On every block a strided scan
 * (about 1000 samples per second for the microphone, 400 frames for the accelerometer) updates integer
 * counters without allocating. Once a second `evaluate` turns the window's counters into conditions:
 *
 *   no_data      no block for health.noDataMs
 *   lost_blocks  a gap in the blocks' sequence numbers within the window
 *   flat         a channel spanned at most health.flatRangeCounts counts over the whole window (stuck)
 *   saturated    at least health.saturationFraction of the scanned samples at full scale
 *   gravity      accelerometer only: mean magnitude outside 1 g ± health.gravityToleranceG
 *   overrun, missing_chip, bus_error, stopped   reported by the source (the last three hold until a block arrives)
 *
 * A condition that persists for health.faultAfterMs raises a fault; the fault clears once no condition
 * has been seen for health.clearAfterMs.
 */
import type { SampleBlock, SensorKind, SensorSourceFault } from '../ports';
import type { HealthConfig } from './config';
import type { SensorHealthReport } from './protocol';
import { FULL_SCALE_COUNTS } from '../detect/motion-block';

export const CONDITION_CODES = [
  'no_data', 'lost_blocks', 'flat', 'saturated', 'gravity', 'overrun', 'missing_chip', 'bus_error', 'stopped',
] as const;
export type ConditionCode = (typeof CONDITION_CODES)[number];

const NO_DATA = 1 << 0;
const LOST_BLOCKS = 1 << 1;
const FLAT = 1 << 2;
const SATURATED = 1 << 3;
const GRAVITY = 1 << 4;
const OVERRUN = 1 << 5;
const MISSING_CHIP = 1 << 6;
const BUS_ERROR = 1 << 7;
const STOPPED = 1 << 8;
/** Source faults that hold until the source delivers again. */
const STICKY = MISSING_CHIP | BUS_ERROR | STOPPED;

/** Counts at or beyond this magnitude are full scale (defined with the block stats that test it). */
export { FULL_SCALE_COUNTS };
const MAX_CHANNELS = 3;
/** Fewer scanned frames than this in a window say nothing about flatness or saturation. */
const MIN_SCANNED = 8;

export function conditionCodes(mask: number): ConditionCode[] {
  const codes: ConditionCode[] = [];
  for (let bit = 0; bit < CONDITION_CODES.length; bit++) if ((mask & (1 << bit)) !== 0) codes.push(CONDITION_CODES[bit]);
  return codes;
}

/** What one evaluation changed. */
export type HealthChange = 'none' | 'raised' | 'cleared';

export class SensorHealth {
  readonly kind: SensorKind;
  readonly #scanRateHz: number;
  #config: HealthConfig;
  #startedMs: number;
  // Window counters, updated per block without allocation.
  #scanned = 0;
  #saturated = 0;
  readonly #min = new Int32Array(MAX_CHANNELS);
  readonly #max = new Int32Array(MAX_CHANNELS);
  readonly #sum = new Float64Array(MAX_CHANNELS);
  #channels = 0;
  #unitsPerCount = 0;
  #rateHz = 0;
  #strideFrames = 1;
  #phase = 0;
  #windowLost = 0;
  #windowStartMs: number;
  // Lifetime counters and state.
  #blocks = 0;
  #lostBlocks = 0;
  #expectedSequence = -1;
  #lastBlockMs = -1;
  #sourceMask = 0;
  #conditionMask = 0;
  #badMask = 0;
  #badSinceMs = -1;
  #goodSinceMs = -1;
  #faulted = false;
  #faultMask = 0;
  #faultOnsetMs = 0;
  /** Start of the last window that showed no condition (−1: none yet), and the suspect-since time of the fault. */
  #lastGoodWindowStartMs = -1;
  #suspectSinceMs = 0;
  // Figures of the last evaluated window.
  #rangeCounts = -1;
  #saturatedFraction = 0;
  readonly #meanG = new Float64Array(MAX_CHANNELS);
  #meanValid = false;

  constructor(kind: SensorKind, config: HealthConfig, nowMs: number) {
    this.kind = kind;
    this.#scanRateHz = kind === 'microphone' ? 1000 : 400;
    this.#config = config;
    this.#startedMs = nowMs;
    this.#windowStartMs = nowMs;
    this.#resetWindow();
  }

  configure(config: HealthConfig): void {
    this.#config = config;
  }

  get faulted(): boolean {
    return this.#faulted;
  }

  get faultCodes(): ConditionCode[] {
    return conditionCodes(this.#faultMask);
  }

  get faultOnsetMs(): number {
    return this.#faultOnsetMs;
  }

  /**
   * The earliest time the raised fault's data may have stopped telling the truth: a condition that began
   * within the last good window (a channel stuck half-way through it) shows only in the next, and a silence
   * shorter than health.noDataMs shows in none, so the start of that window or the last block, whichever
   * came first.
   */
  get suspectSinceMs(): number {
    return this.#suspectSinceMs;
  }

  /** Mean acceleration per axis in g over the last window (accelerometer), valid after a window with data. */
  get meanG(): Float64Array | undefined {
    return this.#meanValid ? this.#meanG : undefined;
  }

  /** The block path: integer counters only, no allocation. */
  noteBlock(block: SampleBlock, nowMs: number): void {
    this.#blocks++;
    if (this.#expectedSequence >= 0 && block.sequence > this.#expectedSequence) {
      const lost = block.sequence - this.#expectedSequence;
      this.#lostBlocks += lost;
      this.#windowLost += lost;
    }
    this.#expectedSequence = block.sequence + 1;
    this.#lastBlockMs = nowMs;
    this.#sourceMask &= ~STICKY;
    if (block.rateHz !== this.#rateHz) {
      this.#rateHz = block.rateHz;
      this.#strideFrames = Math.max(1, Math.round(block.rateHz / this.#scanRateHz));
    }
    const channels = block.channels < MAX_CHANNELS ? block.channels : MAX_CHANNELS;
    this.#channels = channels;
    this.#unitsPerCount = block.unitsPerCount;
    const samples = block.samples;
    const stride = this.#strideFrames;
    const frames = block.frames;
    const min = this.#min;
    const max = this.#max;
    const sum = this.#sum;
    let saturated = 0;
    let scanned = 0;
    let frame = this.#phase;
    for (; frame < frames; frame += stride) {
      const base = frame * block.channels;
      for (let c = 0; c < channels; c++) {
        const v = samples[base + c];
        if (v < min[c]) min[c] = v;
        if (v > max[c]) max[c] = v;
        if (v >= FULL_SCALE_COUNTS || v <= -FULL_SCALE_COUNTS) saturated++;
        sum[c] += v;
      }
      scanned++;
    }
    this.#phase = frame - frames;
    this.#scanned += scanned;
    this.#saturated += saturated;
  }

  noteSourceFault(fault: SensorSourceFault): void {
    switch (fault.code) {
      case 'overrun': this.#sourceMask |= OVERRUN; break;
      case 'missing_chip': this.#sourceMask |= MISSING_CHIP; break;
      case 'bus_error': this.#sourceMask |= BUS_ERROR; break;
      case 'stopped': this.#sourceMask |= STOPPED; break;
    }
  }

  /** Closes the window: conditions, then the fault state. Call about once a second. */
  evaluate(nowMs: number): HealthChange {
    const config = this.#config;
    let mask = this.#sourceMask;
    this.#sourceMask &= STICKY; // overrun belongs to this window only
    const silentMs = nowMs - (this.#lastBlockMs >= 0 ? this.#lastBlockMs : this.#startedMs);
    if (silentMs >= config.noDataMs) mask |= NO_DATA;
    if (this.#windowLost > 0) mask |= LOST_BLOCKS;
    this.#meanValid = false;
    if (this.#scanned >= MIN_SCANNED) {
      let range = Infinity;
      for (let c = 0; c < this.#channels; c++) range = Math.min(range, this.#max[c] - this.#min[c]);
      this.#rangeCounts = range;
      if (range <= config.flatRangeCounts) mask |= FLAT;
      this.#saturatedFraction = this.#saturated / (this.#scanned * this.#channels);
      if (this.#saturatedFraction >= config.saturationFraction) mask |= SATURATED;
      if (this.kind === 'accelerometer' && this.#channels === 3) {
        let squares = 0;
        for (let c = 0; c < 3; c++) {
          this.#meanG[c] = (this.#sum[c] / this.#scanned) * this.#unitsPerCount;
          squares += this.#meanG[c] * this.#meanG[c];
        }
        this.#meanValid = true;
        if (Math.abs(Math.sqrt(squares) - 1) > config.gravityToleranceG) mask |= GRAVITY;
      }
    }
    this.#conditionMask = mask;
    const windowStartMs = this.#windowStartMs;
    this.#windowStartMs = nowMs;
    this.#resetWindow();
    if (mask === 0) this.#lastGoodWindowStartMs = windowStartMs;
    if (mask !== 0) {
      if (this.#badSinceMs < 0) this.#badSinceMs = windowStartMs;
      this.#badMask |= mask;
      this.#goodSinceMs = -1;
    } else if (this.#goodSinceMs < 0) {
      this.#goodSinceMs = nowMs;
    }
    if (!this.#faulted) {
      if (mask === 0) {
        this.#badSinceMs = -1;
        this.#badMask = 0;
      } else if (nowMs - this.#badSinceMs >= config.faultAfterMs) {
        this.#faulted = true;
        this.#faultMask = this.#badMask;
        this.#faultOnsetMs = this.#badSinceMs;
        const goodFromMs = this.#lastGoodWindowStartMs >= 0 ? this.#lastGoodWindowStartMs : this.#startedMs;
        this.#suspectSinceMs = this.#lastBlockMs >= 0 && this.#lastBlockMs < goodFromMs ? this.#lastBlockMs : goodFromMs;
        return 'raised';
      }
    } else if (mask === 0 && nowMs - this.#goodSinceMs >= config.clearAfterMs) {
      this.#faulted = false;
      this.#badSinceMs = -1;
      this.#badMask = 0;
      return 'cleared';
    } else if (mask !== 0) {
      this.#faultMask |= mask;
    }
    return 'none';
  }

  /** The raised fault's condition mask, to carry it over a reboot (resumeFault). */
  get faultMask(): number {
    return this.#faulted ? this.#faultMask : 0;
  }

  /**
   * A fault raised before a reboot and never cleared: it stays raised (no second sensor_fault) until the
   * sensor has been good for health.clearAfterMs, and then clears as it would have without the reboot.
   */
  resumeFault(mask: number, nowMs: number): void {
    if (mask === 0) return;
    this.#faulted = true;
    this.#faultMask = mask;
    this.#faultOnsetMs = nowMs;
    this.#suspectSinceMs = nowMs;
  }

  /** Figures for a sensor_fault alert. */
  features(nowMs: number): Record<string, number> {
    const features: Record<string, number> = {
      silentMs: nowMs - (this.#lastBlockMs >= 0 ? this.#lastBlockMs : this.#startedMs),
      lostBlocks: this.#lostBlocks,
      saturatedFraction: this.#saturatedFraction,
    };
    if (this.#rangeCounts >= 0) features.rangeCounts = this.#rangeCounts;
    if (this.#meanValid) features.gravityG = Math.hypot(this.#meanG[0], this.#meanG[1], this.#meanG[2]);
    return features;
  }

  report(nowMs: number): SensorHealthReport {
    return {
      state: this.#faulted ? 'fault' : 'ok',
      conditions: conditionCodes(this.#conditionMask),
      faults: this.#faulted ? conditionCodes(this.#faultMask) : [],
      blocks: this.#blocks,
      lostBlocks: this.#lostBlocks,
      lastBlockAgeMs: this.#lastBlockMs >= 0 ? nowMs - this.#lastBlockMs : null,
    };
  }

  #resetWindow(): void {
    this.#scanned = 0;
    this.#saturated = 0;
    this.#windowLost = 0;
    this.#min.fill(0x7fffffff);
    this.#max.fill(-0x80000000);
    this.#sum.fill(0);
  }
}

/** A report for a sensor the node does not have. */
export function absentSensorReport(): SensorHealthReport {
  return { state: 'absent', conditions: [], faults: [], blocks: 0, lostBlocks: 0, lastBlockAgeMs: null };
}

/** Windows averaged to learn the home orientation. */
const LEARN_WINDOWS = 3;

/**
 * Tamper: the accelerometer's mean gravity direction, learned over the first windows, moves by more
 * than health.tamperAngleDeg and stays there for health.faultAfterMs. Ends once back within the angle
 * for health.clearAfterMs, or when re-learned (cmd/relearn).
 */
export class OrientationWatch {
  #config: HealthConfig;
  readonly #home = new Float64Array(3);
  #learned = 0;
  #awaySinceMs = -1;
  #backSinceMs = -1;
  #tampered = false;
  #angleDeg = 0;

  constructor(config: HealthConfig) {
    this.#config = config;
  }

  configure(config: HealthConfig): void {
    this.#config = config;
  }

  get angleDeg(): number {
    return this.#angleDeg;
  }

  relearn(): void {
    this.#learned = 0;
    this.#home.fill(0);
    this.#awaySinceMs = -1;
    this.#backSinceMs = -1;
    this.#tampered = false;
  }

  /** One window's mean acceleration (g), or undefined if the window had no usable data. */
  evaluate(meanG: Float64Array | undefined, windowStartMs: number, nowMs: number): HealthChange {
    if (meanG === undefined || this.#config.tamperAngleDeg === 0) return 'none';
    if (this.#learned < LEARN_WINDOWS) {
      for (let c = 0; c < 3; c++) this.#home[c] += meanG[c] / LEARN_WINDOWS;
      this.#learned++;
      return 'none';
    }
    const home = this.#home;
    const dot = home[0] * meanG[0] + home[1] * meanG[1] + home[2] * meanG[2];
    const norms = Math.hypot(home[0], home[1], home[2]) * Math.hypot(meanG[0], meanG[1], meanG[2]);
    this.#angleDeg = norms > 0 ? (Math.acos(Math.max(-1, Math.min(1, dot / norms))) * 180) / Math.PI : 0;
    const away = this.#angleDeg > this.#config.tamperAngleDeg;
    if (away) {
      this.#backSinceMs = -1;
      if (this.#awaySinceMs < 0) this.#awaySinceMs = windowStartMs;
      if (!this.#tampered && nowMs - this.#awaySinceMs >= this.#config.faultAfterMs) {
        this.#tampered = true;
        return 'raised';
      }
    } else {
      this.#awaySinceMs = -1;
      if (this.#backSinceMs < 0) this.#backSinceMs = nowMs;
      if (this.#tampered && nowMs - this.#backSinceMs >= this.#config.clearAfterMs) {
        this.#tampered = false;
        return 'cleared';
      }
    }
    return 'none';
  }

  get awaySinceMs(): number {
    return this.#awaySinceMs;
  }
}

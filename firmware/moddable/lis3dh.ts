/**
 * ST LIS3DH accelerometer, FIFO streaming. Addresses and bits from the LIS3DH datasheet (DocID17530):
 * the "Register mapping" table and each register's entry under "Registers description"; serial protocol
 * from "Digital interfaces" (I2C and SPI); FIFO behaviour from ST application note AN3308, "FIFO".
 */
import type { RegisterBus } from './register-bus';
import {
  FifoAccelerometerSource, SensorIdentityError, type FifoAccelerometerOptions, type FifoChip, type FifoStatus,
} from './fifo-accelerometer';

/** Register addresses ("Register mapping" table). */
export const LIS3DH = Object.freeze({
  WHO_AM_I: 0x0f,
  /** WHO_AM_I (0Fh) content: 0011 0011. */
  ID: 0x33,
  CTRL_REG1: 0x20,
  CTRL_REG2: 0x21,
  CTRL_REG3: 0x22,
  CTRL_REG4: 0x23,
  CTRL_REG5: 0x24,
  CTRL_REG6: 0x25,
  OUT_X_L: 0x28,
  FIFO_CTRL_REG: 0x2e,
  FIFO_SRC_REG: 0x2f,
  /** I2C sub-address MSB = 1 auto-increments ("I2C operation"); in FIFO mode reads wrap 0x2D → 0x28 (AN3308). */
  I2C_AUTO_INCREMENT: 0x80,
  FIFO_FRAMES: 32,
});

/** CTRL_REG1 (20h): ODR[3:0] in bits 7..4, LPen bit 3, Zen/Yen/Xen bits 2..0. */
const CTRL1_XYZ_ENABLE = 0x07;
const CTRL1_LOW_POWER = 0x08;
/** CTRL_REG3 (22h): I1_WTM bit 2 routes the FIFO watermark to INT1. */
const CTRL3_I1_WTM = 0x04;
/** CTRL_REG4 (23h): BDU bit 7, FS[1:0] bits 5..4, HR bit 3. */
const CTRL4_BDU = 0x80;
const CTRL4_HR = 0x08;
/** CTRL_REG5 (24h): FIFO_EN bit 6. */
const CTRL5_FIFO_EN = 0x40;
/** FIFO_CTRL_REG (2Eh): FM[1:0] bits 7..6 (00 bypass, 10 stream), FTH[4:0] watermark level. */
const FIFO_MODE_BYPASS = 0x00;
const FIFO_MODE_STREAM = 0x80;
/** FIFO_SRC_REG (2Fh): WTM bit 7, OVRN_FIFO bit 6, EMPTY bit 5, FSS[4:0] unread level. */
const FIFO_SRC_OVRN = 0x40;
const FIFO_SRC_EMPTY = 0x20;
const FIFO_SRC_FSS = 0x1f;

interface RateSetting {
  odr: number;
  lowPower: boolean;
}

/**
 * ODR codes (CTRL_REG1 "Data rate configuration"). 1344 Hz is the fastest high-resolution (12-bit) rate; 1600 and 5376 Hz exist
 * only in low-power (8-bit) mode.
 */
const RATES: ReadonlyMap<number, RateSetting> = new Map([
  [1, { odr: 0x1, lowPower: false }], [10, { odr: 0x2, lowPower: false }], [25, { odr: 0x3, lowPower: false }],
  [50, { odr: 0x4, lowPower: false }], [100, { odr: 0x5, lowPower: false }], [200, { odr: 0x6, lowPower: false }],
  [400, { odr: 0x7, lowPower: false }], [1344, { odr: 0x9, lowPower: false }], [1600, { odr: 0x8, lowPower: true }],
  [5376, { odr: 0x9, lowPower: true }],
]);

/**
 * Sensitivity per full-scale range in mg per digit, high-resolution mode ("Mechanical characteristics",
 * So): 1, 2, 4 and
 * 12 mg/digit at 12 bits. Data is left-justified in 16 bits, so one raw Int16 count is So / 16 in every
 * mode (normal 10-bit: So×4/64; low-power 8-bit: So×16/256 — the same figure).
 */
const RANGES: ReadonlyMap<number, { fs: number; mgPerDigit12: number }> = new Map([
  [2, { fs: 0, mgPerDigit12: 1 }], [4, { fs: 1, mgPerDigit12: 2 }], [8, { fs: 2, mgPerDigit12: 4 }],
  [16, { fs: 3, mgPerDigit12: 12 }],
]);

/** Why a LIS3DH cannot run so, or undefined: the source refuses it, and the build checks it first (device-config.ts). */
export function lis3dhSettingsProblem(s: { rateHz: number; rangeG: number }): string | undefined {
  if (!RATES.has(s.rateHz)) return `LIS3DH rate ${s.rateHz} Hz is not one of ${[...RATES.keys()].join(', ')} Hz`;
  if (!RANGES.has(s.rangeG)) return `LIS3DH range ${s.rangeG} g is not one of 2, 4, 8, 16`;
  return undefined;
}

export function lis3dhUnitsPerCount(rangeG: number): number {
  const range = RANGES.get(rangeG);
  if (range === undefined) throw new RangeError(`LIS3DH range ${rangeG} g is not one of 2, 4, 8, 16`);
  return range.mgPerDigit12 / 16 / 1000;
}

class Lis3dhChip implements FifoChip {
  readonly capacityFrames = LIS3DH.FIFO_FRAMES;
  readonly #rate: RateSetting;
  readonly #fs: number;
  readonly #views: Uint8Array[] = [];
  #viewsOf: Uint8Array | undefined;

  constructor(rateHz: number, rangeG: number) {
    const problem = lis3dhSettingsProblem({ rateHz, rangeG });
    if (problem !== undefined) throw new RangeError(problem);
    this.#rate = RATES.get(rateHz) as RateSetting;
    this.#fs = (RANGES.get(rangeG) as { fs: number }).fs;
  }

  checkIdentity(bus: RegisterBus): void {
    const value = bus.readRegister(LIS3DH.WHO_AM_I);
    if (value !== LIS3DH.ID) throw new SensorIdentityError('LIS3DH', bus.where, 'WHO_AM_I (0x0F)', LIS3DH.ID, value);
  }

  configure(bus: RegisterBus, watermarkFrames: number): void {
    const rate = this.#rate;
    bus.writeRegister(LIS3DH.CTRL_REG1, (rate.odr << 4) | (rate.lowPower ? CTRL1_LOW_POWER : 0) | CTRL1_XYZ_ENABLE);
    bus.writeRegister(LIS3DH.CTRL_REG2, 0x00); // no high-pass filter: tilt needs the gravity vector
    bus.writeRegister(LIS3DH.CTRL_REG4, CTRL4_BDU | (this.#fs << 4) | (rate.lowPower ? 0 : CTRL4_HR));
    bus.writeRegister(LIS3DH.CTRL_REG5, CTRL5_FIFO_EN);
    bus.writeRegister(LIS3DH.CTRL_REG6, 0x00); // INT_POLARITY 0: interrupts active high
    // Bypass first empties the FIFO and clears its flags (AN3308: "switching to bypass mode resets it").
    bus.writeRegister(LIS3DH.FIFO_CTRL_REG, FIFO_MODE_BYPASS);
    bus.writeRegister(LIS3DH.FIFO_CTRL_REG, FIFO_MODE_STREAM | (watermarkFrames & 0x1f));
    bus.writeRegister(LIS3DH.CTRL_REG3, CTRL3_I1_WTM);
  }

  readStatus(bus: RegisterBus, status: FifoStatus): void {
    const source = bus.readRegister(LIS3DH.FIFO_SRC_REG);
    status.overrun = (source & FIFO_SRC_OVRN) !== 0;
    // FSS holds 0..31; with OVRN set the FIFO is full, 32 unread frames (AN3308).
    status.frames = status.overrun ? LIS3DH.FIFO_FRAMES : (source & FIFO_SRC_EMPTY) !== 0 ? 0 : source & FIFO_SRC_FSS;
  }

  readFrames(bus: RegisterBus, frames: number, target: Uint8Array): void {
    // One burst for all frames: the address wraps back to OUT_X_L after OUT_Z_H in FIFO mode.
    bus.readBurst(LIS3DH.OUT_X_L, this.#view(target, frames));
  }

  powerDown(bus: RegisterBus): void {
    bus.writeRegister(LIS3DH.CTRL_REG3, 0x00);
    bus.writeRegister(LIS3DH.FIFO_CTRL_REG, FIFO_MODE_BYPASS);
    bus.writeRegister(LIS3DH.CTRL_REG1, 0x00); // ODR 0000: power-down
  }

  /** An exact-length view of the first 6 × frames bytes, made once per length (at most 32). */
  #view(target: Uint8Array, frames: number): Uint8Array {
    if (this.#viewsOf !== target) {
      this.#views.length = 0;
      this.#viewsOf = target;
    }
    let view = this.#views[frames];
    if (view === undefined) {
      view = target.subarray(0, frames * 6);
      this.#views[frames] = view;
    }
    return view;
  }
}

export interface Lis3dhOptions extends FifoAccelerometerOptions {
  /** 1, 10, 25, 50, 100, 200, 400, 1344 (high resolution), 1600 or 5376 (low power, 8-bit). Default 1344. */
  rateHz?: number;
  /** ±2, 4, 8 or 16 g. Default 2. */
  rangeG?: number;
}

/** LIS3DH as a SensorSource: `new Lis3dhSource({sensor: {bus: 'i2c', io: device.io.SMBus, ...}, clock})`. */
export class Lis3dhSource extends FifoAccelerometerSource {
  constructor(options: Lis3dhOptions) {
    const rateHz = options.rateHz ?? 1344;
    const rangeG = options.rangeG ?? 2;
    super(new Lis3dhChip(rateHz, rangeG), {
      name: 'LIS3DH',
      // "Digital interfaces": I2C auto-increment bit; SPI command bit 0 = RW, bit 1 = MS; CPOL = CPHA = 1.
      traits: { i2cAutoIncrement: LIS3DH.I2C_AUTO_INCREMENT, spiRead: 0x80, spiMultiple: 0x40, spiMode: 3 },
      rateHz,
      unitsPerCount: lis3dhUnitsPerCount(rangeG),
    }, options);
  }
}

/**
 * Analog Devices ADXL345 accelerometer, FIFO streaming. Addresses and bits from the ADXL345 data sheet
 * (Rev. G): "Register Map" and "Register Definitions"; FIFO use from the "FIFO" section;
 * serial protocol from "Serial Communications".
 */
import type { RegisterBus } from './register-bus';
import {
  FifoAccelerometerSource, SensorIdentityError, type FifoAccelerometerOptions, type FifoChip, type FifoStatus,
} from './fifo-accelerometer';

export const ADXL345 = Object.freeze({
  DEVID: 0x00,
  /** DEVID content: 0xE5 (octal 345). */
  ID: 0xe5,
  BW_RATE: 0x2c,
  POWER_CTL: 0x2d,
  INT_ENABLE: 0x2e,
  INT_MAP: 0x2f,
  INT_SOURCE: 0x30,
  DATA_FORMAT: 0x31,
  DATAX0: 0x32,
  FIFO_CTL: 0x38,
  FIFO_STATUS: 0x39,
  /** 32 FIFO entries plus the one in the output registers: up to 33 readable at once ("FIFO"). */
  FIFO_FRAMES: 33,
});

/** POWER_CTL (0x2D): Measure bit 3; 0 is standby, where configuration is safe. */
const POWER_MEASURE = 0x08;
/** INT_ENABLE / INT_MAP / INT_SOURCE bits: Watermark bit 1, Overrun bit 0. INT_MAP 0 routes to INT1. */
const INT_WATERMARK = 0x02;
const INT_OVERRUN = 0x01;
/** DATA_FORMAT (0x31): FULL_RES bit 3, Justify bit 2 (1 = left-justified), Range bits 1..0; INT_INVERT 0 = active high. */
const FORMAT_FULL_RES = 0x08;
const FORMAT_LEFT_JUSTIFY = 0x04;
/** FIFO_CTL (0x38): FIFO_MODE bits 7..6 (00 bypass, 10 stream), Samples bits 4..0 (the watermark). */
const FIFO_MODE_BYPASS = 0x00;
const FIFO_MODE_STREAM = 0x80;
/** FIFO_STATUS (0x39): Entries bits 5..0. */
const FIFO_ENTRIES = 0x3f;

/** BW_RATE rate codes, normal power ("Typical Current Consumption vs. Data Rate" table). */
const RATE_CODES: ReadonlyMap<number, number> = new Map([
  [3200, 0x0f], [1600, 0x0e], [800, 0x0d], [400, 0x0c], [200, 0x0b], [100, 0x0a], [50, 0x09], [25, 0x08],
]);

/**
 * "Use of the 3200 Hz and 1600 Hz output data rates is only recommended with SPI communication rates
 * greater than or equal to 2 MHz. The 800 Hz output data rate is recommended only for communication
 * speeds greater than or equal to 400 kHz" (Register 0x2C, BW_RATE). Enforced: below it samples are lost.
 */
const I2C_MAX_RATE_HZ = 800;
const SPI_MIN_HZ_FAST_RATES = 2_000_000;

const RANGE_BITS: ReadonlyMap<number, number> = new Map([[2, 0], [4, 1], [8, 2], [16, 3]]);

/**
 * Left-justified, the sign bit sits at bit 15 in every range and resolution, at the typical sensitivity
 * of 256 LSB/g for the 10-bit ±2 g scale ("Specifications"): one raw Int16 count is rangeG / 32768 g.
 */
export function adxl345UnitsPerCount(rangeG: number): number {
  if (!RANGE_BITS.has(rangeG)) throw new RangeError(`ADXL345 range ${rangeG} g is not one of 2, 4, 8, 16`);
  return rangeG / 32768;
}

class Adxl345Chip implements FifoChip {
  readonly capacityFrames = ADXL345.FIFO_FRAMES;
  readonly #rateCode: number;
  readonly #rangeBits: number;
  readonly #frameViews: Uint8Array[] = [];
  #viewsOf: Uint8Array | undefined;

  constructor(rateCode: number, rangeBits: number) {
    this.#rateCode = rateCode;
    this.#rangeBits = rangeBits;
  }

  checkIdentity(bus: RegisterBus): void {
    const value = bus.readRegister(ADXL345.DEVID);
    if (value !== ADXL345.ID) throw new SensorIdentityError('ADXL345', bus.where, 'DEVID (0x00)', ADXL345.ID, value);
  }

  configure(bus: RegisterBus, watermarkFrames: number): void {
    bus.writeRegister(ADXL345.POWER_CTL, 0x00);
    bus.writeRegister(ADXL345.INT_ENABLE, 0x00);
    bus.writeRegister(ADXL345.BW_RATE, this.#rateCode);
    bus.writeRegister(ADXL345.DATA_FORMAT, FORMAT_FULL_RES | FORMAT_LEFT_JUSTIFY | this.#rangeBits);
    // Bypass empties the FIFO; then stream mode with the watermark in Samples.
    bus.writeRegister(ADXL345.FIFO_CTL, FIFO_MODE_BYPASS);
    bus.writeRegister(ADXL345.FIFO_CTL, FIFO_MODE_STREAM | (watermarkFrames & 0x1f));
    bus.writeRegister(ADXL345.INT_MAP, 0x00);
    bus.writeRegister(ADXL345.INT_ENABLE, INT_WATERMARK | INT_OVERRUN);
    bus.writeRegister(ADXL345.POWER_CTL, POWER_MEASURE);
  }

  readStatus(bus: RegisterBus, status: FifoStatus): void {
    // INT_SOURCE first: reading the data registers clears the overrun bit.
    status.overrun = (bus.readRegister(ADXL345.INT_SOURCE) & INT_OVERRUN) !== 0;
    status.frames = bus.readRegister(ADXL345.FIFO_STATUS) & FIFO_ENTRIES;
  }

  readFrames(bus: RegisterBus, frames: number, target: Uint8Array): void {
    // One 6-byte burst from DATAX0 per entry: the address does not wrap, each burst pops one entry ("FIFO").
    const views = this.#views(target);
    for (let k = 0; k < frames; k++) bus.readBurst(ADXL345.DATAX0, views[k]);
  }

  powerDown(bus: RegisterBus): void {
    bus.writeRegister(ADXL345.INT_ENABLE, 0x00);
    bus.writeRegister(ADXL345.FIFO_CTL, FIFO_MODE_BYPASS);
    bus.writeRegister(ADXL345.POWER_CTL, 0x00); // standby
  }

  /** One 6-byte view per FIFO entry over the target, made once. */
  #views(target: Uint8Array): Uint8Array[] {
    if (this.#viewsOf !== target) {
      this.#frameViews.length = 0;
      for (let k = 0; k < this.capacityFrames; k++) this.#frameViews.push(target.subarray(k * 6, k * 6 + 6));
      this.#viewsOf = target;
    }
    return this.#frameViews;
  }
}

export interface Adxl345Options extends FifoAccelerometerOptions {
  /** 25 … 3200 Hz; over I2C at most 800 Hz, 1600 and 3200 Hz need SPI at ≥ 2 MHz. Default 1600 (SPI) or 800 (I2C). */
  rateHz?: number;
  /** ±2, 4, 8 or 16 g. Default 2. */
  rangeG?: number;
}

/** Why an ADXL345 cannot run so, or undefined: the source refuses it, and the build checks it first (device-config.ts). */
export function adxl345SettingsProblem(s: { rateHz: number; rangeG: number; bus: 'i2c' | 'spi'; busHz: number }): string | undefined {
  if (!RATE_CODES.has(s.rateHz)) return `ADXL345 rate ${s.rateHz} Hz is not one of ${[...RATE_CODES.keys()].join(', ')} Hz`;
  if (s.bus === 'i2c' && s.rateHz > I2C_MAX_RATE_HZ) {
    return `ADXL345 at ${s.rateHz} Hz needs SPI at 2 MHz or more (data sheet, BW_RATE); over I2C use at most ${I2C_MAX_RATE_HZ} Hz`;
  }
  if (s.bus === 'spi' && s.rateHz > I2C_MAX_RATE_HZ && s.busHz < SPI_MIN_HZ_FAST_RATES) {
    return `ADXL345 at ${s.rateHz} Hz needs an SPI clock of at least 2 MHz, got ${s.busHz} Hz`;
  }
  if (!RANGE_BITS.has(s.rangeG)) return `ADXL345 range ${s.rangeG} g is not one of 2, 4, 8, 16`;
  return undefined;
}

/** ADXL345 as a SensorSource: `new Adxl345Source({sensor: {bus: 'spi', io: device.io.SPI, ...}, clock})`. */
export class Adxl345Source extends FifoAccelerometerSource {
  constructor(options: Adxl345Options) {
    const sensor = options.sensor;
    const rateHz = options.rateHz ?? (sensor.bus === 'spi' ? 1600 : I2C_MAX_RATE_HZ);
    const rangeG = options.rangeG ?? 2;
    const problem = adxl345SettingsProblem({ rateHz, rangeG, bus: sensor.bus, busHz: sensor.hz });
    if (problem !== undefined) throw new RangeError(problem);
    super(new Adxl345Chip(RATE_CODES.get(rateHz) as number, RANGE_BITS.get(rangeG) as number), {
      name: 'ADXL345',
      // "Serial Communications": I2C reads auto-increment; SPI command bit 7 = R, bit 6 = MB; CPOL = CPHA = 1.
      traits: { i2cAutoIncrement: 0, spiRead: 0x80, spiMultiple: 0x40, spiMode: 3 },
      rateHz,
      unitsPerCount: adxl345UnitsPerCount(rangeG),
    }, options);
  }
}

/**
 * Register-level fakes of the LIS3DH and ADXL345: register files, identity register, an output-data-rate
 * sample clock, a FIFO with watermark and overrun flags, the chips' burst-read address rules, and their
 * I2C (SMBus) and SPI framings. Only the hardware is faked: the drivers under test run unchanged.
 * No Node APIs: the XS entries use these too.
 */
import type {
  SmbusIo, SmbusIoConstructor, SmbusIoOptions, SpiIo, SpiIoConstructor, SpiIoOptions,
} from '../../../firmware/moddable/register-bus';
import type { DigitalIo, DigitalIoConstructor } from '../../../firmware/moddable/fifo-accelerometer';

/** Raw counts of sample `index` (x, y, z), deterministic so tests can check every delivered value. */
export type SampleGenerator = (index: number, out: Int16Array) => void;

export const rampSamples: SampleGenerator = (index, out) => {
  out[0] = (index % 30000) - 15000;
  out[1] = ((index * 13) % 4001) - 2000;
  out[2] = 16384 - (index % 256);
};

/** The sample index a rampSamples frame came from (for the first 30000 samples). */
export function rampIndexOf(x: number): number {
  return x + 15000;
}

/** Builds a constructor (what the drivers call `new` on) that hands out a prepared object. */
export function constructorOf<O, T extends object>(create: (options: O) => T): new (options: O) => T {
  return class {
    constructor(options: O) {
      return create(options);
    }
  } as unknown as new (options: O) => T;
}

/** An interrupt line: the chip drives it; a Digital fake fires onReadable on rising edges. */
export class InterruptLine {
  level = 0;
  readonly #listeners = new Set<() => void>();
  edges = 0;
  /** While held (the JS thread is busy), an edge waits and is delivered on release, as Moddable queues it. */
  held = false;
  #pending = false;

  set(level: number): void {
    const rising = level === 1 && this.level === 0;
    this.level = level;
    if (rising) {
      this.edges++;
      if (this.held) this.#pending = true;
      else this.#deliver();
    }
  }

  release(): void {
    this.held = false;
    if (this.#pending) {
      this.#pending = false;
      this.#deliver();
    }
  }

  #deliver(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  digitalConstructor(opened: { pins: number[] }): DigitalIoConstructor {
    const listeners = this.#listeners;
    class FakeDigital implements DigitalIo {
      static readonly Input = 'input';
      static readonly Rising = 1;
      readonly #listener: () => void;
      constructor(options: { pin: number; mode: unknown; edge: number; onReadable: () => void }) {
        if (options.mode !== FakeDigital.Input || options.edge !== FakeDigital.Rising) {
          throw new Error(`interrupt pin opened with mode ${String(options.mode)} edge ${options.edge}`);
        }
        opened.pins.push(options.pin);
        this.#listener = options.onReadable;
        listeners.add(this.#listener);
      }
      close(): void {
        listeners.delete(this.#listener);
      }
    }
    return FakeDigital;
  }
}

/** What both fakes share: registers, a sample clock and a FIFO of frames. */
abstract class FakeFifoChip {
  readonly registers = new Uint8Array(0x40);
  readonly interrupt = new InterruptLine();
  /** Bus transactions seen (for cost assertions). */
  transactions = 0;
  /** Frames dropped from a full FIFO (what the driver must report as an overrun). */
  lostFrames = 0;
  /** Index of the next sample the chip will take, and the time it is due. */
  nextIndex = 0;
  protected readonly fifo: Int16Array;
  protected fifoStart = 0;
  protected fifoLevel = 0;
  /** Sample index of the oldest frame in the FIFO. */
  oldestIndex = 0;
  #nowMs = 0;
  #startedMs: number | undefined;
  readonly #frame = new Int16Array(3);
  readonly #generate: SampleGenerator;
  /** Set to make every bus access throw, as a chip that stopped answering would. */
  failing = false;

  constructor(readonly capacity: number, generate: SampleGenerator) {
    this.fifo = new Int16Array(capacity * 3);
    this.#generate = generate;
  }

  abstract get rateHz(): number;
  abstract get streaming(): boolean;
  abstract get watermark(): number;
  protected abstract updateFlags(): void;

  /** Time a sample index was taken (for timestamp checks). */
  sampleTimeMs(index: number): number {
    return (this.#startedMs ?? 0) + (index * 1000) / this.rateHz;
  }

  /** Runs the chip's sample clock up to `ms`. */
  advanceTo(ms: number): void {
    this.#nowMs = ms;
    if (!this.streaming || this.rateHz === 0) {
      this.#startedMs = undefined;
      return;
    }
    if (this.#startedMs === undefined) {
      this.#startedMs = ms;
      this.nextIndex = 0;
      this.oldestIndex = 0;
    }
    while (this.sampleTimeMs(this.nextIndex) <= ms) {
      this.#generate(this.nextIndex, this.#frame);
      this.pushFrame(this.#frame);
      this.nextIndex++;
    }
    this.updateFlags();
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  get level(): number {
    return this.fifoLevel;
  }

  protected pushFrame(frame: Int16Array): void {
    if (this.fifoLevel === this.capacity) {
      this.fifoStart = (this.fifoStart + 1) % this.capacity;
      this.fifoLevel--;
      this.oldestIndex++;
      this.lostFrames++;
      this.onOverwrite();
    }
    const at = ((this.fifoStart + this.fifoLevel) % this.capacity) * 3;
    this.fifo[at] = frame[0];
    this.fifo[at + 1] = frame[1];
    this.fifo[at + 2] = frame[2];
    this.fifoLevel++;
  }

  protected abstract onOverwrite(): void;

  /** Byte `offset` (0..5: XL XH YL YH ZL ZH) of the oldest frame, or of zeros when the FIFO is empty. */
  protected outputByte(offset: number): number {
    if (this.fifoLevel === 0) return 0;
    const value = this.fifo[this.fifoStart * 3 + (offset >> 1)];
    return (offset & 1) === 0 ? value & 0xff : (value >> 8) & 0xff;
  }

  protected popFrame(): void {
    if (this.fifoLevel === 0) return;
    this.fifoStart = (this.fifoStart + 1) % this.capacity;
    this.fifoLevel--;
    this.oldestIndex++;
    this.updateFlags();
  }

  protected check(): void {
    this.transactions++;
    if (this.failing) throw new Error('I2C NACK');
  }

  abstract readByte(address: number): number;
  abstract writeByte(address: number, value: number): void;
  /** Address after `address` in a multi-byte access. */
  abstract nextAddress(address: number): number;
  /** End of a read transaction (the ADXL345 pops its FIFO here). */
  endRead(): void {}
  abstract get i2cAutoIncrementFlag(): number;

  /** The chip as Moddable's SMBus would reach it at `address`. Records the options it was opened with. */
  smbus(expectedAddress: number, opened: SmbusIoOptions[] = []): SmbusIoConstructor {
    return constructorOf((options: SmbusIoOptions): SmbusIo => {
      opened.push(options);
      const present = options.address === expectedAddress;
      const nack = (): never => {
        throw new Error(`I2C NACK at address 0x${options.address.toString(16)}`);
      };
      return {
        readUint8: (register: number): number => {
          if (!present) nack();
          this.check();
          const value = this.readByte(register & 0x7f);
          this.endRead();
          return value;
        },
        writeUint8: (register: number, value: number): void => {
          if (!present) nack();
          this.check();
          this.writeByte(register & 0x7f, value);
        },
        readBuffer: (register: number, buffer: Uint8Array): void => {
          if (!present) nack();
          this.check();
          const increment = this.i2cAutoIncrementFlag === 0 || (register & this.i2cAutoIncrementFlag) !== 0;
          let address = register & 0x7f;
          for (let i = 0; i < buffer.length; i++) {
            buffer[i] = this.readByte(address);
            if (increment) address = this.nextAddress(address);
          }
          this.endRead();
        },
        close: (): void => {},
      };
    });
  }

  /** The chip on a 4-wire SPI bus: command byte bit 7 read, bit 6 multiple; chip select held until flush(true). */
  spi(opened: SpiIoOptions[] = []): SpiIoConstructor {
    return constructorOf((options: SpiIoOptions): SpiIo => {
      opened.push(options);
      let selected = false;
      let address = 0;
      let reading = false;
      let multiple = false;
      const next = (): void => {
        if (multiple) address = this.nextAddress(address);
      };
      return {
        write: (buffer: Uint8Array): void => {
          if (options.mode !== 3) throw new Error(`SPI mode ${options.mode}: the chip samples in mode 3`);
          let i = 0;
          if (!selected) {
            this.check();
            selected = true;
            reading = (buffer[0] & 0x80) !== 0;
            multiple = (buffer[0] & 0x40) !== 0;
            address = buffer[0] & 0x3f;
            i = 1;
          }
          for (; i < buffer.length; i++) {
            if (!reading) this.writeByte(address, buffer[i]);
            next();
          }
        },
        read: (buffer: Uint8Array): void => {
          if (!selected || !reading) throw new Error('SPI read without a read command');
          for (let i = 0; i < buffer.length; i++) {
            buffer[i] = this.readByte(address);
            next();
          }
        },
        flush: (deselect?: boolean): void => {
          if (deselect === true && selected) {
            if (reading) this.endRead();
            selected = false;
          }
        },
        close: (): void => {},
      };
    });
  }
}

/** LIS3DH: 32-frame FIFO, FIFO_SRC flags, burst reads wrapping OUT_Z_H → OUT_X_L in FIFO mode. */
export class FakeLis3dh extends FakeFifoChip {
  whoAmI = 0x33;
  #overrunFlag = false;

  constructor(generate: SampleGenerator = rampSamples) {
    super(32, generate);
  }

  get i2cAutoIncrementFlag(): number {
    return 0x80;
  }

  get rateHz(): number {
    const ctrl1 = this.registers[0x20];
    const odr = ctrl1 >> 4;
    const lowPower = (ctrl1 & 0x08) !== 0;
    const rates = [0, 1, 10, 25, 50, 100, 200, 400, 1600, lowPower ? 5376 : 1344];
    return (ctrl1 & 0x07) === 0 ? 0 : rates[odr] ?? 0;
  }

  get fifoEnabled(): boolean {
    return (this.registers[0x24] & 0x40) !== 0;
  }

  get streaming(): boolean {
    return this.fifoEnabled && (this.registers[0x2e] >> 6) === 0b10;
  }

  get watermark(): number {
    return this.registers[0x2e] & 0x1f;
  }

  protected onOverwrite(): void {
    this.#overrunFlag = true;
  }

  protected updateFlags(): void {
    if (this.fifoLevel === this.capacity) this.#overrunFlag = true;
    // INT1 follows the watermark flag when I1_WTM is set.
    const wtm = this.fifoLevel > this.watermark;
    this.interrupt.set((this.registers[0x22] & 0x04) !== 0 && wtm ? 1 : 0);
  }

  readByte(address: number): number {
    if (address === 0x0f) return this.whoAmI;
    if (address === 0x2f) {
      const level = this.fifoLevel;
      return (level > this.watermark ? 0x80 : 0) | (this.#overrunFlag ? 0x40 : 0) | (level === 0 ? 0x20 : 0) |
        (level >= 31 ? 31 : level);
    }
    if (address >= 0x28 && address <= 0x2d) {
      const value = this.outputByte(address - 0x28);
      if (address === 0x2d && this.fifoEnabled) {
        this.popFrame();
        this.#overrunFlag = false; // reset when the first sample set has been read (AN3308)
      }
      return value;
    }
    return this.registers[address];
  }

  writeByte(address: number, value: number): void {
    this.registers[address] = value;
    if (address === 0x2e && (value >> 6) === 0) {
      // Bypass mode empties the FIFO.
      this.fifoLevel = 0;
      this.#overrunFlag = false;
      this.oldestIndex = this.nextIndex;
    }
    this.updateFlags();
  }

  nextAddress(address: number): number {
    if (address === 0x2d && this.fifoEnabled) return 0x28;
    return (address + 1) & 0x3f;
  }
}

/** ADXL345: 32 FIFO entries + the output registers (33), INT_SOURCE flags, one entry popped per data read. */
export class FakeAdxl345 extends FakeFifoChip {
  devId = 0xe5;
  #overrunFlag = false;
  #dataRead = false;

  constructor(generate: SampleGenerator = rampSamples) {
    super(33, generate);
  }

  get i2cAutoIncrementFlag(): number {
    return 0;
  }

  get rateHz(): number {
    if ((this.registers[0x2d] & 0x08) === 0) return 0;
    const code = this.registers[0x2c] & 0x0f;
    return code >= 6 ? 3200 / 2 ** (15 - code) : 0;
  }

  get streaming(): boolean {
    return (this.registers[0x38] >> 6) === 0b10;
  }

  get watermark(): number {
    return this.registers[0x38] & 0x1f;
  }

  protected onOverwrite(): void {
    this.#overrunFlag = true;
  }

  protected updateFlags(): void {
    const watermarkFlag = this.fifoLevel >= this.watermark && this.watermark > 0;
    const enabled = this.registers[0x2e];
    const active = ((enabled & 0x02) !== 0 && watermarkFlag) || ((enabled & 0x01) !== 0 && this.#overrunFlag);
    this.interrupt.set(active ? 1 : 0);
  }

  readByte(address: number): number {
    if (address === 0x00) return this.devId;
    if (address === 0x30) {
      return (this.fifoLevel >= this.watermark ? 0x02 : 0) | (this.#overrunFlag ? 0x01 : 0) |
        (this.fifoLevel > 0 ? 0x80 : 0);
    }
    if (address === 0x39) return this.fifoLevel;
    if (address >= 0x32 && address <= 0x37) {
      this.#dataRead = true;
      return this.outputByte(address - 0x32);
    }
    return this.registers[address];
  }

  override endRead(): void {
    if (this.#dataRead) {
      this.#dataRead = false;
      this.#overrunFlag = false;
      this.popFrame();
    }
  }

  writeByte(address: number, value: number): void {
    this.registers[address] = value;
    if (address === 0x38 && (value >> 6) === 0) {
      this.fifoLevel = 0;
      this.oldestIndex = this.nextIndex;
    }
    this.updateFlags();
  }

  nextAddress(address: number): number {
    return (address + 1) & 0x3f;
  }
}

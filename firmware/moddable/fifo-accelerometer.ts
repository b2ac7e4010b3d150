/**
 * An accelerometer SensorSource that streams a chip's FIFO: the chip runs in stream mode at the
 * configured rate, raises its interrupt pin at the watermark (or a timer polls when no pin is wired),
 * and each service drains the FIFO with bus bursts into preallocated buffers, then hands the frames to
 * a BlockAssembler. Chip specifics (register maps) live in lis3dh.ts and adxl345.ts.
 */
import type { Clock, SensorSource, SensorSourceEvents, SensorSourceFault, TimerHandle } from '../ports';
import { BlockAssembler } from './block-assembler';
import { hex2, openRegisterBus, placeOf, type ChipBusTraits, type RegisterBus, type SensorBusOptions } from './register-bus';

/** The part of Moddable's ECMA-419 Digital class used for the interrupt pin. */
export interface DigitalIo {
  close(): void;
}

export interface DigitalIoConstructor {
  new (options: { pin: number; mode: unknown; edge: number; onReadable: () => void }): DigitalIo;
  readonly Input: unknown;
  readonly Rising: number;
}

export interface InterruptOptions {
  io: DigitalIoConstructor;
  /** GPIO wired to the chip's INT1 pin (push-pull, active high, the chips' reset defaults). */
  pin: number;
}

export interface FifoAccelerometerOptions {
  /** The wiring: `{bus: 'i2c', io: device.io.SMBus, data, clock, hz, address}` or `{bus: 'spi', io: device.io.SPI, ...}`. */
  sensor: SensorBusOptions;
  /** The watermark interrupt; without it the FIFO is polled every watermark period. */
  interrupt?: InterruptOptions;
  clock: Clock;
  rateHz?: number;
  rangeG?: number;
  /** FIFO level that raises the interrupt (frames). */
  watermarkFrames?: number;
  /** Frames per delivered SampleBlock. */
  blockFrames?: number;
  /** After a failed start (missing chip, bus error), retry this often. */
  retryMs?: number;
  /** With an interrupt pin: a slow poll as well, in case an edge was missed (the line is level-triggered). */
  safetyPollMs?: number;
}

/** The FIFO level and overrun flag read at one service. */
export interface FifoStatus {
  frames: number;
  overrun: boolean;
}

/** A chip's register map and FIFO protocol, on an open bus. */
export interface FifoChip {
  /** FIFO depth in frames (what can be read at once). */
  readonly capacityFrames: number;
  /** Reads the identity register; throws a SensorIdentityError naming the chip, place and value. */
  checkIdentity(bus: RegisterBus): void;
  /** Writes rate, range, FIFO stream mode with the watermark, and the interrupt routing. */
  configure(bus: RegisterBus, watermarkFrames: number): void;
  readStatus(bus: RegisterBus, status: FifoStatus): void;
  /** Reads `frames` frames (x, y, z little-endian Int16 each) into target[0 .. 6 × frames). */
  readFrames(bus: RegisterBus, frames: number, target: Uint8Array): void;
  /** Puts the chip in power-down. */
  powerDown(bus: RegisterBus): void;
}

export interface ChipDescription {
  name: string;
  traits: ChipBusTraits;
  rateHz: number;
  unitsPerCount: number;
}

/** The chip at the address answered with the wrong identity: not there, or not the part configured. */
export class SensorIdentityError extends Error {
  readonly chip: string;
  readonly where: string;
  readonly value: number;

  constructor(chip: string, where: string, register: string, expected: number, value: number) {
    super(`${chip} not found at ${where}: ${register} read ${hex2(value)}, expected ${hex2(expected)}`);
    this.name = 'SensorIdentityError';
    this.chip = chip;
    this.where = where;
    this.value = value;
  }
}

const FRAME_BYTES = 6;

export class FifoAccelerometerSource implements SensorSource {
  readonly kind = 'accelerometer' as const;
  readonly channels = 3;
  readonly rateHz: number;
  readonly #chip: FifoChip;
  readonly #name: string;
  readonly #traits: ChipBusTraits;
  readonly #options: FifoAccelerometerOptions;
  readonly #watermarkFrames: number;
  readonly #assembler: BlockAssembler;
  readonly #bytes: Uint8Array;
  readonly #frames: Int16Array;
  readonly #status: FifoStatus = { frames: 0, overrun: false };
  readonly #overrunFault: SensorSourceFault;
  readonly #service = (): void => this.#drain();
  #bus: RegisterBus | undefined;
  #interrupt: DigitalIo | undefined;
  #timer: TimerHandle | undefined;
  #events: SensorSourceEvents | undefined;
  #busFaultReported = false;
  #identified = false;

  constructor(chip: FifoChip, description: ChipDescription, options: FifoAccelerometerOptions) {
    this.#chip = chip;
    this.#name = description.name;
    this.#traits = description.traits;
    this.#options = options;
    this.rateHz = description.rateHz;
    const watermark = options.watermarkFrames ?? Math.floor(chip.capacityFrames / 2);
    if (!Number.isInteger(watermark) || watermark < 1 || watermark >= chip.capacityFrames) {
      throw new RangeError(`${description.name}: watermarkFrames must be an integer from 1 to ` +
        `${chip.capacityFrames - 1}, got ${options.watermarkFrames}`);
    }
    this.#watermarkFrames = watermark;
    const blockFrames = options.blockFrames ?? 32;
    const periodMs = 1000 / description.rateHz;
    this.#assembler = new BlockAssembler({
      rateHz: description.rateHz,
      channels: 3,
      blockFrames,
      unitsPerCount: description.unitsPerCount,
      // A whole FIFO's worth of time: reads never straddle more than that without an overrun flag.
      jumpToleranceMs: Math.max(chip.capacityFrames * periodMs, 20),
    });
    // Little-endian chip data read straight into memory the Int16Array aliases (ESP32 and hosts are LE).
    this.#bytes = new Uint8Array(chip.capacityFrames * FRAME_BYTES);
    this.#frames = new Int16Array(this.#bytes.buffer);
    this.#overrunFault = { code: 'overrun', message: `${description.name} FIFO overrun: samples were lost` };
  }

  /** The chip and where it is wired, for messages: "LIS3DH at I2C address 0x18". */
  get description(): string {
    return `${this.#name} at ${placeOf(this.#options.sensor)}`;
  }

  start(events: SensorSourceEvents): void {
    this.stop();
    this.#events = events;
    this.#busFaultReported = false;
    this.#assembler.reset();
    try {
      this.#open();
    } catch (error) {
      this.#close();
      // Nothing answering at the address (a NACK) is a missing chip too, not only a wrong identity.
      const missing = error instanceof SensorIdentityError || !this.#identified;
      events.onFault({ code: missing ? 'missing_chip' : 'bus_error', message: this.#describe(error) });
      this.#timer = this.#options.clock.setTimer(() => this.#retry(), this.#options.retryMs ?? 5000);
    }
  }

  stop(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    const bus = this.#bus;
    if (bus !== undefined) {
      try {
        this.#chip.powerDown(bus);
      } catch {
        // The chip may be gone already (that is usually why we stop); closing the bus still matters.
      }
    }
    this.#close();
    this.#events = undefined;
  }

  /**
   * Opens the bus, checks the chip's identity and closes again: throws SensorIdentityError (wrong or
   * missing chip) or the bus's own error. For installers' checks; start() reports the same as a fault.
   */
  probe(): void {
    const bus = openRegisterBus(this.#options.sensor, this.#traits);
    try {
      this.#chip.checkIdentity(bus);
    } finally {
      bus.close();
    }
  }

  #retry(): void {
    const events = this.#events;
    this.#timer = undefined;
    if (events !== undefined) this.start(events);
  }

  #open(): void {
    this.#identified = false;
    const bus = openRegisterBus(this.#options.sensor, this.#traits);
    this.#bus = bus;
    this.#chip.checkIdentity(bus);
    this.#identified = true;
    this.#chip.configure(bus, this.#watermarkFrames);
    const periodMs = 1000 / this.rateHz;
    const interrupt = this.#options.interrupt;
    if (interrupt !== undefined) {
      const Digital = interrupt.io;
      this.#interrupt = new Digital({ pin: interrupt.pin, mode: Digital.Input, edge: Digital.Rising,
        onReadable: this.#service });
      // Drain at once (the line may already be high: no rising edge would come), then poll slowly in
      // case the level ever stays above the watermark after a drain (the line is level-triggered).
      this.#timer = this.#options.clock.setTimer(this.#service, 0, this.#options.safetyPollMs ?? 200);
    } else {
      this.#timer = this.#options.clock.setTimer(this.#service, 0, Math.max(1, Math.floor(
        this.#watermarkFrames * periodMs)));
    }
  }

  #close(): void {
    this.#interrupt?.close();
    this.#interrupt = undefined;
    this.#bus?.close();
    this.#bus = undefined;
  }

  /** One service: read the FIFO level and overrun flag, then drain what is there. Allocates nothing. */
  #drain(): void {
    const bus = this.#bus;
    const events = this.#events;
    if (bus === undefined || events === undefined) return;
    const status = this.#status;
    try {
      this.#chip.readStatus(bus, status);
      const readMs = this.#options.clock.uptimeMs();
      if (status.overrun) {
        this.#assembler.markGap();
        events.onFault(this.#overrunFault);
      }
      if (status.frames > 0) {
        this.#chip.readFrames(bus, status.frames, this.#bytes);
        if (this.#assembler.push(this.#frames, status.frames, readMs, events)) events.onFault(this.#overrunFault);
      }
      this.#busFaultReported = false;
    } catch (error) {
      // Report a failing bus once, not at every service, until a read succeeds again.
      if (!this.#busFaultReported) {
        this.#busFaultReported = true;
        events.onFault({ code: 'bus_error', message: this.#describe(error) });
      }
    }
  }

  #describe(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return message.startsWith(this.#name) ? message : `${this.description}: ${message}`;
  }
}

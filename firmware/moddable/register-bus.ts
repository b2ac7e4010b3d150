/**
 * Register access for sensor chips over ECMA-419 IO: I2C through SMBus, or 4-wire SPI. The IO class is
 * injected (Moddable style: `{...device.I2C.default, io: device.io.SMBus}`), so tests pass a fake chip.
 * The interfaces below are the parts of Moddable's SMBus and SPI classes the drivers use.
 */

export interface SmbusIo {
  readUint8(register: number): number;
  writeUint8(register: number, value: number): void;
  /** Reads buffer.byteLength bytes starting at `register` into `buffer`. */
  readBuffer(register: number, buffer: Uint8Array): void;
  close(): void;
}

export interface SmbusIoOptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
}

export type SmbusIoConstructor = new (options: SmbusIoOptions) => SmbusIo;

export interface SpiIo {
  write(buffer: Uint8Array): void;
  /** Clocks buffer.byteLength bytes in (sending the buffer's current content) and stores them in `buffer`. */
  read(buffer: Uint8Array): void;
  /** With `deselect`, releases chip select: Moddable keeps it asserted across writes and reads until then. */
  flush(deselect?: boolean): void;
  close(): void;
}

export interface SpiIoOptions {
  clock: number;
  in: number;
  out: number;
  select: number;
  hz: number;
  mode: number;
  port?: number;
}

export type SpiIoConstructor = new (options: SpiIoOptions) => SpiIo;

/** How a sensor is wired: the `bus` tag picks the protocol, the rest is passed to the IO constructor. */
export type SensorBusOptions =
  | ({ bus: 'i2c'; io: SmbusIoConstructor } & SmbusIoOptions)
  | ({ bus: 'spi'; io: SpiIoConstructor } & Omit<SpiIoOptions, 'mode'>);

/** What a chip driver needs: single-register reads and writes, and auto-incrementing burst reads. */
export interface RegisterBus {
  /** "I2C address 0x18" or "SPI select pin 5": names the chip's place in error messages. */
  readonly where: string;
  readRegister(register: number): number;
  writeRegister(register: number, value: number): void;
  /** Reads target.length consecutive bytes starting at `register` into `target`. */
  readBurst(register: number, target: Uint8Array): void;
  close(): void;
}

/** Per-chip protocol details (from each datasheet's serial-interface section). */
export interface ChipBusTraits {
  /** OR-ed into the register address on I2C to enable auto-increment (LIS3DH: 0x80; ADXL345: 0). */
  i2cAutoIncrement: number;
  /** SPI command bits: read flag (bit 7) and multiple-byte flag (bit 6) for both chips here. */
  spiRead: number;
  spiMultiple: number;
  /** SPI clock polarity/phase: both chips here use mode 3 (CPOL = 1, CPHA = 1). */
  spiMode: number;
}

export function hex2(value: number): string {
  return `0x${(value & 0xff).toString(16).padStart(2, '0')}`;
}

/** Where the chip sits, for messages: "I2C address 0x18" or "SPI select pin 5". */
export function placeOf(options: SensorBusOptions): string {
  return options.bus === 'i2c' ? `I2C address ${hex2(options.address)}` : `SPI select pin ${options.select}`;
}

class SmbusRegisterBus implements RegisterBus {
  readonly where: string;
  readonly #io: SmbusIo;
  readonly #autoIncrement: number;

  constructor(io: SmbusIo, where: string, autoIncrement: number) {
    this.#io = io;
    this.#autoIncrement = autoIncrement;
    this.where = where;
  }

  readRegister(register: number): number {
    return this.#io.readUint8(register);
  }

  writeRegister(register: number, value: number): void {
    this.#io.writeUint8(register, value);
  }

  readBurst(register: number, target: Uint8Array): void {
    this.#io.readBuffer(register | this.#autoIncrement, target);
  }

  close(): void {
    this.#io.close();
  }
}

class SpiRegisterBus implements RegisterBus {
  readonly where: string;
  readonly #io: SpiIo;
  readonly #traits: ChipBusTraits;
  readonly #command = new Uint8Array(1);
  readonly #pair = new Uint8Array(2);

  constructor(io: SpiIo, where: string, traits: ChipBusTraits) {
    this.#io = io;
    this.#traits = traits;
    this.where = where;
  }

  readRegister(register: number): number {
    this.#command[0] = register | this.#traits.spiRead;
    this.#io.write(this.#command);
    this.#command[0] = 0;
    this.#io.read(this.#command);
    this.#io.flush(true);
    return this.#command[0];
  }

  writeRegister(register: number, value: number): void {
    this.#pair[0] = register;
    this.#pair[1] = value;
    this.#io.write(this.#pair);
    this.#io.flush(true);
  }

  readBurst(register: number, target: Uint8Array): void {
    this.#command[0] = register | this.#traits.spiRead | this.#traits.spiMultiple;
    this.#io.write(this.#command);
    this.#io.read(target);
    this.#io.flush(true);
  }

  close(): void {
    this.#io.close();
  }
}

/** Opens the IO object for the wiring in `options` (constructs it: call once per start). */
export function openRegisterBus(options: SensorBusOptions, traits: ChipBusTraits): RegisterBus {
  if (options.bus === 'i2c') {
    const io = new options.io(withPort({ data: options.data, clock: options.clock, hz: options.hz,
      address: options.address }, options.port));
    return new SmbusRegisterBus(io, placeOf(options), traits.i2cAutoIncrement);
  }
  // Moddable's ESP32 SPI reads `port` unconditionally (0 would be the flash bus): the caller must give it.
  const io = new options.io(withPort({ clock: options.clock, in: options.in, out: options.out,
    select: options.select, hz: options.hz, mode: traits.spiMode }, options.port));
  return new SpiRegisterBus(io, placeOf(options), traits);
}

/** Adds `port` only when given: some IO constructors test for the property's presence. */
function withPort<T extends object>(options: T, port: number | undefined): T & { port?: number } {
  return port === undefined ? options : { ...options, port };
}

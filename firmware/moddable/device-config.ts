/**
 * The installer's build-time settings, as the manifests' `config` sections and `mcconfig key=value`
 * overrides deliver them through `mc/config` (flat keys, because mcconfig only overrides top-level keys,
 * and every override arrives as a string). parseDeviceConfig checks all of it at once and returns every
 * problem with its key, or a typed DeviceConfig for main.ts.
 */
import type { NodeRole } from '../detect/types';
import { NODE_ROLES } from '../detect/types';
import { adxl345SettingsProblem } from './adxl345';
import { lis3dhSettingsProblem } from './lis3dh';

export type Platform = 'esp32' | 'lin';
export type AccelerometerPart = 'lis3dh' | 'adxl345';
export type MicrophonePart = 'inmp441' | 'ics43434';
export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/** Pins and clocks of the accelerometer's bus (the IO class is added by main.ts from `device.io`). */
export type AccelerometerWiring =
  | { bus: 'i2c'; data: number; clock: number; hz: number; address: number; port?: number }
  | { bus: 'spi'; clock: number; in: number; out: number; select: number; hz: number; port: number };

export interface DeviceConfig {
  site: string;
  node: string;
  role: NodeRole;
  zone: string;
  location: { building: string; floor: string; room: string; element: string; label: string };
  broker: { host: string; port: number; keepaliveMs: number; user?: string; password?: string };
  /** Empty when the platform's network setup syncs the clock itself. */
  sntpHosts: string[];
  accelerometer: {
    part: AccelerometerPart;
    /** undefined on lin, where a recording stands in for the chip. */
    wiring: AccelerometerWiring | undefined;
    rateHz: number;
    rangeG: number;
    /** GPIO wired to INT1; undefined: poll the FIFO. */
    interruptPin: number | undefined;
  };
  /** undefined when the role runs without a microphone (balcony). Pins are in the manifest's defines. */
  microphone: { part: MicrophonePart } | undefined;
  /** lin only: the recordings the simulator build replays instead of sensors. */
  replay: { accelerometer: string; accelFullScaleG: number; microphone: string | undefined } | undefined;
  logLevel: LogLevelName;
  watchdogMs: number;
}

/** `keysRead`: every key the parse looked at for this platform and wiring (the build names the others). */
export type DeviceConfigResult = ({ ok: true; config: DeviceConfig } | { ok: false; errors: string[] }) & { keysRead: ReadonlySet<string> };

/** Roles that listen for glass breaking need a microphone. */
export const ROLES_WITH_MICROPHONE: readonly NodeRole[] = ['display_case', 'window'];

const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

class Reader {
  readonly errors: string[] = [];
  readonly keysRead = new Set<string>();
  readonly #raw: Readonly<Record<string, unknown>>;

  constructor(raw: Readonly<Record<string, unknown>>) {
    this.#raw = raw;
  }

  /** The value of `key`, which counts as read. */
  raw(key: string): unknown {
    this.keysRead.add(key);
    return this.#raw[key];
  }

  #fail(key: string, what: string): undefined {
    this.errors.push(`config.${key}: ${what}`);
    return undefined;
  }

  has(key: string): boolean {
    const value = this.raw(key);
    return value !== undefined && value !== '';
  }

  text(key: string, options: { optional?: boolean; pattern?: RegExp; patternText?: string } = {}): string | undefined {
    const value = this.raw(key);
    if (value === undefined || value === '') return options.optional === true ? undefined : this.#fail(key, 'missing');
    if (typeof value !== 'string') return this.#fail(key, `${JSON.stringify(value)} is not a string`);
    if (options.pattern !== undefined && !options.pattern.test(value)) {
      return this.#fail(key, `${JSON.stringify(value)} is not ${options.patternText ?? String(options.pattern)}`);
    }
    return value;
  }

  choice<T extends string>(key: string, choices: readonly T[], optional = false): T | undefined {
    const value = this.text(key, { optional });
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value)) {
      return this.#fail(key, `${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
    }
    return value as T;
  }

  integer(key: string, min: number, max: number, optional = false): number | undefined {
    const value = this.raw(key);
    if (value === undefined || value === '') return optional ? undefined : this.#fail(key, 'missing');
    const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim())
      ? Number(value) : NaN;
    if (!Number.isInteger(number)) return this.#fail(key, `${JSON.stringify(value)} is not an integer`);
    if (number < min || number > max) return this.#fail(key, `${number} is outside ${min}..${max}`);
    return number;
  }

  number(key: string, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined || value === '') return this.#fail(key, 'missing');
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(number)) return this.#fail(key, `${JSON.stringify(value)} is not a number`);
    if (number < min || number > max) return this.#fail(key, `${number} is outside ${min}..${max}`);
    return number;
  }
}

const GPIO_MAX = 48;

function readWiring(r: Reader, bus: 'i2c' | 'spi' | undefined): AccelerometerWiring | undefined {
  if (bus === 'i2c') {
    const data = r.integer('i2cData', 0, GPIO_MAX);
    const clock = r.integer('i2cClock', 0, GPIO_MAX);
    const hz = r.integer('i2cHz', 10_000, 1_000_000);
    const address = r.integer('accelAddress', 0x08, 0x77);
    const port = r.integer('i2cPort', 0, 1, true);
    if (data === undefined || clock === undefined || hz === undefined || address === undefined) return undefined;
    return port === undefined ? { bus, data, clock, hz, address } : { bus, data, clock, hz, address, port };
  }
  if (bus === 'spi') {
    const clock = r.integer('spiClock', 0, GPIO_MAX);
    const miso = r.integer('spiMiso', 0, GPIO_MAX);
    const mosi = r.integer('spiMosi', 0, GPIO_MAX);
    const select = r.integer('spiSelect', 0, GPIO_MAX);
    const hz = r.integer('spiHz', 100_000, 10_000_000);
    // ESP32 SPI hosts: 1 = HSPI (SPI2), 2 = VSPI (SPI3); 0 is the flash bus.
    const port = r.integer('spiPort', 1, 2);
    if (clock === undefined || miso === undefined || mosi === undefined || select === undefined || hz === undefined ||
      port === undefined) return undefined;
    return { bus, clock, in: miso, out: mosi, select, hz, port };
  }
  return undefined;
}

export function parseDeviceConfig(raw: Readonly<Record<string, unknown>>, platform: Platform): DeviceConfigResult {
  const r = new Reader(raw);
  const id = { pattern: ID_PATTERN, patternText: '1 to 32 letters, digits, _ or - (it goes into MQTT topics)' };
  const site = r.text('site', id);
  const node = r.text('node', id);
  const role = r.choice('role', NODE_ROLES);
  const zone = r.text('zone', { optional: true }) ?? '';
  const building = r.text('building');
  const floor = r.text('floor');
  const room = r.text('room');
  const element = r.text('element');
  const label = r.text('label');
  const host = r.text('brokerHost');
  const port = r.integer('brokerPort', 1, 65535);
  const keepaliveMs = r.integer('keepaliveMs', 1000, 65535_000);
  const user = r.text('mqttUser', { optional: true });
  const password = r.text('mqttPassword', { optional: true });
  const sntp = r.text('sntp', { optional: true });
  const part = r.choice<AccelerometerPart>('accelPart', ['lis3dh', 'adxl345']);
  const rateHz = r.integer('accelRateHz', 1, 6000);
  const rangeG = r.integer('accelRangeG', 2, 16);
  const logLevel = r.choice<LogLevelName>('logLevel', ['debug', 'info', 'warn', 'error'], true) ?? 'info';
  const watchdogMs = r.integer('watchdogMs', 1000, 600_000, true) ?? 30_000;

  let wiring: AccelerometerWiring | undefined;
  let interruptPin: number | undefined;
  let microphone: DeviceConfig['microphone'];
  let replay: DeviceConfig['replay'];
  const wantsMicrophone = role !== undefined && ROLES_WITH_MICROPHONE.includes(role);
  if (platform === 'esp32') {
    const bus = r.choice<'i2c' | 'spi'>('accelBus', ['i2c', 'spi']);
    wiring = readWiring(r, bus);
    if (part !== undefined && rateHz !== undefined && rangeG !== undefined && wiring !== undefined) {
      // What the driver would refuse at start, refused now: a node that cannot build its sensor runs in safe mode.
      const problem = part === 'adxl345'
        ? adxl345SettingsProblem({ rateHz, rangeG, bus: wiring.bus, busHz: wiring.hz })
        : lis3dhSettingsProblem({ rateHz, rangeG });
      if (problem !== undefined) r.errors.push(`config.accelPart/accelRateHz/accelRangeG/accelBus: ${problem}`);
    }
    const pin = r.integer('accelIntPin', -1, GPIO_MAX);
    interruptPin = pin === undefined || pin < 0 ? undefined : pin;
    const micPart = r.choice<MicrophonePart | 'none'>('micPart', ['inmp441', 'ics43434', 'none']);
    if (micPart === 'none' && wantsMicrophone) r.errors.push(`config.micPart: the ${role} role needs a microphone`);
    microphone = micPart === undefined || micPart === 'none' ? undefined : { part: micPart };
  } else {
    const accelerometer = r.text('replayAccelerometer');
    const accelFullScaleG = r.number('replayAccelFullScaleG', 1, 64);
    const mic = r.text('replayMicrophone', { optional: !wantsMicrophone });
    if (accelerometer !== undefined && accelFullScaleG !== undefined) replay = { accelerometer, accelFullScaleG, microphone: mic };
    microphone = mic === undefined ? undefined : { part: 'inmp441' };
  }

  if (r.errors.length > 0 || site === undefined || node === undefined || role === undefined || building === undefined ||
    floor === undefined || room === undefined || element === undefined || label === undefined || host === undefined ||
    port === undefined || keepaliveMs === undefined || part === undefined || rateHz === undefined ||
    rangeG === undefined) {
    return { ok: false, errors: r.errors, keysRead: r.keysRead };
  }
  const config: DeviceConfig = {
    site, node, role, zone,
    location: { building, floor, room, element, label },
    broker: { host, port, keepaliveMs, ...(user === undefined ? {} : { user }), ...(password === undefined ? {} : { password }) },
    sntpHosts: sntp === undefined ? [] : sntp.split(',').map((h) => h.trim()).filter((h) => h !== ''),
    accelerometer: {
      part, wiring, rateHz, rangeG, interruptPin,
    },
    microphone,
    replay,
    logLevel,
    watchdogMs,
  };
  return { ok: true, config, keysRead: r.keysRead };
}

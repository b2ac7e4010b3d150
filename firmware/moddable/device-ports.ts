/**
 * Builds the node's ports from the device adapters for one configuration: the accelerometer (LIS3DH
 * or ADXL345 on I2C or SPI, or a replayed recording on lin), the microphone (I2S through
 * embedded:io/audio/in, or a recording), the MQTT transport, storage, clock, log and system info.
 * Everything Moddable is handed in as a DeviceIo (main.ts fills it from the SDK's modules), so the
 * assembly runs under Node and in the XS harness against the fakes in host-tests/helpers/device/.
 */
import type { Clock, SensorSource } from '../ports';
import type { FftFactory } from '../dsp/fft-factory';
import type { AudioInIoConstructor } from './microphone-source';
import { MicrophoneSource } from './microphone-source';
import type { DeviceConfig, Platform } from './device-config';
import type { DeviceClockOptions } from './device-clock';
import type { DigitalIoConstructor, FifoAccelerometerSource } from './fifo-accelerometer';
import { Lis3dhSource } from './lis3dh';
import { Adxl345Source } from './adxl345';
import type { MqttTransportOptions } from './mqtt-transport';
import type { PreferenceIo } from './preference-storage';
import type { SensorBusOptions, SmbusIoConstructor, SpiIoConstructor } from './register-bus';
import { ReplaySource } from './replay-source';
import type { SntpIoConstructor } from './sntp-sync';
import type { InstrumentationIo } from './system-info';
import type { WifiIoConstructor } from './wifi-link';

/** An embedded resource (Moddable's Resource is a HostBuffer that typed arrays accept). */
export type ResourceBytes = ArrayBuffer | { readonly byteLength: number };

/** Everything main.ts takes from the Moddable SDK, injected so that boot logic runs anywhere. */
export interface DeviceIo {
  platform: Platform;
  /** `mc/config`: the manifests' config sections with the mcconfig key=value overrides. */
  config: Readonly<Record<string, unknown>>;
  timer: DeviceClockOptions['timer'];
  time: DeviceClockOptions['time'];
  /** Date.now: the system wall clock (set by the ESP32 network setup's SNTP). */
  wallClockMs: () => number;
  /** The global trace (serial console, xsbug). */
  trace: (text: string) => void;
  preference: PreferenceIo;
  instrumentation: InstrumentationIo;
  /** embedded:io/system's System.restart. */
  restart: () => void;
  firmwareVersion: string;
  /** `device.network.mqtt`; undefined when the build lacks the ECMA-419 client. */
  mqtt: MqttTransportOptions['network'] | undefined;
  /** `device.io` classes (esp32). */
  io: { SMBus?: SmbusIoConstructor; SPI?: SpiIoConstructor; Digital?: DigitalIoConstructor };
  /** embedded:io/audio/in, when the build has it. */
  audioIn?: AudioInIoConstructor;
  /** lin: an embedded resource by name (undefined when absent). */
  resource?: (name: string) => ResourceBytes | undefined;
  /** Moddable's sntp module and Time.set. */
  sntp?: { io: SntpIoConstructor; setSystemTime(epochSeconds: number): void };
  /** Moddable's legacy wifi module with the build's ssid and password (esp32), and whether the link is up. */
  wifi?: { io: WifiIoConstructor; ssid: string; password?: string; connected: boolean };
  /** native/native-fft's NativeRealFft, when the build has it (docs/native.md). */
  nativeFft?: FftFactory;
  /** A per-board id (the MAC address) for safe mode when the configured node id is unusable. */
  boardId?: string;
  random?: () => number;
}

/** A chip that did not answer is tried again this often (the node reports it as a sensor fault meanwhile). */
const SENSOR_RETRY_MS = 5000;

function sensorBus(config: DeviceConfig, io: DeviceIo): SensorBusOptions {
  const wiring = config.accelerometer.wiring;
  if (wiring === undefined) throw new Error('accelerometer: no bus wiring in the configuration');
  if (wiring.bus === 'i2c') {
    const SMBus = io.io.SMBus;
    if (SMBus === undefined) throw new Error('accelerometer: device.io has no SMBus class');
    return { ...wiring, io: SMBus };
  }
  const SPI = io.io.SPI;
  if (SPI === undefined) throw new Error('accelerometer: device.io has no SPI class');
  return { ...wiring, io: SPI };
}

/** The accelerometer for this configuration; throws a RangeError naming the part for a rate or range it lacks. */
export function createAccelerometer(config: DeviceConfig, io: DeviceIo, clock: Clock): SensorSource & { probe?(): void } {
  const replay = config.replay;
  if (replay !== undefined) {
    const wav = io.resource?.(replay.accelerometer);
    if (wav === undefined) throw new Error(`accelerometer: no resource '${replay.accelerometer}' in the build`);
    return new ReplaySource({ kind: 'accelerometer', wav, name: replay.accelerometer, clock,
      unitsPerCount: replay.accelFullScaleG / 32768 });
  }
  const { part, rateHz, rangeG, interruptPin } = config.accelerometer;
  const Digital = io.io.Digital;
  const options = {
    sensor: sensorBus(config, io),
    clock, rateHz, rangeG, retryMs: SENSOR_RETRY_MS,
    ...(interruptPin === undefined || Digital === undefined ? {} : { interrupt: { io: Digital, pin: interruptPin } }),
  };
  const source: FifoAccelerometerSource = part === 'lis3dh' ? new Lis3dhSource(options) : new Adxl345Source(options);
  return source;
}

/** The microphone, or undefined for a role without one. */
export function createMicrophone(config: DeviceConfig, io: DeviceIo, clock: Clock): SensorSource | undefined {
  if (config.microphone === undefined) return undefined;
  const name = config.replay?.microphone;
  if (name !== undefined) {
    const wav = io.resource?.(name);
    if (wav === undefined) throw new Error(`microphone: no resource '${name}' in the build`);
    return new ReplaySource({ kind: 'microphone', wav, name, clock, unitsPerCount: 1 / 32768 });
  }
  const AudioIn = io.audioIn;
  if (AudioIn === undefined) throw new Error('microphone: the build has no embedded:io/audio/in');
  return new MicrophoneSource({ audio: { io: AudioIn }, clock });
}

export interface SensorSet {
  microphone: SensorSource | undefined;
  accelerometer: SensorSource | undefined;
  /** Problems that keep the node from running (each names the sensor). */
  problems: string[];
  /** Sensors that did not answer at boot but leave the node useful (reported as sensor faults by the node). */
  missing: string[];
  /** Checks again whether every missing sensor answers now (safe mode restarts once they do). */
  answering(): boolean;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Builds the sensors and probes the accelerometer chip. A sensor that cannot be built is a problem
 * (wrong rate for the part, module absent). A chip that does not answer is a problem only when it is
 * the node's only sensor (balcony); next to a microphone the node runs and reports it as a sensor fault.
 */
export function createSensors(config: DeviceConfig, io: DeviceIo, clock: Clock): SensorSet {
  const problems: string[] = [];
  const missing: string[] = [];
  let microphone: SensorSource | undefined;
  let accelerometer: (SensorSource & { probe?(): void }) | undefined;
  try {
    microphone = createMicrophone(config, io, clock);
  } catch (error) {
    problems.push(messageOf(error).startsWith('microphone') ? messageOf(error) : `microphone: ${messageOf(error)}`);
  }
  try {
    accelerometer = createAccelerometer(config, io, clock);
  } catch (error) {
    problems.push(messageOf(error).startsWith('accelerometer') ? messageOf(error) : `accelerometer: ${messageOf(error)}`);
  }
  const probe = accelerometer?.probe?.bind(accelerometer);
  const answers = (): string | undefined => {
    if (probe === undefined) return undefined;
    try {
      probe();
      return undefined;
    } catch (error) {
      return `accelerometer: ${messageOf(error)}`;
    }
  };
  const silent = answers();
  if (silent !== undefined) {
    if (microphone === undefined) problems.push(`${silent} (no other sensor would run)`);
    else if (problems.length > 0) problems.push(silent);
    else missing.push(silent);
  }
  return { microphone, accelerometer, problems, missing, answering: () => answers() === undefined };
}

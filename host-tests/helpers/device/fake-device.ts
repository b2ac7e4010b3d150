/**
 * A whole fake board for the start-up code (firmware/moddable/boot.ts, selfbench-device.ts): Moddable's
 * Timer and Time over a ManualClock, a fake NVS Preference, Instrumentation, restart and trace
 * recorders, the ECMA-419 MQTT client fake, and per platform either an LIS3DH or ADXL345 register fake
 * with an I2S audio driver fake (esp32) or embedded recordings (lin). Only hardware and SDK modules are
 * faked: boot, the adapters and the node run unchanged. No Node APIs, so the XS entries use it too.
 */
import type { DeviceIo, ResourceBytes } from '../../../firmware/moddable/device-ports';
import type { InstrumentationName } from '../../../firmware/moddable/system-info';
import type { WifiIoConstructor } from '../../../firmware/moddable/wifi-link';
import type { SntpIoConstructor } from '../../../firmware/moddable/sntp-sync';
import { FakeAdxl345, FakeLis3dh, type SampleGenerator } from './fake-accelerometers';
import { FakeAudioDriver } from './fake-audio-in';
import { fakeMqttNetwork, type FakeMqttClient } from './fake-mqtt-client';
import { FakePreference } from './fake-preference';
import { ManualClock } from './manual-clock';

/** A still accelerometer: 1 g on z (LIS3DH ±2 g counts: 16000 per g), a little noise on every axis. */
export const stillSamples: SampleGenerator = (index, out) => {
  out[0] = ((index * 7919) % 33) - 16;
  out[1] = ((index * 104729) % 29) - 14;
  out[2] = 16000 + ((index * 31) % 17) - 8;
};

export interface FakeDeviceOptions {
  platform: 'esp32' | 'lin';
  config: Record<string, unknown>;
  /** esp32: which chip answers on the bus (none: nothing answers). Default lis3dh. */
  chip?: 'lis3dh' | 'adxl345' | 'none';
  samples?: SampleGenerator;
  /** esp32: the audio input module is in the build. Default true. */
  audioIn?: boolean;
  /** lin: embedded resources by name. */
  resources?: Record<string, ResourceBytes>;
  /** The board's NVS, to keep across a simulated restart. */
  preference?: FakePreference;
  /** The build has the ECMA-419 MQTT client. Default true. */
  mqtt?: boolean;
  /** SNTP answers with this time (Unix seconds); undefined: no SNTP module. */
  sntpSeconds?: number;
  nativeFft?: DeviceIo['nativeFft'];
}

export class FakeDevice {
  readonly clock = new ManualClock(0);
  readonly traces: string[] = [];
  readonly restarts: string[] = [];
  readonly network = fakeMqttNetwork(8192);
  readonly preference: FakePreference;
  readonly chip: FakeLis3dh | FakeAdxl345 | undefined;
  readonly audio: FakeAudioDriver | undefined;
  readonly io: DeviceIo;
  readonly #acknowledged = new Set<object>();

  constructor(options: FakeDeviceOptions) {
    this.preference = options.preference ?? new FakePreference();
    const chipKind = options.platform === 'esp32' ? options.chip ?? 'lis3dh' : 'none';
    const samples = options.samples ?? stillSamples;
    const chip = chipKind === 'lis3dh' ? new FakeLis3dh(samples) : chipKind === 'adxl345' ? new FakeAdxl345(samples) : undefined;
    this.chip = chip;
    this.audio = options.platform === 'esp32' && options.audioIn !== false ? new FakeAudioDriver() : undefined;
    const clock = this.clock;
    const timers = new Map<object, ReturnType<ManualClock['setTimer']>>();
    const instrumentation: Record<InstrumentationName, number> = {
      'System Free Memory': 0, 'XS Slot Heap Used': 1, 'XS Chunk Heap Used': 2, 'XS Garbage Collection Count': 3,
    };
    // Nothing answers at a bus address without a chip: reads NACK.
    const silentBus = class {
      constructor() {
        throw new Error('I2C NACK');
      }
    };
    const resources = options.resources ?? {};
    // The platform's network setup connected already: the link monitor only watches.
    const Wifi = Object.assign(class {
      close(): void {}
    }, { connect: () => {} }) as unknown as WifiIoConstructor;
    const sntpSeconds = options.sntpSeconds;
    const Sntp = class {
      constructor(_options: { host: string }, callback: (message: number, value?: number) => void) {
        clock.setTimer(() => callback(1, sntpSeconds), 50);
      }
    } as unknown as SntpIoConstructor;
    this.io = {
      platform: options.platform,
      config: options.config,
      timer: {
        set: (callback, interval = 0, repeat) => {
          const key = {};
          timers.set(key, clock.setTimer(callback, interval, repeat));
          return key;
        },
        clear: (key) => {
          const handle = timers.get(key);
          if (handle !== undefined) clock.clearTimer(handle);
          timers.delete(key);
        },
      },
      time: { get ticks(): number { return clock.nowMs; } },
      wallClockMs: () => 0,
      trace: (text) => {
        this.traces.push(text);
      },
      preference: this.preference,
      instrumentation: {
        map: (name) => instrumentation[name],
        get: (index) => [96_000, 40_000 + clock.nowMs, 60_000, 7][index],
      },
      restart: () => {
        this.restarts.push(`at ${clock.nowMs} ms`);
      },
      firmwareVersion: '0.1.0-test',
      mqtt: options.mqtt === false ? undefined : this.network,
      io: options.platform === 'lin' ? {} : {
        SMBus: chip?.smbus(chip instanceof FakeLis3dh ? 0x18 : 0x53) ?? (silentBus as never),
        SPI: chip?.spi() ?? (silentBus as never),
        Digital: (chip ?? new FakeLis3dh()).interrupt.digitalConstructor({ pins: [] }),
      },
      ...(this.audio === undefined ? {} : { audioIn: this.audio.io() }),
      resource: (name) => resources[name],
      ...(sntpSeconds === undefined ? {} : { sntp: { io: Sntp, setSystemTime: () => {} } }),
      ...(options.platform === 'esp32' ? { wifi: { io: Wifi, ssid: 'musee', password: 'secret', connected: true } } : {}),
      ...(options.nativeFft === undefined ? {} : { nativeFft: options.nativeFft }),
      boardId: '24:0a:c4:12:34:56',
      random: () => 0.5,
    };
  }

  /** The MQTT client the node opened most recently. */
  get client(): FakeMqttClient {
    const client = this.network.clients.at(-1);
    if (client === undefined) throw new Error('no MQTT client was opened');
    return client;
  }

  /** Runs time forward in 1 ms steps (the chip's sample clock, the audio task and the timers together). */
  run(ms: number): void {
    const end = this.clock.nowMs + ms;
    for (let t = this.clock.nowMs + 1; t <= end; t++) {
      this.chip?.advanceTo(t);
      this.audio?.advanceTo(t);
      this.clock.advanceTo(t);
    }
  }

  /** The socket drains and the broker acknowledges every QoS 1 publish not acknowledged yet (newest client). */
  acknowledge(): void {
    const client = this.client;
    if (!client.connected) return;
    client.grant(8192);
    for (const packet of client.packets) {
      if (packet.operation === 3 && packet.QoS === 1 && packet.id !== undefined && !this.#acknowledged.has(packet)) {
        this.#acknowledged.add(packet);
        client.puback(packet.id);
      }
    }
  }

  /** Runs `ms` with the broker acknowledging every 10 ms. */
  runOnline(ms: number): void {
    for (let left = ms; left > 0; left -= 10) {
      this.run(Math.min(10, left));
      this.acknowledge();
    }
  }

  /** Text the log printed. */
  get log(): string {
    return this.traces.join('');
  }
}

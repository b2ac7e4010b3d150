/**
 * Device start-up: gathers the Moddable SDK's modules into a DeviceIo and boots the node (boot.ts), or
 * runs the self-benchmark when the build is manifests/selfbench.json (`config.app` = "selfbench").
 * Wiring only: every decision lives in modules the host tests run under Node and in XS (boot.ts,
 * boot-plan.ts, device-ports.ts, safe-mode.ts, selfbench.ts). Modules that only some builds contain
 * (wifi and sntp on esp32, audio input on the display-case and window builds, the native FFT) are
 * loaded through `Modules`, so one source builds for every role and platform.
 */
import config from 'mc/config';
import Timer from 'timer';
import Time from 'time';
import Preference from 'preference';
import Instrumentation from 'instrumentation';
import Modules from 'modules';
import Net from 'net';
import Resource from 'Resource';
import System from 'embedded:io/system';
import type { Fft } from '../dsp/fft';
import type { FftFactory } from '../dsp/fft-factory';
import { bootDevice } from './boot';
import type { DeviceIo } from './device-ports';
import type { AudioInIoConstructor } from './microphone-source';
import type { MqttTransportOptions } from './mqtt-transport';
import type { SmbusIoConstructor, SpiIoConstructor } from './register-bus';
import type { DigitalIoConstructor } from './fifo-accelerometer';
import type { SntpIoConstructor } from './sntp-sync';
import type { WifiIoConstructor } from './wifi-link';
import { runSelfBenchOnDevice } from './selfbench-device';
import { FIRMWARE_VERSION } from './version';

/** What Moddable's `system` module and manifest_mqttclient.json's config.js put on globalThis.device. */
interface DeviceGlobal {
  io?: { SMBus?: SmbusIoConstructor; SPI?: SpiIoConstructor; Digital?: DigitalIoConstructor };
  network?: { mqtt?: MqttTransportOptions['network'] };
}

/** A module's default export (or a named one) when the build contains the module. */
function optional<T>(name: string, exportName = 'default'): T | undefined {
  if (!Modules.has(name)) return undefined;
  const loaded = Modules.importNow(name);
  if (loaded !== null && typeof loaded === 'object' && exportName in loaded) return (loaded as Record<string, unknown>)[exportName] as T;
  return exportName === 'default' ? loaded as T : undefined;
}

function nativeFftFactory(): FftFactory | undefined {
  const NativeRealFft = optional<new (size: number) => Fft>('native/native-fft', 'NativeRealFft');
  return NativeRealFft === undefined ? undefined : (size) => new NativeRealFft(size);
}

function deviceIo(): DeviceIo {
  const device = (globalThis as { device?: DeviceGlobal }).device;
  const platform = config.platform === 'lin' ? 'lin' : 'esp32';
  const Wifi = optional<WifiIoConstructor>('wifi');
  const Sntp = optional<SntpIoConstructor>('sntp');
  const ssid = typeof config.ssid === 'string' ? config.ssid : '';
  const password = typeof config.password === 'string' && config.password !== '' ? config.password : undefined;
  return {
    platform,
    config,
    // Timer.clear takes a Timer; the clock hands back what Timer.set returned.
    timer: { set: (callback, interval, repeat) => Timer.set(callback, interval, repeat), clear: (timer) => Timer.clear(timer as Timer) },
    time: Time,
    wallClockMs: () => Date.now(),
    trace: (text) => trace(text),
    preference: Preference,
    instrumentation: Instrumentation,
    restart: () => System.restart(),
    firmwareVersion: FIRMWARE_VERSION,
    mqtt: device?.network?.mqtt,
    io: device?.io ?? {},
    audioIn: optional<AudioInIoConstructor>('embedded:io/audio/in'),
    resource: (name) => (Resource.exists(name) ? new Resource(name) : undefined),
    sntp: Sntp === undefined ? undefined : { io: Sntp, setSystemTime: (seconds) => Time.set(seconds) },
    wifi: Wifi === undefined || ssid === '' ? undefined : { io: Wifi, ssid, password, connected: Net.get('IP') !== undefined },
    nativeFft: nativeFftFactory(),
    boardId: Net.get('MAC'),
  };
}

const io = deviceIo();
if (config.app === 'selfbench') runSelfBenchOnDevice(io);
else bootDevice(io);

/**
 * The device's start-up, minus the Moddable imports (main.ts supplies them as a DeviceIo): plan from
 * the build configuration, build the ports from the adapters, start the SensorNode — or, when the
 * configuration or the build is wrong, the only sensor does not answer, or the node's start throws,
 * start safe mode instead (safe-mode.ts). Either way the Wi-Fi link, SNTP and the watchdog run.
 */
import type { SensorSource } from '../ports';
import { useFftFactory } from '../dsp/fft-factory';
import { SensorNode } from '../node/sensor-node';
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../node/detector-registry';
import { rolePipelineFactory } from '../node/pipeline-factory';
import type { BootPlan, BuildCapabilities } from './boot-plan';
import { bootSettings, nodeIdFromBoard, planBoot } from './boot-plan';
import type { DeviceConfig } from './device-config';
import { DeviceClock } from './device-clock';
import type { DeviceIo, SensorSet } from './device-ports';
import { createSensors } from './device-ports';
import { MqttTransport } from './mqtt-transport';
import { PreferenceStorage } from './preference-storage';
import { SafeModeNode, clearRetainedOnConnect, safeModeTopic } from './safe-mode';
import { SntpSync } from './sntp-sync';
import { DeviceSystemInfo } from './system-info';
import { TraceLog } from './trace-log';
import { Watchdog } from './watchdog';
import { WatchdogFeed } from './watchdog-feed';
import { WifiLink } from './wifi-link';

/** NVS namespace of the node's storage. */
export const STORAGE_DOMAIN = 'vitrine';
/** Safe mode checks this often whether a sensor that did not answer at boot answers now. */
export const SENSOR_RECHECK_MS = 30_000;

export interface DeviceParts {
  clock: DeviceClock;
  log: TraceLog;
  system: DeviceSystemInfo;
  storage: PreferenceStorage | undefined;
  watchdog: Watchdog;
  feed: WatchdogFeed;
  wifi: WifiLink | undefined;
  sntp: SntpSync | undefined;
  /** Whether the node's FFTs come from native/native-fft. */
  nativeFft: boolean;
}

export type BootOutcome =
  | { mode: 'node'; node: SensorNode; parts: DeviceParts; microphone: SensorSource | undefined; accelerometer: SensorSource | undefined }
  | { mode: 'safe'; safe: SafeModeNode; parts: DeviceParts; problems: string[] };

export function capabilitiesOf(io: DeviceIo): BuildCapabilities {
  return {
    mqttClient: io.mqtt !== undefined,
    smbus: io.io.SMBus !== undefined,
    spi: io.io.SPI !== undefined,
    digital: io.io.Digital !== undefined,
    audioIn: io.audioIn !== undefined,
    resourceExists: (name) => io.resource?.(name) !== undefined,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sntpHosts(raw: Readonly<Record<string, unknown>>): string[] {
  return typeof raw.sntp === 'string' ? raw.sntp.split(',').map((h) => h.trim()).filter((h) => h !== '') : [];
}

/** Builds the parts every start-up shares (node, safe mode, self-benchmark) and starts the network services. */
export function commonParts(io: DeviceIo): { parts: DeviceParts; problems: string[] } {
  const settings = bootSettings(io.config);
  const clock = new DeviceClock({ timer: io.timer, time: io.time, wallClockMs: io.wallClockMs });
  const log = new TraceLog({ trace: io.trace, clock, level: settings.logLevel });
  const system = new DeviceSystemInfo({ instrumentation: io.instrumentation, version: io.firmwareVersion, restart: io.restart, log });
  const watchdog = new Watchdog({ clock, system, timeoutMs: settings.watchdogMs });
  const feed = new WatchdogFeed({ watchdog, clock, checkMs: Math.max(250, Math.floor(settings.watchdogMs / 4)) });
  const problems: string[] = [];
  let storage: PreferenceStorage | undefined;
  try {
    storage = new PreferenceStorage({ preference: io.preference, domain: STORAGE_DOMAIN });
  } catch (error) {
    problems.push(`storage: ${messageOf(error)}`);
  }
  let wifi: WifiLink | undefined;
  if (io.wifi !== undefined && io.wifi.ssid !== '') {
    wifi = new WifiLink({ wifi: io.wifi.io, ssid: io.wifi.ssid, password: io.wifi.password, clock, log,
      initiallyConnected: io.wifi.connected });
    wifi.start();
  }
  let sntp: SntpSync | undefined;
  const hosts = sntpHosts(io.config);
  if (io.sntp !== undefined && hosts.length > 0) {
    sntp = new SntpSync({ sntp: io.sntp.io, hosts, clock, setSystemTime: io.sntp.setSystemTime, log });
    sntp.start();
  }
  return { parts: { clock, log, system, storage, watchdog, feed, wifi, sntp, nativeFft: false }, problems };
}

function describeSensors(config: DeviceConfig, sensors: SensorSet): string {
  const accel = config.replay !== undefined ? `accelerometer replaying ${config.replay.accelerometer}`
    : `accelerometer ${config.accelerometer.part} ${config.accelerometer.wiring?.bus ?? ''} at ${sensors.accelerometer?.rateHz ?? config.accelerometer.rateHz} Hz`;
  const mic = sensors.microphone === undefined ? 'no microphone'
    : config.replay?.microphone !== undefined ? `microphone replaying ${config.replay.microphone}` : `microphone ${config.microphone?.part ?? ''}`;
  return `${accel}, ${mic}`;
}

/** Starts the node for a valid plan; returns the problems that keep it from running instead. */
function startNode(io: DeviceIo, plan: Extract<BootPlan, { mode: 'node' }>, parts: DeviceParts, storage: PreferenceStorage):
  { outcome: BootOutcome } | { problems: string[]; sensors: SensorSet | undefined } {
  const { clock, log, system, feed } = parts;
  const { config, provisioning } = plan;
  const sensors = createSensors(config, io, clock);
  if (sensors.problems.length > 0) return { problems: sensors.problems, sensors };
  for (const missing of sensors.missing) log.log('warn', `${missing}; the node runs without it and reports it as a sensor_fault`);
  const network = io.mqtt;
  if (network === undefined) return { problems: ['build: no ECMA-419 MQTT client (device.network.mqtt)'], sensors };
  const transport = new MqttTransport({ network, host: config.broker.host, port: config.broker.port, clock, log });
  const microphone = sensors.microphone === undefined ? undefined : feed.watch(sensors.microphone);
  const accelerometer = sensors.accelerometer === undefined ? undefined : feed.watch(sensors.accelerometer);
  if (io.nativeFft !== undefined) {
    useFftFactory(io.nativeFft);
    parts.nativeFft = true;
  }
  log.log('info', `${config.role} ${config.site}/${config.node}: ${describeSensors(config, sensors)}; FFT ${parts.nativeFft ? 'native' : 'TypeScript'}`);
  let node: SensorNode | undefined;
  try {
    node = new SensorNode({
      clock, storage, log, system, microphone, accelerometer,
      transport: clearRetainedOnConnect(transport, safeModeTopic(config.site, config.node)),
    }, {
      provisioning,
      detectorSpecs: DETECTOR_SPECS,
      detectorDefaults: ROLE_DETECTOR_DEFAULTS,
      createPipelines: rolePipelineFactory({
        accelerometerRateHz: accelerometer?.rateHz ?? config.accelerometer.rateHz,
        hasMicrophone: microphone !== undefined,
        hasAccelerometer: accelerometer !== undefined,
      }),
      ...(io.random === undefined ? {} : { random: io.random }),
    });
    node.start();
  } catch (error) {
    // Whatever start() got going stops before safe mode takes the network over.
    microphone?.stop();
    accelerometer?.stop();
    transport.stop(false);
    feed.unwatchAll();
    useFftFactory();
    parts.nativeFft = false;
    return { problems: [`start: ${messageOf(error)}`], sensors };
  }
  return { outcome: { mode: 'node', node, parts, microphone, accelerometer } };
}

export function bootDevice(io: DeviceIo): BootOutcome {
  const { parts, problems } = commonParts(io);
  const { log, clock, system, storage, watchdog, feed } = parts;
  const plan = planBoot(io.config, io.platform, capabilitiesOf(io), nodeIdFromBoard(io.boardId));
  log.log('info', `Vitrine ${io.firmwareVersion} on ${io.platform}, boot plan: ${plan.mode === 'node' ? 'node' : 'safe mode'}`);
  let sensors: SensorSet | undefined;
  if (plan.mode === 'node' && storage !== undefined && problems.length === 0) {
    const started = startNode(io, plan, parts, storage);
    if ('outcome' in started) {
      watchdog.start();
      feed.start();
      return started.outcome;
    }
    problems.push(...started.problems);
    sensors = started.sensors;
  }
  if (plan.mode === 'safe') problems.push(...plan.problems);
  const target = plan.mode === 'safe' ? plan.target : {
    site: plan.config.site, node: plan.config.node,
    broker: { ...plan.config.broker },
  };
  const provisioning = plan.provisioning;
  const broker = target.broker;
  const transport = broker === undefined || io.mqtt === undefined ? undefined
    : new MqttTransport({ network: io.mqtt, host: broker.host, port: broker.port, clock, log });
  // Only a sensor that stopped answering can come back by itself: then restart once it answers.
  const onlySilentSensor = problems.length === 1 && sensors !== undefined && sensors.problems.length === 1 && !sensors.answering();
  const safe = new SafeModeNode({ clock, log, system, transport, storage }, {
    site: target.site,
    node: target.node,
    problems,
    keepaliveMs: broker?.keepaliveMs ?? 5000,
    ...(broker?.user === undefined && broker?.password === undefined ? {} : {
      mqtt: { ...(broker.user === undefined ? {} : { username: broker.user }), ...(broker.password === undefined ? {} : { password: broker.password }) },
    }),
    ...(provisioning === undefined ? {} : {
      context: { provisioning, specs: DETECTOR_SPECS, detectorDefaults: ROLE_DETECTOR_DEFAULTS },
    }),
    ...(onlySilentSensor && sensors !== undefined ? {
      recheck: { everyMs: SENSOR_RECHECK_MS, what: 'the sensor answers again', ready: sensors.answering },
    } : {}),
  });
  safe.start();
  watchdog.start();
  feed.start();
  return { mode: 'safe', safe, parts, problems };
}

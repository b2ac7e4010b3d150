/**
 * What the device does at boot, decided from the build configuration (`mc/config`) and what the build
 * contains: run the node, or stay in safe mode because something the node needs is wrong or absent.
 * Pure: main.ts gathers the facts, this decides; host tests drive it with every kind of fault.
 */
import type { NodeProvisioning } from '../node/config';
import { checkProvisioning } from '../node/config';
import { ID_PATTERN } from '../node/protocol';
import type { DeviceConfig, LogLevelName, Platform } from './device-config';
import { parseDeviceConfig } from './device-config';

/** What the build provides, as main.ts finds it (globalThis.device, Modules.has, Resource.exists). */
export interface BuildCapabilities {
  /** The ECMA-419 MQTT client (`device.network.mqtt`, from manifest_mqttclient.json). */
  mqttClient: boolean;
  /** ECMA-419 IO classes in `device.io` (esp32). */
  smbus: boolean;
  spi: boolean;
  digital: boolean;
  /** `embedded:io/audio/in` (modules/io/audioin/manifest.json). */
  audioIn: boolean;
  /** Whether an embedded resource exists (lin: the replay recordings). */
  resourceExists(name: string): boolean;
}

/** Where safe mode publishes and how it reaches the broker, read leniently from whatever is usable. */
export interface SafeModeTarget {
  site: string;
  node: string;
  /** undefined when no broker is configured: safe mode can then only trace. */
  broker: { host: string; port: number; keepaliveMs: number; user?: string; password?: string } | undefined;
}

export interface BootSettings {
  logLevel: LogLevelName;
  watchdogMs: number;
}

export type BootPlan =
  | { mode: 'node'; config: DeviceConfig; provisioning: NodeProvisioning; settings: BootSettings }
  | { mode: 'safe'; problems: string[]; target: SafeModeTarget; settings: BootSettings;
    /** The installer's provisioning when it is valid (safe mode can then check and store cmd/config). */
    provisioning: NodeProvisioning | undefined };

/** Site used in safe-mode topics when the configured one is unusable. */
export const UNPROVISIONED_SITE = 'unprovisioned';

const MQTT_CLIENT_MANIFEST = '$(MODDABLE)/examples/io/tcp/mqttclient/manifest_mqttclient.json';
const AUDIO_IN_MANIFEST = '$(MODDABLE)/modules/io/audioin/manifest.json';

export function provisioningOf(config: DeviceConfig): NodeProvisioning {
  const { user, password } = config.broker;
  return {
    site: config.site,
    node: config.node,
    role: config.role,
    location: { ...config.location },
    ...(config.zone === '' ? {} : { zone: config.zone }),
    ...(user === undefined && password === undefined ? {} : {
      mqtt: { ...(user === undefined ? {} : { username: user }), ...(password === undefined ? {} : { password }) },
    }),
  };
}

/** Everything the build lacks for this configuration, each naming the setting and what to include. */
export function capabilityProblems(config: DeviceConfig, platform: Platform, build: BuildCapabilities): string[] {
  const problems: string[] = [];
  if (!build.mqttClient) problems.push(`build: no ECMA-419 MQTT client (device.network.mqtt): include ${MQTT_CLIENT_MANIFEST}`);
  if (platform === 'esp32') {
    const wiring = config.accelerometer.wiring;
    if (wiring?.bus === 'i2c' && !build.smbus) problems.push('build: accelBus=i2c but device.io has no SMBus class');
    if (wiring?.bus === 'spi' && !build.spi) problems.push('build: accelBus=spi but device.io has no SPI class');
    if (config.accelerometer.interruptPin !== undefined && !build.digital) {
      problems.push(`build: accelIntPin=${config.accelerometer.interruptPin} but device.io has no Digital class (accelIntPin=-1 polls instead)`);
    }
    if (config.microphone !== undefined && !build.audioIn) {
      problems.push(`build: micPart=${config.microphone.part} but the build has no embedded:io/audio/in: include ${AUDIO_IN_MANIFEST}`);
    }
  } else if (config.replay !== undefined) {
    const { accelerometer, microphone } = config.replay;
    if (!build.resourceExists(accelerometer)) {
      problems.push(`config.replayAccelerometer: no resource '${accelerometer}' in the build (manifests/resources/, npm run build:resources)`);
    }
    if (microphone !== undefined && !build.resourceExists(microphone)) {
      problems.push(`config.replayMicrophone: no resource '${microphone}' in the build (manifests/resources/, npm run build:resources)`);
    }
  }
  return problems;
}

function text(raw: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = raw[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function integer(raw: Readonly<Record<string, unknown>>, key: string, min: number, max: number): number | undefined {
  const value = raw[key];
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(number) && number >= min && number <= max ? number : undefined;
}

/** The log level and watchdog period even from a configuration that failed its checks. */
export function bootSettings(raw: Readonly<Record<string, unknown>>): BootSettings {
  const level = raw.logLevel;
  return {
    logLevel: level === 'debug' || level === 'warn' || level === 'error' ? level : 'info',
    watchdogMs: integer(raw, 'watchdogMs', 1000, 600_000) ?? 30_000,
  };
}

/**
 * Where safe mode publishes: the configured site and node when they are valid ids, otherwise
 * `unprovisioned` and `fallbackNodeId` (the board's MAC), so an installer can still find the node.
 */
export function safeModeTarget(raw: Readonly<Record<string, unknown>>, fallbackNodeId: string): SafeModeTarget {
  const site = text(raw, 'site');
  const node = text(raw, 'node');
  const host = text(raw, 'brokerHost');
  const user = text(raw, 'mqttUser');
  const password = text(raw, 'mqttPassword');
  return {
    site: site !== undefined && ID_PATTERN.test(site) ? site : UNPROVISIONED_SITE,
    node: node !== undefined && ID_PATTERN.test(node) ? node : fallbackNodeId,
    broker: host === undefined ? undefined : {
      host,
      port: integer(raw, 'brokerPort', 1, 65535) ?? 1883,
      keepaliveMs: integer(raw, 'keepaliveMs', 1000, 65535_000) ?? 5000,
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
    },
  };
}

/** A node id from a board id such as a MAC address ("24:0a:c4:12:34:56" → "esp-240ac4123456"). */
export function nodeIdFromBoard(boardId: string | undefined): string {
  const hex = (boardId ?? '').toLowerCase().replace(/[^0-9a-f]/g, '').slice(-12);
  return hex === '' ? 'esp-unknown' : `esp-${hex}`;
}

export function planBoot(raw: Readonly<Record<string, unknown>>, platform: Platform, build: BuildCapabilities,
  fallbackNodeId: string): BootPlan {
  const settings = bootSettings(raw);
  const parsed = parseDeviceConfig(raw, platform);
  const problems = parsed.ok ? capabilityProblems(parsed.config, platform, build) : parsed.errors.slice();
  let provisioning: NodeProvisioning | undefined;
  if (parsed.ok) {
    provisioning = provisioningOf(parsed.config);
    const invalid = checkProvisioning(provisioning);
    problems.push(...invalid);
    if (invalid.length > 0) provisioning = undefined;
  }
  if (parsed.ok && provisioning !== undefined && problems.length === 0) {
    return { mode: 'node', config: parsed.config, provisioning, settings };
  }
  return { mode: 'safe', problems, target: safeModeTarget(raw, fallbackNodeId), settings, provisioning };
}

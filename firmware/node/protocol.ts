/**
 * Protocol v1: topics and payload shapes (docs/protocol.md is the written source of truth; the JSON
 * Schemas in docs/schemas/ describe every payload). Everything a node publishes is built here or from
 * these types, so the simulator and the tests read the same definitions.
 */
import type { ThreatType, NodeRole } from '../detect/types';

export const PROTOCOL_VERSION = 1;
export const TOPIC_ROOT = 'vitrine';
export const HA_DISCOVERY_PREFIX = 'homeassistant';
export const HA_STATUS_TOPIC = 'homeassistant/status';

export const STATUS_ONLINE = 'online';
export const STATUS_OFFLINE = 'offline';
export const STATE_ON = 'ON';
export const STATE_OFF = 'OFF';

/** What an alert reports: a threat a detector found, or a problem with the node itself. */
export type AlertType = ThreatType | 'tamper' | 'sensor_fault' | 'node_fault';
export const ALERT_TYPES: readonly AlertType[] = [
  'glass_break', 'grinder', 'impact', 'tilt', 'tamper', 'sensor_fault', 'node_fault',
];

/**
 * info: walk-test alerts and cleared faults; warning: faults, and threats whose required corroboration
 * did not come; alarm: a threat; critical: a threat corroborated by another detector, or alerts lost.
 */
export type Severity = 'info' | 'warning' | 'alarm' | 'critical';

export const COMMAND_NAMES = ['config', 'telemetry', 'walktest', 'relearn', 'reboot'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Topic ids (site and node) are single MQTT levels that Home Assistant also accepts in ids. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export interface NodeTopics {
  /** `vitrine/<site>/<node>/` */
  base: string;
  status: string;
  alert: string;
  hb: string;
  telemetry: string;
  config: string;
  /** `.../cmd/` — a command's topic is this plus its name. */
  cmdPrefix: string;
  /** `.../cmd/+`, what the node subscribes to. */
  cmdFilter: string;
  cmdResult: string;
  /** `.../state/<type>` for every alert type, built once. */
  state: Readonly<Record<AlertType, string>>;
}

export function nodeTopics(site: string, node: string): NodeTopics {
  const base = `${TOPIC_ROOT}/${site}/${node}/`;
  const state = {} as Record<AlertType, string>;
  for (const type of ALERT_TYPES) state[type] = `${base}state/${type}`;
  return {
    base,
    status: `${base}status`,
    alert: `${base}alert`,
    hb: `${base}hb`,
    telemetry: `${base}telemetry`,
    config: `${base}config`,
    cmdPrefix: `${base}cmd/`,
    cmdFilter: `${base}cmd/+`,
    cmdResult: `${base}cmd/result`,
    state,
  };
}

export interface AlertLocation {
  building: string;
  floor: string;
  room: string;
  element: string;
  label: string;
}

export type SensorName = 'microphone' | 'accelerometer';

/** For sensor_fault and node_fault alerts: what failed and whether the fault is now active or cleared. */
export interface AlertFault {
  source: SensorName | 'node';
  /** Fault codes, e.g. `flat`, `no_data`, `outbox_overflow`. */
  codes: string[];
  /** true when raised, false in the alert that reports the fault cleared. */
  active: boolean;
  detail: string;
}

export interface AlertMessage {
  v: number;
  /** `<node>-<incarnation>-<seq>`: unique, unchanged on retries and across reboots. */
  id: string;
  /** Per-node alert sequence number, persisted across reboots; a gap means alerts were lost. */
  seq: number;
  /** Epoch ms (synced clock) when the alert was raised; null before the first SNTP sync. */
  ts: number | null;
  /** Node uptime when the alert was raised. */
  uptimeMs: number;
  /** Boot counter: uptimes of different boots are not comparable. */
  boot: number;
  site: string;
  node: string;
  role: NodeRole;
  zone: string;
  location: AlertLocation;
  type: AlertType;
  severity: Severity;
  score: number;
  test: boolean;
  corroborated: string[];
  /** Uptime at which the event began (the detector's estimate), and at which it was decided. */
  onsetUptimeMs: number;
  decidedUptimeMs: number;
  /** Detections of this type folded into the previous alert of the type by cooldown/de-duplication. */
  merged: number;
  features: Record<string, number>;
  fault?: AlertFault;
}

export type SensorHealthState = 'ok' | 'fault' | 'absent';

export interface SensorHealthReport {
  state: SensorHealthState;
  /** Conditions seen in the last evaluation window (a fault is raised only when they persist). */
  conditions: string[];
  /** Codes of the active fault (empty when state is ok). */
  faults: string[];
  blocks: number;
  lostBlocks: number;
  /** Milliseconds since the last block, null if none has come yet. */
  lastBlockAgeMs: number | null;
}

export interface HeartbeatMessage {
  v: number;
  seq: number;
  boot: number;
  uptimeMs: number;
  ts: number | null;
  /** The next heartbeat is due this much later: receivers can expire the node after ~2 intervals. */
  intervalMs: number;
  heapFreeBytes: number | null;
  fw: string;
  link: { connects: number; disconnects: number; lastDisconnect: string };
  outbox: { depth: number; alerts: number; dropped: number; evicted: number; storageErrors: number };
  sensors: { microphone: SensorHealthReport; accelerometer: SensorHealthReport };
  walkTest: boolean;
  telemetry: boolean;
}

export interface CommandResultMessage {
  v: number;
  /** The request's id, or null when the request had none (e.g. it was not JSON). */
  id: string | null;
  /** The command name from the topic. */
  command: string;
  ok: boolean;
  /** One-line reason when ok is false. */
  error?: string;
  /** Every problem, each naming its path (configuration errors). */
  errors?: string[];
  /** cmd/config: the configuration paths whose value changed. */
  changed?: string[];
  /** cmd/telemetry, cmd/walktest: uptime at which the mode switches itself off (absent when switched off). */
  untilUptimeMs?: number;
  /** cmd/telemetry: the rate granted. */
  rateHz?: number;
  uptimeMs: number;
  ts: number | null;
}

/**
 * Node configuration: its shape, the defaults per role, validation that reports every problem with its
 * path, and how a cmd/config request changes it (docs/configuration.md describes every key).
 *
 * The effective configuration is the role's defaults with the installer's provisioning on top, with the
 * overrides set by commands on top of that. Only the overrides are persisted, so new firmware defaults
 * apply to every key nobody has set.
 */
import type { NodeRole, ThreatType } from '../detect/types';
import { NODE_ROLES } from '../detect/types';
import type { BooleanOptionSpec, NumberOptionSpec, OptionSpec, OptionSpecs } from '../detect/options';
import { checkOptions, defaultsOf } from '../detect/options';
import type { AlertLocation } from './protocol';
import { ID_PATTERN, PROTOCOL_VERSION } from './protocol';

export type DetectorKey = 'glassBreak' | 'grinder' | 'impact' | 'tilt';
export const DETECTOR_KEYS: readonly DetectorKey[] = ['glassBreak', 'grinder', 'impact', 'tilt'];
export const DETECTOR_THREATS: Readonly<Record<DetectorKey, ThreatType>> = {
  glassBreak: 'glass_break', grinder: 'grinder', impact: 'impact', tilt: 'tilt',
};

/** The option specs of one detector, whatever its options type (XXX_OPTION_SPECS). */
export type AnyOptionSpecs = Readonly<Record<string, OptionSpec>>;
/** Every detector's option specs, keyed as in `detectors.*` of the configuration. */
export type DetectorSpecRegistry = Readonly<Record<DetectorKey, AnyOptionSpecs>>;

/** A detector's entry in the configuration: `enabled` plus its options (flat, as in its spec). */
export interface DetectorSettings {
  enabled: boolean;
  [option: string]: number | boolean;
}

/** Per-role overrides of the detectors' spec defaults (and whether each runs). */
export interface DetectorDefaults {
  enabled?: boolean;
  [option: string]: number | boolean | undefined;
}
export type RoleDetectorDefaults = Readonly<Record<NodeRole, Readonly<Partial<Record<DetectorKey, DetectorDefaults>>>>>;

/** Which detectors run for each role when nothing else is said; thresholds stay at their spec defaults. */
export const ROLE_DETECTORS_ENABLED: RoleDetectorDefaults = {
  display_case: { glassBreak: { enabled: true }, grinder: { enabled: true }, impact: { enabled: true }, tilt: { enabled: false } },
  window: { glassBreak: { enabled: true }, grinder: { enabled: true }, impact: { enabled: true }, tilt: { enabled: false } },
  balcony: { glassBreak: { enabled: false }, grinder: { enabled: true }, impact: { enabled: true }, tilt: { enabled: true } },
};

export const MOUNT_SURFACES = ['glass', 'frame', 'wall', 'railing', 'plinth'] as const;
export type MountSurface = (typeof MOUNT_SURFACES)[number];
export const UP_AXES = ['+x', '-x', '+y', '-y', '+z', '-z'] as const;
export type UpAxis = (typeof UP_AXES)[number];

export interface Mounting {
  surface: MountSurface;
  /** The accelerometer axis that points up as mounted. */
  upAxis: UpAxis;
}

const ROLE_MOUNTING: Readonly<Record<NodeRole, Mounting>> = {
  display_case: { surface: 'glass', upAxis: '+z' },
  window: { surface: 'glass', upAxis: '+y' },
  balcony: { surface: 'railing', upAxis: '+z' },
};

/**
 * Defaults that follow where the node is mounted, over the role's. A window node on its own pane feels
 * through its accelerometer every blow that breaks it, so glass break requires that flex (dual technology,
 * as flex-gated commercial detectors do; docs/detectors-acoustic.md measures the microphone alone letting
 * 0.4–1.6 % of confusers through, with the flex required 0–0.1 %). On the frame or wall the blow may
 * arrive too weak, and a display-case node may sit on another pane than the one struck: the flex only adds
 * its bonus there. A display-case node on its glass still feels the blows that break that glass, so there
 * the sound alone needs a score of 0.9 (log-odds +2.2, as far above the 0.5 boundary as the flex's bonus
 * takes the bar below it): over six seeds it cut the confuser cases alarmed from 18 to 5 of 1260 (holdout)
 * and from 2 to 0 (default set), the pane modelled (docs/detectors-acoustic.md, "The display case").
 * Requiring the flex there too would end those alarms but lose a tenth of the breaks of another pane whose
 * blow reaches the node 20 dB weaker (round 12 there): a site that measures its case's joints may set it.
 * On a balcony's railing the grinder alarms on a steady tone only once its fundamental wanders, not on its
 * pauses: balusters sing in the wind at their mode (a steady tone, with a rattle and rain as texture) and
 * gusts make the hum come and go, which the pause rule took for a tacho-regulated grinder lifting off and
 * biting again (docs/detectors-motion.md, round 16: with it 72–80 of 200 railings per ten seeds alarmed,
 * without it 0–3). A railing sheltered from the wind may set `grinder.pausesWithoutWander` 1 again.
 * Applied only where the detector's spec has the option.
 */
const SURFACE_DEFAULTS: Readonly<Partial<Record<NodeRole, Partial<Record<MountSurface, Partial<Record<DetectorKey, Readonly<Record<string, number | boolean>>>>>>>>> = {
  window: { glass: { glassBreak: { requireFlex: true } } },
  display_case: { glass: { glassBreak: { minScoreWithoutFlex: 0.9 } } },
  balcony: { railing: { grinder: { pausesWithoutWander: 0 } } },
};

/**
 * Whether the pane's flex, or its absence, decides more than a bonus: the flex required, or a sound without it
 * held to a stricter score than minScore. Takes a configuration's `detectors.glassBreak`.
 */
export function glassFlexDecides(o: Readonly<DetectorSettings>): boolean {
  return o.requireFlex === true || Number(o.minScoreWithoutFlex) > Number(o.minScore);
}

export interface AlertTimingOptions {
  corroborationWindowMs: number;
  stateHoldMs: number;
  walkTestDefaultS: number;
  walkTestMaxS: number;
}

export const ALERT_TIMING_SPECS: OptionSpecs<AlertTimingOptions> = {
  corroborationWindowMs: {
    kind: 'number', default: 1500, unit: 'ms', min: 0, max: 10000, integer: true,
    doc: 'Detections of different detectors whose onsets lie this close together corroborate each other.',
  },
  stateHoldMs: {
    kind: 'number', default: 30000, unit: 'ms', min: 1000, max: 3600000, integer: true,
    doc: 'state/<type> goes back to OFF this long after the last detection of the type.',
  },
  walkTestDefaultS: {
    kind: 'number', default: 900, unit: 's', min: 10, max: 86400, integer: true,
    doc: 'How long walk-test mode lasts when cmd/walktest gives no duration.',
  },
  walkTestMaxS: {
    kind: 'number', default: 3600, unit: 's', min: 10, max: 86400, integer: true,
    doc: 'The longest walk-test a command may ask for.',
  },
};

const cooldownSpec = (defaultMs: number, what: string): NumberOptionSpec => ({
  kind: 'number', default: defaultMs, unit: 'ms', min: 0, max: 3600000, integer: true,
  doc: `Detections of the ${what} detector within this time after its last alert are folded into it (counted in merged).`,
});

export const COOLDOWN_SPECS: OptionSpecs<Record<DetectorKey, number>> = {
  glassBreak: cooldownSpec(5000, 'glass-break'),
  grinder: cooldownSpec(30000, 'grinder'),
  impact: cooldownSpec(5000, 'impact'),
  tilt: cooldownSpec(60000, 'tilt'),
};

const corroborationSpec = (what: string): BooleanOptionSpec => ({
  kind: 'boolean', default: false,
  doc: `Detections of the ${what} detector are raised as alarms only when another detector of the node agrees within ` +
    'alerts.corroborationWindowMs; otherwise they are published with severity warning.',
});

export const CORROBORATION_SPECS: OptionSpecs<Record<DetectorKey, boolean>> = {
  glassBreak: corroborationSpec('glass-break'),
  grinder: corroborationSpec('grinder'),
  impact: corroborationSpec('impact'),
  tilt: corroborationSpec('tilt'),
};

export interface AlertsConfig extends AlertTimingOptions {
  cooldownMs: Record<DetectorKey, number>;
  requireCorroboration: Record<DetectorKey, boolean>;
}

export interface HealthConfig {
  heartbeatMs: number;
  keepaliveS: number;
  noDataMs: number;
  faultAfterMs: number;
  clearAfterMs: number;
  flatRangeCounts: number;
  saturationFraction: number;
  gravityToleranceG: number;
  tamperAngleDeg: number;
}

export const HEALTH_SPECS: OptionSpecs<HealthConfig> = {
  heartbeatMs: {
    kind: 'number', default: 5000, unit: 'ms', min: 1000, max: 60000, integer: true,
    doc: 'Interval of the heartbeat on hb.',
  },
  keepaliveS: {
    kind: 'number', default: 5, unit: 's', min: 2, max: 60, integer: true,
    doc: 'MQTT keepalive: the broker publishes the will (offline) after 1.5 × this of silence. The session keeps the value it started with: applies after the next reboot.',
  },
  noDataMs: {
    kind: 'number', default: 1000, unit: 'ms', min: 200, max: 10000, integer: true,
    doc: 'A sensor that delivers no block for this long shows the no_data condition.',
  },
  faultAfterMs: {
    kind: 'number', default: 2000, unit: 'ms', min: 0, max: 60000, integer: true,
    doc: 'A sensor condition must persist this long before a sensor_fault is raised (≤ 2000 keeps faults within 5 s).',
  },
  clearAfterMs: {
    kind: 'number', default: 5000, unit: 'ms', min: 1000, max: 600000, integer: true,
    doc: 'A raised sensor fault clears after this long without any condition.',
  },
  flatRangeCounts: {
    kind: 'number', default: 0, unit: 'count', min: 0, max: 1000, integer: true,
    doc: 'A sensor whose samples span at most this many counts over a whole evaluation window is flat (stuck).',
  },
  saturationFraction: {
    kind: 'number', default: 0.5, unit: 'fraction', min: 0.01, max: 1,
    doc: 'A sensor with at least this fraction of its samples at full scale in a window is saturated.',
  },
  gravityToleranceG: {
    kind: 'number', default: 0.35, unit: 'g', min: 0.05, max: 1,
    doc: 'The accelerometer\'s mean magnitude must lie within 1 g ± this, or it shows the gravity condition.',
  },
  tamperAngleDeg: {
    kind: 'number', default: 20, unit: 'deg', min: 0, max: 90,
    doc: 'The node turned by more than this from its learned orientation raises a tamper alarm (0 turns it off).',
  },
};

export interface TelemetryConfig {
  defaultDurationS: number;
  maxDurationS: number;
  defaultRateHz: number;
  maxRateHz: number;
}

export const TELEMETRY_SPECS: OptionSpecs<TelemetryConfig> = {
  defaultDurationS: {
    kind: 'number', default: 60, unit: 's', min: 1, max: 600, integer: true,
    doc: 'How long the calibration stream runs when cmd/telemetry gives no duration.',
  },
  maxDurationS: {
    kind: 'number', default: 600, unit: 's', min: 1, max: 600, integer: true,
    doc: 'The longest calibration stream a command may ask for.',
  },
  defaultRateHz: {
    kind: 'number', default: 2, unit: 'Hz', min: 0.1, max: 5,
    doc: 'Telemetry messages per second when cmd/telemetry gives no rate.',
  },
  maxRateHz: {
    kind: 'number', default: 5, unit: 'Hz', min: 0.1, max: 5,
    doc: 'The highest telemetry rate a command may ask for.',
  },
};

export interface NodeConfig {
  v: number;
  /** Identity, from provisioning; a command cannot change it. */
  site: string;
  node: string;
  role: NodeRole;
  zone: string;
  location: AlertLocation;
  mounting: Mounting;
  detectors: Record<DetectorKey, DetectorSettings>;
  alerts: AlertsConfig;
  health: HealthConfig;
  telemetry: TelemetryConfig;
}

/** What the installer sets when flashing a node. Secrets here are never published. */
export interface NodeProvisioning {
  site: string;
  node: string;
  role: NodeRole;
  location: AlertLocation;
  /** Defaults to location.room. */
  zone?: string;
  /** Defaults per role. */
  mounting?: Partial<Mounting>;
  mqtt?: { clientId?: string; username?: string; password?: string };
}

export interface ConfigContext {
  provisioning: NodeProvisioning;
  specs: DetectorSpecRegistry;
  detectorDefaults: RoleDetectorDefaults;
}

export type JsonObject = Record<string, unknown>;

const TEXT_MAX = 64;
const LABEL_MAX = 96;
const LOCATION_KEYS: readonly (keyof AlertLocation)[] = ['building', 'floor', 'room', 'element', 'label'];
const TOP_KEYS: readonly (keyof NodeConfig)[] = [
  'v', 'site', 'node', 'role', 'zone', 'location', 'mounting', 'detectors', 'alerts', 'health', 'telemetry',
];
const IDENTITY_KEYS: readonly (keyof NodeConfig)[] = ['v', 'site', 'node', 'role'];

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 24 ? `${value.slice(0, 24)}…` : value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** True if `text` contains C0 control characters or DEL (they have no place in names or ids). */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function checkText(value: unknown, path: string, maxLength: number, problems: string[], allowEmpty = true): void {
  if (typeof value !== 'string') {
    problems.push(`${path}: must be a string, not ${describe(value)}`);
  } else if (value.length > maxLength) {
    problems.push(`${path}: is ${value.length} characters long; at most ${maxLength} are allowed`);
  } else if (!allowEmpty && value.length === 0) {
    problems.push(`${path}: must not be empty`);
  } else if (hasControlCharacters(value)) {
    problems.push(`${path}: must not contain control characters`);
  }
}

function checkEnum(value: unknown, path: string, allowed: readonly string[], problems: string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    problems.push(`${path}: must be one of ${allowed.join(', ')}, not ${describe(value)}`);
  }
}

/** Reports keys other than `allowed` and missing ones; false if `value` is not an object at all. */
function checkShape(value: unknown, path: string, allowed: readonly string[], problems: string[], required = allowed): value is JsonObject {
  if (!isObject(value)) {
    problems.push(`${path}: must be an object, not ${describe(value)}`);
    return false;
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push(`${path}.${key}: unknown key (allowed: ${allowed.join(', ')})`);
  }
  for (const key of required) {
    if (!(key in value)) problems.push(`${path}.${key}: missing`);
  }
  return true;
}

function checkLocation(value: unknown, path: string, problems: string[]): void {
  if (!checkShape(value, path, LOCATION_KEYS, problems)) return;
  for (const key of LOCATION_KEYS) {
    if (key in value) checkText(value[key], `${path}.${key}`, key === 'label' ? LABEL_MAX : TEXT_MAX, problems, key !== 'label');
  }
}

/** Problems with the installer's settings, each naming its path. */
export function checkProvisioning(provisioning: NodeProvisioning): string[] {
  const problems: string[] = [];
  const p = provisioning as unknown as JsonObject;
  if (!isObject(p)) return ['provisioning: must be an object'];
  for (const key of ['site', 'node'] as const) {
    const value = p[key];
    if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
      problems.push(`provisioning.${key}: must be 1-32 letters, digits, '_' or '-', not ${describe(value)}`);
    }
  }
  checkEnum(p.role, 'provisioning.role', NODE_ROLES, problems);
  checkLocation(p.location, 'provisioning.location', problems);
  if (p.zone !== undefined) checkText(p.zone, 'provisioning.zone', TEXT_MAX, problems, false);
  if (p.mounting !== undefined && checkShape(p.mounting, 'provisioning.mounting', ['surface', 'upAxis'], problems, [])) {
    if (p.mounting.surface !== undefined) checkEnum(p.mounting.surface, 'provisioning.mounting.surface', MOUNT_SURFACES, problems);
    if (p.mounting.upAxis !== undefined) checkEnum(p.mounting.upAxis, 'provisioning.mounting.upAxis', UP_AXES, problems);
  }
  if (p.mqtt !== undefined && checkShape(p.mqtt, 'provisioning.mqtt', ['clientId', 'username', 'password'], problems, [])) {
    for (const key of ['clientId', 'username', 'password'] as const) {
      if (p.mqtt[key] !== undefined) checkText(p.mqtt[key], `provisioning.mqtt.${key}`, 128, problems, false);
    }
  }
  return problems;
}

/** Problems with the registry and the per-role defaults themselves (a firmware build error, not a user's). */
export function checkConfigContext(context: ConfigContext): string[] {
  const problems: string[] = [];
  for (const key of DETECTOR_KEYS) {
    const specs = context.specs[key];
    if (!isObject(specs)) problems.push(`detectorSpecs.${key}: missing`);
    else if ('enabled' in specs) problems.push(`detectorSpecs.${key}.enabled: the name 'enabled' is reserved by the configuration`);
  }
  if (problems.length > 0) return problems;
  for (const role of NODE_ROLES) {
    const defaults = defaultConfig({ ...context, provisioning: { ...context.provisioning, role } });
    for (const problem of validateConfig(defaults, { ...context, provisioning: { ...context.provisioning, role } })) {
      problems.push(`defaults for role ${role}: ${problem}`);
    }
  }
  return problems;
}

/**
 * The configuration a node of this provisioning runs with when no command has changed anything.
 * `surface`: the mounting surface a configuration sets (the defaults follow it); default: the provisioned one.
 */
export function defaultConfig(context: ConfigContext, surface?: MountSurface): NodeConfig {
  const { provisioning, specs } = context;
  const role = provisioning.role;
  const mounting: Mounting = { ...ROLE_MOUNTING[role], ...(provisioning.mounting ?? {}) };
  const bySurface = SURFACE_DEFAULTS[role]?.[surface ?? mounting.surface];
  const detectors = {} as Record<DetectorKey, DetectorSettings>;
  for (const key of DETECTOR_KEYS) {
    const settings: DetectorSettings = { enabled: false, ...defaultsOf<object>(specs[key]) as Record<string, number | boolean> };
    const overrides = context.detectorDefaults[role]?.[key] ?? {};
    for (const [option, value] of Object.entries(overrides)) {
      if (value !== undefined) settings[option] = value;
    }
    for (const [option, value] of Object.entries(bySurface?.[key] ?? {})) {
      if (option in specs[key]) settings[option] = value;
    }
    detectors[key] = settings;
  }
  return {
    v: PROTOCOL_VERSION,
    site: provisioning.site,
    node: provisioning.node,
    role,
    zone: provisioning.zone ?? (provisioning.location.room !== '' ? provisioning.location.room : provisioning.node),
    location: { ...provisioning.location },
    mounting,
    detectors,
    alerts: {
      ...defaultsOf(ALERT_TIMING_SPECS),
      cooldownMs: defaultsOf(COOLDOWN_SPECS),
      requireCorroboration: defaultsOf(CORROBORATION_SPECS),
    },
    health: defaultsOf(HEALTH_SPECS),
    telemetry: defaultsOf(TELEMETRY_SPECS),
  };
}

/** Every problem with a whole configuration, each naming its path; empty when it is valid. */
export function validateConfig(candidate: unknown, context: ConfigContext): string[] {
  const problems: string[] = [];
  if (!checkShape(candidate, 'config', TOP_KEYS, problems)) return problems;
  const c = candidate;
  const p = context.provisioning;
  if (c.v !== PROTOCOL_VERSION) problems.push(`config.v: must be ${PROTOCOL_VERSION}, not ${describe(c.v)}`);
  for (const key of ['site', 'node', 'role'] as const) {
    if (key in c && c[key] !== p[key]) {
      problems.push(`config.${key}: is ${describe(p[key])}, set at provisioning; a command cannot change it (got ${describe(c[key])})`);
    }
  }
  if ('zone' in c) checkText(c.zone, 'config.zone', TEXT_MAX, problems, false);
  if ('location' in c) checkLocation(c.location, 'config.location', problems);
  if ('mounting' in c && checkShape(c.mounting, 'config.mounting', ['surface', 'upAxis'], problems)) {
    if ('surface' in c.mounting) checkEnum(c.mounting.surface, 'config.mounting.surface', MOUNT_SURFACES, problems);
    if ('upAxis' in c.mounting) checkEnum(c.mounting.upAxis, 'config.mounting.upAxis', UP_AXES, problems);
  }
  if ('detectors' in c && checkShape(c.detectors, 'config.detectors', DETECTOR_KEYS, problems)) {
    for (const key of DETECTOR_KEYS) {
      const entry = c.detectors[key];
      const path = `config.detectors.${key}`;
      if (entry === undefined) continue;
      if (!isObject(entry)) {
        problems.push(`${path}: must be an object, not ${describe(entry)}`);
        continue;
      }
      const { enabled, ...options } = entry;
      if (typeof enabled !== 'boolean') problems.push(`${path}.enabled: must be true or false, not ${describe(enabled)}`);
      problems.push(...checkOptions<object>(context.specs[key], options, path));
    }
  }
  if ('alerts' in c && checkShape(c.alerts, 'config.alerts', [...Object.keys(ALERT_TIMING_SPECS), 'cooldownMs', 'requireCorroboration'], problems)) {
    const { cooldownMs, requireCorroboration, ...timing } = c.alerts;
    problems.push(...checkOptions(ALERT_TIMING_SPECS, timing, 'config.alerts'));
    if (checkShape(cooldownMs, 'config.alerts.cooldownMs', DETECTOR_KEYS, problems)) {
      problems.push(...checkOptions(COOLDOWN_SPECS, cooldownMs, 'config.alerts.cooldownMs'));
    }
    if (checkShape(requireCorroboration, 'config.alerts.requireCorroboration', DETECTOR_KEYS, problems)) {
      problems.push(...checkOptions(CORROBORATION_SPECS, requireCorroboration, 'config.alerts.requireCorroboration'));
    }
    if (typeof timing.walkTestDefaultS === 'number' && typeof timing.walkTestMaxS === 'number' && timing.walkTestDefaultS > timing.walkTestMaxS) {
      problems.push(`config.alerts.walkTestDefaultS: ${timing.walkTestDefaultS} s exceeds config.alerts.walkTestMaxS (${timing.walkTestMaxS} s)`);
    }
  }
  if ('health' in c && checkShape(c.health, 'config.health', Object.keys(HEALTH_SPECS), problems)) {
    problems.push(...checkOptions(HEALTH_SPECS, c.health, 'config.health'));
  }
  if ('telemetry' in c && checkShape(c.telemetry, 'config.telemetry', Object.keys(TELEMETRY_SPECS), problems)) {
    problems.push(...checkOptions(TELEMETRY_SPECS, c.telemetry, 'config.telemetry'));
    const t = c.telemetry;
    if (typeof t.defaultDurationS === 'number' && typeof t.maxDurationS === 'number' && t.defaultDurationS > t.maxDurationS) {
      problems.push(`config.telemetry.defaultDurationS: ${t.defaultDurationS} s exceeds config.telemetry.maxDurationS (${t.maxDurationS} s)`);
    }
    if (typeof t.defaultRateHz === 'number' && typeof t.maxRateHz === 'number' && t.defaultRateHz > t.maxRateHz) {
      problems.push(`config.telemetry.defaultRateHz: ${t.defaultRateHz} Hz exceeds config.telemetry.maxRateHz (${t.maxRateHz} Hz)`);
    }
  }
  return problems;
}

/**
 * RFC 7386 JSON merge patch: objects merge key by key, null removes a key, anything else replaces.
 * Returns new objects along the patched paths and shares the rest of `target`.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    if (key === '__proto__') continue; // never reached: commands reject such keys when parsing
    const value = patch[key];
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Leaf paths whose values differ between two configurations (for cmd/result). */
export function changedPaths(before: unknown, after: unknown, path = 'config'): string[] {
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    const changed: string[] = [];
    for (const key of keys) changed.push(...changedPaths(before[key], after[key], `${path}.${key}`));
    return changed;
  }
  return before === after ? [] : [path];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as JsonObject)[key]);
    Object.freeze(value);
  }
  return value;
}

export type EffectiveConfig = { ok: true; config: NodeConfig } | { ok: false; errors: string[] };

export const NOTHING_ENABLED = 'config.detectors: every detector would be switched off and the node would detect nothing, ' +
  'while it looks alive; keep at least one on (a node taken out of service is powered down: receivers then see it dead)';

/** The role's defaults with `overrides` merged on top, validated. */
export function effectiveConfig(overrides: JsonObject, context: ConfigContext): EffectiveConfig {
  // A mounting surface the configuration sets moves the defaults that follow it (an invalid one is reported by validateConfig).
  const surface = isObject(overrides.mounting) ? overrides.mounting.surface : undefined;
  const known = typeof surface === 'string' && (MOUNT_SURFACES as readonly string[]).includes(surface) ? surface as MountSurface : undefined;
  const candidate = mergePatch(defaultConfig(context, known), overrides);
  const errors = validateConfig(candidate, context);
  if (errors.length > 0) return { ok: false, errors };
  // A node that detects nothing looks alive to every receiver: not a configuration to run, stored or sent.
  const config = candidate as NodeConfig;
  if (!DETECTOR_KEYS.some((key) => config.detectors[key].enabled)) return { ok: false, errors: [NOTHING_ENABLED] };
  return { ok: true, config: deepFreeze(config) };
}

export type ConfigMode = 'merge' | 'replace';

export type ConfigChange =
  | { ok: true; config: NodeConfig; overrides: JsonObject; changed: string[] }
  | { ok: false; errors: string[] };

/**
 * A cmd/config request against the current overrides. merge: `patch` is a merge patch onto the current
 * configuration (null resets a key to its default). replace: `patch` replaces all overrides (every key
 * it does not give is back at its default). Identity keys may be repeated unchanged, never changed.
 */
export function applyConfigChange(current: { config: NodeConfig; overrides: JsonObject }, patch: unknown, mode: ConfigMode,
  context: ConfigContext): ConfigChange {
  if (!isObject(patch)) return { ok: false, errors: [`config: must be an object, not ${describe(patch)}`] };
  const merged = mode === 'merge' ? mergePatch(current.overrides, patch) as JsonObject : { ...patch };
  const result = effectiveConfig(merged, context);
  if (!result.ok) return result;
  for (const key of IDENTITY_KEYS) delete merged[key];
  return { ok: true, config: result.config, overrides: merged, changed: changedPaths(current.config, result.config) };
}

/** A detector's options without `enabled`, for the pipeline factory (allocates; call when building). */
export function detectorOptions(config: NodeConfig, key: DetectorKey): Record<string, number | boolean> {
  const { enabled: _enabled, ...options } = config.detectors[key];
  return options;
}

/** MQTT client id: at most 23 characters, the limit MQTT 3.1.1 brokers (aedes by default) must accept. */
export function clientIdFor(provisioning: NodeProvisioning): string {
  if (provisioning.mqtt?.clientId !== undefined) return provisioning.mqtt.clientId;
  const plain = `vt-${provisioning.site}-${provisioning.node}`;
  if (plain.length <= 23) return plain;
  let hash = 0x811c9dc5; // FNV-1a over site/node keeps distinct nodes distinct after truncation
  const text = `${provisioning.site}/${provisioning.node}`;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `vt-${hash.toString(16).padStart(8, '0')}-${provisioning.node.slice(0, 11)}`;
}

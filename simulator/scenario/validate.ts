/**
 * Turns untrusted scenario JSON into a Scenario, or lists every problem with its JSON path.
 * Pure: no I/O (load.ts reads files). Beyond shapes and ranges it checks what a reader of the file
 * would get wrong: unknown keys, duplicate ids, references to nodes and rooms that do not exist,
 * nodes placed outside every room, events out of time order or running past the end, and faults
 * that contradict each other (starting a running broker, powering off a node that is already off).
 */
import { NODE_ROLES } from '../../firmware/detect/types';
import { DEFAULT_START_EPOCH_MS } from '../clock/virtual-clock';
import {
  AMBIENT_PROFILES, DEFAULT_CROWD, EVENT_KINDS, EVENT_SPECS, FAULT_KINDS, ORIENTATIONS, SENSORS, SURFACES,
} from './catalogue';
import type { EventKind, EventSpec, FaultKind } from './catalogue';
import { Checker, childPath } from './checker';
import type { JsonObject, ScenarioIssue } from './checker';
import { polygonAreaM2, roomAt } from './plan';
import { SCENARIO_FORMAT } from './types';
import type {
  Ambient, EventPlace, Fault, NodeLocation, PlanPoint, Room, Scenario, ScenarioNode, Site, TimelineEvent,
} from './types';

export type { ScenarioIssue } from './checker';

export type ScenarioValidation = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

/** Thrown by parseScenario and loadScenarioFile; `issues` lists every problem. */
export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];

  constructor(source: string, issues: ScenarioIssue[]) {
    const lines = issues.map((issue) => `  ${issue.path === '' ? '(document)' : issue.path}: ${issue.message}`);
    super(`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines.join('\n')}`);
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

export function parseScenario(json: unknown, source = 'scenario'): Scenario {
  const result = validateScenario(json);
  if (!result.ok) throw new ScenarioError(source, result.issues);
  return result.scenario;
}

const ID = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,22}$/, patternDoc: "an id of 1–23 letters, digits, '_' or '-' (an MQTT topic level and client id)" };
const SITE_ID = { pattern: /^[a-z0-9][a-z0-9_-]{0,31}$/, patternDoc: "an id of 1–32 lower-case letters, digits, '_' or '-' (an MQTT topic level)" };
const TEXT = { maxLength: 80 };
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const SECONDS = { unit: 'seconds', min: 0 } as const;
const METRES = { unit: 'metres', min: -100_000, max: 100_000 } as const;
const MAX_DURATION_S = 86_400;
/** Float slack when adding seconds, so that 0.1 + 0.2 does not end "after" 0.3. */
const EPSILON_S = 1e-9;

export function validateScenario(json: unknown): ScenarioValidation {
  const c = new Checker();
  const root = c.object(json, '');
  if (root === undefined) return { ok: false, issues: c.issues };
  c.onlyKeys(root, '', ['format', 'name', 'description', 'seed', 'durationS', 'startTime', 'site', 'nodes', 'ambient', 'timeline', 'faults']);
  if (root.format !== SCENARIO_FORMAT) c.fail('format', `must be "${SCENARIO_FORMAT}", got ${JSON.stringify(root.format) ?? 'nothing'}`);
  const name = c.string(root, 'name', '', TEXT);
  const description = c.optionalString(root, 'description', '', '', { maxLength: 2000 });
  const seed = c.number(root, 'seed', '', { integer: true, min: 0, max: 4_294_967_295 });
  const durationS = c.number(root, 'durationS', '', { unit: 'seconds', above: 0, max: MAX_DURATION_S });
  const startTime = c.optionalString(root, 'startTime', '', new Date(DEFAULT_START_EPOCH_MS).toISOString(), {
    pattern: ISO_TIME, patternDoc: 'an ISO 8601 time with a zone, e.g. "2025-10-19T09:30:00+02:00"',
  });
  const startEpochMs = Date.parse(startTime);
  if (!isRealDate(startTime)) c.fail('startTime', `${JSON.stringify(startTime)} is not a real date and time`);

  const site = checkSite(c, root.site);
  const nodes = checkNodes(c, root, site);
  const nodeIds = nodeIdsOf(root.nodes);
  const ambient = checkAmbient(c, root.ambient);
  const end = durationS ?? MAX_DURATION_S;
  const timeline = checkTimeline(c, root, end, site, nodeIds);
  const faults = checkFaults(c, root, end, nodeIds);

  if (c.issues.length > 0 || name === undefined || seed === undefined || durationS === undefined ||
      site === undefined || nodes === undefined || timeline === undefined || faults === undefined) {
    return { ok: false, issues: c.issues };
  }
  return {
    ok: true,
    scenario: { format: SCENARIO_FORMAT, name, description, seed, durationS, startTime, startEpochMs, site, nodes, ambient, timeline, faults },
  };
}

/** Date.parse rolls 30 February over into March; a scenario author meant something else. */
function isRealDate(iso: string): boolean {
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return Number.isFinite(Date.parse(iso)) && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function checkPoint(c: Checker, value: unknown, path: string): PlanPoint | undefined {
  const o = c.object(value, path);
  if (o === undefined) return undefined;
  c.onlyKeys(o, path, ['x', 'y']);
  const x = c.number(o, 'x', path, METRES);
  const y = c.number(o, 'y', path, METRES);
  return x === undefined || y === undefined ? undefined : { x, y };
}

function checkSite(c: Checker, value: unknown): Site | undefined {
  const o = c.object(value, 'site');
  if (o === undefined) return undefined;
  c.onlyKeys(o, 'site', ['id', 'name', 'plan']);
  const id = c.string(o, 'id', 'site', SITE_ID);
  const name = c.string(o, 'name', 'site', TEXT);
  const plan = c.object(o.plan, 'site.plan');
  if (plan === undefined) return undefined;
  c.onlyKeys(plan, 'site.plan', ['rooms']);
  const list = c.array(plan, 'rooms', 'site.plan', 1) ?? [];
  const rooms: Room[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const room = checkRoom(c, item, childPath('site.plan.rooms', i));
    if (room === undefined) return;
    if (seen.has(room.id)) c.fail(childPath(childPath('site.plan.rooms', i), 'id'), `duplicate room id "${room.id}"`);
    seen.add(room.id);
    rooms.push(room);
  });
  if (id === undefined || name === undefined || rooms.length !== list.length) return undefined;
  return { id, name, plan: { rooms } };
}

function checkRoom(c: Checker, value: unknown, path: string): Room | undefined {
  const o = c.object(value, path);
  if (o === undefined) return undefined;
  c.onlyKeys(o, path, ['id', 'name', 'floor', 'rect', 'polygon']);
  const id = c.string(o, 'id', path, ID);
  const name = c.string(o, 'name', path, TEXT);
  const floor = c.string(o, 'floor', path, TEXT);
  if ((o.rect === undefined) === (o.polygon === undefined)) {
    c.fail(path, 'needs exactly one of "rect" {x, y, widthM, heightM} and "polygon" [{x, y}, …]');
    return undefined;
  }
  if (id === undefined || name === undefined || floor === undefined) return undefined;
  if (o.rect !== undefined) {
    const rectPath = childPath(path, 'rect');
    const r = c.object(o.rect, rectPath);
    if (r === undefined) return undefined;
    c.onlyKeys(r, rectPath, ['x', 'y', 'widthM', 'heightM']);
    const x = c.number(r, 'x', rectPath, METRES);
    const y = c.number(r, 'y', rectPath, METRES);
    const widthM = c.number(r, 'widthM', rectPath, { unit: 'metres', above: 0, max: 10_000 });
    const heightM = c.number(r, 'heightM', rectPath, { unit: 'metres', above: 0, max: 10_000 });
    if (x === undefined || y === undefined || widthM === undefined || heightM === undefined) return undefined;
    return { id, name, floor, rect: { x, y, widthM, heightM } };
  }
  const polygonPath = childPath(path, 'polygon');
  const list = c.array(o, 'polygon', path, 3);
  if (list === undefined) return undefined;
  const polygon = list.map((p, i) => checkPoint(c, p, childPath(polygonPath, i)));
  if (polygon.some((p) => p === undefined)) return undefined;
  const points = polygon as PlanPoint[];
  if (Math.abs(polygonAreaM2(points)) < 1e-6) {
    c.fail(polygonPath, 'encloses no area (points in a line or repeated)');
    return undefined;
  }
  return { id, name, floor, polygon: points };
}

function checkNodes(c: Checker, root: JsonObject, site: Site | undefined): ScenarioNode[] | undefined {
  const list = c.array(root, 'nodes', '', 1);
  if (list === undefined) return undefined;
  const nodes: ScenarioNode[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const path = childPath('nodes', i);
    const node = checkNode(c, item, path, site);
    if (node === undefined) return;
    if (seen.has(node.id)) c.fail(childPath(path, 'id'), `duplicate node id "${node.id}"`);
    seen.add(node.id);
    nodes.push(node);
  });
  return nodes.length === list.length ? nodes : undefined;
}

/** Without a valid site the node is still checked, except for where it stands. */
function checkNode(c: Checker, value: unknown, path: string, site: Site | undefined): ScenarioNode | undefined {
  const o = c.object(value, path);
  if (o === undefined) return undefined;
  c.onlyKeys(o, path, ['id', 'role', 'zone', 'location', 'position', 'mounting']);
  const id = c.string(o, 'id', path, ID);
  const role = c.oneOf(o, 'role', path, NODE_ROLES);
  const location = checkLocation(c, o.location, childPath(path, 'location'));
  const position = checkPoint(c, o.position, childPath(path, 'position'));
  const mountingPath = childPath(path, 'mounting');
  const m = c.object(o.mounting, mountingPath);
  let mounting: ScenarioNode['mounting'] | undefined;
  if (m !== undefined) {
    c.onlyKeys(m, mountingPath, ['surface', 'orientation']);
    const surface = c.oneOf(m, 'surface', mountingPath, SURFACES);
    const orientation = c.oneOf(m, 'orientation', mountingPath, ORIENTATIONS);
    if (surface !== undefined && orientation !== undefined) mounting = { surface, orientation };
  }
  let room: Room | undefined;
  if (position !== undefined && site !== undefined) {
    room = roomAt(site, position);
    if (room === undefined) {
      c.fail(childPath(path, 'position'), `(${position.x}, ${position.y}) is not inside any room of site.plan (nodes must stand in a room or on its wall)`);
    }
  }
  const zone = c.optionalString(o, 'zone', path, room?.id ?? '', ID);
  if (id === undefined || role === undefined || location === undefined || position === undefined || mounting === undefined || room === undefined) {
    return undefined;
  }
  return { id, role, zone, location, position, mounting };
}

function checkLocation(c: Checker, value: unknown, path: string): NodeLocation | undefined {
  const o = c.object(value, path);
  if (o === undefined) return undefined;
  const keys = ['building', 'floor', 'room', 'element', 'label'] as const;
  c.onlyKeys(o, path, keys);
  const [building, floor, room, element, label] = keys.map((key) => c.string(o, key, path, TEXT));
  if (building === undefined || floor === undefined || room === undefined || element === undefined || label === undefined) return undefined;
  return { building, floor, room, element, label };
}

function checkAmbient(c: Checker, value: unknown): Ambient {
  const fallback: Ambient = { profile: 'quiet_gallery', crowd: DEFAULT_CROWD.quiet_gallery, hvac: { levelDbfs: -60, blowerHz: 25 }, mainsHz: 50, windMps: 0 };
  if (value === undefined) return fallback;
  const o = c.object(value, 'ambient');
  if (o === undefined) return fallback;
  c.onlyKeys(o, 'ambient', ['profile', 'crowd', 'hvac', 'mainsHz', 'windMps']);
  const profile = o.profile === undefined ? fallback.profile : (c.oneOf(o, 'profile', 'ambient', AMBIENT_PROFILES) ?? fallback.profile);
  const crowd = c.optionalNumber(o, 'crowd', 'ambient', { unit: 'crowd level', min: 0, max: 1 }, DEFAULT_CROWD[profile]);
  let hvac = fallback.hvac;
  if (o.hvac === null) {
    hvac = null;
  } else if (o.hvac !== undefined) {
    const h = c.object(o.hvac, 'ambient.hvac');
    if (h !== undefined) {
      c.onlyKeys(h, 'ambient.hvac', ['levelDbfs', 'blowerHz']);
      hvac = {
        levelDbfs: c.optionalNumber(h, 'levelDbfs', 'ambient.hvac', { unit: 'dBFS', min: -90, max: -20 }, -60),
        blowerHz: c.optionalNumber(h, 'blowerHz', 'ambient.hvac', { unit: 'Hz', min: 5, max: 200 }, 25),
      };
    }
  }
  const mainsHz = o.mainsHz === undefined ? 50 : (c.oneOf(o, 'mainsHz', 'ambient', [50, 60] as const) ?? 50);
  const windMps = c.optionalNumber(o, 'windMps', 'ambient', { unit: 'm/s', min: 0, max: 40 }, 0);
  return { profile, crowd, hvac, mainsHz, windMps };
}

/** Checks `at` (in range and in time order) for item `i` of a list; returns it or undefined. */
function checkAt(c: Checker, o: JsonObject, path: string, end: number, previous: { at: number; path: string } | undefined): number | undefined {
  const at = c.number(o, 'at', path, SECONDS);
  if (at === undefined) return undefined;
  if (at >= end) {
    c.fail(childPath(path, 'at'), `${at} s is not before the end of the scenario (durationS ${end})`);
    return undefined;
  }
  if (previous !== undefined && at < previous.at) {
    c.fail(childPath(path, 'at'), `${at} s comes before ${previous.path} at ${previous.at} s; keep the list in time order`);
  }
  return at;
}

function checkEndsInTime(c: Checker, path: string, at: number, durationS: number, end: number): void {
  if (at + durationS > end + EPSILON_S) {
    c.fail(childPath(path, 'durationS'), `the ${path.startsWith('faults') ? 'fault' : 'event'} ends at ${at + durationS} s, after the scenario ends (durationS ${end})`);
  }
}

/** The well-formed ids in the nodes list, so that references are checked even when some node is invalid. */
function nodeIdsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((n: unknown) => {
    const id = n !== null && typeof n === 'object' ? (n as JsonObject).id : undefined;
    return typeof id === 'string' && ID.pattern.test(id) ? [id] : [];
  });
}

function nodeReference(c: Checker, o: JsonObject, key: string, path: string, nodeIds: readonly string[]): string | undefined {
  const id = c.string(o, key, path, ID);
  if (id === undefined) return undefined;
  if (!nodeIds.includes(id)) {
    c.fail(childPath(path, key), `no node "${id}" (nodes: ${nodeIds.join(', ')})`);
    return undefined;
  }
  return id;
}

function checkPlace(c: Checker, value: unknown, path: string, site: Site | undefined, nodeIds: readonly string[]): EventPlace | undefined {
  const o = c.object(value, path);
  if (o === undefined) return undefined;
  const keys = Object.keys(o).sort().join(',');
  if (keys === 'node') return nodeReference(c, o, 'node', path, nodeIds) === undefined ? undefined : { node: o.node as string };
  if (keys === 'room') {
    const id = c.string(o, 'room', path, ID);
    if (id === undefined || site === undefined) return undefined;
    if (!site.plan.rooms.some((r) => r.id === id)) {
      c.fail(childPath(path, 'room'), `no room "${id}" in site.plan (rooms: ${site.plan.rooms.map((r) => r.id).join(', ')})`);
      return undefined;
    }
    return { room: id };
  }
  if (keys === 'x,y') return checkPoint(c, o, path);
  c.fail(path, 'must be {"node": id}, {"room": id} or {"x": metres, "y": metres}');
  return undefined;
}

function checkParams(c: Checker, value: unknown, path: string, what: EventKind): Record<string, number | string | boolean> {
  const spec: EventSpec = EVENT_SPECS[what];
  const given = value === undefined ? {} : c.object(value, path);
  const params: Record<string, number | string | boolean> = {};
  for (const [name, p] of Object.entries(spec.params)) params[name] = p.default;
  if (given === undefined) return params;
  for (const name of Object.keys(given)) {
    const p = spec.params[name];
    if (p === undefined) {
      const allowed = Object.keys(spec.params);
      c.fail(childPath(path, name), `unknown parameter of ${what} (${allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'it takes none'})`);
      continue;
    }
    const checked = p.type === 'number' ? c.number(given, name, path, p) : p.type === 'enum' ? c.oneOf(given, name, path, p.values) : c.boolean(given, name, path);
    if (checked !== undefined) params[name] = checked;
  }
  return params;
}

function checkTimeline(c: Checker, root: JsonObject, end: number, site: Site | undefined, nodeIds: readonly string[]): TimelineEvent[] | undefined {
  const list = c.array(root, 'timeline', '');
  if (list === undefined) return undefined;
  const events: TimelineEvent[] = [];
  let previous: { at: number; path: string } | undefined;
  list.forEach((item, i) => {
    const path = childPath('timeline', i);
    const o = c.object(item, path);
    if (o === undefined) return;
    c.onlyKeys(o, path, ['at', 'what', 'where', 'durationS', 'label', 'params']);
    const at = checkAt(c, o, path, end, previous);
    if (at !== undefined) previous = { at, path };
    const what = c.oneOf(o, 'what', path, EVENT_KINDS);
    const where = checkPlace(c, o.where, childPath(path, 'where'), site, nodeIds);
    const label = c.optionalString(o, 'label', path, what ?? '', TEXT);
    if (what === undefined) return;
    const spec: EventSpec = EVENT_SPECS[what];
    let durationS = 0;
    if (spec.duration === 'none') {
      if (o.durationS !== undefined) c.fail(childPath(path, 'durationS'), `${what} is a single event and takes no durationS`);
    } else if (spec.duration === 'required' || o.durationS !== undefined) {
      durationS = c.number(o, 'durationS', path, { unit: 'seconds', above: 0 }) ?? 0;
    } else if (at !== undefined) {
      durationS = end - at;
    }
    if (at !== undefined) checkEndsInTime(c, path, at, durationS, end);
    const params = checkParams(c, o.params, childPath(path, 'params'), what);
    if (at === undefined || where === undefined) return;
    events.push({ at, what, where, durationS, label, params } as TimelineEvent);
  });
  return events.length === list.length ? events : undefined;
}

type Power = { offUntilS: number; sincePath: string };

function checkFaults(c: Checker, root: JsonObject, end: number, nodeIds: readonly string[]): Fault[] | undefined {
  if (root.faults === undefined) return [];
  const list = c.array(root, 'faults', '');
  if (list === undefined) return undefined;
  const faults: Fault[] = [];
  let previous: { at: number; path: string } | undefined;
  let brokerDownSince: string | undefined;
  const power = new Map<string, Power>();
  list.forEach((item, i) => {
    const path = childPath('faults', i);
    const o = c.object(item, path);
    if (o === undefined) return;
    const at = checkAt(c, o, path, end, previous);
    if (at !== undefined) previous = { at, path };
    const kind: FaultKind | undefined = c.oneOf(o, 'kind', path, FAULT_KINDS);
    if (kind === undefined || at === undefined) return;
    const label = c.optionalString(o, 'label', path, kind, TEXT);
    const fault = checkFaultBody(c, o, path, kind, at, label, end, nodeIds);
    if (fault === undefined) return;
    // Faults must make sense in sequence.
    if (fault.kind === 'broker_stop') {
      if (brokerDownSince !== undefined) c.fail(childPath(path, 'kind'), `broker_stop while the broker is already down (since ${brokerDownSince})`);
      brokerDownSince = path;
    } else if (fault.kind === 'broker_start') {
      if (brokerDownSince === undefined) c.fail(childPath(path, 'kind'), 'broker_start while the broker is running (no broker_stop before it)');
      brokerDownSince = undefined;
    } else if (fault.kind === 'power_loss' || fault.kind === 'reboot') {
      const state = power.get(fault.node);
      if (state !== undefined && state.offUntilS > at) {
        c.fail(childPath(path, 'kind'), `${fault.kind} of node "${fault.node}" while it is off (${state.sincePath})`);
      }
      if (fault.kind === 'power_loss') power.set(fault.node, { offUntilS: fault.durationS === null ? Infinity : at + fault.durationS, sincePath: path });
    }
    faults.push(fault);
  });
  return faults.length === list.length ? faults : undefined;
}

function checkFaultBody(
  c: Checker, o: JsonObject, path: string, kind: FaultKind, at: number, label: string, end: number, nodeIds: readonly string[],
): Fault | undefined {
  const common = ['at', 'kind', 'label'];
  if (kind === 'broker_stop' || kind === 'broker_start') {
    c.onlyKeys(o, path, common);
    return { at, label, kind };
  }
  const durationRequired = kind === 'network_drop';
  const canLast = kind !== 'reboot';
  const isSensor = kind.startsWith('sensor_');
  c.onlyKeys(o, path, [...common, 'node', ...(canLast ? ['durationS'] : []), ...(isSensor ? ['sensor'] : [])]);
  const node = nodeReference(c, o, 'node', path, nodeIds);
  let durationS: number | null = null;
  if (canLast && (durationRequired || (o.durationS !== undefined && o.durationS !== null))) {
    const d = c.number(o, 'durationS', path, { unit: 'seconds', above: 0 });
    if (d === undefined) return undefined;
    checkEndsInTime(c, path, at, d, end);
    durationS = d;
  }
  if (node === undefined) return undefined;
  if (kind === 'reboot') return { at, label, kind, node };
  if (kind === 'network_drop') return { at, label, kind, node, durationS: durationS as number };
  if (kind === 'power_loss') return { at, label, kind, node, durationS };
  const sensor = c.oneOf(o, 'sensor', path, SENSORS);
  if (sensor === undefined) return undefined;
  return { at, label, kind, node, sensor, durationS };
}

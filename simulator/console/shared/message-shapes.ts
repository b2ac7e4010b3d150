/**
 * What the console checks of a message before it keeps it: the fields it reads, with their types. The
 * full JSON Schemas (docs/schemas/) are the monitor's; the console runs in a browser without them, and
 * one heartbeat whose sensor entry lacked `faults` stopped every later redraw (dead nodes included). A
 * message that fails is listed under the page's problems and the node keeps what it had.
 * Each function returns the first problem, or undefined.
 */

type Check = (value: unknown) => boolean;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isNumberOrNull: Check = (value) => value === null || isNumber(value);
const arrayOf = (item: Check): Check => (value) => Array.isArray(value) && value.every(item);

/** The first field of `record` that `checks` refuses, as `name: must be …`. */
function firstProblem(record: Record<string, unknown>, checks: Record<string, [Check, string]>): string | undefined {
  for (const [name, [check, what]] of Object.entries(checks)) {
    if (!check(record[name])) return `${name}: must be ${what}, not ${describe(record[name])}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const LOCATION_KEYS = ['building', 'floor', 'room', 'element', 'label'] as const;

/** A location as nodes publish it: every part a string. */
export function locationProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `location: must be an object, not ${describe(value)}`;
  for (const key of LOCATION_KEYS) if (!isString(value[key])) return `location.${key}: must be a string, not ${describe(value[key])}`;
  return undefined;
}

export function heartbeatProblem(hb: Record<string, unknown>): string | undefined {
  const problem = firstProblem(hb, {
    intervalMs: [(v) => isNumber(v) && (v as number) > 0, 'a positive number of ms'],
    ts: [isNumberOrNull, 'a number or null'],
    sensors: [isRecord, 'an object'],
    walkTest: [isBoolean, 'true or false'],
    telemetry: [isBoolean, 'true or false'],
  });
  if (problem !== undefined) return problem;
  for (const [sensor, report] of Object.entries(hb.sensors as Record<string, unknown>)) {
    if (!isRecord(report)) return `sensors.${sensor}: must be an object, not ${describe(report)}`;
    const inner = firstProblem(report, { state: [isString, 'a string'], faults: [arrayOf(isString), 'a list of strings'] });
    if (inner !== undefined) return `sensors.${sensor}.${inner}`;
  }
  return undefined;
}

export function alertProblem(alert: Record<string, unknown>): string | undefined {
  return firstProblem(alert, {
    id: [isString, 'a string'],
    type: [isString, 'a string'],
    severity: [isString, 'a string'],
    score: [isNumber, 'a number'],
    test: [isBoolean, 'true or false'],
    corroborated: [arrayOf(isString), 'a list of strings'],
    ts: [isNumberOrNull, 'a number or null'],
    uptimeMs: [isNumber, 'a number'],
    onsetUptimeMs: [isNumber, 'a number'],
    decidedUptimeMs: [isNumber, 'a number'],
  }) ?? locationProblem(alert.location);
}

export function commandResultProblem(result: Record<string, unknown>): string | undefined {
  return firstProblem(result, {
    id: [(v) => v === null || isString(v), 'a string or null'],
    command: [isString, 'a string'],
    ok: [isBoolean, 'true or false'],
    error: [(v) => v === undefined || isString(v), 'a string'],
    changed: [(v) => v === undefined || arrayOf(isString)(v), 'a list of strings'],
  });
}

const isReading: Check = (value) => isRecord(value) && isString(value.option) && isString(value.unit) &&
  isNumberOrNull(value.threshold) && isNumberOrNull(value.current);

export function telemetryProblem(message: Record<string, unknown>): string | undefined {
  if (!Array.isArray(message.pipelines)) return `pipelines: must be a list, not ${describe(message.pipelines)}`;
  for (const [i, pipeline] of message.pipelines.entries()) {
    if (!isRecord(pipeline)) return `pipelines[${i}]: must be an object, not ${describe(pipeline)}`;
    const problem = firstProblem(pipeline, {
      kind: [isString, 'a string'],
      noiseFloorDb: [isNumberOrNull, 'a number or null'],
      bandsDb: [arrayOf(isNumberOrNull), 'a list of numbers'],
      bandEdgesHz: [arrayOf(isNumber), 'a list of numbers'],
      levels: [(v) => isRecord(v) && Object.values(v).every(isNumberOrNull), 'an object of numbers'],
      thresholds: [arrayOf(isReading), 'a list of {option, threshold, current, unit}'],
    });
    if (problem !== undefined) return `pipelines[${i}].${problem}`;
  }
  return undefined;
}

/** A retained config: the console reads its location (the rest is shown as it is). */
export function configProblem(config: Record<string, unknown>): string | undefined {
  return config.location === undefined ? undefined : locationProblem(config.location);
}

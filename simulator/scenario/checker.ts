/**
 * Reads untrusted JSON field by field, collecting every problem with the JSON path it was found at
 * (`timeline[3].at: must be a non-negative number of seconds, got -2`) instead of stopping at the first.
 */
import { describeNumber, numberFits } from './numbers';
import type { NumberRule } from './numbers';

export interface ScenarioIssue {
  /** JSON path, e.g. `nodes[2].location.floor`; empty for the document itself. */
  path: string;
  message: string;
}

export type JsonObject = Record<string, unknown>;

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export interface StringRule {
  pattern?: RegExp;
  /** Says what the pattern allows, for the message. */
  patternDoc?: string;
  maxLength?: number;
}

export class Checker {
  readonly issues: ScenarioIssue[] = [];

  fail(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  #wrong(path: string, value: unknown, expected: string): undefined {
    this.fail(path, value === undefined ? `missing; must be ${expected}` : `must be ${expected}, got ${shown(value)}`);
    return undefined;
  }

  object(value: unknown, path: string): JsonObject | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
    return this.#wrong(path, value, 'an object');
  }

  /** Reports keys that are not in `allowed` (typos would otherwise be silently ignored). */
  onlyKeys(object: JsonObject, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) this.fail(childPath(path, key), `unknown key (allowed: ${allowed.join(', ')})`);
    }
  }

  string(object: JsonObject, key: string, path: string, rule: StringRule = {}): string | undefined {
    const at = childPath(path, key);
    const value = object[key];
    const maxLength = rule.maxLength ?? 200;
    const expected = rule.patternDoc ?? `a non-empty string of at most ${maxLength} characters`;
    if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) return this.#wrong(at, value, expected);
    if (rule.pattern !== undefined && !rule.pattern.test(value)) return this.#wrong(at, value, expected);
    return value;
  }

  optionalString(object: JsonObject, key: string, path: string, fallback: string, rule: StringRule = {}): string {
    return object[key] === undefined ? fallback : (this.string(object, key, path, rule) ?? fallback);
  }

  number(object: JsonObject, key: string, path: string, rule: NumberRule): number | undefined {
    const value = object[key];
    if (numberFits(value, rule)) return value;
    return this.#wrong(childPath(path, key), value, describeNumber(rule));
  }

  optionalNumber(object: JsonObject, key: string, path: string, rule: NumberRule, fallback: number): number {
    return object[key] === undefined ? fallback : (this.number(object, key, path, rule) ?? fallback);
  }

  oneOf<V extends string | number>(object: JsonObject, key: string, path: string, values: readonly V[]): V | undefined {
    const value = object[key];
    if (values.includes(value as V)) return value as V;
    return this.#wrong(childPath(path, key), value, `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
  }

  boolean(object: JsonObject, key: string, path: string): boolean | undefined {
    const value = object[key];
    if (typeof value === 'boolean') return value;
    return this.#wrong(childPath(path, key), value, 'true or false');
  }

  array(object: JsonObject, key: string, path: string, minItems = 0): unknown[] | undefined {
    const value = object[key];
    if (Array.isArray(value) && value.length >= minItems) return value;
    return this.#wrong(childPath(path, key), value, minItems > 0 ? `an array of at least ${minItems} item${minItems > 1 ? 's' : ''}` : 'an array');
  }
}

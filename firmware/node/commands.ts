/**
 * Commands arrive on `cmd/<name>` as JSON objects with an `id`. Everything about a request is checked
 * before anything changes: the topic, the size, the nesting depth, JSON syntax, keys that could reach
 * an object's prototype, the verifier (signatures, a later issue), the command's arguments. Any failure
 * is answered on cmd/result with a reason naming what and where; the node's state stays as it was.
 */
import type { ConfigMode } from './config';
import { hasControlCharacters } from './config';
import type { CommandName } from './protocol';
import { COMMAND_NAMES } from './protocol';
import { utf8Length } from './stored-text';

export const COMMAND_MAX_BYTES = 8192;
export const COMMAND_MAX_DEPTH = 8;
const ID_MAX = 64;
const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** Reserved in every command for the signature of the later signed-commands issue. */
export const AUTH_KEY = 'auth';

export interface CommandRequest {
  name: string;
  topic: string;
  /** The payload exactly as received (a signature covers topic + payload). */
  payload: string;
  body: Record<string, unknown>;
}

/** Decides whether a well-formed command may run. Returns an error message to refuse it. */
export interface CommandVerifier {
  verify(request: CommandRequest): string | undefined;
}

/**
 * INSECURE PLACEHOLDER: accepts every command unsigned. Signed commands (HMAC over topic + payload with
 * a counter against replay, in the `auth` field) replace this in a later issue; until then the broker's
 * ACL is the only protection of cmd/#.
 */
export const ACCEPT_ALL_UNSIGNED: CommandVerifier = {
  verify: () => undefined,
};

export type Command =
  | { name: 'config'; id: string; config: unknown; mode: ConfigMode }
  | { name: 'telemetry'; id: string; enable: boolean; durationS?: number; rateHz?: number }
  | { name: 'walktest'; id: string; enable: boolean; durationS?: number }
  | { name: 'relearn'; id: string }
  | { name: 'reboot'; id: string; reason: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };
/** A payload that parsed as JSON but was refused still yields its id for the answer. */
export type ParsedPayload = { ok: true; value: Record<string, unknown> } | { ok: false; error: string; id: string | null };

/** Depth of the deepest `{`/`[` nesting, counting no further than limit + 1 (strings skipped). */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

function findForbiddenKey(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.includes(key)) return `${path}.${key}`;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A command payload as a plain JSON object, or why it is not acceptable. */
export function parseCommandPayload(payload: string): ParsedPayload {
  if (payload.length > COMMAND_MAX_BYTES || utf8Length(payload) > COMMAND_MAX_BYTES) {
    return { ok: false, error: `payload: ${utf8Length(payload)} bytes; a command may have at most ${COMMAND_MAX_BYTES}`, id: null };
  }
  if (nestingDepth(payload, COMMAND_MAX_DEPTH) > COMMAND_MAX_DEPTH) {
    return { ok: false, error: `payload: nested deeper than ${COMMAND_MAX_DEPTH} levels`, id: null };
  }
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch (error) {
    return { ok: false, error: `payload: not JSON (${(error as Error).message})`, id: null };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: 'payload: must be a JSON object', id: null };
  }
  const forbidden = findForbiddenKey(body, 'payload');
  if (forbidden !== undefined) return { ok: false, error: `${forbidden}: this key is not allowed`, id: requestId(body as Record<string, unknown>) };
  return { ok: true, value: body as Record<string, unknown> };
}

/** The request id if the body has a usable one (for the answer even when the rest is wrong). */
export function requestId(body: Record<string, unknown> | undefined): string | null {
  const id = body?.id;
  return typeof id === 'string' && id.length > 0 && id.length <= ID_MAX && !hasControlCharacters(id) ? id : null;
}

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

function checkKeys(body: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  for (const key of Object.keys(body)) {
    if (key !== 'id' && key !== AUTH_KEY && !allowed.includes(key)) {
      return `${key}: unknown argument (allowed: ${['id', ...allowed].join(', ')})`;
    }
  }
  return undefined;
}

function optionalNumber(body: Record<string, unknown>, key: string, min: number, max: number, unit: string): Parsed<number | undefined> {
  const value = body[key];
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, error: `${key}: must be a number (${unit})` };
  if (value < min || value > max) return { ok: false, error: `${key}: ${value} ${unit} is outside ${min}..${max} ${unit}` };
  return { ok: true, value };
}

/** Limits that come from the configuration in force. */
export interface CommandLimits {
  telemetryMaxDurationS: number;
  telemetryMaxRateHz: number;
  walkTestMaxS: number;
}

/** A command's arguments, checked; `name` must be a command name. */
export function parseCommand(name: CommandName, body: Record<string, unknown>, limits: CommandLimits): Parsed<Command> {
  const id = requestId(body);
  if (id === null) return { ok: false, error: `id: must be a string of 1-${ID_MAX} characters` };
  let unknown: string | undefined;
  switch (name) {
    case 'config': {
      unknown = checkKeys(body, ['config', 'mode']);
      if (unknown !== undefined) return { ok: false, error: unknown };
      const mode = body.mode ?? 'merge';
      if (mode !== 'merge' && mode !== 'replace') return { ok: false, error: 'mode: must be "merge" or "replace"' };
      if (body.config === undefined) return { ok: false, error: 'config: missing' };
      return { ok: true, value: { name, id, config: body.config, mode } };
    }
    case 'telemetry':
    case 'walktest': {
      unknown = checkKeys(body, name === 'telemetry' ? ['enable', 'durationS', 'rateHz'] : ['enable', 'durationS']);
      if (unknown !== undefined) return { ok: false, error: unknown };
      if (typeof body.enable !== 'boolean') return { ok: false, error: 'enable: must be true or false' };
      const maxS = name === 'telemetry' ? limits.telemetryMaxDurationS : limits.walkTestMaxS;
      const durationS = optionalNumber(body, 'durationS', 1, maxS, 's');
      if (!durationS.ok) return durationS;
      if (name === 'walktest') return { ok: true, value: { name, id, enable: body.enable, durationS: durationS.value } };
      const rateHz = optionalNumber(body, 'rateHz', 0.1, limits.telemetryMaxRateHz, 'Hz');
      if (!rateHz.ok) return rateHz;
      return { ok: true, value: { name, id, enable: body.enable, durationS: durationS.value, rateHz: rateHz.value } };
    }
    case 'relearn':
      unknown = checkKeys(body, []);
      return unknown !== undefined ? { ok: false, error: unknown } : { ok: true, value: { name, id } };
    case 'reboot': {
      unknown = checkKeys(body, ['reason']);
      if (unknown !== undefined) return { ok: false, error: unknown };
      const reason = body.reason ?? 'cmd/reboot';
      if (typeof reason !== 'string' || reason.length > 64) return { ok: false, error: 'reason: must be a string of at most 64 characters' };
      return { ok: true, value: { name, id, reason } };
    }
  }
}

/**
 * The JSON Schemas of docs/schemas/, compiled with ajv, and the rule that picks the schema for a topic:
 * the monitor validates every message it receives with it, and the tests every message a node publishes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';

const schemaDir = fileURLToPath(new URL('../../docs/schemas/', import.meta.url));
const BASE = 'https://schemas.vitrine.example/v1/';

export const SCHEMA_NAMES = readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).map((f) => f.replace('.schema.json', ''));

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
for (const name of SCHEMA_NAMES) ajv.addSchema(JSON.parse(readFileSync(path.join(schemaDir, `${name}.schema.json`), 'utf8')) as object);

/** The alert types of common.schema.json: the only `<type>` a `state/<type>` topic may name. */
const ALERT_TYPE_NAMES = (JSON.parse(readFileSync(path.join(schemaDir, 'common.schema.json'), 'utf8')) as {
  definitions: { alertType: { enum: string[] } };
}).definitions.alertType.enum;

export function schema(name: string): ValidateFunction {
  const validate = ajv.getSchema(`${BASE}${name}.schema.json`);
  if (validate === undefined) throw new Error(`no schema named ${name} in docs/schemas`);
  return validate;
}

/** Which schema describes a payload on `topic`, and whether the payload is plain text rather than JSON. */
export function schemaForTopic(topic: string): { name: string; plainText: boolean } | undefined {
  const node = /^vitrine\/[^/]+\/[^/]+\/(.+)$/.exec(topic);
  if (node !== null) {
    const rest = node[1];
    if (rest === 'status') return { name: 'status', plainText: true };
    if (rest.startsWith('state/')) return ALERT_TYPE_NAMES.includes(rest.slice('state/'.length)) ? { name: 'state', plainText: true } : undefined;
    if (rest === 'cmd/result') return { name: 'cmd-result', plainText: false };
    if (rest.startsWith('cmd/')) return SCHEMA_NAMES.includes(`cmd-${rest.slice(4)}`) ? { name: `cmd-${rest.slice(4)}`, plainText: false } : undefined;
    if (['alert', 'hb', 'telemetry', 'config', 'safemode', 'selfbench'].includes(rest)) return { name: rest, plainText: false };
    return undefined;
  }
  if (/^homeassistant\/binary_sensor\/[^/]+\/config$/.test(topic)) return { name: 'ha-binary-sensor', plainText: false };
  if (/^homeassistant\/event\/[^/]+\/config$/.test(topic)) return { name: 'ha-event', plainText: false };
  return undefined;
}

/**
 * Problems of one published message against its schema (an empty retained payload removes an HA
 * discovery entity, or a safe-mode report a node left before it started normally).
 */
export function checkMessage(topic: string, payload: string): string[] {
  const found = schemaForTopic(topic);
  if (found === undefined) return [`${topic}: no schema for this topic`];
  if ((found.name.startsWith('ha-') || found.name === 'safemode') && payload === '') return [];
  let value: unknown = payload;
  if (!found.plainText) {
    try {
      value = JSON.parse(payload);
    } catch {
      return [`${topic}: payload is not JSON: ${payload.slice(0, 80)}`];
    }
  }
  const validate = schema(found.name);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${topic} (${found.name}): ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

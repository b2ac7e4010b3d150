/**
 * `classify --config FILE.json`: a node configuration in the format of cmd/config and
 * docs/configuration.md, validated with the node's own rules. The file holds either a cmd/config request
 * (`{"id": ..., "mode": "merge"|"replace", "config": {...}}`) or the configuration object itself: a
 * merge patch onto the role's defaults, or a whole configuration as retained on the node's `config` topic.
 * `role`, `site` and `node` in it say which node it is (a configuration read from a node carries them);
 * without a role the sensor's default role is used.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NODE_ROLES, type NodeRole } from '../../firmware/detect/types';
import type { ConfigMode, JsonObject, NodeConfig } from '../../firmware/node/config';
import { applyConfigChange, defaultConfig } from '../../firmware/node/config';
import { ID_PATTERN } from '../../firmware/node/protocol';
import type { SensorChannel } from '../signals/corpus';
import { DEFAULT_ROLES, standInProvisioning, configContext } from '../eval/sensor-pipeline';

export type LoadedConfig = { ok: true; config: NodeConfig } | { ok: false; errors: string[] };

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The sensor's default role's configuration with `text` (the file's contents) applied as cmd/config would. */
export function loadConfig(text: string, sensor: SensorChannel): LoadedConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`config: not JSON (${(error as Error).message})`] };
  }
  if (!isObject(parsed)) return { ok: false, errors: ['config: must be a JSON object (a configuration, a patch or a cmd/config request)'] };
  let patch: unknown = parsed;
  let mode: ConfigMode = 'merge';
  if ('config' in parsed) {
    // A cmd/config request: only its own keys (id and auth are not checked here: no node receives it).
    const problems: string[] = [];
    for (const key of Object.keys(parsed)) {
      if (!['id', 'auth', 'mode', 'config'].includes(key)) problems.push(`${key}: unknown key of a cmd/config request (id, auth, mode, config)`);
    }
    if (parsed.mode !== undefined && parsed.mode !== 'merge' && parsed.mode !== 'replace') problems.push(`mode: must be merge or replace, not ${JSON.stringify(parsed.mode)}`);
    if (problems.length > 0) return { ok: false, errors: problems };
    patch = parsed.config;
    mode = (parsed.mode as ConfigMode | undefined) ?? 'merge';
    if (!isObject(patch)) return { ok: false, errors: ['config: must be an object'] };
  }
  const identity = patch as JsonObject;
  const problems: string[] = [];
  let role: NodeRole = DEFAULT_ROLES[sensor];
  if (identity.role !== undefined) {
    if (typeof identity.role === 'string' && (NODE_ROLES as readonly string[]).includes(identity.role)) role = identity.role as NodeRole;
    else problems.push(`config.role: must be one of ${NODE_ROLES.join(', ')}, not ${JSON.stringify(identity.role)}`);
  }
  const provisioning = standInProvisioning(role);
  for (const key of ['site', 'node'] as const) {
    const value = identity[key];
    if (value === undefined) continue;
    if (typeof value === 'string' && ID_PATTERN.test(value)) provisioning[key] = value;
    else problems.push(`config.${key}: must be 1-32 letters, digits, '_' or '-', not ${JSON.stringify(value)}`);
  }
  if (problems.length > 0) return { ok: false, errors: problems };
  const context = configContext(provisioning);
  const result = applyConfigChange({ config: defaultConfig(context), overrides: {} }, patch, mode, context);
  return result.ok ? { ok: true, config: result.config } : { ok: false, errors: result.errors };
}

/**
 * The configuration in `file` (relative to the directory `npm run` was started in), as loadConfig reads it;
 * a file that cannot be read is one error.
 */
export function loadConfigFile(file: string, sensor: SensorChannel): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), file), 'utf8');
  } catch (error) {
    return { ok: false, errors: [`cannot read: ${error instanceof Error ? error.message : String(error)}`] };
  }
  return loadConfig(text, sensor);
}

/**
 * Reads the project's Moddable manifests the way mcconfig merges them (tools/mcmanifest.js: includes
 * depth-first, then each manifest's base section and its matching platform section; `config`,
 * `creation` and `defines` merge by key, `modules`, `preload` and `resources` concatenate), as far as
 * the project's own files go: includes under $(MODDABLE) are listed, not read (the SDK is not here).
 * Used by the build command (to check an installer's settings before a long build) and the manifest tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MANIFEST_DIR = path.join(REPO_ROOT, 'manifests');

/** Role names as in the manifest files, and the NodeRole each one configures. */
export const ROLE_MANIFESTS = { 'display-case': 'display_case', window: 'window', balcony: 'balcony' } as const;
export type RoleName = keyof typeof ROLE_MANIFESTS;

export type JsonObject = { [key: string]: unknown };

export interface ModuleEntry {
  /** Module specifier, possibly ending in '*' (a directory's modules). */
  name: string;
  /** Absolute source path without extension, possibly ending in '*'. */
  source: string;
  /** The manifest that declared it. */
  manifest: string;
}

export interface MergedManifest {
  config: JsonObject;
  creation: JsonObject;
  defines: JsonObject;
  modules: ModuleEntry[];
  preload: string[];
  resources: ModuleEntry[];
  typescript: unknown;
  /** Project manifests read, in merge order. */
  manifests: string[];
  /** Includes that name the SDK ($(MODDABLE)/...), in order. */
  sdkIncludes: string[];
  /** Project includes whose file does not exist (yet). */
  missingIncludes: string[];
  errors: string[];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readJsonManifest(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read (${(error as Error).message})`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isObject(value)) throw new Error(`${file}: a manifest is a JSON object`);
  return value;
}

/** mcmanifest's matchPlatform: "esp32" matches esp32 and esp32/TARGET; "..." is the fallback. */
export function matchPlatform(platforms: JsonObject, fullPlatform: string): JsonObject | undefined {
  const parts = fullPlatform.split('/');
  while (parts.length > 0) {
    const partial = parts.join('/');
    for (const name of Object.keys(platforms)) {
      const section = platforms[name];
      if (name.endsWith('/*') ? partial.startsWith(name.slice(0, -1)) : partial === name) return isObject(section) ? section : undefined;
    }
    parts.length -= 1;
  }
  const fallback = platforms['...'];
  return isObject(fallback) ? fallback : undefined;
}

function mergeProperties(target: JsonObject, source: unknown): void {
  if (!isObject(source)) return;
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    if (isObject(current) && isObject(value)) mergeProperties(current, value);
    else target[key] = isObject(value) ? structuredClone(value) : value;
  }
}

export function mergedManifest(manifestFile: string, fullPlatform: string): MergedManifest {
  const env: Record<string, string> = {};
  const result: MergedManifest = {
    config: {}, creation: {}, defines: {}, modules: [], preload: [], resources: [], typescript: undefined,
    manifests: [], sdkIncludes: [], missingIncludes: [], errors: [],
  };
  const resolve = (value: string, directory: string): string => {
    const expanded = value.replace(/\$\(([^)]+)\)/g, (whole, name: string) => env[name] ?? whole);
    return expanded.startsWith('./') || expanded.startsWith('../') ? path.resolve(directory, expanded) : expanded;
  };
  const parsed: Array<{ file: string; manifest: JsonObject }> = [];
  const seen = new Set<string>();

  const parse = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const manifest = readJsonManifest(file);
    const directory = path.dirname(file);
    const platform = isObject(manifest.platforms) ? matchPlatform(manifest.platforms, fullPlatform) : undefined;
    for (const section of [manifest, platform]) {
      if (section !== undefined && isObject(section.build)) {
        for (const [name, value] of Object.entries(section.build)) {
          if (typeof value === 'string') env[name] = resolve(value, directory);
        }
      }
    }
    const includes = [...asList(manifest.include), ...asList(platform?.include)];
    for (const include of includes) {
      const target = resolve(include, directory);
      if (target.includes('$(MODDABLE)')) result.sdkIncludes.push(include);
      else if (!existsSync(target)) result.missingIncludes.push(target);
      else parse(path.resolve(target));
    }
    parsed.push({ file, manifest });
  };
  parse(path.resolve(manifestFile));

  for (const { file, manifest } of parsed) {
    result.manifests.push(file);
    const directory = path.dirname(file);
    const platform = isObject(manifest.platforms) ? matchPlatform(manifest.platforms, fullPlatform) : undefined;
    for (const section of [manifest, platform]) {
      if (section === undefined) continue;
      mergeProperties(result.config, section.config);
      mergeProperties(result.creation, section.creation);
      mergeProperties(result.defines, section.defines);
      result.modules.push(...entries(section.modules, file, directory, resolve));
      result.resources.push(...entries(section.resources, file, directory, resolve));
      result.preload.push(...asList(section.preload));
      if (section.typescript !== undefined) result.typescript = section.typescript;
      if (typeof section.error === 'string') result.errors.push(section.error);
    }
  }
  return result;
}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function entries(section: unknown, file: string, directory: string, resolve: (v: string, d: string) => string): ModuleEntry[] {
  if (!isObject(section)) return [];
  const out: ModuleEntry[] = [];
  for (const [name, sources] of Object.entries(section)) {
    for (const source of asList(sources)) {
      const resolved = resolve(source, directory);
      // "*": ["./a", "./b"] names each file's module after the file (mcmanifest); "dir/*": "./dir/*" stays a wildcard.
      const moduleName = name === '*' && !resolved.endsWith('*') ? path.basename(resolved) : name;
      out.push({ name: moduleName, source: resolved, manifest: file });
    }
  }
  return out;
}

/** The self-benchmark build (manifests/selfbench.json): the same firmware with `config.app` = "selfbench". */
export const SELFBENCH = 'selfbench';
/** What build:device can build: a node role, or the self-benchmark. */
export type BuildName = RoleName | typeof SELFBENCH;

export function roleManifestFile(role: BuildName): string {
  return path.join(MANIFEST_DIR, `${role}.json`);
}

/** The settings an installer gives on the mcconfig command line (not defaulted in the manifests). */
export const INSTALLER_KEYS = ['site', 'node', 'building', 'floor', 'room', 'element', 'label', 'brokerHost'] as const;

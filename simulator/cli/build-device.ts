/**
 * npm run build:device -- --role ROLE|selfbench [--platform esp32|esp32/TARGET|lin] [--debug] [key=value ...]
 * npm run build:device -- --help
 *
 * Builds (and for esp32 flashes) the firmware for one node role with Moddable's mcconfig, or the
 * self-benchmark (`--role selfbench`, manifests/selfbench.json). Before the build, the installer's
 * settings (key=value, as mcconfig takes them) are merged over the manifest and checked, so a missing
 * node id or broker fails in a second, not after a build.
 * Needs the Moddable SDK: the MODDABLE environment variable names its directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseDeviceConfig } from '../../firmware/moddable/device-config';
import { ID_PATTERN } from '../../firmware/node/protocol';
import { INSTALLER_KEYS, mergedManifest, roleManifestFile, ROLE_MANIFESTS, SELFBENCH, type BuildName } from './manifests';

export const GETTING_STARTED_URL =
  'https://github.com/Moddable-OpenSource/moddable/blob/public/documentation/Moddable%20SDK%20-%20Getting%20Started.md';

export interface BuildRequest {
  role: BuildName;
  platform: string;
  debug: boolean;
  settings: Record<string, string>;
}

export class UsageError extends Error {}

const USAGE = 'usage: npm run build:device -- --role display-case|window|balcony|selfbench [--platform esp32|esp32/TARGET|lin] ' +
  '[--debug] [key=value ...]';

export function parseArguments(argv: readonly string[]): BuildRequest {
  let role: string | undefined;
  let platform = 'esp32';
  let debug = false;
  const settings: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--role' || arg === '--platform') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      if (arg === '--role') role = value;
      else platform = value;
    } else if (arg === '--debug') {
      debug = true;
    } else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) {
      const at = arg.indexOf('=');
      settings[arg.slice(0, at)] = arg.slice(at + 1);
    } else {
      throw new UsageError(`unexpected argument '${arg}'\n${USAGE}`);
    }
  }
  if (role === undefined) throw new UsageError(`--role is required\n${USAGE}`);
  const roles = [...Object.keys(ROLE_MANIFESTS), SELFBENCH];
  const byNodeRole = Object.entries(ROLE_MANIFESTS).find(([, nodeRole]) => nodeRole === role)?.[0];
  const roleName = roles.includes(role) ? role : byNodeRole;
  if (roleName === undefined) throw new UsageError(`unknown role '${role}': expected one of ${roles.join(', ')}`);
  if (!/^(esp32(\/[a-z0-9_-]+)?|lin)$/.test(platform)) {
    throw new UsageError(`unknown platform '${platform}': expected esp32, esp32/TARGET (e.g. esp32/nodemcu) or lin`);
  }
  return { role: roleName as BuildName, platform, debug, settings };
}

/**
 * The self-benchmark needs no sensors or location; only what it reports with must be usable: ids that
 * go into topics, and with a broker on esp32 the Wi-Fi to reach it.
 */
function selfbenchProblems(config: Record<string, unknown>, request: BuildRequest): string[] {
  const problems: string[] = [];
  for (const key of ['site', 'node']) {
    const value = config[key];
    if (typeof value === 'string' && value !== '' && !ID_PATTERN.test(value)) {
      problems.push(`config.${key}: ${JSON.stringify(value)} is not 1 to 32 letters, digits, _ or - (it goes into MQTT topics)`);
    }
  }
  const port = config.brokerPort;
  if (port !== undefined && !/^\d+$/.test(String(port).trim())) problems.push(`config.brokerPort: ${JSON.stringify(port)} is not an integer`);
  const withBroker = typeof config.brokerHost === 'string' && config.brokerHost !== '';
  if (withBroker && request.platform !== 'lin' && !('ssid' in request.settings)) {
    problems.push('config.ssid: missing (the report goes to brokerHost over Wi-Fi: ssid=NAME password=SECRET)');
  }
  return problems;
}

/** Settings mcconfig itself takes (the Wi-Fi network), not the firmware's configuration. */
const MCCONFIG_KEYS: readonly string[] = ['ssid', 'password'];

/** Levenshtein distance, for suggesting the setting a misspelled key meant. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

/** Every problem with the role's configuration once the installer's settings are applied. */
export function checkSettings(request: BuildRequest): string[] {
  const merged = mergedManifest(roleManifestFile(request.role), request.platform);
  const config = { ...merged.config, ...request.settings };
  if (request.role === SELFBENCH) return selfbenchProblems(config, request);
  const result = parseDeviceConfig(config, request.platform === 'lin' ? 'lin' : 'esp32');
  const errors = result.ok ? [] : [...result.errors];
  // A misspelled key (accelpart=adxl345) would build silently with the manifest's default.
  for (const key of Object.keys(request.settings)) {
    if (result.keysRead.has(key) || MCCONFIG_KEYS.includes(key)) continue;
    const near = [...result.keysRead].find((known) => known.toLowerCase() === key.toLowerCase() || editDistance(known, key) <= 2);
    const bus = result.keysRead.has('accelBus') && typeof config.accelBus === 'string' ? `, accelBus ${config.accelBus}` : '';
    errors.push(`config.${key}: not a setting of this build (${request.platform}${bus})` +
      `${near === undefined ? '' : `; did you mean ${near}?`}`);
  }
  if (request.platform !== 'lin' && !('ssid' in request.settings)) {
    errors.push('config.ssid: missing (give the Wi-Fi network: ssid=NAME password=SECRET)');
  }
  return errors;
}

/** The mcconfig executable of the SDK at `moddable`, or undefined. */
export function findMcconfig(moddable: string): string | undefined {
  for (const host of ['lin', 'mac', 'win']) {
    const candidate = path.join(moddable, 'build', 'bin', host, 'release', host === 'win' ? 'mcconfig.exe' : 'mcconfig');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function mcconfigArguments(request: BuildRequest): string[] {
  const args = [...(request.debug ? ['-d'] : []), '-m', '-p', request.platform, roleManifestFile(request.role)];
  for (const [key, value] of Object.entries(request.settings)) args.push(`${key}=${value}`);
  return args;
}

/** What `--help` prints: the usage, the roles and the installer's settings. */
export function helpText(): string {
  return `${USAGE}\n\n` +
    'Builds the firmware of one node role with the Moddable SDK\'s mcconfig (and flashes it for esp32), or the\n' +
    'self-benchmark (--role selfbench). Needs MODDABLE set to the SDK directory with its tools built.\n\n' +
    `  --role ROLE        ${[...Object.keys(ROLE_MANIFESTS), SELFBENCH].join(', ')}\n` +
    '  --platform P       esp32 (default), esp32/TARGET (e.g. esp32/nodemcu) or lin (the desktop build)\n' +
    '  --debug            a debug build (mcconfig -d, for xsbug) instead of a release build\n' +
    `  key=value          the installer's settings, checked before the build: ${INSTALLER_KEYS.join(', ')}\n` +
    '                     (required), ssid and password for Wi-Fi (esp32), any other mcconfig config entry\n\n' +
    'Exit status: 0 built, 2 bad arguments or settings, 3 no SDK or mcconfig did not run, else mcconfig\'s.\n' +
    'docs/flashing.md walks through it.\n';
}

export function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText());
    return 0;
  }
  let request: BuildRequest;
  try {
    request = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`build:device: ${(error as Error).message}\n`);
    return 2;
  }
  const problems = checkSettings(request);
  if (problems.length > 0) {
    process.stderr.write(`build:device: the ${request.role} configuration for ${request.platform} is incomplete:\n` +
      problems.map((p) => `  ${p}\n`).join('') +
      `Give the installer's settings as key=value, e.g. ${(request.role === SELFBENCH ? ['site', 'node', 'brokerHost'] : INSTALLER_KEYS)
        .map((k) => `${k}=...`).join(' ')} ssid=... password=...\n`);
    return 2;
  }
  const moddable = env.MODDABLE;
  const mcconfig = moddable === undefined || moddable === '' ? undefined : findMcconfig(moddable);
  if (moddable === undefined || moddable === '' || mcconfig === undefined) {
    const why = moddable === undefined || moddable === ''
      ? 'the MODDABLE environment variable is not set'
      : `MODDABLE=${moddable} holds no built SDK tools (build/bin/*/release/mcconfig)`;
    process.stderr.write(`build:device: ${why}.\n` +
      'Install the Moddable SDK and its ESP-IDF toolchain, build its tools, and set MODDABLE to the SDK ' +
      `directory, as described in ${GETTING_STARTED_URL}\n`);
    return 3;
  }
  const args = mcconfigArguments(request);
  process.stdout.write(`build:device: ${mcconfig} ${args.join(' ').replace(/password=\S*/g, 'password=***')}\n`);
  const run = spawnSync(mcconfig, args, { stdio: 'inherit', env });
  if (run.error !== undefined) {
    process.stderr.write(`build:device: cannot run ${mcconfig}: ${run.error.message}\n`);
    return 3;
  }
  return run.status ?? 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = main(process.argv.slice(2), process.env);
}

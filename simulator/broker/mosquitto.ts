/**
 * A real Mosquitto 2 broker for tests: its own config file in a temporary directory (a listener on a
 * free port with anonymous access, optionally a WebSocket listener, no persistence, log to a file),
 * started as a child process and stopped with it. Throws a clear error when Mosquitto is missing.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import type { BrokerHandle } from './types';
import { findFreePort, waitUntilAccepting } from './ports';

export const MOSQUITTO_PATH = '/usr/sbin/mosquitto';

export interface MosquittoOptions {
  /** TCP port; a free one when absent or 0. */
  port?: number;
  /** WebSocket port (0: a free one); no WebSocket listener when absent. */
  wsPort?: number;
  host?: string;
  /** A TLS listener too (MQTT over TLS, `mqtts://`): a free port, with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** The mosquitto binary; default /usr/sbin/mosquitto. */
  executable?: string;
  /** How long to wait for it to accept connections; default 5000 ms. */
  startTimeoutMs?: number;
}

export interface MosquittoBroker extends BrokerHandle {
  readonly kind: 'mosquitto';
  readonly configFile: string;
  readonly logFile: string;
  /** `mqtts://host:port` of the TLS listener, when `tls` was given. */
  readonly tlsUrl: string | undefined;
  /** The broker's log so far (connections, disconnections, will publications). */
  log(): string;
}

export function assertMosquittoInstalled(executable = MOSQUITTO_PATH): void {
  try {
    accessSync(executable, constants.X_OK);
  } catch {
    throw new Error(
      `Mosquitto is not installed (${executable} is missing or not executable). ` +
        'Install it with `bash .ci/system-deps.sh` or `sudo apt-get install mosquitto`.',
    );
  }
}

export function mosquittoConfig(options: {
  port: number; wsPort: number | undefined; host: string; logFile: string; user: string;
  tls?: { port: number; certFile: string; keyFile: string };
}): string {
  const lines = [
    '# Written by Vitrine (simulator/broker/mosquitto.ts) for one run; removed when the broker stops.',
    // As root, Mosquitto would switch to the `mosquitto` user and could not write the log in our directory.
    `user ${options.user}`,
    'per_listener_settings false',
    // Mosquitto 2 refuses anonymous clients as soon as a listener is configured, unless told otherwise.
    'allow_anonymous true',
    'persistence false',
    `log_dest file ${options.logFile}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    'log_timestamp_format %Y-%m-%dT%H:%M:%S',
    `listener ${options.port} ${options.host}`,
  ];
  if (options.wsPort !== undefined) lines.push(`listener ${options.wsPort} ${options.host}`, 'protocol websockets');
  if (options.tls !== undefined) lines.push(`listener ${options.tls.port} ${options.host}`, `certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`);
  return `${lines.join('\n')}\n`;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<MosquittoBroker> {
  const executable = options.executable ?? MOSQUITTO_PATH;
  assertMosquittoInstalled(executable);
  const host = options.host ?? '127.0.0.1';
  const directory = mkdtempSync(path.join(tmpdir(), 'vitrine-mosquitto-'));
  const configFile = path.join(directory, 'mosquitto.conf');
  const logFile = path.join(directory, 'mosquitto.log');
  const port = options.port !== undefined && options.port !== 0 ? options.port : await findFreePort(host);
  const wsPort = options.wsPort === undefined ? undefined : options.wsPort !== 0 ? options.wsPort : await findFreePort(host);
  const tls = options.tls === undefined ? undefined : { ...options.tls, port: await findFreePort(host) };
  writeFileSync(configFile, mosquittoConfig({ port, wsPort, host, logFile, user: userInfo().username, tls }));

  let child: ChildProcess | undefined;
  let stopped = false;
  const readLog = (): string => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  // Never leave a broker behind, even if the test process exits without calling stop().
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  async function up(): Promise<void> {
    if (stopped) throw new Error(`mosquitto on port ${port} was stopped for good`);
    if (child !== undefined) return;
    let stderr = '';
    let exited: string | undefined;
    const started = spawn(executable, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    started.once('exit', (code, signal) => {
      exited = `mosquitto exited (${signal ?? `code ${code}`}) before accepting connections on ${host}:${port}: ${(stderr + readLog()).trim().slice(-800)}`;
      if (child === started) child = undefined;
    });
    started.once('error', (error) => {
      exited = `mosquitto could not be started: ${error.message}`;
    });
    child = started;
    try {
      await waitUntilAccepting(host, port, { timeoutMs: options.startTimeoutMs ?? 5000, gaveUp: () => exited });
      if (wsPort !== undefined) await waitUntilAccepting(host, wsPort, { timeoutMs: options.startTimeoutMs ?? 5000, gaveUp: () => exited });
      if (tls !== undefined) await waitUntilAccepting(host, tls.port, { timeoutMs: options.startTimeoutMs ?? 5000, gaveUp: () => exited });
    } catch (error) {
      await down();
      throw error;
    }
  }

  async function down(): Promise<void> {
    const running = child;
    if (running === undefined) return;
    child = undefined;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const forced = setTimeout(() => running.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(forced);
  }

  try {
    await up();
  } catch (error) {
    process.off('exit', killOnExit);
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }

  return {
    kind: 'mosquitto',
    url: `mqtt://${host}:${port}`,
    wsUrl: wsPort === undefined ? undefined : `ws://${host}:${wsPort}/mqtt`,
    tlsUrl: tls === undefined ? undefined : `mqtts://${host}:${tls.port}`,
    port,
    wsPort,
    configFile,
    logFile,
    get running() {
      return child !== undefined;
    },
    log: readLog,
    down,
    up,
    async restart(): Promise<void> {
      await down();
      await up();
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await down();
      process.off('exit', killOnExit);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

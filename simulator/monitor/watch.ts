/**
 * A separate MQTT subscriber on a site's traffic (or every site's): each message is checked against its
 * schema (docs/schemas/) and handed on parsed, with its arrival time; a message that does not validate
 * is handed on as `invalid` with every problem, never dropped silently. The monitor command prints what
 * it sees; the demo and the latency bench measure alerts with it.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { AlertMessage, CommandResultMessage, HeartbeatMessage } from '../../firmware/node/protocol';
import { checkMessage } from './schemas';

interface SeenBase {
  topic: string;
  /** performance.now() when the message arrived. */
  atPerfMs: number;
  /** Date.now() when it arrived. */
  atEpochMs: number;
  retained: boolean;
}

/** A message on `vitrine/<site>/<node>/…`, parsed and valid. */
export type NodeMessage = SeenBase & { site: string; node: string } & (
  | { kind: 'alert'; alert: AlertMessage }
  | { kind: 'status'; online: boolean }
  | { kind: 'hb'; hb: HeartbeatMessage }
  | { kind: 'state'; type: string; on: boolean }
  | { kind: 'config'; config: Record<string, unknown> }
  | { kind: 'result'; result: CommandResultMessage }
  | { kind: 'telemetry'; telemetry: Record<string, unknown> }
  /** A device that cannot run its node reports why (null: the retained report was removed). */
  | { kind: 'safemode'; report: { problems: string[]; commands: string[] } | null }
  | { kind: 'selfbench'; report: Record<string, unknown> }
  | { kind: 'command'; name: string; payload: string }
);

export type Seen = NodeMessage | (SeenBase & { kind: 'invalid'; payload: string; problems: string[] });

export interface WatchOptions {
  url: string;
  /** Only this site; every site when absent. */
  site?: string;
  /** Leave out heartbeats and telemetry (they are frequent). */
  quiet?: boolean;
  username?: string;
  password?: string;
  /** MQTT.js reconnect period, ms; default 1000. */
  reconnectPeriodMs?: number;
  onMessage(seen: Seen): void;
  /** Connection trouble (MQTT.js reconnects by itself every second). */
  onTrouble?(message: string): void;
}

const NODE_TOPIC = /^vitrine\/([^/]+)\/([^/]+)\/(.+)$/;

/** Parses and validates one message; pure, for tests and the monitor. */
export function classify(topic: string, payload: string, base: SeenBase): Seen {
  const problems = checkMessage(topic, payload);
  if (problems.length > 0) return { ...base, kind: 'invalid', payload, problems };
  const match = NODE_TOPIC.exec(topic);
  if (match === null) return { ...base, kind: 'invalid', payload, problems: [`${topic}: not a node topic (vitrine/<site>/<node>/…)`] };
  const [, site, node, rest] = match;
  const where = { ...base, site, node };
  if (rest === 'alert') return { ...where, kind: 'alert', alert: JSON.parse(payload) as AlertMessage };
  if (rest === 'status') return { ...where, kind: 'status', online: payload === 'online' };
  if (rest === 'hb') return { ...where, kind: 'hb', hb: JSON.parse(payload) as HeartbeatMessage };
  if (rest.startsWith('state/')) return { ...where, kind: 'state', type: rest.slice('state/'.length), on: payload === 'ON' };
  if (rest === 'config') return { ...where, kind: 'config', config: JSON.parse(payload) as Record<string, unknown> };
  if (rest === 'cmd/result') return { ...where, kind: 'result', result: JSON.parse(payload) as CommandResultMessage };
  if (rest === 'telemetry') return { ...where, kind: 'telemetry', telemetry: JSON.parse(payload) as Record<string, unknown> };
  if (rest === 'safemode') return { ...where, kind: 'safemode', report: payload === '' ? null : JSON.parse(payload) as { problems: string[]; commands: string[] } };
  if (rest === 'selfbench') return { ...where, kind: 'selfbench', report: JSON.parse(payload) as Record<string, unknown> };
  return { ...where, kind: 'command', name: rest.slice('cmd/'.length), payload };
}

export class Watcher {
  readonly client: MqttClient;
  #subscribed = false;

  private constructor(client: MqttClient) {
    this.client = client;
  }

  /** Connects and subscribes; resolves once the broker has granted the subscription (SUBACK). */
  static async open(options: WatchOptions): Promise<Watcher> {
    const root = options.site === undefined ? 'vitrine/+' : `vitrine/${options.site}`;
    const filters = options.quiet === true
      ? [`${root}/+/alert`, `${root}/+/status`, `${root}/+/state/+`, `${root}/+/config`, `${root}/+/cmd/#`, `${root}/+/safemode`]
      : [`${root}/#`];
    const client = mqtt.connect(options.url, {
      protocolVersion: 4, clean: true, reconnectPeriod: options.reconnectPeriodMs ?? 1000, connectTimeout: 5000,
      clientId: `vitrine-watch-${process.pid}-${Math.floor(Math.random() * 0xffffff).toString(16)}`,
      username: options.username, password: options.password, resubscribe: false,
    });
    const watcher = new Watcher(client);
    // While the broker is away the client retries every reconnectPeriod: say each trouble once per outage
    // (a demo retrying every 100 ms printed ECONNREFUSED ten times a second), and when it is back.
    const told = new Set<string>();
    let lostAtMs: number | undefined;
    const trouble = (message: string): void => {
      if (told.has(message)) return;
      told.add(message);
      options.onTrouble?.(message);
    };
    client.on('message', (topic, payload, packet) => {
      options.onMessage(classify(topic, payload.toString('utf8'), {
        topic, atPerfMs: performance.now(), atEpochMs: Date.now(), retained: packet.retain,
      }));
    });
    client.on('offline', () => {
      lostAtMs ??= performance.now();
      trouble(`${options.url}: connection lost; reconnecting`);
    });
    client.on('close', () => {
      watcher.#subscribed = false;
    });
    await new Promise<void>((resolve, reject) => {
      let first = true;
      // Subscribe again on every (re)connect, so `subscribed` means the broker has granted it this session.
      client.on('connect', () => {
        if (lostAtMs !== undefined) {
          options.onTrouble?.(`${options.url}: connected again after ${((performance.now() - lostAtMs) / 1000).toFixed(1)} s`);
          lostAtMs = undefined;
          told.clear();
        }
        client.subscribe(filters, { qos: 1 }, (error, granted) => {
          const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
          const problem = error ?? (refused.length > 0 ? new Error(`the broker refused the subscription to ${refused.join(', ')}`) : undefined);
          if (problem !== undefined) {
            if (first) reject(new Error(`${options.url}: ${problem.message}`));
            else trouble(`${options.url}: ${problem.message}`);
          } else {
            watcher.#subscribed = true;
            if (first) resolve();
          }
          first = false;
        });
      });
      client.on('error', (error) => {
        if (first) {
          first = false;
          client.end(true);
          reject(new Error(`${options.url}: ${error.message}`));
        } else {
          trouble(`${options.url}: ${error.message}`);
        }
      });
    });
    return watcher;
  }

  /** Connected, with the subscription granted in this session. */
  get subscribed(): boolean {
    return this.#subscribed && this.client.connected;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

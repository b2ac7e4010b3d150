/**
 * What the technician's command-line tools share: an MQTT.js session to the broker, finding a node
 * (its site from its retained `config` when --site is not given), its retained config and status, and
 * commands with their answers (cmd/<name> → cmd/result).
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { parseArgs } from 'node:util';
import type { CommandResultMessage } from '../../firmware/node/protocol';
import { ID_PATTERN, nodeTopics } from '../../firmware/node/protocol';
import type { NodeTopics } from '../../firmware/node/protocol';
import { parseBrokerUrl } from '../broker/broker-url';
import { CommandChannel, describeResult, parseNodeTopic } from '../console/shared/command-channel';

export const DEFAULT_BROKER_URL = 'mqtt://127.0.0.1:1883';
/** How long to wait for a node's retained config and status when looking it up. */
const LOOKUP_MS = 3000;
/** Reconnection period once the node is found, ms. */
const RECONNECT_MS = 1000;

/** What a tool writes and reads; the tests give their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether a person can answer a question (stdin is a terminal). */
  isTTY: boolean;
  ask(question: string): Promise<string>;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

import { UsageError } from './usage-error';

export { UsageError };

/** Parses a tool's options; unknown or malformed options are a UsageError naming them. */
export function parseOptions<T extends Record<string, { type: 'string' | 'boolean' }>>(argv: readonly string[], options: T, usage: string):
  { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string } {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as
      { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

export function requireId(value: string | undefined, option: string, usage: string): string {
  if (value === undefined) throw new UsageError(`${option} is required\n${usage}`);
  if (!ID_PATTERN.test(value)) throw new UsageError(`${option} ${JSON.stringify(value)}: must be 1-32 letters, digits, '_' or '-'`);
  return value;
}

/** The answer on a terminal: every problem of a refusal on its own line. */
export function resultText(r: CommandResultMessage): string {
  return describeResult(r, true);
}

export class NodeClient {
  readonly client: MqttClient;
  readonly site: string;
  readonly node: string;
  readonly topics: NodeTopics;
  config: Record<string, unknown>;
  status: string | undefined;
  readonly #channel: CommandChannel;
  readonly #listeners = new Map<string, Set<(payload: string) => void>>();

  private constructor(client: MqttClient, site: string, node: string, config: Record<string, unknown>, status: string | undefined, tool: string) {
    this.client = client;
    this.site = site;
    this.node = node;
    this.topics = nodeTopics(site, node);
    this.config = config;
    this.status = status;
    this.#channel = new CommandChannel({ idPrefix: tool, publish: (topic, payload) => client.publish(topic, payload, { qos: 1, retain: false }) });
    client.on('message', (topic, payload) => {
      const text = payload.toString('utf8');
      if (this.#channel.handle(topic, text)) return;
      const parsed = parseNodeTopic(topic);
      if (parsed === undefined || parsed.site !== site || parsed.node !== node) return;
      if (parsed.suffix === 'config') {
        try {
          this.config = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // a broken retained config is reported by whoever waits for it
        }
      } else if (parsed.suffix === 'status') {
        this.status = text;
      }
      for (const listener of this.#listeners.get(parsed.suffix) ?? []) listener(text);
    });
  }

  /** Connects, finds the node (and its site) from its retained config, and subscribes to its answers. */
  static async open(options: { brokerUrl: string; node: string; site?: string; tool: string }): Promise<NodeClient> {
    const broker = parseBrokerUrl(options.brokerUrl);
    let client: MqttClient;
    try {
      client = await mqtt.connectAsync(broker.url, {
        protocolVersion: 4, clean: true, reconnectPeriod: 0, connectTimeout: 5000,
        clientId: `vitrine-${options.tool}-${Math.random().toString(16).slice(2, 10)}`,
        username: broker.username, password: broker.password,
      });
    } catch (error) {
      throw new Error(`cannot connect to the broker ${broker.url}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const site = options.site ?? '+';
      const found = new Map<string, { config?: Record<string, unknown>; status?: string; bad?: string }>();
      const onMessage = (topic: string, payload: Buffer): void => {
        const parsed = parseNodeTopic(topic);
        if (parsed === undefined || parsed.node !== options.node) return;
        const entry = found.get(parsed.site) ?? {};
        found.set(parsed.site, entry);
        if (parsed.suffix === 'status') entry.status = payload.toString('utf8');
        else {
          try {
            entry.config = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
          } catch (error) {
            entry.bad = (error as Error).message;
          }
        }
      };
      client.on('message', onMessage);
      await client.subscribeAsync([`vitrine/${site}/${options.node}/config`, `vitrine/${site}/${options.node}/status`], { qos: 1 });
      const deadline = Date.now() + LOOKUP_MS;
      // Retained messages come right after SUBACK; a short wait settles which sites have the node.
      while (Date.now() < deadline && ![...found.values()].some((e) => e.config !== undefined && e.status !== undefined)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      client.off('message', onMessage);
      const sites = [...found.entries()].filter(([, e]) => e.config !== undefined);
      if (sites.length === 0) {
        const bad = [...found.values()].find((e) => e.bad !== undefined)?.bad;
        throw new Error(bad !== undefined
          ? `node ${options.node}: its retained config is not JSON (${bad})`
          : `no node ${options.node} on ${broker.url}: nothing retained on vitrine/${site}/${options.node}/config ` +
            '(is the node running and connected to this broker, and is --site right?)');
      }
      if (sites.length > 1) {
        throw new Error(`node ${options.node} exists on several sites (${sites.map(([s]) => s).join(', ')}): say which with --site`);
      }
      const [[siteId, entry]] = sites;
      const nodeClient = new NodeClient(client, siteId, options.node, entry.config ?? {}, entry.status, options.tool);
      // Found: from now on a broker restart during a long walk test or baseline is ridden out. Not before:
      // a wrong URL fails at once. MQTT.js re-subscribes after a reconnection only to what was subscribed
      // while reconnecting was on, so the node's config and status are subscribed again here (the broker
      // sends the same retained messages; the handler takes them as updates).
      client.options.reconnectPeriod = RECONNECT_MS;
      await client.subscribeAsync([nodeClient.topics.cmdResult, `vitrine/${siteId}/${options.node}/config`, `vitrine/${siteId}/${options.node}/status`], { qos: 1 });
      if (site !== siteId) await client.unsubscribeAsync([`vitrine/${site}/${options.node}/config`, `vitrine/${site}/${options.node}/status`]);
      return nodeClient;
    } catch (error) {
      await client.endAsync(true);
      throw error;
    }
  }

  /** Calls `listener` with each payload on the node's topic `suffix` (e.g. 'telemetry', 'alert', 'config'). */
  async listen(suffix: string, listener: (payload: string) => void): Promise<void> {
    let set = this.#listeners.get(suffix);
    if (set === undefined) {
      this.#listeners.set(suffix, (set = new Set()));
      if (suffix !== 'config' && suffix !== 'status') await this.client.subscribeAsync(`${this.topics.base}${suffix}`, { qos: 1 });
    }
    set.add(listener);
  }

  command(name: string, args: Record<string, unknown>, timeoutMs = 10_000): Promise<CommandResultMessage> {
    return this.#channel.send(this.site, this.node, name, args, timeoutMs);
  }

  async close(): Promise<void> {
    this.#channel.close();
    // Without a link there is nothing to flush, and a graceful end would wait for it forever.
    await this.client.endAsync(!this.client.connected);
  }
}

/** The real terminal: stdout, stderr, a y/N prompt on stdin, Ctrl-C as an abort. */
export function processIo(): CliIo {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTTY: process.stdin.isTTY === true,
    async ask(question) {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    signal: controller.signal,
  };
}

/** Runs a tool's main and exits with its status; usage errors exit 2. */
export function runTool(main: (argv: string[], io: CliIo) => Promise<number>): void {
  const io = processIo();
  main(process.argv.slice(2), io).then((code) => process.exit(code), (error: unknown) => {
    io.err(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}

export function brokerOf(value: string | undefined): string {
  return value ?? process.env.VITRINE_BROKER ?? DEFAULT_BROKER_URL;
}

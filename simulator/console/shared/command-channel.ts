/**
 * Commands to nodes over any MQTT client: publish `cmd/<name>` with a fresh id and wait for the
 * `cmd/result` that repeats it. Shared by the command-line tools (MQTT.js in Node) and the browser
 * console (MQTT.js's browser bundle): the caller publishes and feeds incoming messages to handle().
 */
import type { CommandResultMessage } from '../../../firmware/node/protocol';
import { nodeTopics } from '../../../firmware/node/protocol';

export interface CommandChannelOptions {
  /** Publishes a command (QoS 1, not retained). */
  publish(topic: string, payload: string): void;
  /** A prefix for request ids, e.g. `console` or `calibrate`; a counter and a random part follow. */
  idPrefix: string;
}

interface Pending {
  resolve(result: CommandResultMessage): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** A parsed topic under `vitrine/<site>/<node>/`. */
export interface NodeTopic {
  site: string;
  node: string;
  /** The rest: `status`, `alert`, `hb`, `state/tilt`, `cmd/result`, ... */
  suffix: string;
}

/** A command's answer: `ok, changed config.…` or `REFUSED: <reason>` with every problem (one per line if `multiline`). */
export function describeResult(r: CommandResultMessage, multiline = false): string {
  if (!r.ok) {
    const errors = r.errors !== undefined && r.errors.length > 1 ? r.errors : [];
    const more = errors.length === 0 ? '' : multiline ? `\n  ${errors.join('\n  ')}` : ` (${errors.join('; ')})`;
    return `REFUSED: ${r.error ?? 'no reason given'}${more}`;
  }
  const parts = ['ok'];
  if (r.changed !== undefined) parts.push(r.changed.length === 0 ? 'nothing changed' : `changed ${r.changed.join(', ')}`);
  if (r.untilUptimeMs !== undefined) parts.push(`until node uptime ${Math.round(r.untilUptimeMs / 1000)} s`);
  if (r.rateHz !== undefined) parts.push(`${r.rateHz} Hz`);
  return parts.join(', ');
}

export function parseNodeTopic(topic: string): NodeTopic | undefined {
  const match = /^vitrine\/([^/]+)\/([^/]+)\/(.+)$/.exec(topic);
  return match === null ? undefined : { site: match[1], node: match[2], suffix: match[3] };
}

export class CommandChannel {
  readonly #options: CommandChannelOptions;
  readonly #pending = new Map<string, Pending>();
  readonly #session = Math.floor(Math.random() * 0x100000).toString(16).padStart(5, '0');
  #counter = 0;

  constructor(options: CommandChannelOptions) {
    this.#options = options;
  }

  /** Sends `cmd/<name>` to a node and resolves with its answer, or rejects after `timeoutMs`. */
  send(site: string, node: string, name: string, args: Record<string, unknown>, timeoutMs = 10_000): Promise<CommandResultMessage> {
    const id = `${this.#options.idPrefix}-${this.#session}-${++this.#counter}`;
    const topic = `${nodeTopics(site, node).cmdPrefix}${name}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer from ${site}/${node} to cmd/${name} (id ${id}) within ${timeoutMs} ms: is the node online?`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      try {
        this.#options.publish(topic, JSON.stringify({ id, ...args }));
      } catch (error) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Feeds a received message; returns true if it answered a pending command. */
  handle(topic: string, payload: string): boolean {
    const parsed = parseNodeTopic(topic);
    if (parsed === undefined || parsed.suffix !== 'cmd/result') return false;
    let result: CommandResultMessage;
    try {
      result = JSON.parse(payload) as CommandResultMessage;
    } catch {
      return false;
    }
    if (result === null || typeof result !== 'object' || typeof result.id !== 'string') return false;
    const pending = this.#pending.get(result.id);
    if (pending === undefined) return false;
    this.#pending.delete(result.id);
    clearTimeout(pending.timer);
    pending.resolve(result);
    return true;
  }

  /** Rejects every pending command (the connection is closing). */
  close(reason = 'the console closed the connection'): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`command ${id}: ${reason}`));
    }
    this.#pending.clear();
  }
}

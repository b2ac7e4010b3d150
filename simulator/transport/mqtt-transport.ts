/**
 * The Transport port on MQTT.js 5, speaking MQTT 3.1.1 with a clean session, as the node does on the
 * device. MQTT.js's own reconnect (a fixed period) is off: each connection attempt is a fresh
 * MqttClient, and this class schedules attempts with exponential backoff and jitter, subscribes again
 * to every filter after each (re)connect, then calls `onConnected`.
 *
 * Keepalive: MQTT carries it in whole seconds, so `keepaliveMs` is rounded UP (1500 ms → 2 s); 0 turns
 * it off. QoS 1 `done` is called on PUBACK; when the session ends first, every pending `done` gets an
 * error naming the topic (`publish to <topic>: …`) and nothing is retransmitted by this layer (the
 * node's outbox does that). QoS 0 messages are
 * never queued while offline (`queueQoSZero: false`): a stale heartbeat is worthless.
 * `done` is never called synchronously from `publish`.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { Log, PublishOptions, Transport, TransportConnectOptions, TransportEvents } from '../../firmware/ports';
import { Backoff } from './backoff';
import type { BackoffOptions } from './backoff';
import { publishTopicProblem, topicFilterProblem } from './topics';

export interface MqttTransportOptions {
  /** `mqtt://host:port`, `ws://host:port/path`, … */
  url: string;
  backoff?: Partial<BackoffOptions>;
  /** Uniform in [0, 1), for the jitter; pass a seeded generator for reproducible runs. */
  random?: () => number;
  /** Give up on an attempt without CONNACK after this long; default 5000 ms. */
  connectTimeoutMs?: number;
  log?: Log;
}

/** MQTT's keepalive field is a 16-bit count of seconds. */
export function keepaliveSeconds(keepaliveMs: number): number {
  if (!Number.isFinite(keepaliveMs) || keepaliveMs < 0) throw new RangeError(`keepaliveMs must be a finite number ≥ 0, got ${keepaliveMs}`);
  const seconds = Math.ceil(keepaliveMs / 1000);
  if (seconds > 65_535) throw new RangeError(`keepaliveMs ${keepaliveMs} exceeds MQTT's limit of 65535 s`);
  return seconds;
}

type State = 'idle' | 'connecting' | 'connected' | 'waiting' | 'stopped';
type Done = (error?: Error) => void;
/** Fails one pending publish with a reason. */
type Fail = (why: string) => void;

export class MqttTransport implements Transport {
  readonly #options: MqttTransportOptions;
  readonly #backoff: Backoff;
  readonly #filters = new Set<string>();
  readonly #pending = new Set<Fail>();
  #state: State = 'idle';
  #client: MqttClient | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #connect: TransportConnectOptions | undefined;
  #events: TransportEvents | undefined;
  /** Whether onDisconnected was already reported for the current outage. */
  #outageReported = false;
  #lastError: string | undefined;

  constructor(options: MqttTransportOptions) {
    this.#options = options;
    this.#backoff = new Backoff(options.backoff, options.random);
  }

  start(options: TransportConnectOptions, events: TransportEvents): void {
    if (this.#state !== 'idle' && this.#state !== 'stopped') throw new Error('MqttTransport.start: already started; stop() first');
    if (typeof options.clientId !== 'string' || options.clientId.length === 0) throw new Error('MqttTransport.start: clientId is empty');
    keepaliveSeconds(options.keepaliveMs);
    const willProblem = publishTopicProblem(options.will.topic);
    if (willProblem !== undefined) throw new Error(`MqttTransport.start: will: ${willProblem}`);
    this.#connect = options;
    this.#events = events;
    this.#outageReported = false;
    this.#backoff.reset();
    this.#attempt();
  }

  isConnected(): boolean {
    return this.#state === 'connected';
  }

  publish(topic: string, payload: string, options: PublishOptions, done?: Done): void {
    const problem = publishTopicProblem(topic);
    const client = this.#client;
    if (problem !== undefined || this.#state !== 'connected' || client === undefined) {
      const why = problem ?? `not connected (${this.#state}${this.#lastError === undefined ? '' : `: ${this.#lastError}`})`;
      if (done !== undefined) queueMicrotask(() => done(new Error(`publish to ${topic}: ${why}`)));
      return;
    }
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      this.#pending.delete(fail);
      done?.(error);
    };
    const fail = (why: string): void => settle(new Error(`publish to ${topic}: ${why}`));
    this.#pending.add(fail);
    client.publish(topic, payload, { qos: options.qos, retain: options.retain }, (error) => (error ? fail(error.message) : settle()));
  }

  subscribe(topicFilter: string): void {
    const problem = topicFilterProblem(topicFilter);
    if (problem !== undefined) throw new Error(`MqttTransport.subscribe: ${problem}`);
    this.#filters.add(topicFilter);
    if (this.#state === 'connected' && this.#client !== undefined) this.#subscribe(this.#client, [topicFilter]);
  }

  stop(graceful: boolean): void {
    if (this.#state === 'idle' || this.#state === 'stopped') return;
    this.#state = 'stopped';
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#failPending('transport stopped');
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    if (graceful) {
      // end(false) would first wait for PUBACKs that may never come; the outbox owns those messages.
      for (const messageId of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(messageId));
      client.end(false);
    } else {
      client.end(true); // destroys the socket without DISCONNECT: the broker publishes the will
    }
  }

  #attempt(): void {
    const connect = this.#connect as TransportConnectOptions;
    this.#state = 'connecting';
    const client = mqtt.connect(this.#options.url, {
      protocolVersion: 4,
      clientId: connect.clientId,
      clean: true,
      keepalive: keepaliveSeconds(connect.keepaliveMs),
      will: { topic: connect.will.topic, payload: Buffer.from(connect.will.payload, 'utf8'), qos: connect.will.qos, retain: connect.will.retain },
      username: connect.username,
      password: connect.password,
      reconnectPeriod: 0,
      connectTimeout: this.#options.connectTimeoutMs ?? 5000,
      queueQoSZero: false,
      resubscribe: false,
    });
    this.#client = client;
    client.on('error', (error) => {
      if (client === this.#client) this.#lastError = error.message;
    });
    client.on('connect', () => {
      if (client !== this.#client) return;
      this.#state = 'connected';
      this.#lastError = undefined;
      this.#outageReported = false;
      this.#backoff.reset();
      this.#log('info', `mqtt: connected to ${this.#options.url} as ${connect.clientId}`);
      if (this.#filters.size > 0) this.#subscribe(client, [...this.#filters]);
      this.#events?.onConnected();
    });
    client.on('message', (topic, payload) => {
      if (client === this.#client) this.#events?.onMessage(topic, payload.toString('utf8'));
    });
    client.on('close', () => {
      if (client === this.#client) this.#sessionEnded(client);
    });
  }

  #sessionEnded(client: MqttClient): void {
    const reason = this.#lastError ?? 'connection closed';
    this.#client = undefined;
    client.end(true);
    this.#failPending(`connection lost before PUBACK (${reason})`);
    const delayMs = this.#backoff.next();
    this.#state = 'waiting';
    this.#log('warn', `mqtt: ${this.#options.url} ${reason}; retry ${this.#backoff.attempt} in ${delayMs} ms`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#attempt();
    }, delayMs);
    if (!this.#outageReported) {
      this.#outageReported = true;
      this.#events?.onDisconnected(reason);
    }
  }

  #subscribe(client: MqttClient, filters: string[]): void {
    client.subscribe(filters, { qos: 1 }, (error, granted) => {
      if (error !== null && error !== undefined) {
        this.#log('warn', `mqtt: subscribe ${filters.join(', ')} failed: ${error.message}`);
        return;
      }
      for (const grant of granted ?? []) {
        if (grant.qos === 128) this.#log('error', `mqtt: the broker refused the subscription to ${grant.topic}`);
      }
    });
  }

  #failPending(why: string): void {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const fail of pending) fail(why);
  }

  #log(level: 'info' | 'warn' | 'error', message: string): void {
    this.#options.log?.log(level, message);
  }
}

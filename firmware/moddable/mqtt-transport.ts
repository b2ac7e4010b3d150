/**
 * The Transport port over Moddable's ECMA-419 MQTT client (`embedded:network/mqtt/client`, the
 * example implementation `examples/io/tcp/mqttclient/mqttclient.js`). That client speaks MQTT 3.1.1 with
 * QoS 1 and keepalive pings, but it neither reconnects, resubscribes nor matches PUBACKs to publishes:
 * this class adds those. What it relies on in the client (read from its source):
 * - callbacks in the options: onControl(message) for CONNACK/PUBACK/SUBACK (a refused CONNACK and every
 *   socket or keepalive failure arrive as onError(), after which the client closes itself);
 *   onWritable(bytes) for room in the socket; onReadable(bytes, {topic, byteLength, more}) per fragment;
 * - write(data, {topic, QoS, retain, id}) publishes, and throws when the packet exceeds the room last
 *   reported; write(null, {operation, items}) sends SUBSCRIBE and DISCONNECT; write(chunk) continues a
 *   publish whose byteLength exceeded the first fragment;
 * - `keepalive` is in milliseconds; the packet id is the `id` we pass, so PUBACK ids are ours.
 * The node's outbox owns retransmission: on a drop, every unacknowledged QoS 1 publish fails its `done`.
 */
import type { Clock, Log, PublishOptions, TimerHandle, Transport, TransportConnectOptions, TransportEvents } from '../ports';
import { decodeUtf8, encodeUtf8, utf8ByteLength } from './utf8';

/** Control packet types (MQTT 3.1.1 §2.2.1), as the client's static constants name them. */
export const MQTT_OPERATION = Object.freeze({ CONNACK: 2, PUBLISH: 3, PUBACK: 4, SUBSCRIBE: 8, SUBACK: 9, DISCONNECT: 14 });

export interface MqttControlMessage {
  operation: number;
  id?: number;
  /** SUBACK return codes (0x80 = refused). */
  payload?: ArrayLike<number>;
}

export interface MqttReadableInfo {
  more: boolean;
  topic?: string;
  QoS?: number;
  byteLength?: number;
}

export interface MqttWriteOptions {
  operation?: number;
  id?: number;
  topic?: string;
  QoS?: number;
  retain?: boolean;
  byteLength?: number;
  items?: Array<{ topic: string; QoS?: number }>;
}

/** The part of the ECMA-419 MQTT client used here. */
export interface MqttClientIo {
  /** Returns the room left in the socket. */
  write(data: Uint8Array | null, options?: MqttWriteOptions): number;
  read(count: number): ArrayBuffer | undefined;
  close(): void;
}

export interface MqttClientIoOptions {
  host: string;
  port: number;
  id: string;
  user?: string;
  password?: string;
  clean: boolean;
  /** Milliseconds. */
  keepalive: number;
  will: { topic: string; message: string; QoS: number; retain: boolean };
  onReadable(count: number, info: MqttReadableInfo): void;
  onWritable(count: number): void;
  onControl(message: MqttControlMessage): void;
  onError(): void;
}

export type MqttClientIoConstructor = new (options: MqttClientIoOptions) => MqttClientIo;

export interface MqttTransportOptions {
  /** `device.network.mqtt`: the client class as `io`, plus the `dns` and `socket` it needs (passed through). */
  network: { io: MqttClientIoConstructor; dns?: unknown; socket?: unknown };
  host: string;
  port?: number;
  clock: Clock;
  log?: Log;
  /** First reconnect delay; doubles per failed attempt up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Random spread of each delay (0.2 = ±20 %), so a site's nodes do not reconnect in lockstep. */
  backoffJitter?: number;
  random?: () => number;
  /** Without CONNACK by then, the attempt is abandoned. */
  connectTimeoutMs?: number;
  /** Incoming messages larger than this are read and discarded (logged), not delivered. */
  maxIncomingBytes?: number;
  /** Bytes of publishes waiting for socket room; beyond it a publish fails at once. */
  maxQueuedBytes?: number;
}

interface OutgoingPublish {
  kind: 'publish';
  topic: string;
  bytes: Uint8Array;
  qos: 0 | 1;
  retain: boolean;
  /** Bytes before the payload: fixed header, topic, packet id. */
  headerBytes: number;
  done: ((error?: Error) => void) | undefined;
}

interface OutgoingSubscribe {
  kind: 'subscribe';
  topics: string[];
  bytes: number;
}

type Outgoing = OutgoingPublish | OutgoingSubscribe;

type State = 'idle' | 'connecting' | 'connected' | 'waiting';

function remainingLengthBytes(length: number): number {
  return length < 128 ? 1 : length < 16384 ? 2 : length < 2097152 ? 3 : 4;
}

export class MqttTransport implements Transport {
  readonly #options: MqttTransportOptions;
  #state: State = 'idle';
  #connect: TransportConnectOptions | undefined;
  #events: TransportEvents | undefined;
  #client: MqttClientIo | undefined;
  /** Bumped per client: callbacks from an abandoned client are ignored. */
  #generation = 0;
  #writable = 0;
  #queue: Outgoing[] = [];
  #queuedBytes = 0;
  /** A publish larger than the socket's room, part-written: `sent` payload bytes so far. */
  #partial: { item: OutgoingPublish; sent: number } | undefined;
  readonly #inflight = new Map<number, ((error?: Error) => void) | undefined>();
  readonly #subscriptionIds = new Map<number, string[]>();
  readonly #subscriptions: string[] = [];
  #nextId = 0;
  #backoffMs: number;
  #timer: TimerHandle | undefined;
  #incoming: { topic: string; buffer: Uint8Array | undefined; filled: number; byteLength: number } | undefined;

  constructor(options: MqttTransportOptions) {
    this.#options = options;
    this.#backoffMs = options.initialBackoffMs ?? 1000;
  }

  start(options: TransportConnectOptions, events: TransportEvents): void {
    if (this.#state !== 'idle') throw new Error('MQTT transport already started');
    this.#connect = options;
    this.#events = events;
    this.#backoffMs = this.#options.initialBackoffMs ?? 1000;
    this.#open();
  }

  isConnected(): boolean {
    return this.#state === 'connected';
  }

  publish(topic: string, payload: string, options: PublishOptions, done?: (error?: Error) => void): void {
    if (this.#state !== 'connected') {
      this.#fail(done, `not connected: publish to ${topic} not sent`);
      return;
    }
    const bytes = encodeUtf8(payload);
    const headerRest = 2 + utf8ByteLength(topic) + (options.qos === 1 ? 2 : 0);
    const remaining = headerRest + bytes.length;
    const item: OutgoingPublish = { kind: 'publish', topic, bytes, qos: options.qos, retain: options.retain,
      headerBytes: 1 + remainingLengthBytes(remaining) + headerRest, done };
    const limit = this.#options.maxQueuedBytes ?? 16384;
    if (this.#queuedBytes + bytes.length > limit) {
      this.#fail(done, `send queue full (${this.#queuedBytes} of ${limit} bytes): publish to ${topic} not sent`);
      return;
    }
    this.#queuedBytes += bytes.length;
    this.#queue.push(item);
    this.#flush();
  }

  subscribe(topicFilter: string): void {
    if (this.#subscriptions.includes(topicFilter)) return;
    this.#subscriptions.push(topicFilter);
    if (this.#state === 'connected') {
      this.#queue.push(this.#subscribeItem([topicFilter]));
      this.#flush();
    }
  }

  stop(graceful: boolean): void {
    const client = this.#client;
    const connected = this.#state === 'connected';
    this.#state = 'idle';
    this.#clearTimer();
    this.#generation++;
    this.#client = undefined;
    if (client !== undefined) {
      if (graceful && connected && this.#writable >= 2) {
        try {
          // DISCONNECT: the broker then discards the will (MQTT 3.1.1 §3.14.4).
          client.write(null, { operation: MQTT_OPERATION.DISCONNECT });
        } catch {
          // The socket is already gone: the broker will publish the will, which is the truth now.
        }
      }
      client.close();
    }
    this.#failAll('transport stopped');
  }

  #open(): void {
    const connect = this.#connect;
    if (connect === undefined) return;
    const generation = ++this.#generation;
    const current = (): boolean => generation === this.#generation;
    this.#state = 'connecting';
    this.#writable = 0;
    const network = this.#options.network;
    const Client = network.io;
    try {
      this.#client = new Client({
        ...network,
        host: this.#options.host,
        port: this.#options.port ?? 1883,
        id: connect.clientId,
        ...(connect.username === undefined ? {} : { user: connect.username }),
        ...(connect.password === undefined ? {} : { password: connect.password }),
        clean: true,
        keepalive: connect.keepaliveMs,
        will: { topic: connect.will.topic, message: connect.will.payload, QoS: connect.will.qos,
          retain: connect.will.retain },
        onControl: (message) => {
          if (current()) this.#onControl(message);
        },
        onWritable: (count) => {
          if (!current()) return;
          this.#writable = count;
          this.#flush();
        },
        onReadable: (count, info) => {
          if (current()) this.#onReadable(count, info);
        },
        onError: () => {
          if (current()) this.#dropped('connection lost or refused');
        },
      });
    } catch (error) {
      this.#dropped(`connect to ${this.#options.host} failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const timeoutMs = this.#options.connectTimeoutMs ?? 15000;
    this.#timer = this.#options.clock.setTimer(() => {
      this.#timer = undefined;
      if (current() && this.#state === 'connecting') this.#dropped(`no CONNACK within ${timeoutMs} ms`);
    }, timeoutMs);
  }

  #onControl(message: MqttControlMessage): void {
    switch (message.operation) {
      case MQTT_OPERATION.CONNACK:
        this.#clearTimer();
        this.#state = 'connected';
        this.#backoffMs = this.#options.initialBackoffMs ?? 1000;
        this.#log('info', `MQTT connected to ${this.#options.host}`);
        if (this.#subscriptions.length > 0) this.#queue.unshift(this.#subscribeItem(this.#subscriptions.slice()));
        this.#events?.onConnected();
        this.#flush();
        break;
      case MQTT_OPERATION.PUBACK: {
        const id = message.id ?? 0;
        if (!this.#inflight.has(id)) {
          this.#log('debug', `MQTT PUBACK for unknown packet id ${id}`);
          break;
        }
        const done = this.#inflight.get(id);
        this.#inflight.delete(id);
        done?.();
        break;
      }
      case MQTT_OPERATION.SUBACK: {
        const topics = this.#subscriptionIds.get(message.id ?? 0);
        this.#subscriptionIds.delete(message.id ?? 0);
        const codes = message.payload;
        if (topics !== undefined && codes !== undefined) {
          for (let i = 0; i < topics.length; i++) {
            if (codes[i] === 0x80) this.#log('warn', `MQTT broker refused the subscription to ${topics[i]}`);
          }
        }
        break;
      }
      default:
        break;
    }
  }

  #onReadable(count: number, info: MqttReadableInfo): void {
    const client = this.#client;
    if (client === undefined) return;
    if (info.topic !== undefined) {
      const byteLength = info.byteLength ?? count;
      const limit = this.#options.maxIncomingBytes ?? 8192;
      if (byteLength > limit) this.#log('warn', `MQTT message on ${info.topic} of ${byteLength} bytes exceeds ${limit}: dropped`);
      this.#incoming = { topic: info.topic, buffer: byteLength > limit ? undefined : new Uint8Array(byteLength),
        filled: 0, byteLength };
    }
    // Always read what is announced: unread bytes would stall the client.
    const data = client.read(count);
    const incoming = this.#incoming;
    if (incoming === undefined) return;
    if (incoming.buffer !== undefined && data !== undefined) {
      const chunk = new Uint8Array(data);
      const room = incoming.buffer.length - incoming.filled;
      incoming.buffer.set(chunk.length > room ? chunk.subarray(0, room) : chunk, incoming.filled);
      incoming.filled += Math.min(chunk.length, room);
    }
    if (info.more) return;
    this.#incoming = undefined;
    if (incoming.buffer === undefined) return;
    const payload = decodeUtf8(incoming.buffer, incoming.filled);
    try {
      this.#events?.onMessage(incoming.topic, payload);
    } catch (error) {
      // A handler's failure must not break the session's state.
      this.#log('error', `MQTT message handler failed on ${incoming.topic}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Writes queued packets while the socket has room. */
  #flush(): void {
    const client = this.#client;
    if (client === undefined || this.#state !== 'connected') return;
    try {
      for (;;) {
        const partial = this.#partial;
        if (partial !== undefined) {
          const left = partial.item.bytes.length - partial.sent;
          const n = Math.min(left, this.#writable);
          if (n <= 0) return;
          this.#writable = client.write(partial.item.bytes.subarray(partial.sent, partial.sent + n));
          partial.sent += n;
          if (partial.sent < partial.item.bytes.length) return;
          this.#partial = undefined;
          this.#queuedBytes -= partial.item.bytes.length;
          if (partial.item.qos === 0) partial.item.done?.();
          continue;
        }
        const item = this.#queue[0];
        if (item === undefined) return;
        if (item.kind === 'subscribe') {
          if (item.bytes > this.#writable) return;
          this.#queue.shift();
          const id = this.#packetId();
          this.#subscriptionIds.set(id, item.topics);
          this.#writable = client.write(null, { operation: MQTT_OPERATION.SUBSCRIBE, id,
            items: item.topics.map((topic) => ({ topic, QoS: 1 })) });
          continue;
        }
        // The header and at least one payload byte must fit; the rest may follow in later writes.
        const whole = item.headerBytes + item.bytes.length;
        const first = whole <= this.#writable ? item.bytes.length : this.#writable - item.headerBytes;
        if (first < Math.min(1, item.bytes.length)) return;
        this.#queue.shift();
        const id = item.qos === 1 ? this.#packetId() : undefined;
        if (id !== undefined) this.#inflight.set(id, item.done);
        const chunk = first === item.bytes.length ? item.bytes : item.bytes.subarray(0, first);
        this.#writable = client.write(chunk, { topic: item.topic, QoS: item.qos, retain: item.retain,
          byteLength: item.bytes.length, ...(id === undefined ? {} : { id }) });
        if (first < item.bytes.length) {
          this.#partial = { item, sent: first };
          continue;
        }
        this.#queuedBytes -= item.bytes.length;
        if (item.qos === 0) item.done?.();
      }
    } catch (error) {
      // The client refused a write our accounting allowed: the session is not in a state we know.
      this.#dropped(`MQTT write failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #subscribeItem(topics: string[]): OutgoingSubscribe {
    let remaining = 2;
    for (const topic of topics) remaining += 2 + utf8ByteLength(topic) + 1;
    return { kind: 'subscribe', topics, bytes: 1 + remainingLengthBytes(remaining) + remaining };
  }

  /** 1..65535, skipping ids still waiting for their PUBACK or SUBACK. */
  #packetId(): number {
    do {
      this.#nextId = (this.#nextId % 65535) + 1;
    } while (this.#inflight.has(this.#nextId) || this.#subscriptionIds.has(this.#nextId));
    return this.#nextId;
  }

  #dropped(reason: string): void {
    const wasConnected = this.#state === 'connected';
    const client = this.#client;
    this.#client = undefined;
    this.#generation++;
    this.#clearTimer();
    // Closing twice is harmless in the client; after onError it has closed itself already.
    client?.close();
    this.#failAll(`connection lost before acknowledgement (${reason})`);
    this.#state = 'waiting';
    if (wasConnected) {
      this.#log('warn', `MQTT disconnected: ${reason}`);
      this.#events?.onDisconnected(reason);
    } else {
      this.#log('info', `MQTT connect attempt failed: ${reason}`);
    }
    const jitter = this.#options.backoffJitter ?? 0.2;
    const random = this.#options.random ?? Math.random;
    const delayMs = Math.round(this.#backoffMs * (1 + jitter * (2 * random() - 1)));
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#options.maxBackoffMs ?? 60000);
    this.#timer = this.#options.clock.setTimer(() => {
      this.#timer = undefined;
      if (this.#state === 'waiting') this.#open();
    }, delayMs);
  }

  /** Every publish not yet acknowledged fails now (the outbox retries); nothing is kept across sessions. */
  #failAll(reason: string): void {
    const inflight = [...this.#inflight.values()];
    const queued = this.#queue;
    const partial = this.#partial;
    this.#inflight.clear();
    this.#subscriptionIds.clear();
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#partial = undefined;
    this.#incoming = undefined;
    const error = new Error(reason);
    for (const done of inflight) done?.(error);
    if (partial !== undefined && partial.item.qos === 0) partial.item.done?.(error);
    for (const item of queued) if (item.kind === 'publish') item.done?.(error);
  }

  #fail(done: ((error?: Error) => void) | undefined, reason: string): void {
    if (done === undefined) return;
    // Asynchronously, so a caller never re-enters its own publish.
    this.#options.clock.setTimer(() => done(new Error(reason)), 0);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.#options.log?.log(level, message);
  }
}

/**
 * A fake of Moddable's ECMA-419 MQTT client (examples/io/tcp/mqttclient/mqttclient.js) at its JS
 * interface: the same callbacks, the same write() rules (throws "overflow" past the reported room, only
 * continuation chunks while a fragmented publish is open, nothing before CONNACK), packet ids taken from
 * the caller. The test plays the broker and the network through it.
 */
import type {
  MqttClientIo, MqttClientIoConstructor, MqttClientIoOptions, MqttWriteOptions,
} from '../../../firmware/moddable/mqtt-transport';

export interface WrittenPacket {
  operation: number;
  topic?: string;
  payload?: string;
  QoS?: number;
  retain?: boolean;
  id?: number;
  items?: Array<{ topic: string; QoS?: number }>;
}

const OVERHEAD = 8;

export class FakeMqttClient implements MqttClientIo {
  readonly options: MqttClientIoOptions & Record<string, unknown>;
  readonly packets: WrittenPacket[] = [];
  closed = false;
  connected = false;
  #room: number;
  #publishing: { packet: WrittenPacket; bytes: number[]; remaining: number } | undefined;
  #readable: number[] = [];

  constructor(options: MqttClientIoOptions & Record<string, unknown>, room: number) {
    this.options = options;
    this.#room = room;
  }

  /** The broker accepts: CONNACK, then room to write (the client reports room minus its 8-byte reserve). */
  accept(): void {
    this.connected = true;
    this.options.onControl({ operation: 2, id: 0 });
    this.options.onWritable(this.#room - OVERHEAD);
  }

  /** The socket failed, the broker refused, or keepalive expired: the client calls onError, then closes. */
  fail(): void {
    this.connected = false;
    this.options.onError();
    this.close();
  }

  puback(id: number): void {
    this.options.onControl({ operation: 4, id });
  }

  suback(id: number, codes: number[]): void {
    this.options.onControl({ operation: 9, id, payload: codes });
  }

  /** Room frees up in the socket. */
  grant(room: number): void {
    this.#room = room;
    this.options.onWritable(room - OVERHEAD);
  }

  /** The broker sends a PUBLISH, delivered in fragments of at most `fragment` bytes. */
  deliver(topic: string, payload: Uint8Array, fragment = payload.length || 1): void {
    let first = true;
    for (let at = 0; at < payload.length || first; at += fragment) {
      const chunk = payload.subarray(at, Math.min(payload.length, at + fragment));
      this.#readable = Array.from(chunk);
      const more = at + fragment < payload.length;
      this.options.onReadable(chunk.length, first ? { topic, QoS: 1, byteLength: payload.length, more } : { more });
      first = false;
      if (this.#readable.length > 0) throw new Error(`${this.#readable.length} announced bytes were not read`);
    }
  }

  read(count: number): ArrayBuffer | undefined {
    if (count <= 0 || this.#readable.length === 0) return undefined;
    const taken = this.#readable.splice(0, count);
    return Uint8Array.from(taken).buffer;
  }

  write(data: Uint8Array | null, options?: MqttWriteOptions): number {
    if (this.closed) throw new Error('closed');
    if (!this.connected) throw new Error('not connected');
    const publishing = this.#publishing;
    if (publishing !== undefined) {
      if (options !== undefined || data === null || data.length > publishing.remaining) throw new Error('invalid continuation');
      if (data.length > this.#room) throw new Error('overflow');
      publishing.bytes.push(...data);
      publishing.remaining -= data.length;
      this.#room -= data.length;
      if (publishing.remaining === 0) {
        publishing.packet.payload = new TextDecoder().decode(Uint8Array.from(publishing.bytes));
        this.#publishing = undefined;
      }
      return Math.max(0, this.#room - OVERHEAD);
    }
    if (options === undefined) throw new Error('write without options outside a fragmented publish');
    const operation = options.operation ?? 3;
    let length: number;
    const packet: WrittenPacket = { operation, id: options.id };
    if (operation === 3) {
      if (data === null || options.topic === undefined) throw new Error('publish needs data and topic');
      const total = options.byteLength ?? data.length;
      const topicBytes = new TextEncoder().encode(options.topic).length;
      const remaining = 2 + topicBytes + (options.QoS ? 2 : 0) + total;
      length = 1 + (remaining < 128 ? 1 : remaining < 16384 ? 2 : 3) + 2 + topicBytes + (options.QoS ? 2 : 0) + data.length;
      if (length > this.#room) throw new Error('overflow');
      Object.assign(packet, { topic: options.topic, QoS: options.QoS ?? 0, retain: options.retain === true });
      if (data.length < total) {
        this.#publishing = { packet, bytes: Array.from(data), remaining: total - data.length };
      } else {
        packet.payload = new TextDecoder().decode(data);
      }
    } else if (operation === 8) {
      const items = options.items ?? [];
      let remaining = 2;
      for (const item of items) remaining += 2 + new TextEncoder().encode(item.topic).length + 1;
      length = 1 + (remaining < 128 ? 1 : 2) + remaining;
      if (length > this.#room) throw new Error('overflow');
      packet.items = items;
    } else if (operation === 14) {
      length = 2;
    } else {
      throw new Error(`unexpected operation ${operation}`);
    }
    this.#room -= length;
    this.packets.push(packet);
    return Math.max(0, this.#room - OVERHEAD);
  }

  close(): void {
    this.closed = true;
    this.connected = false;
  }
}

/** A client class for the transport's `network.io`; every constructed client is kept, newest last. */
export function fakeMqttNetwork(room = 4096): { io: MqttClientIoConstructor; clients: FakeMqttClient[]; dns: object; socket: object } {
  const clients: FakeMqttClient[] = [];
  const dns = { io: 'resolver' };
  const socket = { io: 'tcp' };
  const io = class {
    constructor(options: MqttClientIoOptions & Record<string, unknown>) {
      const client = new FakeMqttClient(options, room);
      clients.push(client);
      return client;
    }
  } as unknown as MqttClientIoConstructor;
  return { io, clients, dns, socket };
}

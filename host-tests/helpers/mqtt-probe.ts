/**
 * Test helpers for MQTT: an observer client that records what it receives, a recorder for a
 * transport's events, and a poll-until helper with a message naming what was awaited.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { Log, LogLevel, TransportEvents } from '../../firmware/ports';

export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
  atMs: number;
}

/** A plain MQTT.js client (no reconnect) subscribed to some topics, recording every message. */
export class Observer {
  readonly client: MqttClient;
  readonly messages: Received[] = [];

  private constructor(client: MqttClient) {
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain, qos: packet.qos, atMs: performance.now() });
    });
  }

  static async connect(url: string, topics: string[] = []): Promise<Observer> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, connectTimeout: 5000 });
    const observer = new Observer(client);
    if (topics.length > 0) await client.subscribeAsync(topics, { qos: 1 });
    return observer;
  }

  received(topic: string, payload?: string): Received | undefined {
    return this.messages.find((m) => m.topic === topic && (payload === undefined || m.payload === payload));
  }

  async waitFor(topic: string, payload: string | undefined, timeoutMs: number): Promise<Received> {
    await waitUntil(() => this.received(topic, payload) !== undefined, timeoutMs, `${topic} ${payload ?? ''} at the observer`);
    return this.received(topic, payload) as Received;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Records what a transport reports. */
export class TransportRecorder implements TransportEvents {
  connected = 0;
  readonly connectedAtMs: number[] = [];
  readonly disconnects: string[] = [];
  readonly messages: Array<{ topic: string; payload: string }> = [];
  /** Called on each onConnected, e.g. to publish a birth message. */
  whenConnected: (() => void) | undefined;

  onConnected(): void {
    this.connected++;
    this.connectedAtMs.push(performance.now());
    this.whenConnected?.();
  }

  onDisconnected(reason: string): void {
    this.disconnects.push(reason);
  }

  onMessage(topic: string, payload: string): void {
    this.messages.push({ topic, payload });
  }

  waitConnected(count: number, timeoutMs: number): Promise<void> {
    return waitUntil(() => this.connected >= count, timeoutMs, `connection #${count}`);
  }
}

export class MemoryLog implements Log {
  readonly lines: string[] = [];

  log(level: LogLevel, message: string): void {
    this.lines.push(`${level}: ${message}`);
  }
}

/** Calls publish with a done callback and resolves with the error (or undefined) it was given. */
export function publishResult(publish: (done: (error?: Error) => void) => void): Promise<Error | undefined> {
  return new Promise((resolve) => publish((error) => resolve(error)));
}

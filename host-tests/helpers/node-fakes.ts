/**
 * In-memory port doubles for the node's tests: a manual clock with timers, a storage with the NVS
 * limits, a transport that records publishes and can acknowledge, lose acknowledgements and disconnect,
 * sensor sources driven by the test, a log and system info. Plain ES2024 without Node APIs, so the same
 * doubles run the scripted node session inside the XS engine too.
 */
import type {
  Clock, Log, LogLevel, PublishOptions, SampleBlock, SensorKind, SensorSource, SensorSourceEvents, SensorSourceFault, Storage,
  SystemInfo, TimerHandle, Transport, TransportConnectOptions, TransportEvents,
} from '../../firmware/ports';
import { STORAGE_MAX_KEY_LENGTH, STORAGE_MAX_VALUE_BYTES } from '../../firmware/ports';
import { utf8Length } from '../../firmware/node/stored-text';

interface ManualTimer {
  handle: TimerHandle;
  dueMs: number;
  repeatMs: number | undefined;
  callback: () => void;
}

/** Time moves only when the test says so; timers fire in due order (then creation order) as it passes. */
export class ManualClock implements Clock {
  #nowMs = 0;
  #epochOffsetMs: number | undefined;
  #timers: ManualTimer[] = [];
  #nextId = 1;

  uptimeMs(): number {
    return this.#nowMs;
  }

  epochMs(): number | undefined {
    return this.#epochOffsetMs === undefined ? undefined : this.#epochOffsetMs + this.#nowMs;
  }

  /** As an SNTP sync would: from now on epochMs() reads `epochMs` advancing with uptime. */
  syncEpoch(epochMs: number): void {
    this.#epochOffsetMs = epochMs - this.#nowMs;
  }

  setTimer(callback: () => void, delayMs: number, repeatMs?: number): TimerHandle {
    const handle = { timerId: this.#nextId++ };
    this.#timers.push({ handle, dueMs: this.#nowMs + Math.max(0, delayMs), repeatMs, callback });
    return handle;
  }

  clearTimer(timer: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.handle !== timer);
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const targetMs = this.#nowMs + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.#timers) {
        if (timer.dueMs <= targetMs && (next === undefined || timer.dueMs < next.dueMs)) next = timer;
      }
      if (next === undefined) break;
      this.#nowMs = next.dueMs;
      if (next.repeatMs !== undefined && next.repeatMs > 0) next.dueMs += next.repeatMs;
      else this.#timers = this.#timers.filter((t) => t !== next);
      next.callback();
    }
    this.#nowMs = targetMs;
  }
}

/** Storage with ESP32 NVS limits; throws naming the key, as the port requires. */
export class MemoryStorage implements Storage {
  readonly map = new Map<string, string>();
  writes = 0;
  /** When set, every write throws (a full or failing flash). */
  failWrites = false;

  read(key: string): string | undefined {
    return this.map.get(key);
  }

  write(key: string, value: string): void {
    if (key.length > STORAGE_MAX_KEY_LENGTH) throw new Error(`storage: key '${key}' is longer than ${STORAGE_MAX_KEY_LENGTH} characters`);
    const bytes = utf8Length(value);
    if (bytes > STORAGE_MAX_VALUE_BYTES) throw new Error(`storage: value of '${key}' is ${bytes} bytes; the limit is ${STORAGE_MAX_VALUE_BYTES}`);
    if (this.failWrites) throw new Error(`storage: cannot write '${key}': flash failure`);
    this.writes++;
    this.map.set(key, value);
  }

  remove(key: string): void {
    this.map.delete(key);
  }

  keys(): string[] {
    return [...this.map.keys()];
  }
}

export interface Published {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

interface PendingAck {
  topic: string;
  done: (error?: Error) => void;
}

/**
 * An MQTT session double. Connects only when the test calls connect(). QoS 1 publishes are acknowledged
 * `ackDelayMs` later on the clock (autoAck), or held until ackAll(); `loseAcks` makes the broker never
 * acknowledge (PUBACKs lost), and disconnect() fails whatever is in flight, as a dropped link does.
 */
export class FakeTransport implements Transport {
  readonly published: Published[] = [];
  readonly subscriptions: string[] = [];
  options: TransportConnectOptions | undefined;
  events: TransportEvents | undefined;
  stopped: { graceful: boolean } | undefined;
  autoAck = true;
  loseAcks = false;
  ackDelayMs = 5;
  /** Publishes attempted while disconnected (a correct node makes none). */
  refused = 0;
  #connected = false;
  #pending: PendingAck[] = [];
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(options: TransportConnectOptions, events: TransportEvents): void {
    this.options = options;
    this.events = events;
    this.stopped = undefined;
  }

  publish(topic: string, payload: string, options: PublishOptions, done?: (error?: Error) => void): void {
    if (!this.#connected) {
      this.refused++;
      done?.(new Error('not connected'));
      return;
    }
    this.published.push({ topic, payload, qos: options.qos, retain: options.retain });
    if (options.qos === 1 && done !== undefined && !this.loseAcks) {
      const pending = { topic, done };
      this.#pending.push(pending);
      if (this.autoAck) this.#clock.setTimer(() => this.#ack(pending), this.ackDelayMs);
    }
  }

  subscribe(topicFilter: string): void {
    this.subscriptions.push(topicFilter);
  }

  isConnected(): boolean {
    return this.#connected;
  }

  stop(graceful: boolean): void {
    this.#connected = false;
    this.stopped = { graceful };
    this.#failPending('session ended');
  }

  connect(): void {
    if (this.events === undefined) throw new Error('FakeTransport: connect() before start()');
    this.#connected = true;
    this.events.onConnected();
  }

  disconnect(reason = 'link lost'): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#failPending(reason);
    this.events?.onDisconnected(reason);
  }

  /** A message from the broker on a subscribed topic. */
  deliver(topic: string, payload: string): void {
    if (this.events === undefined) throw new Error('FakeTransport: deliver() before start()');
    this.events.onMessage(topic, payload);
  }

  ackAll(): void {
    for (const pending of [...this.#pending]) this.#ack(pending);
  }

  get pendingAcks(): number {
    return this.#pending.length;
  }

  /** Publishes on `topic`, in order. */
  on(topic: string): Published[] {
    return this.published.filter((p) => p.topic === topic);
  }

  #ack(pending: PendingAck): void {
    const index = this.#pending.indexOf(pending);
    if (index < 0) return;
    this.#pending.splice(index, 1);
    pending.done();
  }

  #failPending(reason: string): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) p.done(new Error(reason));
  }
}

/** A sensor source the test drives: each emit() fills and delivers the one reused block. */
export class FakeSource implements SensorSource {
  readonly kind: SensorKind;
  readonly rateHz: number;
  readonly channels: number;
  readonly block: SampleBlock;
  events: SensorSourceEvents | undefined;
  #sequence = 0;

  constructor(kind: SensorKind, rateHz: number, channels: number, blockFrames: number, unitsPerCount: number) {
    this.kind = kind;
    this.rateHz = rateHz;
    this.channels = channels;
    this.block = {
      t0Ms: 0, rateHz, channels, frames: blockFrames, samples: new Int16Array(blockFrames * channels), unitsPerCount, sequence: 0,
    };
  }

  get blockMs(): number {
    return (this.block.frames * 1000) / this.rateHz;
  }

  start(events: SensorSourceEvents): void {
    this.events = events;
  }

  stop(): void {
    this.events = undefined;
  }

  /** Delivers the block (already filled by the caller) as starting at `t0Ms`. */
  emit(t0Ms: number): void {
    this.block.t0Ms = t0Ms;
    this.block.sequence = this.#sequence++;
    this.events?.onBlock(this.block);
  }

  /** Loses `count` blocks, as an overrun does: the next block's sequence number jumps. */
  skip(count: number): void {
    this.#sequence += count;
  }

  fault(code: SensorSourceFault['code'], message = `${code} reported by the source`): void {
    this.events?.onFault({ code, message });
  }
}

export class MemoryLog implements Log {
  readonly lines: string[] = [];

  log(level: LogLevel, message: string): void {
    this.lines.push(`${level}: ${message}`);
  }
}

export class FakeSystem implements SystemInfo {
  readonly restarts: string[] = [];
  heapBytes: number | undefined = 96000;

  freeHeapBytes(): number | undefined {
    return this.heapBytes;
  }

  firmwareVersion(): string {
    return '0.1.0-test';
  }

  restart(reason: string): void {
    this.restarts.push(reason);
  }
}

/**
 * The outbox: every QoS 1 message the node must deliver, persisted through Storage before it is first
 * published, delivered in order one at a time (stop-and-wait keeps the order across retries), resent
 * with exponential backoff until the broker acknowledges it, and resent at once after a reconnect.
 *
 * Classes and priorities: alerts first, then command results, then telemetry. When the outbox is full,
 * telemetry goes first, then the oldest command result. When it is full of alerts, a new alert is not
 * queued; it is counted in one node_fault `outbox_overflow` alert kept in a reserved slot outside the
 * capacity, so the loss is reported with how many alerts and which sequence numbers were lost. The
 * oldest alerts are kept: they tell how an intrusion began.
 *
 * Storage: one key per message, `ob0`..`ob<capacity-1>`, plus `obR` for the reserved slot and `obP` for
 * losses counted while that slot's alert was already on its way. No index key: the keys themselves are
 * the index and every record carries its order, so a write is one key and a crash leaves nothing half done.
 */
import type { Clock, Log, QoS, Storage, TimerHandle, Transport } from '../ports';
import { STORAGE_MAX_VALUE_BYTES } from '../ports';
import { utf8Length } from './stored-text';

export type OutboxClass = 'alert' | 'result' | 'telemetry';

export interface OutboxMessage {
  cls: OutboxClass;
  id: string;
  topic: string;
  payload: string;
  qos: QoS;
  retain: boolean;
  /** Alerts: their sequence number and type, to account for them if they must be dropped. */
  seq?: number;
  type?: string;
}

/** Alerts the outbox could not keep, reported in the overflow node_fault. */
export interface OverflowSummary {
  dropped: number;
  /** Records found unreadable in storage at start (their alerts are lost too). */
  corrupt: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Dropped alerts per type. */
  byType: Record<string, number>;
}

export interface OutboxStats {
  depth: number;
  alerts: number;
  /** Alerts dropped (and reported) since start. */
  dropped: number;
  /** Results and telemetry evicted or refused to make room since start. */
  evicted: number;
  storageErrors: number;
}

export interface OutboxOptions {
  storage: Storage;
  transport: Transport;
  clock: Clock;
  log: Log;
  /** Messages held, not counting the reserved overflow slot. */
  capacity: number;
  /** Builds the overflow node_fault; `reuse` keeps the id and seq of an unsent one being updated. */
  overflowAlert(summary: OverflowSummary, reuse: { id: string; seq: number } | undefined): OutboxMessage;
  onDelivered?(message: OutboxMessage): void;
  ackTimeoutMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

interface Entry {
  message: OutboxMessage;
  /** Storage key, or undefined for telemetry and records that could not be written. */
  key: string | undefined;
  order: number;
  attempts: number;
  reserved: boolean;
  summary?: OverflowSummary;
}

interface StoredHeader {
  c: OutboxClass;
  q: QoS;
  r: 0 | 1;
  i: string;
  o: number;
  s?: number;
  y?: string;
  ov?: OverflowSummary;
}

const KEY_PREFIX = 'ob';
const RESERVED_KEY = 'obR';
const PENDING_KEY = 'obP';
const SLOT_KEY = /^ob(\d+)$/;
const CLASS_ORDER: readonly OutboxClass[] = ['alert', 'result', 'telemetry'];

function emptySummary(): OverflowSummary {
  return { dropped: 0, corrupt: 0, firstSeq: null, lastSeq: null, byType: {} };
}

function addToSummary(summary: OverflowSummary, message: OutboxMessage): void {
  summary.dropped++;
  if (message.seq !== undefined) {
    if (summary.firstSeq === null) summary.firstSeq = message.seq;
    summary.lastSeq = message.seq;
  }
  const type = message.type ?? 'unknown';
  summary.byType[type] = (summary.byType[type] ?? 0) + 1;
}

/**
 * The highest `boot` the payload of an outbox record in `storage` names, 0 if none: alerts still queued
 * carry the boot they were raised in (read before the outbox is loaded, to count boots on from it).
 */
export function latestStoredBoot(storage: Storage): number {
  let latest = 0;
  for (const key of storage.keys()) {
    if (!SLOT_KEY.test(key) && key !== RESERVED_KEY) continue;
    const found = /"boot":(\d+)/.exec(storage.read(key) ?? '');
    if (found !== null) latest = Math.max(latest, Number(found[1]));
  }
  return latest;
}

const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
const isSeqOrNull = (value: unknown): boolean => value === null || isCount(value);

/** Whether a value read back from storage is an OverflowSummary (a key holding `null` or `{}` once stopped the node at start). */
export function isOverflowSummary(value: unknown): value is OverflowSummary {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const s = value as Record<string, unknown>;
  const byType = s.byType;
  return isCount(s.dropped) && isCount(s.corrupt) && isSeqOrNull(s.firstSeq) && isSeqOrNull(s.lastSeq) &&
    byType !== null && typeof byType === 'object' && !Array.isArray(byType) && Object.values(byType).every(isCount);
}

/**
 * A topic a record may be published to: MQTT forbids wildcards and NUL in a published topic, and a broker
 * refuses it for good; such a record would block the outbox (delivered strictly in order) forever.
 */
function isPublishableTopic(topic: string): boolean {
  return topic !== '' && !topic.includes('+') && !topic.includes('#') && !topic.includes(String.fromCharCode(0));
}

/** An alert's or command result's payload is a JSON object; a record cut short or damaged is not. */
function isJsonObject(payload: string): boolean {
  try {
    const value = JSON.parse(payload) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

function mergeSummaries(into: OverflowSummary, from: OverflowSummary): void {
  into.dropped += from.dropped;
  into.corrupt += from.corrupt;
  if (into.firstSeq === null) into.firstSeq = from.firstSeq;
  if (from.lastSeq !== null) into.lastSeq = from.lastSeq;
  for (const [type, count] of Object.entries(from.byType)) into.byType[type] = (into.byType[type] ?? 0) + count;
}

export class Outbox {
  readonly #o: OutboxOptions;
  readonly #ackTimeoutMs: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  #entries: Entry[] = [];
  #nextOrder = 1;
  #connected = false;
  #inflight: Entry | undefined;
  #attemptToken = 0;
  #ackTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #backoffMs: number;
  #pending: OverflowSummary | undefined;
  #pumping = false;
  #dropped = 0;
  #evicted = 0;
  #storageErrors = 0;

  constructor(options: OutboxOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new Error(`outbox capacity must be a whole number ≥ 1, not ${options.capacity}`);
    this.#o = options;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.#retryInitialMs = options.retryInitialMs ?? 1000;
    this.#retryMaxMs = options.retryMaxMs ?? 30000;
    this.#backoffMs = this.#retryInitialMs;
  }

  get stats(): OutboxStats {
    let alerts = 0;
    for (const entry of this.#entries) if (entry.message.cls === 'alert') alerts++;
    return { depth: this.#entries.length, alerts, dropped: this.#dropped, evicted: this.#evicted, storageErrors: this.#storageErrors };
  }

  /** True while an alert or a command result waits for delivery (telemetry yields to them). */
  get busy(): boolean {
    for (const entry of this.#entries) if (entry.message.cls !== 'telemetry') return true;
    return false;
  }

  /** Restores the messages persisted before a reboot, in their order; unreadable records are reported as lost. */
  load(): void {
    const { storage, log } = this.#o;
    const loaded: Entry[] = [];
    let corrupt = 0;
    for (const key of storage.keys()) {
      if (!SLOT_KEY.test(key) && key !== RESERVED_KEY) continue;
      const entry = this.#parseRecord(key, storage.read(key));
      if (entry === undefined) {
        corrupt++;
        log.log('error', `outbox: record ${key} is unreadable; counted as a lost alert`);
        this.#remove(key);
      } else {
        loaded.push(entry);
      }
    }
    loaded.sort((a, b) => a.order - b.order);
    this.#entries = loaded;
    for (const entry of loaded) this.#nextOrder = Math.max(this.#nextOrder, entry.order + 1);
    const restored = loaded.length;
    const pendingText = storage.read(PENDING_KEY);
    if (pendingText !== undefined) {
      let pending: unknown;
      try {
        pending = JSON.parse(pendingText);
      } catch {
        pending = undefined;
      }
      if (isOverflowSummary(pending)) {
        this.#pending = pending;
      } else {
        log.log('error', `outbox: ${PENDING_KEY} is unreadable; counted as a lost alert`);
        this.#pending = { ...emptySummary(), corrupt: 1 };
      }
    }
    if (corrupt > 0) this.#recordLoss({ ...emptySummary(), corrupt });
    if (this.#pending !== undefined && !this.#entries.some((e) => e.reserved)) this.#promotePending();
    if (restored > 0) log.log('info', `outbox: ${restored} message(s) restored from storage`);
  }

  /**
   * The highest sequence number among the alerts restored whose id begins with `idPrefix` (the node's
   * `<node>-<incarnation>-`), 0 if none: a lost seq counter must not give a new alert the id of one still queued.
   */
  highestAlertSeq(idPrefix: string): number {
    let highest = 0;
    for (const entry of this.#entries) {
      const { cls, id, seq } = entry.message;
      if (cls === 'alert' && seq !== undefined && id.startsWith(idPrefix)) highest = Math.max(highest, seq);
    }
    return highest;
  }

  /** Queues a message (persisting alerts and results first). Returns what happened to it. */
  add(message: OutboxMessage): 'queued' | 'dropped' {
    if (message.cls === 'telemetry') {
      if (!this.#connected) return 'dropped';
      // Only the newest calibration snapshot is worth sending.
      for (let i = this.#entries.length - 1; i >= 0; i--) {
        if (this.#entries[i].message.cls === 'telemetry') this.#removeAt(i);
      }
    }
    if (this.#count() >= this.#o.capacity && !this.#evictFor(message)) {
      if (message.cls === 'alert') {
        this.#dropped++;
        this.#o.log.log('error', `outbox: full of alerts; alert ${message.id} dropped and reported as node_fault outbox_overflow`);
        const summary = emptySummary();
        addToSummary(summary, message);
        this.#recordLoss(summary);
      } else {
        this.#evicted++;
        if (message.cls === 'result') this.#o.log.log('warn', `outbox: full of alerts; command result ${message.id} dropped`);
      }
      this.#pump();
      return 'dropped';
    }
    this.#insert(message, false, undefined);
    this.#pump();
    return 'queued';
  }

  connected(): void {
    this.#connected = true;
    this.#clearTimers();
    this.#inflight = undefined; // a new session: resend the unacknowledged head at once
    this.#backoffMs = this.#retryInitialMs;
    this.#pump();
  }

  disconnected(): void {
    this.#connected = false;
    this.#clearTimers();
    this.#inflight = undefined;
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (this.#entries[i].message.cls === 'telemetry') this.#removeAt(i);
    }
  }

  stop(): void {
    this.#connected = false;
    this.#clearTimers();
    this.#inflight = undefined;
  }

  #count(): number {
    let count = 0;
    for (const entry of this.#entries) if (!entry.reserved) count++;
    return count;
  }

  /** Makes room for `message` by removing telemetry, then the oldest result not in flight. */
  #evictFor(message: OutboxMessage): boolean {
    for (const cls of ['telemetry', 'result'] as const) {
      if (cls === 'result' && message.cls === 'telemetry') return false;
      const index = this.#entries.findIndex((e) => e.message.cls === cls && e !== this.#inflight);
      if (index >= 0) {
        const victim = this.#entries[index];
        this.#evicted++;
        if (cls === 'result') this.#o.log.log('warn', `outbox: full; command result ${victim.message.id} evicted for ${message.cls} ${message.id}`);
        this.#removeAt(index);
        return true;
      }
    }
    return false;
  }

  #recordLoss(summary: OverflowSummary): void {
    const reserved = this.#entries.find((e) => e.reserved);
    if (reserved === undefined) {
      this.#insert(this.#o.overflowAlert(summary, undefined), true, summary);
    } else if (reserved.attempts === 0 && reserved.summary !== undefined) {
      mergeSummaries(reserved.summary, summary);
      const { id, seq } = reserved.message;
      reserved.message = this.#o.overflowAlert(reserved.summary, { id, seq: seq ?? 0 });
      this.#persist(reserved);
    } else {
      // The reported count is on its way already and must not change under a retry: count the rest apart.
      if (this.#pending === undefined) this.#pending = emptySummary();
      mergeSummaries(this.#pending, summary);
      this.#write(PENDING_KEY, JSON.stringify(this.#pending));
    }
  }

  #promotePending(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    this.#remove(PENDING_KEY);
    this.#insert(this.#o.overflowAlert(pending, undefined), true, pending);
  }

  #insert(message: OutboxMessage, reserved: boolean, summary: OverflowSummary | undefined): void {
    const entry: Entry = { message, key: undefined, order: this.#nextOrder++, attempts: 0, reserved, summary };
    if (message.cls !== 'telemetry') {
      entry.key = reserved ? RESERVED_KEY : this.#freeKey();
      if (!this.#persist(entry)) entry.key = undefined;
    }
    this.#entries.push(entry);
  }

  #freeKey(): string {
    const used = new Set<string>();
    for (const entry of this.#entries) if (entry.key !== undefined) used.add(entry.key);
    let slot = 0;
    while (used.has(`${KEY_PREFIX}${slot}`)) slot++;
    return `${KEY_PREFIX}${slot}`;
  }

  #persist(entry: Entry): boolean {
    if (entry.key === undefined) return false;
    const { message } = entry;
    const header: StoredHeader = { c: message.cls, q: message.qos, r: message.retain ? 1 : 0, i: message.id, o: entry.order };
    if (message.seq !== undefined) header.s = message.seq;
    if (message.type !== undefined) header.y = message.type;
    if (entry.summary !== undefined) header.ov = entry.summary;
    const record = `${JSON.stringify(header)}\n${message.topic}\n${message.payload}`;
    if (utf8Length(record) > STORAGE_MAX_VALUE_BYTES) {
      this.#storageErrors++;
      this.#o.log.log('error', `outbox: ${message.cls} ${message.id} is too large to persist (${utf8Length(record)} bytes); kept in memory only`);
      return false;
    }
    return this.#write(entry.key, record);
  }

  #write(key: string, value: string): boolean {
    try {
      this.#o.storage.write(key, value);
      return true;
    } catch (error) {
      this.#storageErrors++;
      this.#o.log.log('error', `outbox: cannot write ${key}: ${(error as Error).message}; kept in memory only`);
      return false;
    }
  }

  #remove(key: string): void {
    try {
      this.#o.storage.remove(key);
    } catch (error) {
      this.#storageErrors++;
      this.#o.log.log('error', `outbox: cannot remove ${key}: ${(error as Error).message}`);
    }
  }

  #parseRecord(key: string, text: string | undefined): Entry | undefined {
    if (text === undefined) return undefined;
    const first = text.indexOf('\n');
    const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
    if (second < 0) return undefined;
    let header: StoredHeader;
    try {
      header = JSON.parse(text.slice(0, first)) as StoredHeader;
    } catch {
      return undefined;
    }
    if (!CLASS_ORDER.includes(header.c) || typeof header.i !== 'string' || typeof header.o !== 'number' ||
      (header.q !== 0 && header.q !== 1)) return undefined;
    const message: OutboxMessage = {
      cls: header.c, id: header.i, topic: text.slice(first + 1, second), payload: text.slice(second + 1),
      qos: header.q, retain: header.r === 1,
    };
    if (!isPublishableTopic(message.topic)) return undefined;
    // Telemetry is never stored; alerts and results are JSON objects.
    if (!isJsonObject(message.payload)) return undefined;
    if (header.ov !== undefined && !isOverflowSummary(header.ov)) return undefined;
    if (typeof header.s === 'number') message.seq = header.s;
    if (typeof header.y === 'string') message.type = header.y;
    return { message, key, order: header.o, attempts: 0, reserved: key === RESERVED_KEY, summary: header.ov };
  }

  #removeAt(index: number): void {
    const [entry] = this.#entries.splice(index, 1);
    if (entry?.key !== undefined) this.#remove(entry.key);
  }

  #next(): Entry | undefined {
    for (const cls of CLASS_ORDER) {
      for (const entry of this.#entries) if (entry.message.cls === cls) return entry;
    }
    return undefined;
  }

  #pump(): void {
    if (this.#pumping) return; // the running loop below picks up whatever changed
    this.#pumping = true;
    try {
      while (this.#connected && this.#inflight === undefined && this.#retryTimer === undefined) {
        const entry = this.#next();
        if (entry === undefined) break;
        if (entry.message.qos === 0) {
          const { topic, payload, retain } = entry.message;
          this.#removeAt(this.#entries.indexOf(entry));
          this.#o.transport.publish(topic, payload, { qos: 0, retain });
        } else {
          this.#send(entry);
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  #send(entry: Entry): void {
    this.#inflight = entry;
    entry.attempts++;
    const token = ++this.#attemptToken;
    this.#ackTimer = this.#o.clock.setTimer(() => this.#onAckTimeout(entry), this.#ackTimeoutMs);
    const { topic, payload, retain } = entry.message;
    this.#o.transport.publish(topic, payload, { qos: 1, retain }, (error) => this.#settle(entry, token, error));
  }

  #settle(entry: Entry, token: number, error: Error | undefined): void {
    const index = this.#entries.indexOf(entry);
    if (error === undefined) {
      if (index < 0) return; // acknowledged twice (an earlier attempt's ack came late)
      if (entry === this.#inflight) {
        this.#inflight = undefined;
        this.#clearAck();
      }
      this.#removeAt(index);
      this.#backoffMs = this.#retryInitialMs;
      if (entry.reserved) this.#promotePending();
      this.#o.onDelivered?.(entry.message);
      if (this.#retryTimer !== undefined) {
        this.#o.clock.clearTimer(this.#retryTimer);
        this.#retryTimer = undefined;
      }
      this.#pump();
    } else if (entry === this.#inflight && token === this.#attemptToken) {
      this.#o.log.log('warn', `outbox: ${entry.message.cls} ${entry.message.id} not sent: ${error.message}; retry in ${this.#backoffMs} ms`);
      this.#inflight = undefined;
      this.#clearAck();
      this.#scheduleRetry();
    }
  }

  #onAckTimeout(entry: Entry): void {
    this.#ackTimer = undefined;
    if (entry !== this.#inflight) return;
    this.#o.log.log('warn', `outbox: no acknowledgement for ${entry.message.cls} ${entry.message.id} after ${this.#ackTimeoutMs} ms; retry in ${this.#backoffMs} ms`);
    this.#inflight = undefined;
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const delayMs = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#retryMaxMs);
    this.#retryTimer = this.#o.clock.setTimer(() => {
      this.#retryTimer = undefined;
      this.#pump();
    }, delayMs);
  }

  #clearAck(): void {
    if (this.#ackTimer !== undefined) this.#o.clock.clearTimer(this.#ackTimer);
    this.#ackTimer = undefined;
  }

  #clearTimers(): void {
    this.#clearAck();
    if (this.#retryTimer !== undefined) this.#o.clock.clearTimer(this.#retryTimer);
    this.#retryTimer = undefined;
  }
}

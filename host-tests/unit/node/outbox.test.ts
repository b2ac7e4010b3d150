import assert from 'node:assert/strict';
import type { OutboxMessage, OverflowSummary } from '../../../firmware/node/outbox';
import { Outbox } from '../../../firmware/node/outbox';
import { FakeTransport, ManualClock, MemoryLog, MemoryStorage } from '../../helpers/node-fakes';

interface Harness {
  clock: ManualClock;
  storage: MemoryStorage;
  transport: FakeTransport;
  log: MemoryLog;
  outbox: Outbox;
  faults: OverflowSummary[];
  delivered: string[];
}

let nextSeq = 1;

function alert(seq: number, type = 'glass_break'): OutboxMessage {
  return { cls: 'alert', id: `n-abcdef01-${seq}`, seq, type, topic: 'vitrine/s/n/alert', payload: `{"seq":${seq}}`, qos: 1, retain: false };
}

function result(n: number): OutboxMessage {
  return { cls: 'result', id: `result-${n}`, topic: 'vitrine/s/n/cmd/result', payload: `{"r":${n}}`, qos: 1, retain: false };
}

function telemetry(n: number): OutboxMessage {
  return { cls: 'telemetry', id: 'telemetry', topic: 'vitrine/s/n/telemetry', payload: `{"t":${n}}`, qos: 0, retain: false };
}

function harness(capacity = 8, storage = new MemoryStorage(), clock = new ManualClock()): Harness {
  const transport = new FakeTransport(clock);
  const log = new MemoryLog();
  const faults: OverflowSummary[] = [];
  const delivered: string[] = [];
  const outbox = new Outbox({
    storage, transport, clock, log, capacity,
    overflowAlert: (summary, reuse) => {
      faults.push(JSON.parse(JSON.stringify(summary)) as OverflowSummary);
      const seq = reuse?.seq ?? 1000 + nextSeq++;
      return {
        cls: 'alert', id: reuse?.id ?? `n-abcdef01-${seq}`, seq, type: 'node_fault', topic: 'vitrine/s/n/alert',
        payload: JSON.stringify({ seq, dropped: summary.dropped, first: summary.firstSeq, last: summary.lastSeq, corrupt: summary.corrupt }),
        qos: 1, retain: false,
      };
    },
    onDelivered: (m) => delivered.push(m.id),
  });
  transport.start({ clientId: 't', keepaliveMs: 5000, will: { topic: 'w', payload: 'offline', qos: 1, retain: true } }, {
    onConnected: () => outbox.connected(),
    onDisconnected: () => outbox.disconnected(),
    onMessage: () => undefined,
  });
  return { clock, storage, transport, log, outbox, faults, delivered };
}

const payloads = (h: Harness): string[] => h.transport.published.map((p) => p.payload);
const obKeys = (s: MemoryStorage): string[] => s.keys().filter((k) => k.startsWith('ob')).sort();

describe('outbox', function () {
  it('persists a message before it is first published, and forgets it once acknowledged', function () {
    const h = harness();
    h.outbox.add(alert(1));
    assert.deepEqual(obKeys(h.storage), ['ob0'], 'written while the link is down');
    assert.equal(h.transport.published.length, 0);
    h.transport.connect();
    assert.deepEqual(payloads(h), ['{"seq":1}'], 'sent at once on connect');
    assert.deepEqual(obKeys(h.storage), ['ob0'], 'kept until acknowledged');
    h.clock.advance(5);
    assert.deepEqual(obKeys(h.storage), []);
    assert.deepEqual(h.delivered, ['n-abcdef01-1']);
    assert.equal(h.transport.refused, 0, 'never publishes on a link that is down');
  });

  it('delivers one message at a time, in order, alerts before results before telemetry', function () {
    const h = harness();
    h.transport.autoAck = false;
    h.transport.connect();
    h.outbox.add(result(1));
    h.outbox.add(alert(1));
    h.outbox.add(alert(2));
    h.outbox.add(telemetry(1));
    assert.deepEqual(payloads(h), ['{"r":1}'], 'stop-and-wait: nothing else until the head is acknowledged');
    for (let i = 0; i < 3; i++) h.transport.ackAll();
    assert.deepEqual(payloads(h), ['{"r":1}', '{"seq":1}', '{"seq":2}', '{"t":1}']);
    assert.equal(h.transport.published[3].qos, 0);
    assert.deepEqual(h.outbox.stats, { depth: 0, alerts: 0, dropped: 0, evicted: 0, storageErrors: 0 });
  });

  it('retries an unacknowledged message with exponential backoff, keeping its id and payload', function () {
    const h = harness();
    h.transport.loseAcks = true;
    h.transport.connect();
    h.outbox.add(alert(1));
    const sentAt: number[] = [];
    let seen = 0;
    for (let t = 0; t < 60000; t += 100) {
      h.clock.advance(100);
      while (seen < h.transport.published.length) {
        sentAt.push(h.clock.uptimeMs());
        seen++;
      }
    }
    // Ack timeout 5 s, then backoff 1 s, 2 s, 4 s, 8 s, 16 s before each resend.
    assert.deepEqual(sentAt, [100, 6000, 13000, 22000, 35000, 56000], 'first send seen at the first 100 ms step');
    assert.ok(h.transport.published.every((p) => p.payload === '{"seq":1}'));
    h.transport.loseAcks = false;
    h.clock.advance(60000);
    assert.equal(h.outbox.stats.depth, 0, 'delivered once the broker acknowledges');
    assert.match(h.log.lines.join('\n'), /no acknowledgement for alert n-abcdef01-1 after 5000 ms; retry in 1000 ms/);
  });

  it('resends the unacknowledged head at once after a reconnect, then the backlog in order', function () {
    const h = harness();
    h.transport.autoAck = false;
    h.transport.connect();
    h.outbox.add(alert(1));
    h.outbox.add(alert(2));
    h.transport.disconnect('broker restart');
    h.outbox.add(alert(3));
    h.clock.advance(10000);
    assert.equal(h.transport.published.length, 1);
    h.transport.autoAck = true;
    h.transport.connect();
    h.clock.advance(100);
    assert.deepEqual(payloads(h), ['{"seq":1}', '{"seq":1}', '{"seq":2}', '{"seq":3}']);
    assert.equal(h.outbox.stats.depth, 0);
  });

  it('survives a reboot: a new outbox on the same storage delivers everything in the original order', function () {
    const storage = new MemoryStorage();
    const before = harness(8, storage);
    for (let seq = 1; seq <= 5; seq++) before.outbox.add(alert(seq));
    before.outbox.add(result(1));
    before.outbox.stop(); // power lost
    const after = harness(8, storage);
    after.outbox.load();
    assert.equal(after.outbox.stats.depth, 6);
    after.transport.connect();
    after.clock.advance(1000);
    assert.deepEqual(payloads(after), ['{"seq":1}', '{"seq":2}', '{"seq":3}', '{"seq":4}', '{"seq":5}', '{"r":1}']);
    assert.deepEqual(obKeys(storage), []);
    assert.match(after.log.lines.join('\n'), /6 message\(s\) restored from storage/);
  });

  it('makes room by evicting telemetry, then the oldest command result, never an alert', function () {
    const h = harness(3);
    h.transport.autoAck = false;
    h.transport.connect();
    h.outbox.add(alert(1)); // in flight
    h.outbox.add(result(1));
    h.outbox.add(telemetry(1));
    assert.equal(h.outbox.add(alert(2)), 'queued', 'telemetry made room');
    assert.equal(h.outbox.add(alert(3)), 'queued', 'the result made room');
    assert.equal(h.outbox.add(result(2)), 'dropped', 'a result does not push out alerts');
    assert.equal(h.outbox.add(telemetry(2)), 'dropped');
    assert.deepEqual(h.outbox.stats, { depth: 3, alerts: 3, dropped: 0, evicted: 4, storageErrors: 0 });
    assert.match(h.log.lines.join('\n'), /command result result-1 evicted for alert/);
  });

  it('full of alerts: keeps the oldest, counts the new ones in one overflow node_fault in the reserved slot', function () {
    const h = harness(3);
    for (let seq = 1; seq <= 6; seq++) h.outbox.add(alert(seq, seq === 5 ? 'grinder' : 'glass_break'));
    assert.equal(h.outbox.stats.depth, 4, 'three alerts plus the reserved fault');
    assert.deepEqual(obKeys(h.storage), ['ob0', 'ob1', 'ob2', 'obR']);
    const fault = JSON.parse(h.storage.read('obR')!.split('\n')[2]) as Record<string, number>;
    assert.deepEqual({ dropped: fault.dropped, first: fault.first, last: fault.last }, { dropped: 3, first: 4, last: 6 });
    assert.deepEqual(h.faults.at(-1)!.byType, { glass_break: 2, grinder: 1 });
    const faultSeq = fault.seq;
    h.transport.connect();
    h.clock.advance(100);
    assert.deepEqual(payloads(h).map((p) => (JSON.parse(p) as { seq: number }).seq), [1, 2, 3, faultSeq]);
    assert.equal(h.outbox.stats.dropped, 3);
    assert.match(h.log.lines.join('\n'), /full of alerts; alert n-abcdef01-4 dropped/);
  });

  it('counts losses that happen while the overflow report is on its way in a second report', function () {
    const h = harness(2);
    h.outbox.add(alert(1));
    h.outbox.add(alert(2));
    h.outbox.add(alert(3)); // dropped: reserved report #1
    h.transport.autoAck = false;
    h.transport.connect();
    h.transport.ackAll(); // alert 1
    h.outbox.add(alert(4));
    h.transport.ackAll(); // alert 2
    h.outbox.add(alert(5)); // queue: report #1 (in flight), 4, 5
    assert.equal(JSON.parse(h.transport.published.at(-1)!.payload).dropped, 1, 'report #1 is in flight');
    h.outbox.add(alert(6)); // full: dropped while report #1 is in flight → pending
    assert.ok(h.storage.read('obP') !== undefined, 'the pending count is persisted');
    h.transport.ackAll(); // report #1 delivered → report #2 created from the pending count
    for (let i = 0; i < 4; i++) h.transport.ackAll();
    const sent = payloads(h).map((p) => JSON.parse(p) as Record<string, number>);
    const reports = sent.filter((m) => m.seq > 1000);
    assert.deepEqual(reports.map((r) => [r.dropped, r.first, r.last]), [[1, 3, 3], [1, 6, 6]]);
    assert.deepEqual(sent.filter((m) => m.seq < 1000).map((m) => m.seq), [1, 2, 4, 5]);
    assert.deepEqual(obKeys(h.storage), []);
  });

  it('reports records it cannot read after a reboot as lost alerts', function () {
    const storage = new MemoryStorage();
    const before = harness(8, storage);
    before.outbox.add(alert(1));
    before.outbox.add(alert(2));
    storage.map.set('ob1', 'garbage');
    const after = harness(8, storage);
    after.outbox.load();
    after.transport.connect();
    after.clock.advance(100);
    const sent = payloads(after).map((p) => JSON.parse(p) as Record<string, number>);
    assert.equal(sent[0].seq, 1);
    assert.equal(sent[1].corrupt, 1);
    assert.match(after.log.lines.join('\n'), /record ob1 is unreadable/);
  });

  it('counts as lost a record whose topic cannot be published or whose payload was cut short, and delivers the rest', function () {
    const storage = new MemoryStorage();
    const before = harness(8, storage);
    for (const seq of [1, 2, 3]) before.outbox.add(alert(seq));
    const record = (key: string): string => storage.map.get(key) ?? '';
    // A wildcard topic (a broker refuses it for good: it blocked every later alert) and a payload cut short.
    storage.map.set('ob0', record('ob0').replace('vitrine/s/n/alert', 'vitrine/s/n/#'));
    storage.map.set('ob1', record('ob1').slice(0, -3));
    const after = harness(8, storage);
    after.outbox.load();
    after.transport.connect();
    after.clock.advance(100);
    const sent = payloads(after).map((p) => JSON.parse(p) as Record<string, number>);
    assert.deepEqual(sent.map((m) => m.seq), [3, sent[1].seq]);
    assert.equal(sent[1].corrupt, 2);
    assert.match(after.log.lines.join('\n'), /record ob0 is unreadable[\s\S]*record ob1 is unreadable/);
    assert.match(after.log.lines.join('\n'), /outbox: 1 message\(s\) restored from storage/, 'the loss report is not counted as restored');
  });

  it('takes an obP that is valid JSON but no loss summary (null, {}, a list) as one lost record, and starts', function () {
    for (const text of ['null', '{}', '[1]', '{"dropped":-1,"corrupt":0,"firstSeq":null,"lastSeq":null,"byType":{}}']) {
      const storage = new MemoryStorage();
      const before = harness(8, storage);
      before.outbox.add(alert(1));
      storage.map.set('obP', text);
      const after = harness(8, storage);
      after.outbox.load();
      after.transport.connect();
      after.clock.advance(100);
      const sent = payloads(after).map((p) => JSON.parse(p) as Record<string, number>);
      assert.deepEqual([sent[0].seq, sent[1]?.corrupt], [1, 1], text);
      assert.match(after.log.lines.join('\n'), /obP is unreadable/, text);
    }
  });

  it('keeps a message in memory and counts the error when storage fails', function () {
    const h = harness();
    h.storage.failWrites = true;
    h.outbox.add(alert(1));
    assert.equal(h.outbox.stats.storageErrors, 1);
    h.transport.connect();
    h.clock.advance(10);
    assert.deepEqual(payloads(h), ['{"seq":1}']);
    assert.match(h.log.lines.join('\n'), /cannot write ob0: storage: cannot write 'ob0': flash failure; kept in memory only/);
  });

  it('drops telemetry while the link is down rather than queue stale snapshots', function () {
    const h = harness();
    assert.equal(h.outbox.add(telemetry(1)), 'dropped');
    h.transport.connect();
    h.transport.autoAck = false;
    h.outbox.add(alert(1));
    h.outbox.add(telemetry(2));
    h.outbox.add(telemetry(3));
    h.transport.ackAll();
    assert.deepEqual(payloads(h), ['{"seq":1}', '{"t":3}'], 'only the newest snapshot is kept');
  });
});

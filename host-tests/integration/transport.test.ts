/**
 * MqttTransport against real brokers: the embedded aedes broker and a Mosquitto 2 process, each on its
 * own free port with its own configuration. The same suite runs against both. Mosquitto must be
 * installed: without it this suite fails with instructions, it does not skip.
 */
import assert from 'node:assert/strict';
import type { TransportConnectOptions } from '../../firmware/ports';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import { startMosquitto } from '../../simulator/broker/mosquitto';
import type { BrokerHandle } from '../../simulator/broker/types';
import { startLinkProxy } from '../../simulator/transport/link-proxy';
import type { LinkProxy } from '../../simulator/transport/link-proxy';
import { MqttTransport } from '../../simulator/transport/mqtt-transport';
import type { MqttTransportOptions } from '../../simulator/transport/mqtt-transport';
import { Rng } from '../../simulator/signals/rng';
import { MemoryLog, Observer, TransportRecorder, publishResult, waitUntil } from '../helpers/mqtt-probe';

const KEEPALIVE_MS = 1000;
/** Event-loop lag on a busy shared machine (broker, proxy, transport and observer share one process). */
const SLACK_MS = 500;

const brokers: Array<{ name: string; start: () => Promise<BrokerHandle> }> = [
  { name: 'the embedded aedes broker', start: () => startEmbeddedBroker({ wsPort: 0 }) },
  { name: 'Mosquitto 2', start: () => startMosquitto({ wsPort: 0 }) },
];

for (const { name, start } of brokers) {
  describe(`MqttTransport against ${name}`, function () {
    this.timeout(30_000);
    let broker: BrokerHandle;
    let cleanups: Array<() => unknown> = [];
    let clientNumber = 0;

    before(async function () {
      broker = await start();
    });
    after(async function () {
      await broker?.stop();
    });
    afterEach(async function () {
      for (const cleanup of cleanups.reverse()) await cleanup();
      cleanups = [];
      if (!broker.running) await broker.up();
    });

    function connectOptions(overrides: Partial<TransportConnectOptions> = {}): TransportConnectOptions {
      const clientId = `node-${++clientNumber}`;
      return {
        clientId,
        keepaliveMs: KEEPALIVE_MS,
        will: { topic: `vitrine/test/${clientId}/status`, payload: 'offline', qos: 1, retain: true },
        ...overrides,
      };
    }

    function transport(options: Partial<MqttTransportOptions> = {}): MqttTransport {
      const rng = new Rng(clientNumber);
      const t = new MqttTransport({ url: broker.url, random: () => rng.next(), ...options });
      cleanups.push(() => t.stop(true));
      return t;
    }

    async function observer(topics: string[]): Promise<Observer> {
      const o = await Observer.connect(broker.url, topics);
      cleanups.push(() => o.close());
      return o;
    }

    async function proxy(): Promise<LinkProxy> {
      const p = await startLinkProxy({ target: { host: '127.0.0.1', port: broker.port } });
      cleanups.push(() => p.close());
      return p;
    }

    async function started(t: MqttTransport, options: TransportConnectOptions): Promise<TransportRecorder> {
      const events = new TransportRecorder();
      t.start(options, events);
      await events.waitConnected(1, 5000);
      return events;
    }

    it('connects, calls onConnected, and calls done on PUBACK for QoS 1', async function () {
      const watcher = await observer(['vitrine/test/+/alert']);
      const t = transport();
      const options = connectOptions();
      const events = await started(t, options);
      assert.equal(events.connected, 1);
      assert.ok(t.isConnected());
      const error = await publishResult((done) => t.publish(`vitrine/test/${options.clientId}/alert`, '{"type":"grinder"}', { qos: 1, retain: false }, done));
      assert.equal(error, undefined);
      const got = await watcher.waitFor(`vitrine/test/${options.clientId}/alert`, '{"type":"grinder"}', 2000);
      assert.equal(got.qos, 1);
      const qos0 = await publishResult((done) => t.publish(`vitrine/test/${options.clientId}/hb`, 'x', { qos: 0, retain: false }, done));
      assert.equal(qos0, undefined, 'QoS 0 done is called once the message is written');
    });

    it('subscribes and delivers messages as UTF-8 strings', async function () {
      const t = transport();
      const options = connectOptions();
      const events = await started(t, options);
      t.subscribe(`vitrine/test/${options.clientId}/cmd/#`);
      const sender = await observer([]);
      // The SUBACK is not reported; publish until the first message arrives.
      await waitUntil(() => {
        void sender.client.publishAsync(`vitrine/test/${options.clientId}/cmd/arm`, 'é ✓ 1', { qos: 1 });
        return events.messages.length > 0;
      }, 3000, 'the first command');
      assert.deepEqual(events.messages[0], { topic: `vitrine/test/${options.clientId}/cmd/arm`, payload: 'é ✓ 1' });
    });

    it('publishes retained messages that later subscribers receive', async function () {
      const t = transport();
      const options = connectOptions();
      await started(t, options);
      const status = `vitrine/test/${options.clientId}/status`;
      assert.equal(await publishResult((done) => t.publish(status, 'online', { qos: 1, retain: true }, done)), undefined);
      const late = await observer([status]);
      const got = await late.waitFor(status, 'online', 2000);
      assert.equal(got.retain, true);
    });

    it('stop(false) drops the link without DISCONNECT: the broker publishes the will within 1.5 × keepalive', async function () {
      const t = transport();
      const options = connectOptions();
      await started(t, options);
      const watcher = await observer([options.will.topic]);
      const stoppedAt = performance.now();
      t.stop(false);
      const will = await watcher.waitFor(options.will.topic, 'offline', 1.5 * KEEPALIVE_MS + SLACK_MS);
      assert.ok(will.atMs - stoppedAt <= 1.5 * KEEPALIVE_MS + SLACK_MS);
      assert.equal(t.isConnected(), false);
    });

    it('stop(true) sends DISCONNECT: no will is published', async function () {
      const t = transport();
      const options = connectOptions();
      await started(t, options);
      assert.equal(await publishResult((done) => t.publish(options.will.topic, 'online', { qos: 1, retain: true }, done)), undefined);
      const watcher = await observer([options.will.topic]);
      await watcher.waitFor(options.will.topic, 'online', 2000);
      t.stop(true);
      await new Promise((resolve) => setTimeout(resolve, 1.5 * KEEPALIVE_MS + SLACK_MS));
      assert.equal(watcher.received(options.will.topic, 'offline'), undefined);
      const late = await observer([options.will.topic]);
      assert.equal((await late.waitFor(options.will.topic, undefined, 2000)).payload, 'online', 'the retained status is still online');
    });

    it('reconnects after a broker restart, subscribes again and calls onConnected again', async function () {
      const log = new MemoryLog();
      const t = transport({ backoff: { initialMs: 100, maxMs: 400 }, log });
      const options = connectOptions();
      const events = await started(t, options);
      t.subscribe(`vitrine/test/${options.clientId}/cmd/#`);
      await broker.restart();
      await events.waitConnected(2, 5000);
      assert.equal(events.disconnects.length, 1);
      assert.ok(t.isConnected());
      const sender = await observer([]);
      await waitUntil(() => {
        void sender.client.publishAsync(`vitrine/test/${options.clientId}/cmd/disarm`, 'now', { qos: 1 });
        return events.messages.length > 0;
      }, 3000, 'a command after the restart');
      assert.equal(events.messages[0].topic, `vitrine/test/${options.clientId}/cmd/disarm`);
      assert.ok(log.lines.some((line) => /^info: mqtt: connected to /.test(line)));
    });

    it('backs off with jitter while the broker is down and reports the outage once', async function () {
      const log = new MemoryLog();
      const initialMs = 80;
      const t = transport({ backoff: { initialMs, maxMs: 640, factor: 2, jitterRatio: 0.5 }, log });
      const options = connectOptions();
      const events = await started(t, options);
      await broker.down();
      await waitUntil(() => log.lines.filter((l) => l.includes('retry')).length >= 5, 10_000, 'five retries');
      await broker.up();
      await events.waitConnected(2, 5000);
      assert.equal(events.disconnects.length, 1, 'one onDisconnected per outage, not per failed attempt');
      const delays = log.lines.flatMap((line) => {
        const m = /retry (\d+) in (\d+) ms/.exec(line);
        return m === null ? [] : [{ attempt: Number(m[1]), delayMs: Number(m[2]) }];
      });
      for (const { attempt, delayMs } of delays) {
        const nominal = Math.min(640, initialMs * 2 ** (attempt - 1));
        assert.ok(delayMs >= nominal / 2 && delayMs <= nominal, `retry ${attempt}: ${delayMs} ms within [${nominal / 2}, ${nominal}]`);
      }
      assert.deepEqual(delays.slice(0, 5).map((d) => d.attempt), [1, 2, 3, 4, 5]);
    });

    it('on a silent link: the will comes, the transport notices, fails in-flight QoS 1 and recovers', async function () {
      const link = await proxy();
      const t = transport({ url: link.url, backoff: { initialMs: 100, maxMs: 400 } });
      const options = connectOptions();
      const events = await started(t, options);
      t.subscribe(`vitrine/test/${options.clientId}/cmd/#`);
      const watcher = await observer([options.will.topic]);
      link.drop();
      const droppedAt = performance.now();
      const inFlight = publishResult((done) => t.publish(`vitrine/test/${options.clientId}/alert`, 'held', { qos: 1, retain: false }, done));
      // Mosquitto 2.0 checks keepalives on a coarse cycle: measured about 5.5 s for any keepalive ≤ 2 s.
      const willBoundMs = broker.kind === 'aedes' ? 1.5 * KEEPALIVE_MS + SLACK_MS : 1.5 * KEEPALIVE_MS + 6000;
      const will = await watcher.waitFor(options.will.topic, 'offline', willBoundMs);
      process.stdout.write(`      (${broker.kind}: will of a silent client after ${(will.atMs - droppedAt).toFixed(0)} ms, keepalive ${KEEPALIVE_MS} ms)\n`);
      const error = await inFlight;
      assert.match(error?.message ?? '', new RegExp(`^publish to vitrine/test/${options.clientId}/alert: `));
      await waitUntil(() => events.disconnects.length > 0, 2000, 'onDisconnected');
      assert.deepEqual(events.disconnects, ['Keepalive timeout']);
      link.restore();
      await events.waitConnected(2, 5000);
      const sender = await observer([]);
      await waitUntil(() => {
        void sender.client.publishAsync(`vitrine/test/${options.clientId}/cmd/test`, 'walk', { qos: 1 });
        return events.messages.length > 0;
      }, 3000, 'a command after the link came back');
    });

    it('speaks MQTT over WebSocket too', async function () {
      const watcher = await observer(['vitrine/test/ws/#']);
      const t = transport({ url: broker.wsUrl as string });
      await started(t, connectOptions());
      assert.equal(await publishResult((done) => t.publish('vitrine/test/ws/alert', 'over ws', { qos: 1, retain: false }, done)), undefined);
      await watcher.waitFor('vitrine/test/ws/alert', 'over ws', 2000);
    });
  });
}

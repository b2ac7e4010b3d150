import assert from 'node:assert/strict';
import type { Log, LogLevel, TransportConnectOptions } from '../../../firmware/ports';
import { MqttTransport } from '../../../firmware/moddable/mqtt-transport';
import { encodeUtf8 } from '../../../firmware/moddable/utf8';
import { fakeMqttNetwork, type FakeMqttClient } from '../../helpers/device/fake-mqtt-client';
import { ManualClock } from '../../helpers/device/manual-clock';

const connect: TransportConnectOptions = {
  clientId: 'vitrine-louvre-dc-07',
  keepaliveMs: 5000,
  will: { topic: 'vitrine/louvre/dc-07/status', payload: 'offline', qos: 1, retain: true },
  username: 'node',
  password: 's3cret',
};

class RecordingLog implements Log {
  readonly lines: string[] = [];
  log(level: LogLevel, message: string): void {
    this.lines.push(`${level}: ${message}`);
  }
}

function setup(room = 4096) {
  const clock = new ManualClock();
  const network = fakeMqttNetwork(room);
  const log = new RecordingLog();
  const transport = new MqttTransport({ network, host: 'broker.local', port: 1884, clock, log, random: () => 0.5,
    initialBackoffMs: 1000, maxBackoffMs: 8000 });
  const events = { connected: 0, disconnected: [] as string[], messages: [] as Array<[string, string]> };
  transport.start(connect, {
    onConnected: () => { events.connected++; },
    onDisconnected: (reason) => { events.disconnected.push(reason); },
    onMessage: (topic, payload) => { events.messages.push([topic, payload]); },
  });
  const client = (): FakeMqttClient => {
    const c = network.clients[network.clients.length - 1];
    assert.ok(c !== undefined, 'a client was constructed');
    return c;
  };
  return { clock, network, log, transport, events, client };
}

describe('device: MQTT transport over the ECMA-419 client (fake client)', function () {
  it('connects with client id, credentials, keepalive in ms, clean session and the retained will', function () {
    const { client, transport, events, network } = setup();
    const options = client().options;
    assert.equal(options.host, 'broker.local');
    assert.equal(options.port, 1884);
    assert.equal(options.id, 'vitrine-louvre-dc-07');
    assert.equal(options.user, 'node');
    assert.equal(options.password, 's3cret');
    assert.equal(options.keepalive, 5000);
    assert.equal(options.clean, true);
    assert.deepEqual(options.will, { topic: 'vitrine/louvre/dc-07/status', message: 'offline', QoS: 1, retain: true });
    assert.equal(options.dns, network.dns, 'device.network.mqtt dns passed through');
    assert.equal(options.socket, network.socket);
    assert.equal(transport.isConnected(), false);
    client().accept();
    assert.equal(transport.isConnected(), true);
    assert.equal(events.connected, 1);
  });

  it('calls done for a QoS 1 publish only on its own PUBACK, matching packet ids out of order', function () {
    const { client, transport } = setup();
    client().accept();
    const acked: string[] = [];
    transport.publish('vitrine/louvre/dc-07/alert', '{"type":"glass_break"}', { qos: 1, retain: false },
      (error) => acked.push(`a:${error?.message ?? 'ok'}`));
    transport.publish('vitrine/louvre/dc-07/state/glass_break', 'ON', { qos: 1, retain: true },
      (error) => acked.push(`b:${error?.message ?? 'ok'}`));
    const [a, b] = client().packets;
    assert.ok(a !== undefined && b !== undefined);
    assert.deepEqual({ ...a, id: undefined }, { operation: 3, id: undefined, topic: 'vitrine/louvre/dc-07/alert',
      payload: '{"type":"glass_break"}', QoS: 1, retain: false });
    assert.equal(b.retain, true);
    assert.notEqual(a.id, b.id);
    client().puback(b.id ?? -1);
    assert.deepEqual(acked, ['b:ok']);
    client().puback(9999); // unknown: ignored
    client().puback(a.id ?? -1);
    client().puback(a.id ?? -1); // duplicate: done is called once
    assert.deepEqual(acked, ['b:ok', 'a:ok']);
  });

  it('QoS 0 publishes complete when written; publishing while disconnected fails asynchronously', function () {
    const { client, transport, clock } = setup();
    const results: string[] = [];
    transport.publish('t/hb', '{}', { qos: 1, retain: false }, (error) => results.push(error?.message ?? 'ok'));
    assert.equal(results.length, 0, 'not synchronously');
    clock.advanceBy(1);
    assert.deepEqual(results.slice(), ['not connected: publish to t/hb not sent']);
    client().accept();
    transport.publish('t/hb', '{"seq":1}', { qos: 0, retain: false }, (error) => results.push(error?.message ?? 'ok0'));
    assert.deepEqual(results.slice(1), ['ok0']);
    assert.equal(client().packets[0]?.QoS, 0);
    assert.equal(client().packets[0]?.id, undefined);
  });

  it('a connection drop fails unacknowledged publishes, reports once, reconnects with backoff and resubscribes', function () {
    const { client, transport, events, clock, network } = setup();
    transport.subscribe('vitrine/louvre/dc-07/cmd/+');
    client().accept();
    const first = client();
    const sub = first.packets[0];
    assert.equal(sub?.operation, 8);
    assert.deepEqual(sub?.items, [{ topic: 'vitrine/louvre/dc-07/cmd/+', QoS: 1 }]);
    const results: string[] = [];
    transport.publish('a', 'x', { qos: 1, retain: false }, (error) => results.push(error?.message ?? 'ok'));
    first.fail();
    assert.equal(transport.isConnected(), false);
    assert.deepEqual(events.disconnected, ['connection lost or refused']);
    assert.deepEqual(results, ['connection lost before acknowledgement (connection lost or refused)']);
    clock.advanceBy(999);
    assert.equal(network.clients.length, 1, 'waits the backoff (1000 ms with jitter at its midpoint)');
    clock.advanceBy(1);
    assert.equal(network.clients.length, 2);
    // The second attempt fails before CONNACK: no second onDisconnected, and the next delay doubles.
    client().fail();
    assert.equal(events.disconnected.length, 1);
    clock.advanceBy(1999);
    assert.equal(network.clients.length, 2);
    clock.advanceBy(1);
    assert.equal(network.clients.length, 3);
    client().accept();
    assert.equal(events.connected, 2, 'onConnected after every connect');
    assert.deepEqual(client().packets[0]?.items, [{ topic: 'vitrine/louvre/dc-07/cmd/+', QoS: 1 }], 'resubscribed');
    // Late callbacks from the dead first client change nothing.
    first.options.onControl({ operation: 4, id: 1 });
    first.options.onError();
    assert.equal(transport.isConnected(), true);
    // After a successful connect, the backoff starts again at 1 s.
    client().fail();
    clock.advanceBy(1000);
    assert.equal(network.clients.length, 4);
  });

  it('backoff is capped, and an attempt without CONNACK times out', function () {
    const { client, clock, network } = setup();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const before = clock.nowMs;
      const count = network.clients.length;
      client().fail();
      while (network.clients.length === count) clock.advanceBy(1);
      delays.push(clock.nowMs - before);
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000, 8000]);
    const count = network.clients.length;
    clock.advanceBy(15000);
    assert.equal(network.clients.length, count, 'no CONNACK yet: not retried before the timeout fires');
    clock.advanceBy(8000);
    assert.equal(network.clients.length, count + 1, 'abandoned after 15 s without CONNACK, retried after the backoff');
  });

  it('waits for socket room, and splits a publish larger than the room into continuation writes', function () {
    const { client, transport } = setup(300);
    client().accept();
    const big = 'x'.repeat(1000);
    let done = 0;
    transport.publish('vitrine/louvre/dc-07/config', big, { qos: 1, retain: true }, () => { done++; });
    transport.publish('after', 'small', { qos: 0, retain: false });
    assert.equal(client().packets.length, 1);
    client().grant(300);
    client().grant(300);
    client().grant(300);
    client().grant(300);
    const [config, after] = client().packets;
    assert.equal(config?.payload, big);
    assert.equal(after?.payload, 'small', 'the next packet follows the whole first one');
    client().puback(config?.id ?? -1);
    assert.equal(done, 1);
  });

  it('bounds the send queue', function () {
    const { client, transport, clock } = setup(100);
    client().accept();
    const results: string[] = [];
    for (let i = 0; i < 20; i++) {
      transport.publish('t', 'y'.repeat(1000), { qos: 1, retain: false }, (e) => results.push(e?.message ?? 'ok'));
    }
    clock.advanceBy(1);
    assert.ok(results.some((r) => /^send queue full \(\d+ of 16384 bytes\): publish to t not sent$/.test(r)), results.join('\n'));
  });

  it('reassembles fragmented incoming messages as UTF-8, drops oversized ones, survives a failing handler', function () {
    const { client, events, log, transport } = setup();
    client().accept();
    const text = '{"label":"Galerie d’Apollon — vitrine 3","n":"é"}';
    client().deliver('vitrine/louvre/dc-07/cmd/config', encodeUtf8(text), 7);
    assert.deepEqual(events.messages, [['vitrine/louvre/dc-07/cmd/config', text]]);
    client().deliver('vitrine/louvre/dc-07/cmd/config', new Uint8Array(9000).fill(0x41), 1000);
    assert.equal(events.messages.length, 1);
    assert.ok(log.lines.includes('warn: MQTT message on vitrine/louvre/dc-07/cmd/config of 9000 bytes exceeds 8192: dropped'));
    client().deliver('vitrine/louvre/dc-07/cmd/ping', new Uint8Array(0));
    assert.deepEqual(events.messages[1], ['vitrine/louvre/dc-07/cmd/ping', '']);
    events.messages.push = () => {
      throw new Error('handler bug');
    };
    client().deliver('x', encodeUtf8('y'));
    assert.ok(log.lines.some((l) => l === 'error: MQTT message handler failed on x: handler bug'));
    assert.equal(transport.isConnected(), true);
  });

  it('a write the client refuses drops the session and reconnects', function () {
    const { client, transport, events, clock, network } = setup();
    client().accept();
    const c = client();
    c.write = () => {
      throw new Error('overflow');
    };
    transport.publish('t', 'z', { qos: 0, retain: false });
    assert.deepEqual(events.disconnected, ['MQTT write failed: overflow']);
    clock.advanceBy(1000);
    assert.equal(network.clients.length, 2);
  });

  it('stop(true) sends DISCONNECT and closes; stop(false) just closes; neither reconnects', function () {
    const graceful = setup();
    graceful.client().accept();
    const results: string[] = [];
    graceful.transport.publish('a', 'b', { qos: 1, retain: false }, (e) => results.push(e?.message ?? 'ok'));
    graceful.transport.stop(true);
    assert.equal(graceful.client().packets.at(-1)?.operation, 14);
    assert.equal(graceful.client().closed, true);
    assert.deepEqual(results, ['transport stopped']);
    graceful.clock.advanceBy(120000);
    assert.equal(graceful.network.clients.length, 1);
    assert.equal(graceful.events.disconnected.length, 0);

    const abrupt = setup();
    abrupt.client().accept();
    abrupt.transport.stop(false);
    assert.equal(abrupt.client().packets.some((p) => p.operation === 14), false);
    assert.equal(abrupt.client().closed, true);
    abrupt.clock.advanceBy(120000);
    assert.equal(abrupt.network.clients.length, 1);
    assert.throws(() => {
      abrupt.transport.start(connect, { onConnected() {}, onDisconnected() {}, onMessage() {} });
      abrupt.transport.start(connect, { onConnected() {}, onDisconnected() {}, onMessage() {} });
    }, /already started/);
  });

  it('logs a refused subscription from the SUBACK codes', function () {
    const { client, transport, log } = setup();
    client().accept();
    transport.subscribe('vitrine/louvre/dc-07/cmd/+');
    transport.subscribe('vitrine/louvre/dc-07/cmd/+');
    const subs = client().packets.filter((p) => p.operation === 8);
    assert.equal(subs.length, 1, 'a repeated subscribe is not sent twice');
    client().suback(subs[0]?.id ?? -1, [0x80]);
    assert.ok(log.lines.includes('warn: MQTT broker refused the subscription to vitrine/louvre/dc-07/cmd/+'));
  });
});

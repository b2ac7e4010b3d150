/**
 * The transport's CONNECT packet and error paths, the link proxy, and the embedded broker's
 * down/up cycle: the parts the broker suite (transport.test.ts) does not reach.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import type { EmbeddedBroker } from '../../simulator/broker/embedded';
import { closeServer, listen } from '../../simulator/broker/ports';
import { startLinkProxy } from '../../simulator/transport/link-proxy';
import { MqttTransport } from '../../simulator/transport/mqtt-transport';
import { TransportRecorder, publishResult, waitUntil } from '../helpers/mqtt-probe';

const will = { topic: 'vitrine/lab/case-1/status', payload: 'offline', qos: 1, retain: true } as const;

/** Reads the fields of an MQTT 3.1.1 CONNECT packet (spec §3.1). */
function parseConnect(packet: Buffer): Record<string, unknown> {
  assert.equal(packet[0], 0x10, 'a CONNECT packet');
  let offset = 1;
  while ((packet[offset] & 0x80) !== 0) offset++;
  offset++;
  const string = (): string => {
    const length = packet.readUInt16BE(offset);
    offset += 2 + length;
    return packet.subarray(offset - length, offset).toString('utf8');
  };
  const protocol = string();
  const level = packet[offset++];
  const flags = packet[offset++];
  const keepaliveS = packet.readUInt16BE(offset);
  offset += 2;
  const clientId = string();
  const fields: Record<string, unknown> = {
    protocol, level, keepaliveS, clientId,
    cleanSession: (flags & 0x02) !== 0,
    willFlag: (flags & 0x04) !== 0,
    willQos: (flags >> 3) & 0x03,
    willRetain: (flags & 0x20) !== 0,
  };
  if ((flags & 0x04) !== 0) {
    fields.willTopic = string();
    fields.willPayload = string();
  }
  if ((flags & 0x80) !== 0) fields.username = string();
  if ((flags & 0x40) !== 0) fields.password = string();
  return fields;
}

/** A TCP server that records what clients send and never answers (a broker that hangs). */
async function silentServer(): Promise<{ port: number; packets: Buffer[]; close(): Promise<void> }> {
  const packets: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('data', (chunk) => packets.push(chunk));
    socket.on('error', () => undefined);
  });
  const port = await listen(server, 0, '127.0.0.1');
  return {
    port,
    packets,
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

describe('MqttTransport edges', function () {
  this.timeout(20_000);

  it('sends an MQTT 3.1.1 CONNECT with clean session, the will, credentials and keepalive rounded up to seconds', async function () {
    const server = await silentServer();
    const transport = new MqttTransport({ url: `mqtt://127.0.0.1:${server.port}`, connectTimeoutMs: 150, backoff: { initialMs: 50, maxMs: 50 } });
    const events = new TransportRecorder();
    try {
      transport.start({ clientId: 'case-1', keepaliveMs: 1500, will, username: 'tech', password: 's3cret' }, events);
      await waitUntil(() => server.packets.length >= 2, 5000, 'a second attempt after the CONNACK timeout');
      assert.deepEqual(parseConnect(server.packets[0]), {
        protocol: 'MQTT', level: 4, keepaliveS: 2, clientId: 'case-1', cleanSession: true,
        willFlag: true, willQos: 1, willRetain: true, willTopic: will.topic, willPayload: 'offline',
        username: 'tech', password: 's3cret',
      });
      assert.deepEqual(events.disconnects, ['connack timeout'], 'the first failed attempt is reported, once');
      assert.equal(events.connected, 0);
      assert.equal(transport.isConnected(), false);
    } finally {
      transport.stop(false);
      await server.close();
    }
  });

  describe('with an embedded broker', function () {
    let broker: EmbeddedBroker;
    before(async function () {
      broker = await startEmbeddedBroker();
    });
    after(async function () {
      await broker.stop();
    });

    it('reports what it cannot send through done, never synchronously, and refuses bad arguments', async function () {
      const transport = new MqttTransport({ url: broker.url });
      let calledBack = false;
      const early = publishResult((done) => {
        transport.publish('vitrine/lab/case-1/alert', '{}', { qos: 1, retain: false }, (error) => {
          calledBack = true;
          done(error);
        });
        assert.equal(calledBack, false, 'done is not called inside publish');
      });
      assert.match((await early)?.message ?? '', /^publish to vitrine\/lab\/case-1\/alert: not connected \(idle\)$/);
      transport.publish('vitrine/lab/case-1/hb', '{}', { qos: 0, retain: false }); // no done: dropped quietly

      assert.throws(() => transport.start({ clientId: '', keepaliveMs: 1000, will }, new TransportRecorder()), /clientId is empty/);
      assert.throws(() => transport.start({ clientId: 'x', keepaliveMs: 1000, will: { ...will, topic: 'a/#' } }, new TransportRecorder()), /will: topic "a\/#" contains a wildcard/);
      assert.throws(() => transport.start({ clientId: 'x', keepaliveMs: -5, will }, new TransportRecorder()), /keepaliveMs must be a finite number ≥ 0/);

      const events = new TransportRecorder();
      transport.start({ clientId: 'edge-1', keepaliveMs: 1000, will }, events);
      assert.throws(() => transport.start({ clientId: 'edge-1', keepaliveMs: 1000, will }, events), /already started/);
      await events.waitConnected(1, 5000);
      assert.match((await publishResult((done) => transport.publish('vitrine/+/alert', '{}', { qos: 1, retain: false }, done)))?.message ?? '',
        /^publish to vitrine\/\+\/alert: topic "vitrine\/\+\/alert" contains a wildcard/);
      assert.throws(() => transport.subscribe('vitrine/#/cmd'), /MqttTransport\.subscribe: topic filter "vitrine\/#\/cmd": # must be a whole level/);

      transport.stop(false);
      transport.stop(false); // idempotent
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(events.disconnects, [], 'no events after stop()');

      const again = new TransportRecorder();
      transport.start({ clientId: 'edge-1', keepaliveMs: 1000, will }, again);
      await again.waitConnected(1, 5000);
      transport.stop(true);
    });

    it('goes down, refuses connections, and comes back on the same port', async function () {
      const port = broker.port;
      await broker.down();
      assert.equal(broker.running, false);
      const refused = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        socket.once('connect', () => resolve('connected'));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      assert.equal(refused, 'ECONNREFUSED');
      await broker.up();
      assert.equal(broker.port, port);
      assert.equal(broker.running, true);
      const events = new TransportRecorder();
      const transport = new MqttTransport({ url: broker.url });
      transport.start({ clientId: 'edge-2', keepaliveMs: 1000, will }, events);
      await events.waitConnected(1, 5000);
      transport.stop(true);
    });
  });
});

describe('link proxy', function () {
  this.timeout(10_000);

  it('holds bytes while the link is down and delivers them, and any close, when it returns', async function () {
    const serverSide: net.Socket[] = [];
    const echo = net.createServer((socket) => {
      serverSide.push(socket);
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => socket.write(chunk));
    });
    const port = await listen(echo, 0, '127.0.0.1');
    const link = await startLinkProxy({ target: { host: '127.0.0.1', port } });
    const sockets: net.Socket[] = [];
    const open = async (): Promise<{ socket: net.Socket; received: () => string; closed: () => boolean }> => {
      const socket = net.connect({ host: '127.0.0.1', port: link.port });
      sockets.push(socket);
      let text = '';
      let closed = false;
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('close', () => {
        closed = true;
      });
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      return { socket, received: () => text, closed: () => closed };
    };
    try {
      const a = await open();
      a.socket.write('one;');
      await waitUntil(() => a.received() === 'one;', 2000, 'the echo through the link');

      link.drop();
      a.socket.write('two;');
      const b = await open(); // accepted, but it goes nowhere yet
      b.socket.write('late;');
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(a.received(), 'one;', 'nothing moves while the link is down');
      assert.equal(b.received(), '');
      assert.equal(serverSide.length, 1, 'the new connection has not reached the server');

      serverSide[0].destroy(); // the far end gives up during the outage...
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(a.closed(), false, '...and nobody on this side can know yet');

      link.restore();
      await waitUntil(() => b.received() === 'late;', 2000, 'the held connection to reach the server');
      await waitUntil(() => a.closed(), 2000, 'the close to arrive after the link returns');
      assert.equal(link.connectionCount(), 1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await link.close();
      for (const socket of serverSide) socket.destroy();
      await closeServer(echo);
    }
  });
});

/**
 * The embedded MQTT 3.1.1 broker: aedes 1.x on a TCP port and optionally a WebSocket port (for the
 * browser console), both free ports by default. aedes drops a client that has been silent for
 * 1.5 × its keepalive (plus 1 ms) and then publishes its will, as MQTT-3.1.2-24 requires.
 * down()/up() close and reopen the same ports with a fresh broker (retained messages are lost, as
 * with Mosquitto without persistence).
 */
import { Aedes } from 'aedes';
import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import net from 'node:net';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { BrokerHandle } from './types';
import { closeServer, listen } from './ports';

export interface EmbeddedBrokerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** WebSocket port (0 picks a free one); no WebSocket listener when absent. */
  wsPort?: number;
}

export interface EmbeddedBroker extends BrokerHandle {
  readonly kind: 'aedes';
  /** The running aedes instance (a new one after each up()), for tests that watch broker events. */
  readonly aedes: Aedes | undefined;
}

interface Running {
  aedes: Aedes;
  tcp: net.Server;
  sockets: Set<net.Socket>;
  http: HttpServer | undefined;
  wss: WebSocketServer | undefined;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 0;
  let wsPort = options.wsPort;
  let running: Running | undefined;
  let stopped = false;

  async function open(): Promise<void> {
    const aedes = await Aedes.createBroker({ drainTimeout: 10_000 });
    const sockets = new Set<net.Socket>();
    const tcp = net.createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      aedes.handle(socket);
    });
    port = await listen(tcp, port, host);
    let http: HttpServer | undefined;
    let wss: WebSocketServer | undefined;
    if (wsPort !== undefined) {
      http = createHttpServer();
      wss = new WebSocketServer({ server: http });
      wss.on('connection', (socket, request) => {
        const stream = createWebSocketStream(socket);
        stream.on('error', () => socket.terminate());
        aedes.handle(stream, request);
      });
      wsPort = await listen(http, wsPort, host);
    }
    running = { aedes, tcp, sockets, http, wss };
  }

  async function close(): Promise<void> {
    const r = running;
    if (r === undefined) return;
    running = undefined;
    const closing = [closeServer(r.tcp)];
    for (const socket of r.sockets) socket.destroy();
    if (r.wss !== undefined && r.http !== undefined) {
      for (const client of r.wss.clients) client.terminate();
      r.wss.close();
      r.http.closeAllConnections();
      closing.push(closeServer(r.http));
    }
    closing.push(new Promise<void>((resolve) => r.aedes.close(() => resolve())));
    await Promise.all(closing);
  }

  const url = (): string => `mqtt://${host}:${port}`;
  async function up(): Promise<void> {
    if (stopped) throw new Error(`embedded broker on ${url()} was stopped for good`);
    if (running === undefined) await open();
  }

  await open();
  return {
    kind: 'aedes',
    get url() {
      return url();
    },
    get wsUrl() {
      return wsPort === undefined ? undefined : `ws://${host}:${wsPort}/mqtt`;
    },
    get port() {
      return port;
    },
    get wsPort() {
      return wsPort;
    },
    get running() {
      return running !== undefined;
    },
    get aedes() {
      return running?.aedes;
    },
    down: close,
    up,
    async restart(): Promise<void> {
      await close();
      await up();
    },
    async stop(): Promise<void> {
      stopped = true;
      await close();
    },
  };
}

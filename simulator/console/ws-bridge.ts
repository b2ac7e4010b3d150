/**
 * MQTT over WebSocket for brokers that only listen on TCP: the console server accepts the browser's
 * WebSocket on `/mqtt` and relays the MQTT bytes unchanged to the broker's TCP (or TLS) port, one TCP
 * connection per WebSocket. The broker sees an ordinary MQTT client; nothing is parsed here.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { BrokerUrl } from '../broker/broker-url';

export interface MqttBridge {
  /** Takes an HTTP upgrade request (the server routes `/mqtt` here). */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every relayed connection. */
  close(): void;
}

export interface MqttBridgeOptions {
  /** For an `mqtts://` broker: the CA certificate(s), PEM, that signed its certificate (default: Node's trusted roots). */
  ca?: string;
}

export function createMqttBridge(broker: BrokerUrl, options: MqttBridgeOptions = {}): MqttBridge {
  if (broker.protocol !== 'mqtt' && broker.protocol !== 'mqtts') throw new Error(`the MQTT bridge needs a TCP broker URL, got ${broker.url}`);
  // MQTT.js asks for the 'mqtt' subprotocol; ws accepts the first one offered.
  const wss = new WebSocketServer({ noServer: true });
  const links = new Set<{ ws: WebSocket; tcp: net.Socket }>();

  wss.on('connection', (ws: WebSocket) => {
    const tcp = broker.protocol === 'mqtts'
      // The certificate is checked against the host name (SNI takes names only, not addresses).
      ? tls.connect({ host: broker.host, port: broker.port, servername: net.isIP(broker.host) === 0 ? broker.host : undefined, ca: options.ca })
      : net.connect({ host: broker.host, port: broker.port });
    const link = { ws, tcp };
    links.add(link);
    const end = (): void => {
      if (!links.delete(link)) return;
      tcp.destroy();
      ws.terminate();
    };
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      tcp.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
    });
    tcp.on('data', (chunk: Buffer) => ws.send(chunk));
    ws.on('close', end);
    ws.on('error', end);
    tcp.on('close', end);
    tcp.on('error', end);
  });

  return {
    upgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    close() {
      for (const link of [...links]) {
        link.tcp.destroy();
        link.ws.terminate();
      }
      links.clear();
      wss.close();
    },
  };
}

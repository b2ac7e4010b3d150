/**
 * A node's network link as a TCP proxy between its transport and the broker, so the simulator can
 * break the link the way Wi-Fi breaks: `drop()` makes it silent (bytes are held, not refused, and
 * neither side learns anything until a keepalive runs out), `restore()` delivers what was held, as TCP
 * retransmission would, and passes on any close that happened meanwhile. New connections made while
 * the link is down wait, unanswered, until it comes back or the client gives up. `vanish()` is a node
 * losing power: its connections end on its side, while the broker's side stays open and silent until
 * the broker's keepalive gives up on it.
 */
import net from 'node:net';
import { closeServer, listen } from '../broker/ports';

export interface LinkProxyOptions {
  /** Where the broker listens. */
  target: { host: string; port: number };
  /** Where the proxy listens; default 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
}

export interface LinkProxy {
  /** `mqtt://host:port` of the proxy: give it to the node's transport instead of the broker's. */
  readonly url: string;
  readonly port: number;
  readonly dropped: boolean;
  drop(): void;
  restore(): void;
  /**
   * The node vanishes without a word (power loss): its current connections are cut on the node's side
   * while the broker's side stays open and silent until the broker gives up on it (keepalive), as when
   * a device loses power and never sends FIN. New connections pass normally.
   */
  vanish(): void;
  /** Connections currently open through the proxy. */
  connectionCount(): number;
  /** Closes the proxy and every connection through it. */
  close(): Promise<void>;
}

interface LinkState {
  dropped: boolean;
  readonly target: LinkProxyOptions['target'];
  forget(pipe: Pipe): void;
}

/** One client connection and its upstream leg. */
class Pipe {
  readonly client: net.Socket;
  upstream: net.Socket | undefined;
  readonly toUpstream: Buffer[] = [];
  readonly toClient: Buffer[] = [];
  clientClosed = false;
  upstreamClosed = false;
  /** Cut on the node's side by vanish(): nothing passes either way, and the broker's side is left open. */
  vanished = false;
  readonly #link: LinkState;

  constructor(client: net.Socket, link: LinkState) {
    this.client = client;
    this.#link = link;
    client.on('data', (chunk: Buffer) => {
      if (this.vanished) return;
      if (this.#link.dropped || this.upstream === undefined || this.upstream.connecting) this.toUpstream.push(chunk);
      else this.upstream.write(chunk);
    });
    client.on('error', () => undefined);
    client.once('close', () => {
      this.clientClosed = true;
      this.settle();
    });
    if (!link.dropped) this.connectUpstream();
  }

  connectUpstream(): void {
    const upstream = net.connect(this.#link.target);
    this.upstream = upstream;
    upstream.on('connect', () => this.flush());
    upstream.on('data', (chunk: Buffer) => {
      if (this.vanished) return;
      if (this.#link.dropped) this.toClient.push(chunk);
      else this.client.write(chunk);
    });
    upstream.on('error', () => undefined);
    upstream.once('close', () => {
      this.upstreamClosed = true;
      this.settle();
    });
  }

  /** The node's end is gone; the broker's end stays open and hears nothing more. */
  vanish(): void {
    this.vanished = true;
    this.toUpstream.length = 0;
    this.toClient.length = 0;
    this.client.destroy();
    if (this.upstream === undefined) this.#link.forget(this);
  }

  /** Passes held bytes on, once the link is up again. */
  flush(): void {
    if (this.vanished || this.#link.dropped) return;
    if (this.upstream === undefined && !this.clientClosed) this.connectUpstream();
    if (this.upstream !== undefined && !this.upstream.connecting && !this.upstreamClosed) {
      for (const chunk of this.toUpstream.splice(0)) this.upstream.write(chunk);
    }
    if (!this.clientClosed) for (const chunk of this.toClient.splice(0)) this.client.write(chunk);
    this.settle();
  }

  /** Passes a close from one side to the other, but only while the link is up. */
  settle(): void {
    if (this.vanished) {
      if (this.upstreamClosed || this.upstream === undefined) this.#link.forget(this);
      return;
    }
    if (this.#link.dropped) return;
    if (this.clientClosed) this.upstream?.destroy();
    if (this.upstreamClosed) this.client.end();
    if (this.clientClosed && (this.upstream === undefined || this.upstreamClosed)) this.#link.forget(this);
  }

  destroy(): void {
    this.client.destroy();
    this.upstream?.destroy();
  }
}

export async function startLinkProxy(options: LinkProxyOptions): Promise<LinkProxy> {
  const host = options.host ?? '127.0.0.1';
  const pipes = new Set<Pipe>();
  const link: LinkState = {
    dropped: false,
    target: options.target,
    forget: (pipe: Pipe): void => {
      pipes.delete(pipe);
    },
  };
  const server = net.createServer((client) => {
    pipes.add(new Pipe(client, link));
  });
  const port = await listen(server, options.port ?? 0, host);
  return {
    url: `mqtt://${host}:${port}`,
    port,
    get dropped() {
      return link.dropped;
    },
    drop(): void {
      link.dropped = true;
    },
    restore(): void {
      link.dropped = false;
      for (const pipe of [...pipes]) pipe.flush();
    },
    vanish(): void {
      for (const pipe of [...pipes]) if (!pipe.vanished) pipe.vanish();
    },
    connectionCount(): number {
      return [...pipes].filter((pipe) => !pipe.clientClosed && !pipe.vanished).length;
    },
    async close(): Promise<void> {
      const closing = closeServer(server);
      for (const pipe of pipes) pipe.destroy();
      pipes.clear();
      await closing;
    },
  };
}

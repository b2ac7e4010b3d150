/**
 * TCP port helpers for starting brokers on free ports and waiting until they accept connections.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port nobody listens on right now (the OS picks it). Another process may take it before we do. */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, 0, host);
  await closeServer(server);
  return port;
}

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface WaitOptions {
  timeoutMs: number;
  /** Called between tries: returns a reason to give up early (e.g. the process exited). */
  gaveUp?: () => string | undefined;
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitUntilAccepting(host: string, port: number, options: WaitOptions): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    if (await tryConnect(host, port)) return;
    const reason = options.gaveUp?.();
    if (reason !== undefined) throw new Error(reason);
    if (performance.now() > deadline) throw new Error(`nothing accepted connections on ${host}:${port} within ${options.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A broker the simulator and the tests can run and break: the embedded aedes broker, a Mosquitto
 * process, or an external broker given with --broker (which can only be used, not stopped).
 */
export interface BrokerHandle {
  readonly kind: 'aedes' | 'mosquitto' | 'external';
  /** `mqtt://host:port` for nodes and tools. */
  readonly url: string;
  /** `ws://host:port/mqtt` for the browser console, when a WebSocket listener was asked for. */
  readonly wsUrl: string | undefined;
  readonly port: number;
  readonly wsPort: number | undefined;
  /** False between down() and up(), and after stop(). */
  readonly running: boolean;
  /** Fault `broker_stop`: stop listening and drop every client (no DISCONNECT: clients see the link close). */
  down(): Promise<void>;
  /** Fault `broker_start`: listen again on the same ports. Retained messages and sessions are gone, as after a restart without persistence. */
  up(): Promise<void>;
  /** down() then up(). */
  restart(): Promise<void>;
  /** For good: releases the ports and removes temporary files. Idempotent. */
  stop(): Promise<void>;
}

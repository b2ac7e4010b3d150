/**
 * Wraps a node's Transport to let the runner see what is on the wire: how many QoS 1 publications
 * wait for their PUBACK (the virtual clock waits for them, see pacer.ts) and, for the latency bench,
 * the moment each message was handed to the transport.
 */
import type { PublishOptions, Transport, TransportConnectOptions, TransportEvents } from '../../firmware/ports';

export interface TransportProbeHooks {
  /** Called for every publish the node makes, with performance.now() at the call. */
  onPublish?(topic: string, payload: string, atPerfMs: number): void;
}

export class TransportProbe implements Transport {
  readonly #inner: Transport;
  readonly #hooks: TransportProbeHooks;
  #inFlight = 0;

  constructor(inner: Transport, hooks: TransportProbeHooks = {}) {
    this.#inner = inner;
    this.#hooks = hooks;
  }

  /** QoS 1 publications handed to the transport and not yet acknowledged or failed. */
  get inFlight(): number {
    return this.#inFlight;
  }

  start(options: TransportConnectOptions, events: TransportEvents): void {
    this.#inner.start(options, events);
  }

  publish(topic: string, payload: string, options: PublishOptions, done?: (error?: Error) => void): void {
    this.#hooks.onPublish?.(topic, payload, performance.now());
    if (options.qos === 0) {
      this.#inner.publish(topic, payload, options, done);
      return;
    }
    this.#inFlight++;
    this.#inner.publish(topic, payload, options, (error) => {
      this.#inFlight--;
      done?.(error);
    });
  }

  subscribe(topicFilter: string): void {
    this.#inner.subscribe(topicFilter);
  }

  isConnected(): boolean {
    return this.#inner.isConnected();
  }

  stop(graceful: boolean): void {
    this.#inner.stop(graceful);
  }
}

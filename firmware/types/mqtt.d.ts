/**
 * Moddable's legacy MQTT client, module "mqtt" (modules/network/mqtt/mqtt.js; documentation/network/
 * network.md §MQTT; reference/moddable.md §1). @moddable/typings has no declaration for it.
 * QoS 0 only (PUBACK is parsed but not dispatched), CleanSession always set, no reconnect: Vitrine uses
 * the ECMA-419 client (embedded:network/mqtt/client) instead; this is here for tools and comparisons.
 */
declare module 'mqtt' {
  interface MqttWill {
    topic: string;
    message: string | ArrayBuffer;
    retain?: boolean;
    quality?: 0 | 1;
  }

  interface MqttClientOptions {
    host: string;
    /** Default 1883 (80 with `path`). */
    port?: number;
    id: string;
    user?: string;
    password?: ArrayBuffer;
    will?: MqttWill;
    /** WebSocket path: MQTT over WebSocket when given. */
    path?: string;
    /** Keepalive in milliseconds. */
    timeout?: number;
    Socket?: unknown;
    secure?: Record<string, unknown>;
  }

  class Client {
    constructor(options: MqttClientOptions);
    onReady?: () => void;
    onConnected?: () => void;
    onMessage?: (topic: string, data: ArrayBuffer) => void;
    onClose?: () => void;
    publish(topic: string, data: string | ArrayBuffer, flags?: { retain?: boolean; quality?: 0 | 1; duplicate?: boolean }): void;
    subscribe(topic: string): void;
    unsubscribe(topic: string): void;
    close(immediate?: boolean): void;
  }

  export { Client as default };
}

/**
 * The ECMA-419 MQTT client as Moddable's implementation (examples/io/tcp/mqttclient/mqttclient.js)
 * actually behaves. @moddable/typings (5.6 on npm, and the SDK repo's typings) declare `keepAlive` where
 * the client reads `keepalive`, `onControl(opcode, message)` where it calls `onControl(message)`, and no
 * `returnCode` or null `data` for control writes.
 * NOTE: the project tsconfigs map this specifier to the npm file; while that mapping exists, importing
 * the specifier makes TypeScript load both declarations (duplicate identifier). Adapters take the class
 * through MqttTransportOptions.network instead (firmware/moddable/mqtt-transport.ts).
 */
declare module 'embedded:network/mqtt/client' {
  interface ReadableInfo {
    more: boolean;
    topic?: string;
    QoS?: number;
    byteLength?: number;
  }

  interface ControlMessage {
    operation: number;
    id: number;
    /** CONNACK. */
    returnCode?: number;
    /** SUBACK return codes. */
    payload?: number[];
  }

  interface ClientOptions {
    host: string;
    port?: number;
    id?: string;
    user?: string;
    password?: string | ArrayBuffer;
    clean?: boolean;
    /** Milliseconds; the client sends PINGREQ and gives up after 1.5 × without traffic. */
    keepalive?: number;
    will?: { topic: string; message: string | ArrayBuffer; QoS?: number; retain?: boolean };
    onReadable?: (this: MQTTClient, count: number, info: ReadableInfo) => void;
    onWritable?: (this: MQTTClient, count: number) => void;
    onControl?: (this: MQTTClient, message: ControlMessage) => void;
    onError?: (this: MQTTClient) => void;
    dns: { io: unknown; [option: string]: unknown };
    socket: { io: unknown; [option: string]: unknown };
  }

  interface WriteOptions {
    operation?: number;
    id?: number;
    topic?: string;
    QoS?: number;
    retain?: boolean;
    duplicate?: boolean;
    byteLength?: number;
    items?: Array<{ topic: string; QoS?: number }>;
  }

  class MQTTClient {
    constructor(options: ClientOptions);
    /** Returns the room left for writing; throws when the packet does not fit. */
    write(data: ArrayBuffer | ArrayBufferView | null, options?: WriteOptions): number;
    read(count: number): ArrayBuffer | undefined;
    close(): void;
    static readonly CONNECT: 1;
    static readonly CONNACK: 2;
    static readonly PUBLISH: 3;
    static readonly PUBACK: 4;
    static readonly PUBREC: 5;
    static readonly PUBREL: 6;
    static readonly PUBCOMP: 7;
    static readonly SUBSCRIBE: 8;
    static readonly SUBACK: 9;
    static readonly UNSUBSCRIBE: 10;
    static readonly UNSUBACK: 11;
    static readonly PINGREQ: 12;
    static readonly PINGRESP: 13;
    static readonly DISCONNECT: 14;
  }

  export { MQTTClient as default };
}

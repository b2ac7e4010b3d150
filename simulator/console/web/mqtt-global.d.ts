/**
 * The part of MQTT.js's browser bundle (node_modules/mqtt/dist/mqtt.min.js, loaded by the page as a
 * plain script) that the console uses. The bundle defines a global `mqtt` with MQTT.js's usual API.
 */
interface BrowserMqttPayload {
  toString(): string;
}

interface BrowserMqttClient {
  connected: boolean;
  on(event: 'connect', listener: () => void): this;
  on(event: 'close' | 'offline' | 'reconnect', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'message', listener: (topic: string, payload: BrowserMqttPayload) => void): this;
  subscribe(topics: string | string[], options: { qos: 0 | 1 }, callback?: (error: Error | null) => void): this;
  unsubscribe(topics: string | string[], callback?: (error?: Error) => void): this;
  publish(topic: string, payload: string, options: { qos: 0 | 1; retain: boolean }, callback?: (error?: Error) => void): this;
  end(force?: boolean): this;
}

interface BrowserMqttOptions {
  protocolVersion: 4;
  clientId: string;
  clean: boolean;
  reconnectPeriod: number;
  connectTimeout: number;
  keepalive: number;
}

declare const mqtt: {
  connect(url: string, options: BrowserMqttOptions): BrowserMqttClient;
};

/**
 * Ports: everything the node's brain needs from its host. The device (firmware/moddable/) and the
 * simulator (simulator/) each implement these; firmware/node/ never imports an adapter, it is handed
 * one. Keep this file free of imports so every floor can depend on it.
 */

/** Milliseconds since boot (monotonic) and the synced wall clock, plus one-shot and repeating timers. */
export interface Clock {
  /** Monotonic milliseconds since the node started. Never goes backwards. */
  uptimeMs(): number;
  /** Milliseconds since the Unix epoch from the synced clock (SNTP), or undefined before the first sync. */
  epochMs(): number | undefined;
  /** Calls `callback` after `delayMs`, then every `repeatMs` if given. */
  setTimer(callback: () => void, delayMs: number, repeatMs?: number): TimerHandle;
  clearTimer(timer: TimerHandle): void;
}

/** Opaque handle returned by Clock.setTimer. */
export interface TimerHandle {
  readonly timerId: number;
}

/**
 * Small persistent key-value store. Limits follow ESP32 NVS through Moddable's Preference:
 * keys of at most STORAGE_MAX_KEY_LENGTH characters, values of at most STORAGE_MAX_VALUE_BYTES bytes.
 * Implementations throw an Error naming the key when a write fails.
 */
export interface Storage {
  read(key: string): string | undefined;
  write(key: string, value: string): void;
  remove(key: string): void;
  keys(): string[];
}
export const STORAGE_MAX_KEY_LENGTH = 15;
export const STORAGE_MAX_VALUE_BYTES = 4000;

export type QoS = 0 | 1;

export interface PublishOptions {
  qos: QoS;
  retain: boolean;
}

export interface WillMessage {
  topic: string;
  payload: string;
  qos: QoS;
  retain: boolean;
}

export interface TransportConnectOptions {
  clientId: string;
  keepaliveMs: number;
  will: WillMessage;
  username?: string;
  password?: string;
}

/** What a transport reports back to the node. */
export interface TransportEvents {
  /** The session is up (after every reconnect too): the node publishes its birth and subscribes. */
  onConnected(): void;
  /** The session is down; the transport keeps trying to reconnect with backoff. */
  onDisconnected(reason: string): void;
  onMessage(topic: string, payload: string): void;
}

/**
 * An MQTT 3.1.1 session. The transport owns reconnection and backoff; the node's outbox owns
 * retransmission of QoS 1 messages, so a transport may drop anything in flight when the link drops.
 */
export interface Transport {
  start(options: TransportConnectOptions, events: TransportEvents): void;
  /**
   * Publishes a message. For QoS 1, `done` is called once with no error when the broker
   * acknowledges it, or with an error if it cannot be sent on this session.
   */
  publish(topic: string, payload: string, options: PublishOptions, done?: (error?: Error) => void): void;
  subscribe(topicFilter: string): void;
  isConnected(): boolean;
  /** Ends the session. `graceful` sends DISCONNECT (no will); otherwise the link is just dropped. */
  stop(graceful: boolean): void;
}

export type SensorKind = 'microphone' | 'accelerometer';

/**
 * A block of consecutive samples from one sensor. Sources reuse the same block object and buffer
 * for every delivery: consumers must copy anything they keep beyond the callback.
 */
export interface SampleBlock {
  /** Uptime in ms of the first frame. */
  t0Ms: number;
  /** Frames per second. */
  rateHz: number;
  /** Samples per frame, interleaved: 1 for the microphone, 3 (x, y, z) for the accelerometer. */
  channels: number;
  /** Frames in this block. */
  frames: number;
  /** Raw sensor counts, interleaved; only the first frames × channels entries are valid. */
  samples: Int16Array;
  /** Physical units per count: full-scale fraction for the microphone (1/32768), g for the accelerometer. */
  unitsPerCount: number;
  /** Increments by one per delivered block; a gap means blocks were lost (overrun). */
  sequence: number;
}

/** A hardware problem reported by a sensor source itself (as opposed to faults found in the signal). */
export interface SensorSourceFault {
  code: 'overrun' | 'missing_chip' | 'bus_error' | 'stopped';
  message: string;
}

export interface SensorSourceEvents {
  onBlock(block: SampleBlock): void;
  onFault(fault: SensorSourceFault): void;
}

export interface SensorSource {
  readonly kind: SensorKind;
  readonly rateHz: number;
  readonly channels: number;
  start(events: SensorSourceEvents): void;
  stop(): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  log(level: LogLevel, message: string): void;
}

/** Figures about the host itself for the heartbeat; undefined where a host cannot tell. */
export interface SystemInfo {
  freeHeapBytes(): number | undefined;
  /** Firmware version string reported in the heartbeat and Home Assistant discovery. */
  firmwareVersion(): string;
  /** Restart the node (device) or the simulated node (simulator). */
  restart(reason: string): void;
}

/**
 * The SystemInfo port: free heap from Moddable's `instrumentation` module (indices differ per host,
 * so they are looked up by name with Instrumentation.map, reference/moddable.md §1), the firmware
 * version, and restart through `embedded:io/system`'s System.restart() (esp_restart on ESP32).
 */
import type { Log, SystemInfo } from '../ports';

/** Instrumentation names the firmware reads (Moddable's typings list them all). */
export type InstrumentationName = 'System Free Memory' | 'XS Slot Heap Used' | 'XS Chunk Heap Used' | 'XS Garbage Collection Count';

export interface InstrumentationIo {
  get(index: number): number | undefined;
  map(name: InstrumentationName): number | undefined;
}

export interface DeviceSystemInfoOptions {
  instrumentation: InstrumentationIo;
  version: string;
  restart: () => void;
  log?: Log;
}

export class DeviceSystemInfo implements SystemInfo {
  readonly #options: DeviceSystemInfoOptions;
  readonly #freeMemoryIndex: number | undefined;

  constructor(options: DeviceSystemInfoOptions) {
    this.#options = options;
    this.#freeMemoryIndex = options.instrumentation.map('System Free Memory');
  }

  freeHeapBytes(): number | undefined {
    const index = this.#freeMemoryIndex;
    return index === undefined ? undefined : this.#options.instrumentation.get(index);
  }

  firmwareVersion(): string {
    return this.#options.version;
  }

  restart(reason: string): void {
    // The reason reaches the serial log (xsbug / trace) before the chip resets.
    this.#options.log?.log('warn', `restarting: ${reason}`);
    this.#options.restart();
  }
}

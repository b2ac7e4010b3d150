/**
 * Storage in memory with the NVS limits. Survives a simulated reboot as long as the simulator hands
 * the same instance to the node's next life.
 */
import type { Storage } from '../../firmware/ports';
import { checkStorageKey, checkStorageWrite } from './limits';

export class MemoryStorage implements Storage {
  readonly #entries = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [key, value] of Object.entries(initial)) this.write(key, value);
  }

  read(key: string): string | undefined {
    checkStorageKey(key);
    return this.#entries.get(key);
  }

  write(key: string, value: string): void {
    checkStorageWrite(key, value);
    this.#entries.set(key, value);
  }

  remove(key: string): void {
    checkStorageKey(key);
    this.#entries.delete(key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** A copy of every entry, e.g. to inspect what a node persisted. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.#entries);
  }
}

/**
 * A fake of Moddable's Preference on ESP32 NVS, with NVS's rules as modPreference.c meets them: names of
 * at most 15 bytes, strings of at most 4000 bytes including the terminator, numbers only as int32,
 * a bounded number of entries, and keys() returning an empty array (the ESP32 build compiles it out).
 */
import type { PreferenceIo } from '../../../firmware/moddable/preference-storage';

const NAME_MAX_BYTES = 15;
const STRING_MAX_BYTES = 4000;

export class FakePreference implements PreferenceIo {
  readonly domains = new Map<string, Map<string, string | boolean | number | ArrayBuffer>>();
  writes = 0;
  /** Throw "nvs set fail" on the next set (a worn or full flash). */
  failNextSet = false;

  constructor(readonly maxEntries = 500) {}

  set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void {
    const store = this.#open(domain, true);
    if (new TextEncoder().encode(key).length > NAME_MAX_BYTES) throw new Error('nvs set fail');
    if (typeof value === 'number' && !Number.isInteger(value)) throw new Error('float unsupported');
    if (typeof value === 'string' && new TextEncoder().encode(value).length + 1 > STRING_MAX_BYTES) throw new Error('nvs set fail');
    if (this.failNextSet) {
      this.failNextSet = false;
      throw new Error('nvs set fail');
    }
    if (!store.has(key) && this.#entries() >= this.maxEntries) throw new Error('nvs set fail');
    store.set(key, typeof value === 'number' ? value | 0 : value);
    this.writes++;
  }

  get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined {
    return this.domains.get(domain)?.get(key);
  }

  delete(domain: string, key: string): void {
    this.domains.get(domain)?.delete(key);
  }

  keys(_domain: string): string[] {
    return [];
  }

  #open(domain: string, create: boolean): Map<string, string | boolean | number | ArrayBuffer> {
    if (new TextEncoder().encode(domain).length > NAME_MAX_BYTES) throw new Error('nvs_open fail');
    let store = this.domains.get(domain);
    if (store === undefined && create) {
      store = new Map();
      this.domains.set(domain, store);
    }
    return store ?? new Map();
  }

  #entries(): number {
    let n = 0;
    for (const store of this.domains.values()) n += store.size;
    return n;
  }
}

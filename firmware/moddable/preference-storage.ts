/**
 * The Storage port over Moddable's `preference` module, which is ESP32 NVS on the device
 * (reference/moddable.md §1): domain and key names of at most 15 bytes, numbers only as int32 — so
 * every value is stored as a string — and string values of at most 4000 bytes *including* NVS's
 * terminating NUL (ESP-IDF nvs_set_str), so 3999 bytes of text.
 *
 * Moddable's ESP32 `Preference.keys()` returns an empty array (modPreference.c: the NVS iterator is
 * compiled out), so this class keeps its own index of keys under a reserved key.
 */
import type { Storage } from '../ports';
import { STORAGE_MAX_KEY_LENGTH, STORAGE_MAX_VALUE_BYTES } from '../ports';
import { decodeUtf8, utf8ByteLength } from './utf8';

/** The part of Moddable's Preference used here. */
export interface PreferenceIo {
  set(domain: string, key: string, value: string): void;
  get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined;
  delete(domain: string, key: string): void;
}

export interface PreferenceStorageOptions {
  preference: PreferenceIo;
  /** NVS namespace, at most 15 bytes (e.g. "vitrine"). */
  domain: string;
}

/** Reserved key holding the newline-separated list of keys. */
export const INDEX_KEY = '~keys';
/** NVS stores a string with its terminating NUL in at most 4000 bytes. */
export const NVS_MAX_STRING_BYTES = STORAGE_MAX_VALUE_BYTES - 1;

export class PreferenceStorage implements Storage {
  readonly #preference: PreferenceIo;
  readonly #domain: string;
  #keys: string[] = [];

  constructor(options: PreferenceStorageOptions) {
    const domainBytes = utf8ByteLength(options.domain);
    if (domainBytes < 1 || domainBytes > STORAGE_MAX_KEY_LENGTH) {
      throw new Error(`storage domain '${options.domain}' must be 1 to ${STORAGE_MAX_KEY_LENGTH} bytes (NVS namespace)`);
    }
    this.#preference = options.preference;
    this.#domain = options.domain;
    this.#keys = this.#loadIndex();
  }

  read(key: string): string | undefined {
    this.#checkKey(key);
    const value = this.#preference.get(this.#domain, key);
    if (value === undefined || typeof value === 'string') return value;
    // Written by something else (numbers, booleans, blobs): converted without loss rather than hidden.
    if (value instanceof ArrayBuffer) return decodeUtf8(new Uint8Array(value));
    return String(value);
  }

  write(key: string, value: string): void {
    this.#checkKey(key);
    const bytes = utf8ByteLength(value);
    if (bytes > NVS_MAX_STRING_BYTES) {
      throw new Error(`storage value for '${key}' is ${bytes} bytes; NVS stores at most ${NVS_MAX_STRING_BYTES} ` +
        '(4000 with its terminator)');
    }
    const previous = this.#keys;
    const added = !previous.includes(key);
    // The index first: after a power cut it may name a key with no value (dropped at the next start),
    // never leave a value that keys() cannot find.
    if (added) this.#saveIndex([...this.#keys, key], `storage write of '${key}'`);
    try {
      this.#preference.set(this.#domain, key, value);
    } catch (error) {
      if (added) this.#saveIndex(previous, `storage write of '${key}'`);
      throw new Error(`storage write of '${key}' (${bytes} bytes) failed: ${messageOf(error)}`, { cause: error });
    }
  }

  remove(key: string): void {
    this.#checkKey(key);
    try {
      this.#preference.delete(this.#domain, key);
    } catch (error) {
      throw new Error(`storage remove of '${key}' failed: ${messageOf(error)}`, { cause: error });
    }
    if (this.#keys.includes(key)) this.#saveIndex(this.#keys.filter((k) => k !== key), `storage remove of '${key}'`);
  }

  keys(): string[] {
    return this.#keys.slice();
  }

  #checkKey(key: string): void {
    const bytes = utf8ByteLength(key);
    if (bytes < 1 || bytes > STORAGE_MAX_KEY_LENGTH) {
      throw new Error(`storage key '${key}' is ${bytes} bytes; NVS keys are 1 to ${STORAGE_MAX_KEY_LENGTH} bytes`);
    }
    if (key === INDEX_KEY) throw new Error(`storage key '${INDEX_KEY}' is reserved for the key index`);
    if (key.includes('\n')) throw new Error(`storage key '${key}' contains a newline`);
  }

  #loadIndex(): string[] {
    const stored = this.#preference.get(this.#domain, INDEX_KEY);
    if (typeof stored !== 'string' || stored === '') return [];
    const listed = stored.split('\n');
    const present = listed.filter((key) => this.#preference.get(this.#domain, key) !== undefined);
    if (present.length !== listed.length) this.#saveIndex(present, 'storage index repair');
    return present;
  }

  #saveIndex(keys: string[], what: string): void {
    const text = keys.join('\n');
    if (utf8ByteLength(text) > NVS_MAX_STRING_BYTES) {
      throw new Error(`${what} failed: the key index is full (${keys.length} keys)`);
    }
    try {
      if (keys.length === 0) this.#preference.delete(this.#domain, INDEX_KEY);
      else this.#preference.set(this.#domain, INDEX_KEY, text);
    } catch (error) {
      throw new Error(`${what} failed updating the key index: ${messageOf(error)}`, { cause: error });
    }
    this.#keys = keys;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

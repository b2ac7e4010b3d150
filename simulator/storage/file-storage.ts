/**
 * Storage in one JSON file per node (`<directory>/<nodeId>.json`), with the NVS limits. Every change
 * rewrites the whole file to `<file>.tmp` and renames it over the old one: rename is atomic, so a
 * process killed at any instant (a simulated power loss of the whole simulator) leaves either the old
 * or the new file, never a torn one. Durability against a host OS crash (fsync) is not attempted.
 * A write that fails throws an Error naming the key and changes nothing, in memory or on disk.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Storage } from '../../firmware/ports';
import { checkStorageKey, checkStorageWrite } from './limits';

export interface FileStorageOptions {
  /** Directory holding one file per node; created if missing. */
  directory: string;
  /** Names the file; letters, digits, `_` and `-` only. */
  nodeId: string;
}

const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class FileStorage implements Storage {
  readonly file: string;
  #entries: Map<string, string>;

  constructor(options: FileStorageOptions) {
    if (!NODE_ID.test(options.nodeId)) {
      throw new Error(`FileStorage: node id ${JSON.stringify(options.nodeId)} must be 1–64 letters, digits, '_' or '-'`);
    }
    mkdirSync(options.directory, { recursive: true });
    this.file = path.join(options.directory, `${options.nodeId}.json`);
    this.#entries = loadEntries(this.file);
  }

  read(key: string): string | undefined {
    checkStorageKey(key);
    return this.#entries.get(key);
  }

  write(key: string, value: string): void {
    checkStorageWrite(key, value);
    const next = new Map(this.#entries);
    next.set(key, value);
    this.#commit(next, key);
  }

  remove(key: string): void {
    checkStorageKey(key);
    if (!this.#entries.has(key)) return;
    const next = new Map(this.#entries);
    next.delete(key);
    this.#commit(next, key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  #commit(next: Map<string, string>, key: string): void {
    const temporary = `${this.file}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(Object.fromEntries(next), null, 2)}\n`);
      renameSync(temporary, this.file);
    } catch (error) {
      throw new Error(`Storage: writing key "${key}" to ${this.file} failed: ${(error as Error).message}`, { cause: error });
    }
    this.#entries = next;
  }
}

/** Reads a node's file; a missing file is an empty store, a damaged one is refused rather than overwritten. */
function loadEntries(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new Error(`FileStorage: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`FileStorage: ${file} is not valid JSON (${(error as Error).message}); move it away to start empty`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`FileStorage: ${file} must hold a JSON object of string values`);
  }
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`FileStorage: ${file}: key "${key}" holds a ${typeof value}, not a string`);
    try {
      checkStorageWrite(key, value);
    } catch (error) {
      throw new Error(`FileStorage: ${file}: ${(error as Error).message}`, { cause: error });
    }
    entries.set(key, value);
  }
  return entries;
}

/**
 * The NVS limits of firmware/ports.ts, enforced by every simulator storage so that a node which fits
 * in the simulator also fits on the ESP32. Keys are counted in UTF-8 bytes, as NVS stores them.
 */
import { STORAGE_MAX_KEY_LENGTH, STORAGE_MAX_VALUE_BYTES } from '../../firmware/ports';

export function checkStorageKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new Error(`Storage: key ${JSON.stringify(key)} is empty or not a string`);
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > STORAGE_MAX_KEY_LENGTH) {
    throw new Error(`Storage: key "${key}" is ${bytes} bytes long; NVS keys are at most ${STORAGE_MAX_KEY_LENGTH}`);
  }
}

export function checkStorageWrite(key: string, value: string): void {
  checkStorageKey(key);
  if (typeof value !== 'string') throw new Error(`Storage: value for key "${key}" is a ${typeof value}, not a string`);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > STORAGE_MAX_VALUE_BYTES) {
    throw new Error(`Storage: value for key "${key}" is ${bytes} bytes; NVS values are at most ${STORAGE_MAX_VALUE_BYTES}`);
  }
}

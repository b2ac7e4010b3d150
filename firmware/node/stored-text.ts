/**
 * Text values in the Storage port, within its NVS limits: UTF-8 byte counting (values are limited in
 * bytes, not characters) and long texts split over numbered keys.
 */
import type { Storage } from '../ports';
import { STORAGE_MAX_VALUE_BYTES } from '../ports';

/** Bytes `text` takes in UTF-8 (what NVS stores). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // a surrogate pair is one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Splits `text` into pieces of at most `maxBytes` UTF-8 bytes each, never inside a surrogate pair. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + size > maxBytes) {
      pieces.push(text.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
    if (pair) i++;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/**
 * Writes `text` under `prefix` + '#' (the piece count) and `prefix` + 0, 1, ... (the pieces). The count is
 * written last, so a reader never sees a count whose pieces are not all there yet.
 */
export function writeChunked(storage: Storage, prefix: string, text: string): void {
  const pieces = splitUtf8(text, STORAGE_MAX_VALUE_BYTES);
  const previous = Number(storage.read(`${prefix}#`) ?? '0');
  storage.remove(`${prefix}#`);
  pieces.forEach((piece, i) => storage.write(`${prefix}${i}`, piece));
  for (let i = pieces.length; i < previous; i++) storage.remove(`${prefix}${i}`);
  storage.write(`${prefix}#`, String(pieces.length));
}

/** The text written by writeChunked, or undefined when there is none or a piece is missing. */
export function readChunked(storage: Storage, prefix: string): string | undefined {
  const count = Number(storage.read(`${prefix}#`));
  if (!Number.isInteger(count) || count < 1) return undefined;
  let text = '';
  for (let i = 0; i < count; i++) {
    const piece = storage.read(`${prefix}${i}`);
    if (piece === undefined) return undefined;
    text += piece;
  }
  return text;
}

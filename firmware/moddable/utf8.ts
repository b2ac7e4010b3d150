/**
 * UTF-8 for MQTT payloads and NVS size checks. Written out here because neither Node's Buffer nor a
 * TextEncoder global exists on the device, and XS's ArrayBuffer.fromString does not exist under Node.
 */

/** Bytes the string takes in UTF-8 (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(utf8ByteLength(text));
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      code = 0x10000 + ((code - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
    } else if (code >= 0xd800 && code <= 0xdfff) {
      code = 0xfffd;
    }
    if (code < 0x80) {
      out[at++] = code;
    } else if (code < 0x800) {
      out[at++] = 0xc0 | (code >> 6);
      out[at++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      out[at++] = 0xe0 | (code >> 12);
      out[at++] = 0x80 | ((code >> 6) & 0x3f);
      out[at++] = 0x80 | (code & 0x3f);
    } else {
      out[at++] = 0xf0 | (code >> 18);
      out[at++] = 0x80 | ((code >> 12) & 0x3f);
      out[at++] = 0x80 | ((code >> 6) & 0x3f);
      out[at++] = 0x80 | (code & 0x3f);
    }
  }
  return out;
}

/**
 * Decodes `length` bytes; malformed sequences become U+FFFD instead of throwing (payloads are untrusted),
 * one per maximal invalid subpart, as the WHATWG decoder does.
 */
export function decodeUtf8(bytes: Uint8Array, length = bytes.length): string {
  let text = '';
  let i = 0;
  while (i < length) {
    const lead = bytes[i];
    let code = 0xfffd;
    let size = 1;
    if (lead < 0x80) {
      code = lead;
    } else if (lead >= 0xc2 && lead <= 0xf4) {
      const wanted = lead < 0xe0 ? 1 : lead < 0xf0 ? 2 : 3;
      // The second byte's range excludes overlongs, surrogates and code points past U+10FFFF.
      const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
      const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
      size = continuation(bytes, i, wanted, length, low, high);
      if (size === wanted + 1) {
        code = lead & (wanted === 1 ? 0x1f : wanted === 2 ? 0x0f : 0x07);
        for (let k = 1; k <= wanted; k++) code = (code << 6) | (bytes[i + k] & 0x3f);
      }
    }
    text += String.fromCodePoint(code);
    i += size;
  }
  return text;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** 1 + the number of valid continuation bytes after `at` (at most `wanted`; the first within low..high). */
function continuation(bytes: Uint8Array, at: number, wanted: number, length: number, low: number, high: number): number {
  let n = 0;
  while (n < wanted && at + 1 + n < length) {
    const byte = bytes[at + 1 + n];
    if (n === 0 ? byte < low || byte > high : (byte & 0xc0) !== 0x80) break;
    n++;
  }
  return 1 + n;
}

/**
 * Reads the header of a 16-bit PCM RIFF/WAVE image (an embedded resource on the lin simulator) and
 * locates its samples without copying them. Malformed files get an Error naming the file and the fault.
 */

export interface WavLayout {
  rateHz: number;
  channels: number;
  /** Byte offset of the first sample (even: RIFF chunks are word-aligned). */
  dataOffset: number;
  frames: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export function parseWav(bytes: Uint8Array, name: string): WavLayout {
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') fail('not a RIFF/WAVE file');
  let format: { code: number; channels: number; rateHz: number; bits: number } | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) fail(`fmt chunk of ${size} bytes is too short`);
      let code = view.getUint16(body, true);
      if (code === WAVE_FORMAT_EXTENSIBLE && size >= 26) code = view.getUint16(body + 24, true);
      format = { code, channels: view.getUint16(body + 2, true), rateHz: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (format === undefined) fail('data chunk before the fmt chunk');
      const f = format as { code: number; channels: number; rateHz: number; bits: number };
      if (f.code !== WAVE_FORMAT_PCM) fail(`format code ${f.code}; only integer PCM (1) is supported`);
      if (f.bits !== 16) fail(`${f.bits}-bit samples; only 16-bit PCM is supported`);
      if (f.channels < 1 || f.rateHz < 1) fail(`${f.channels} channels at ${f.rateHz} Hz`);
      if (body + size > bytes.length) fail(`data chunk of ${size} bytes runs past the end of the file (${bytes.length} bytes)`);
      const frameBytes = 2 * f.channels;
      if (size % frameBytes !== 0) fail(`data chunk of ${size} bytes is not a whole number of ${frameBytes}-byte frames`);
      return { rateHz: f.rateHz, channels: f.channels, dataOffset: body, frames: size / frameBytes };
    }
    at = body + size + (size & 1);
  }
  return fail(format === undefined ? 'no fmt chunk' : 'no data chunk');
}

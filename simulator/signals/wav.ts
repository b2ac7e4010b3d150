/**
 * WAV (RIFF WAVE) reading and writing for recorded sensor signals.
 *
 * Reads integer PCM of 8 (unsigned), 16, 24 and 32 bits and IEEE float of 32 and 64 bits, any number
 * of channels, plain or WAVE_FORMAT_EXTENSIBLE; skips LIST and any other chunk it does not need, with
 * their pad bytes. Integer PCM maps to ±1 full scale (k / 2^(bits−1)); float samples keep their
 * values (full-scale fractions for audio, g for acceleration).
 *
 * Rules for damaged files (each refusal is a WavError naming the file, what is wrong and the byte offset):
 * - the RIFF size field is not trusted (writers often leave it wrong): chunks are read up to the end of the bytes;
 * - a chunk whose size runs past the end of the bytes is refused, except that a missing pad byte at the
 *   very end is accepted;
 * - a data chunk that is not a whole number of frames is refused by default; with `dropPartialFrame` the
 *   trailing partial frame is dropped (the only thing ever dropped) and `partialFrameBytes` says how much;
 * - non-finite float samples (NaN, ±∞) are refused: detectors cannot work on them.
 */
import type { Signal } from './signal';

export class WavError extends Error {
  /** Byte offset in the file where the problem is. */
  readonly offset: number;

  constructor(name: string, offset: number, problem: string) {
    super(`${name}: ${problem} (at byte ${offset})`);
    this.name = 'WavError';
    this.offset = offset;
  }
}

export interface ReadWavOptions {
  /** Accept a data chunk whose length is not a whole number of frames by dropping the last partial frame. */
  dropPartialFrame?: boolean;
}

export interface WavInfo {
  /** 1 (PCM) or 3 (IEEE float), after resolving WAVE_FORMAT_EXTENSIBLE. */
  formatCode: number;
  extensible: boolean;
  bitsPerSample: number;
  /** Bytes of a trailing partial frame that were dropped (only with dropPartialFrame). */
  partialFrameBytes: number;
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
/** The 14 bytes that follow the format code in a KSDATAFORMAT_SUBTYPE GUID. */
const SUBTYPE_SUFFIX = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/** Names of format codes seen in the wild, for the error message. */
const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3',
  0x0092: 'Dolby AC-3 over S/PDIF',
  0x0161: 'Windows Media Audio',
  0x1610: 'AAC (ADTS)',
  0xf1ac: 'FLAC',
};

function formatName(code: number): string {
  const hex = `0x${code.toString(16).padStart(4, '0').toUpperCase()}`;
  const known = FORMAT_NAMES[code];
  return known === undefined ? `format code ${hex}` : `format code ${hex} (${known})`;
}

function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]);
}

interface FmtChunk {
  offset: number;
  formatCode: number;
  extensible: boolean;
  channels: number;
  rateHz: number;
  blockAlign: number;
  bitsPerSample: number;
}

function parseFmt(view: DataView, bytes: Uint8Array, offset: number, size: number, name: string): FmtChunk {
  const body = offset + 8;
  if (size < 16) throw new WavError(name, offset, `fmt chunk of ${size} bytes is shorter than the 16 it needs`);
  let formatCode = view.getUint16(body, true);
  const channels = view.getUint16(body + 2, true);
  const rateHz = view.getUint32(body + 4, true);
  const blockAlign = view.getUint16(body + 12, true);
  const bitsPerSample = view.getUint16(body + 14, true);
  const extensible = formatCode === FORMAT_EXTENSIBLE;
  // Where the format code was read: the fmt chunk's tag, or an extensible format's sub-format GUID.
  let formatAt = body;
  if (extensible) {
    if (size < 40) throw new WavError(name, offset, `WAVE_FORMAT_EXTENSIBLE fmt chunk of ${size} bytes is shorter than the 40 it needs`);
    const guid = body + 24;
    formatAt = guid;
    formatCode = view.getUint16(guid, true);
    for (let i = 0; i < SUBTYPE_SUFFIX.length; i++) {
      if (bytes[guid + 2 + i] !== SUBTYPE_SUFFIX[i]) {
        throw new WavError(name, guid, 'WAVE_FORMAT_EXTENSIBLE sub-format is not a standard KSDATAFORMAT_SUBTYPE GUID');
      }
    }
  }
  if (formatCode !== FORMAT_PCM && formatCode !== FORMAT_FLOAT) {
    throw new WavError(name, formatAt, `unsupported ${formatName(formatCode)}${extensible ? ' in WAVE_FORMAT_EXTENSIBLE' : ''}; only PCM (0x0001) and IEEE float (0x0003) are read`);
  }
  if (channels === 0) throw new WavError(name, body + 2, 'fmt chunk declares zero channels');
  if (rateHz === 0) throw new WavError(name, body + 4, 'fmt chunk declares a sample rate of 0 Hz');
  const supported = formatCode === FORMAT_PCM ? [8, 16, 24, 32] : [32, 64];
  if (!supported.includes(bitsPerSample)) {
    throw new WavError(name, body + 14, `unsupported bit depth ${bitsPerSample} for ${formatCode === FORMAT_PCM ? 'PCM' : 'IEEE float'} (supported: ${supported.join(', ')})`);
  }
  const expectedAlign = channels * (bitsPerSample / 8);
  if (blockAlign !== expectedAlign) {
    throw new WavError(name, body + 12, `block align ${blockAlign} is inconsistent with ${channels} channels of ${bitsPerSample} bits (expected ${expectedAlign})`);
  }
  return { offset, formatCode, extensible, channels, rateHz, blockAlign, bitsPerSample };
}

/** Parses a WAV file into a Signal; `name` (a path or label) goes into every error message. */
export function readWav(bytes: Uint8Array, name: string, options: ReadWavOptions = {}): Signal & { wav: WavInfo } {
  if (bytes.length < 12) throw new WavError(name, 0, `truncated header: ${bytes.length} bytes, a WAV file starts with 12`);
  const riff = fourCc(bytes, 0);
  if (riff !== 'RIFF') {
    const hint = riff === 'RIFX' ? ' (big-endian RIFX is not supported)' : riff === 'RF64' ? ' (RF64 is not supported)' : '';
    throw new WavError(name, 0, `not a RIFF file: starts with ${JSON.stringify(riff)}${hint}`);
  }
  if (fourCc(bytes, 8) !== 'WAVE') throw new WavError(name, 8, `RIFF file of type ${JSON.stringify(fourCc(bytes, 8))}, not WAVE`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let fmt: FmtChunk | undefined;
  let dataOffset = -1;
  let dataSize = 0;
  let offset = 12;
  while (offset < bytes.length) {
    if (bytes.length - offset < 8) throw new WavError(name, offset, `truncated chunk header: ${bytes.length - offset} bytes left, a chunk header needs 8`);
    const id = fourCc(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const end = offset + 8 + size;
    if (end > bytes.length) {
      throw new WavError(name, offset, `chunk '${id}' declares ${size} bytes but only ${bytes.length - offset - 8} remain in the file`);
    }
    if (id === 'fmt ') {
      if (fmt !== undefined) throw new WavError(name, offset, `second fmt chunk (the first is at byte ${fmt.offset})`);
      fmt = parseFmt(view, bytes, offset, size, name);
    } else if (id === 'data') {
      if (dataOffset >= 0) throw new WavError(name, offset, `second data chunk (the first starts at byte ${dataOffset - 8})`);
      dataOffset = offset + 8;
      dataSize = size;
    }
    offset = end + (size & 1); // chunks are word-aligned; the pad byte may be missing at the very end
  }
  if (fmt === undefined) throw new WavError(name, 12, 'no fmt chunk');
  if (dataOffset < 0) throw new WavError(name, 12, 'no data chunk');

  const frameBytes = fmt.blockAlign;
  const partialFrameBytes = dataSize % frameBytes;
  if (partialFrameBytes !== 0 && options.dropPartialFrame !== true) {
    throw new WavError(name, dataOffset - 8, `data chunk of ${dataSize} bytes is not a whole number of ${frameBytes}-byte frames (${partialFrameBytes} bytes left over)`);
  }
  const frames = (dataSize - partialFrameBytes) / frameBytes;
  const count = frames * fmt.channels;
  const data = new Float32Array(count);
  const bits = fmt.bitsPerSample;
  let at = dataOffset;
  if (fmt.formatCode === FORMAT_FLOAT) {
    for (let i = 0; i < count; i++, at += bits / 8) {
      const v = bits === 32 ? view.getFloat32(at, true) : view.getFloat64(at, true);
      if (!Number.isFinite(v)) throw new WavError(name, at, `sample ${i} (frame ${Math.floor(i / fmt.channels)}) is ${v}, not a finite number`);
      data[i] = v;
    }
  } else if (bits === 8) {
    for (let i = 0; i < count; i++, at++) data[i] = (bytes[at] - 128) / 128;
  } else if (bits === 16) {
    for (let i = 0; i < count; i++, at += 2) data[i] = view.getInt16(at, true) / 32768;
  } else if (bits === 24) {
    for (let i = 0; i < count; i++, at += 3) {
      const v = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16);
      data[i] = ((v << 8) >> 8) / 8388608;
    }
  } else {
    for (let i = 0; i < count; i++, at += 4) data[i] = view.getInt32(at, true) / 2147483648;
  }
  return {
    rateHz: fmt.rateHz,
    channels: fmt.channels,
    data,
    wav: { formatCode: fmt.formatCode, extensible: fmt.extensible, bitsPerSample: bits, partialFrameBytes },
  };
}

export type WavFormat = 'pcm16' | 'pcm24' | 'pcm32' | 'float32';

export interface WriteWavOptions {
  format: WavFormat;
}

const FORMATS: Record<WavFormat, { code: number; bits: number }> = {
  pcm16: { code: FORMAT_PCM, bits: 16 },
  pcm24: { code: FORMAT_PCM, bits: 24 },
  pcm32: { code: FORMAT_PCM, bits: 32 },
  float32: { code: FORMAT_FLOAT, bits: 32 },
};

/**
 * Encodes a signal as a WAV file. Integer formats clip to ±1 full scale and round to the nearest
 * step (k / 2^(bits−1), the inverse of readWav); float32 stores the values as they are. As Microsoft
 * recommends, files with more than 2 channels or PCM of more than 16 bits use WAVE_FORMAT_EXTENSIBLE (with
 * no speaker mapping), and float files carry a fact chunk. Non-finite samples are refused.
 */
export function writeWav(signal: Signal, options: WriteWavOptions): Uint8Array {
  const spec = FORMATS[options.format];
  if (spec === undefined) throw new RangeError(`writeWav: unknown format '${String(options.format)}' (pcm16, pcm24, pcm32, float32)`);
  const { channels, rateHz, data } = signal;
  if (!Number.isInteger(channels) || channels < 1 || channels > 0xffff) throw new RangeError(`writeWav: channels must be an integer from 1 to 65535, got ${channels}`);
  if (!Number.isInteger(rateHz) || rateHz < 1 || rateHz > 0xffffffff) throw new RangeError(`writeWav: rateHz must be a whole number of Hz, got ${rateHz}`);
  if (data.length % channels !== 0) throw new RangeError(`writeWav: ${data.length} samples are not a whole number of ${channels}-channel frames`);
  const bytesPerSample = spec.bits / 8;
  const frames = data.length / channels;
  const extensible = channels > 2 || (spec.code === FORMAT_PCM && spec.bits > 16);
  const fmtSize = extensible ? 40 : spec.code === FORMAT_FLOAT ? 18 : 16;
  const factSize = spec.code === FORMAT_FLOAT ? 12 : 0;
  const dataSize = data.length * bytesPerSample;
  if (dataSize > 0xffffffff - 64) throw new RangeError(`writeWav: ${dataSize} bytes of samples exceed what a RIFF file can hold`);
  const total = 12 + 8 + fmtSize + factSize + 8 + dataSize + (dataSize & 1);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < 4; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, total - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, extensible ? FORMAT_EXTENSIBLE : spec.code, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, rateHz, true);
  view.setUint32(28, rateHz * channels * bytesPerSample, true);
  view.setUint16(32, channels * bytesPerSample, true);
  view.setUint16(34, spec.bits, true);
  if (fmtSize >= 18) view.setUint16(36, fmtSize - 18, true); // cbSize
  if (extensible) {
    view.setUint16(38, spec.bits, true); // valid bits
    view.setUint32(40, 0, true); // channel mask: no speaker positions
    view.setUint16(44, spec.code, true);
    bytes.set(SUBTYPE_SUFFIX, 46);
  }
  let at = 20 + fmtSize;
  if (factSize > 0) {
    ascii(at, 'fact');
    view.setUint32(at + 4, 4, true);
    view.setUint32(at + 8, frames, true);
    at += factSize;
  }
  ascii(at, 'data');
  view.setUint32(at + 4, dataSize, true);
  at += 8;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new RangeError(`writeWav: sample ${i} (frame ${Math.floor(i / channels)}) is ${data[i]}, not a finite number`);
  }
  if (spec.code === FORMAT_FLOAT) {
    for (let i = 0; i < data.length; i++, at += 4) view.setFloat32(at, data[i], true);
    return bytes;
  }
  const scale = 2 ** (spec.bits - 1);
  for (let i = 0; i < data.length; i++, at += bytesPerSample) {
    let v = Math.round(data[i] * scale);
    if (v > scale - 1) v = scale - 1;
    else if (v < -scale) v = -scale;
    if (spec.bits === 16) view.setInt16(at, v, true);
    else if (spec.bits === 32) view.setInt32(at, v, true);
    else {
      bytes[at] = v & 0xff;
      bytes[at + 1] = (v >> 8) & 0xff;
      bytes[at + 2] = (v >> 16) & 0xff;
    }
  }
  return bytes;
}

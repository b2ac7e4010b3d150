import assert from 'node:assert/strict';
import { WavError, readWav, writeWav } from '../../../simulator/signals/wav';
import type { WavFormat } from '../../../simulator/signals/wav';
import { Rng } from '../../../simulator/signals/rng';

// Hand-built fixtures: little-endian byte helpers and a RIFF assembler.
const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const f32 = (v: number): number[] => [...new Uint8Array(new Float32Array([v]).buffer)];
const f64 = (v: number): number[] => [...new Uint8Array(new Float64Array([v]).buffer)];
const s24 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff];

/** A chunk with its size field and, for odd sizes, a pad byte (unless `pad` is false). */
function chunk(id: string, body: number[], options: { size?: number; pad?: boolean } = {}): number[] {
  const pad = body.length % 2 === 1 && options.pad !== false ? [0] : [];
  return [...ascii(id), ...u32(options.size ?? body.length), ...body, ...pad];
}

function riff(...chunks: number[][]): Uint8Array {
  const body = chunks.flat();
  return new Uint8Array([...ascii('RIFF'), ...u32(4 + body.length), ...ascii('WAVE'), ...body]);
}

function fmt(code: number, channels: number, rateHz: number, bits: number, blockAlign = channels * (bits / 8)): number[] {
  return chunk('fmt ', [...u16(code), ...u16(channels), ...u32(rateHz), ...u32(rateHz * blockAlign), ...u16(blockAlign), ...u16(bits)]);
}

const GUID_SUFFIX = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

function fmtExtensible(subformat: number, channels: number, rateHz: number, bits: number, suffix = GUID_SUFFIX): number[] {
  const align = channels * (bits / 8);
  return chunk('fmt ', [
    ...u16(0xfffe), ...u16(channels), ...u32(rateHz), ...u32(rateHz * align), ...u16(align), ...u16(bits),
    ...u16(22), ...u16(bits), ...u32(0), ...u16(subformat), ...suffix,
  ]);
}

function expectWavError(bytes: Uint8Array, pattern: RegExp, offset: number): void {
  assert.throws(() => readWav(bytes, 'fixture.wav'), (error: unknown) => {
    assert.ok(error instanceof WavError, `a WavError, got ${String(error)}`);
    assert.match(error.message, /^fixture\.wav: /);
    assert.match(error.message, pattern);
    assert.equal(error.offset, offset, `offset in "${error.message}"`);
    assert.match(error.message, new RegExp(`at byte ${offset}\\)$`));
    return true;
  });
}

describe('simulator/signals/wav', function () {
  describe('readWav: formats', function () {
    it('reads 16-bit PCM to ±1 full scale', function () {
      const wav = readWav(riff(fmt(1, 1, 16000, 16), chunk('data', [0, 16384, -32768, 32767].flatMap(u16))), 'a.wav');
      assert.equal(wav.rateHz, 16000);
      assert.equal(wav.channels, 1);
      assert.deepEqual([...wav.data], [0, 0.5, -1, 32767 / 32768]);
      assert.deepEqual(wav.wav, { formatCode: 1, extensible: false, bitsPerSample: 16, partialFrameBytes: 0 });
    });

    it('reads unsigned 8-bit, 24-bit and 32-bit PCM', function () {
      assert.deepEqual([...readWav(riff(fmt(1, 1, 8000, 8), chunk('data', [128, 255, 0, 192])), 'u8').data], [0, 127 / 128, -1, 0.5]);
      const s24wav = readWav(riff(fmt(1, 1, 8000, 24), chunk('data', [0x400000, 0x800000, 0xffffff, 0x7fffff].flatMap(s24))), 's24');
      assert.deepEqual([...s24wav.data], [0.5, -1, -1 / 8388608, Math.fround(8388607 / 8388608)]);
      const s32wav = readWav(riff(fmt(1, 1, 8000, 32), chunk('data', [0x40000000, 0x80000000, 0xffffffff].flatMap(u32))), 's32');
      assert.deepEqual([...s32wav.data], [0.5, -1, Math.fround(-1 / 2147483648)]);
    });

    it('keeps float samples in their units (g beyond ±1 too), 32 and 64 bits', function () {
      assert.deepEqual([...readWav(riff(fmt(3, 1, 1600, 32), chunk('data', [0.25, -3.5, 1.75].flatMap(f32))), 'f32').data], [0.25, -3.5, 1.75]);
      const wav = readWav(riff(fmt(3, 2, 1600, 64), chunk('data', [0.125, -2, 0.1, 3].flatMap(f64))), 'f64');
      assert.deepEqual([...wav.data], [0.125, -2, Math.fround(0.1), 3]);
      assert.equal(wav.channels, 2);
    });

    it('reads WAVE_FORMAT_EXTENSIBLE with three interleaved channels', function () {
      const samples = [0x100000, -0x100000, 0x200000, 0x300000, 0, -0x400000];
      const wav = readWav(riff(fmtExtensible(1, 3, 1600, 24), chunk('data', samples.flatMap(s24))), 'ext');
      assert.equal(wav.channels, 3);
      assert.deepEqual([...wav.data], samples.map((v) => v / 8388608));
      assert.equal(wav.wav.extensible, true);
      const float = readWav(riff(fmtExtensible(3, 1, 50, 32), chunk('data', f32(0.5))), 'extf');
      assert.deepEqual([...float.data], [0.5]);
      assert.equal(float.wav.formatCode, 3);
    });

    it('skips LIST, fact and unknown odd-sized chunks with their pad bytes, in any order', function () {
      const list = chunk('LIST', [...ascii('INFO'), ...ascii('ICMT'), ...u32(5), ...ascii('hello'), 0]);
      const odd = chunk('junk', [1, 2, 3]); // 3 bytes + pad
      const data = chunk('data', [130, 126, 128]); // odd: 3 one-byte frames + pad
      const wav = readWav(riff(odd, data, list, chunk('fact', u32(3)), fmt(1, 1, 8000, 8), chunk('cue ', [9])), 'chunks');
      assert.deepEqual([...wav.data], [2 / 128, -2 / 128, 0]);
    });

    it('accepts a missing pad byte after an odd-sized last chunk and ignores a wrong RIFF size', function () {
      const bytes = riff(fmt(1, 1, 8000, 8), chunk('data', [128, 129, 130], { pad: false }));
      new DataView(bytes.buffer).setUint32(4, 999999, true);
      assert.equal(readWav(bytes, 'nopad').data.length, 3);
    });
  });

  describe('readWav: damaged files give a WavError naming the file, the problem and the byte offset', function () {
    const good = (): number[][] => [fmt(1, 1, 8000, 16), chunk('data', [1, 0, 2, 0])];

    it('not RIFF / not WAVE / truncated header', function () {
      expectWavError(new Uint8Array([...ascii('RIFX'), ...u32(4), ...ascii('WAVE')]), /not a RIFF file: starts with "RIFX" \(big-endian RIFX is not supported\)/, 0);
      expectWavError(new Uint8Array([...ascii('OggS'), ...u32(4), ...ascii('WAVE')]), /not a RIFF file: starts with "OggS"/, 0);
      expectWavError(new Uint8Array([...ascii('RIFF'), ...u32(4), ...ascii('AVI ')]), /RIFF file of type "AVI ", not WAVE/, 8);
      expectWavError(new Uint8Array(ascii('RIFF')), /truncated header: 4 bytes/, 0);
    });

    it('missing fmt or data chunk', function () {
      expectWavError(riff(chunk('data', [0, 0])), /no fmt chunk/, 12);
      expectWavError(riff(fmt(1, 1, 8000, 16), chunk('LIST', ascii('INFO'))), /no data chunk/, 12);
    });

    it('a chunk size past the end of the file, and a truncated chunk header', function () {
      expectWavError(riff(fmt(1, 1, 8000, 16), chunk('data', [0, 0, 0, 0], { size: 400 })), /chunk 'data' declares 400 bytes but only 4 remain in the file/, 36);
      const bytes = riff(...good());
      expectWavError(new Uint8Array([...bytes, 1, 2, 3, 4, 5]), /truncated chunk header: 5 bytes left/, bytes.length);
    });

    it('unsupported format codes, named', function () {
      expectWavError(riff(fmt(6, 1, 8000, 8), chunk('data', [0])), /unsupported format code 0x0006 \(A-law\)/, 20);
      expectWavError(riff(fmt(2, 1, 8000, 4, 1), chunk('data', [0])), /unsupported format code 0x0002 \(Microsoft ADPCM\)/, 20);
      expectWavError(riff(fmt(0x1234, 1, 8000, 16), chunk('data', [0, 0])), /unsupported format code 0x1234;/, 20);
      expectWavError(riff(fmtExtensible(0x55, 1, 8000, 16), chunk('data', [0, 0])), /unsupported format code 0x0055 \(MPEG Layer 3\) in WAVE_FORMAT_EXTENSIBLE/, 44);
      const badGuid = [...GUID_SUFFIX];
      badGuid[13] = 0x72;
      expectWavError(riff(fmtExtensible(1, 1, 8000, 16, badGuid), chunk('data', [0, 0])), /sub-format is not a standard KSDATAFORMAT_SUBTYPE GUID/, 44);
    });

    it('unsupported bit depths, zero channels or rate, inconsistent block align, short fmt chunks', function () {
      expectWavError(riff(fmt(1, 1, 8000, 12, 2), chunk('data', [0, 0])), /unsupported bit depth 12 for PCM \(supported: 8, 16, 24, 32\)/, 34);
      expectWavError(riff(fmt(3, 1, 8000, 16), chunk('data', [0, 0])), /unsupported bit depth 16 for IEEE float \(supported: 32, 64\)/, 34);
      expectWavError(riff(fmt(1, 0, 8000, 16, 2), chunk('data', [0, 0])), /zero channels/, 22);
      expectWavError(riff(fmt(1, 1, 0, 16), chunk('data', [0, 0])), /sample rate of 0 Hz/, 24);
      expectWavError(riff(fmt(1, 2, 8000, 16, 2), chunk('data', [0, 0])), /block align 2 is inconsistent with 2 channels of 16 bits \(expected 4\)/, 32);
      expectWavError(riff(chunk('fmt ', [1, 0, 1, 0]), chunk('data', [0, 0])), /fmt chunk of 4 bytes is shorter than the 16 it needs/, 12);
      expectWavError(riff(fmt(0xfffe, 1, 8000, 16), chunk('data', [0, 0])), /WAVE_FORMAT_EXTENSIBLE fmt chunk of 16 bytes is shorter than the 40/, 12);
    });

    it('a data length that is not a whole number of frames: refused, or the partial frame dropped on request', function () {
      const bytes = riff(fmt(1, 2, 8000, 16), chunk('data', [1, 0, 2, 0, 3, 0, 4, 0, 5, 0]));
      expectWavError(bytes, /data chunk of 10 bytes is not a whole number of 4-byte frames \(2 bytes left over\)/, 36);
      const wav = readWav(bytes, 'partial', { dropPartialFrame: true });
      assert.deepEqual([...wav.data], [1, 2, 3, 4].map((v) => v / 32768));
      assert.equal(wav.wav.partialFrameBytes, 2);
    });

    it('a second fmt or data chunk, and non-finite float samples', function () {
      expectWavError(riff(...good(), chunk('data', [0, 0])), /second data chunk \(the first starts at byte 36\)/, 48);
      expectWavError(riff(fmt(1, 1, 8000, 16), fmt(1, 1, 8000, 16), chunk('data', [0, 0])), /second fmt chunk \(the first is at byte 12\)/, 36);
      expectWavError(riff(fmt(3, 1, 8000, 32), chunk('data', [...f32(0.5), ...f32(NaN)])), /sample 1 \(frame 1\) is NaN, not a finite number/, 48);
    });
  });

  describe('writeWav', function () {
    const formats: { format: WavFormat; step: number }[] = [
      { format: 'pcm16', step: 1 / 32768 },
      { format: 'pcm24', step: 1 / 8388608 },
      { format: 'pcm32', step: 1 / 2147483648 },
      { format: 'float32', step: 0 },
    ];
    for (const { format, step } of formats) {
      for (const channels of [1, 2, 3]) {
        it(`round-trips ${format} with ${channels} channel(s) to within half a step`, function () {
          const rng = new Rng(channels * 31 + step);
          const rateHz = channels === 3 ? 1600 : 16000;
          const data = new Float32Array(channels * 257); // odd byte counts for pcm24 mono
          for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-0.999, 0.999);
          data[0] = 0;
          const bytes = writeWav({ rateHz, channels, data }, { format });
          const back = readWav(bytes, `${format}.wav`);
          assert.equal(back.rateHz, rateHz);
          assert.equal(back.channels, channels);
          assert.equal(back.data.length, data.length);
          for (let i = 0; i < data.length; i++) {
            // float32 storage of the read value adds up to half an ulp of the sample itself.
            const tolerance = step / 2 + Math.abs(data[i]) * 2 ** -24;
            assert.ok(Math.abs(back.data[i] - data[i]) <= tolerance, `${format} sample ${i}: ${back.data[i]} vs ${data[i]}`);
          }
          assert.equal(back.wav.extensible, channels > 2 || format === 'pcm24' || format === 'pcm32');
          assert.equal(new DataView(bytes.buffer).getUint32(4, true), bytes.length - 8, 'RIFF size');
          // Samples already on the grid come back exactly.
          if (step > 0) {
            const grid = new Float32Array(data.length).map((_, i) => Math.round(data[i] / step) * step);
            assert.deepEqual(readWav(writeWav({ rateHz, channels, data: grid }, { format }), 'grid').data, grid);
          }
        });
      }
    }

    it('clips integer formats at full scale and keeps float values beyond it', function () {
      const data = new Float32Array([1, -1.5, 2.5]);
      assert.deepEqual([...readWav(writeWav({ rateHz: 8000, channels: 1, data }, { format: 'pcm16' }), 'clip').data], [32767 / 32768, -1, 32767 / 32768]);
      assert.deepEqual([...readWav(writeWav({ rateHz: 1600, channels: 1, data }, { format: 'float32' }), 'g').data], [1, -1.5, 2.5]);
    });

    it('refuses what a WAV file cannot hold', function () {
      assert.throws(() => writeWav({ rateHz: 8000.5, channels: 1, data: new Float32Array(2) }, { format: 'pcm16' }), /rateHz must be a whole number of Hz, got 8000.5/);
      assert.throws(() => writeWav({ rateHz: 8000, channels: 3, data: new Float32Array(4) }, { format: 'pcm16' }), /4 samples are not a whole number of 3-channel frames/);
      assert.throws(() => writeWav({ rateHz: 8000, channels: 1, data: new Float32Array([0, NaN]) }, { format: 'pcm16' }), /sample 1 \(frame 1\) is NaN/);
      assert.throws(() => writeWav({ rateHz: 8000, channels: 1, data: new Float32Array(1) }, { format: 'mp3' as WavFormat }), /unknown format 'mp3'/);
    });
  });
});

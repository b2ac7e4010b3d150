import assert from 'node:assert/strict';
import type { SampleBlock } from '../../../firmware/ports';
import { parseWav } from '../../../firmware/moddable/wav';
import { ReplaySource } from '../../../firmware/moddable/replay-source';
import { ManualClock } from '../../helpers/device/manual-clock';

/** A 16-bit PCM WAV image with an extra chunk before the data, as tools often write. */
function wav(rateHz: number, channels: number, samples: Int16Array, options: { bits?: number; format?: number } = {}): ArrayBuffer {
  const list = 'LIST';
  const listBody = 5; // odd size: a pad byte follows
  const header = 12 + 8 + 16 + 8 + listBody + 1 + 8;
  const buffer = new ArrayBuffer(header + samples.byteLength);
  const view = new DataView(buffer);
  const tag = (at: number, text: string): void => {
    for (let i = 0; i < 4; i++) view.setUint8(at + i, text.charCodeAt(i));
  };
  tag(0, 'RIFF');
  view.setUint32(4, buffer.byteLength - 8, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, options.format ?? 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, rateHz, true);
  view.setUint32(28, rateHz * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, options.bits ?? 16, true);
  tag(36, list);
  view.setUint32(40, listBody, true);
  tag(44 + listBody + 1, 'data');
  view.setUint32(44 + listBody + 1 + 4, samples.byteLength, true);
  new Int16Array(buffer, header, samples.length).set(samples);
  return buffer;
}

describe('device: WAV images and the lin replay source', function () {
  it('parses 16-bit PCM, skipping other chunks and their pad byte', function () {
    const samples = Int16Array.from({ length: 300 }, (_, i) => i - 150);
    const layout = parseWav(new Uint8Array(wav(1600, 3, samples)), 'accel.wave');
    assert.deepEqual(layout, { rateHz: 1600, channels: 3, dataOffset: 58, frames: 100 });
  });

  it('names the file and the fault for malformed images', function () {
    const good = wav(16000, 1, new Int16Array(10));
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(8), /^Error: x\.wave: not a RIFF\/WAVE file$/],
      [new Uint8Array(wav(16000, 1, new Int16Array(10), { bits: 24 })), /^Error: x\.wave: 24-bit samples; only 16-bit PCM is supported$/],
      [new Uint8Array(wav(16000, 1, new Int16Array(10), { format: 3 })), /format code 3; only integer PCM \(1\) is supported/],
      [new Uint8Array(good).slice(0, good.byteLength - 4), /data chunk of 20 bytes runs past the end of the file \(74 bytes\)/],
      [new Uint8Array(good).slice(0, 12), /^Error: x\.wave: no fmt chunk$/],
      [new Uint8Array(good).slice(0, 36), /^Error: x\.wave: no data chunk$/],
    ];
    for (const [bytes, pattern] of cases) assert.throws(() => parseWav(bytes, 'x.wave'), pattern);
  });

  it('replays a recording in real time as blocks on a continuous timeline, looping', function () {
    const clock = new ManualClock(1000);
    const frames = 100;
    const samples = Int16Array.from({ length: frames * 3 }, (_, i) => i);
    const source = new ReplaySource({ kind: 'accelerometer', wav: wav(1600, 3, samples), name: 'accel.wave', clock,
      unitsPerCount: 4 / 32768, blockFrames: 32 });
    assert.equal(source.rateHz, 1600);
    const blocks: Array<{ t0Ms: number; sequence: number; first: number }> = [];
    source.start({
      onBlock(block: SampleBlock) {
        blocks.push({ t0Ms: block.t0Ms, sequence: block.sequence, first: block.samples[0] ?? -1 });
        assert.equal(block.unitsPerCount, 4 / 32768);
      },
      onFault(f) { assert.fail(f.message); },
    });
    clock.advanceBy(100); // 160 frames: 5 blocks
    source.stop();
    assert.deepEqual(blocks.map((b) => b.sequence), [0, 1, 2, 3, 4]);
    // Block k starts at frame 32k mod 100 (value 3 × frame): block 4 starts at frame 28, after the wrap.
    assert.deepEqual(blocks.map((b) => b.first), [0, 96, 192, 288, 84]);
    blocks.forEach((b, i) => assert.ok(Math.abs(b.t0Ms - (1000 + i * 20)) < 1e-9, `t0 ${b.t0Ms}`));
  });

  it('refuses a recording whose channel count does not fit the sensor', function () {
    assert.throws(() => new ReplaySource({ kind: 'microphone', wav: wav(1600, 3, new Int16Array(30)), name: 'a.wave',
      clock: new ManualClock(), unitsPerCount: 1 }), /^Error: a\.wave: 3 channel\(s\); a microphone recording has 1$/);
  });
});

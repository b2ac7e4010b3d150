import assert from 'node:assert/strict';
import { BlockAverager } from '../../../firmware/dsp/decimate';

function interleaved(frames: number, channels: number): Int16Array {
  const out = new Int16Array(frames * channels);
  for (let f = 0; f < frames; f++) for (let c = 0; c < channels; c++) out[f * channels + c] = ((f * 37 + c * 1000) % 2001) - 1000 + c * 8000;
  return out;
}

describe('dsp/decimate BlockAverager', function () {
  it('averages each channel over `factor` frames', function () {
    const averager = new BlockAverager({ channels: 3, factor: 4 });
    const input = new Int16Array([1, 10, -100, 3, 20, -100, 5, 30, -100, 7, 40, -101, 9, 9, 9]);
    const output = new Float64Array(6);
    assert.equal(averager.process(input, 5, output), 1);
    assert.deepEqual([...output.subarray(0, 3)], [4, 25, -100.25]);
  });

  for (const channels of [1, 2, 3]) {
    it(`gives the same stream whatever the block sizes (sums carry over blocks), ${channels} channel(s)`, function () {
      const factor = 32;
      const input = interleaved(1600, channels);
      const whole = new BlockAverager({ channels, factor });
      const expected = new Float64Array(whole.maxOutputFrames(1600) * channels);
      assert.equal(whole.process(input, 1600, expected), 50);
      const pieces = new BlockAverager({ channels, factor });
      const got: number[] = [];
      const out = new Float32Array(pieces.maxOutputFrames(100) * channels);
      for (let start = 0, size = 7; start < 1600; start += size, size = (size * 5) % 97 + 1) {
        const frames = Math.min(size, 1600 - start);
        const written = pieces.process(input.subarray(start * channels), frames, out);
        got.push(...out.subarray(0, written * channels));
      }
      assert.equal(got.length, expected.length);
      got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-3, `value ${i}: ${v} vs ${expected[i]}`));
      // Check one average by hand: the second output frame, last channel.
      let sum = 0;
      for (let f = 32; f < 64; f++) sum += input[f * channels + channels - 1];
      assert.equal(expected[channels + channels - 1], sum / 32);
    });
  }

  it('reset drops a partial average', function () {
    const averager = new BlockAverager({ channels: 1, factor: 2 });
    const out = new Float64Array(2);
    averager.process(new Int16Array([100]), 1, out);
    averager.reset();
    assert.equal(averager.process(new Int16Array([2, 4]), 2, out), 1);
    assert.equal(out[0], 3);
  });

  it('refuses bad options and buffers too small for the block', function () {
    assert.throws(() => new BlockAverager({ channels: 0, factor: 2 }), /channels must be a positive integer, got 0/);
    assert.throws(() => new BlockAverager({ channels: 3, factor: 1.5 }), /factor must be an integer from 1 to 65536, got 1.5/);
    const averager = new BlockAverager({ channels: 3, factor: 2 });
    assert.throws(() => averager.process(new Int16Array(5), 2, new Float64Array(3)), /input holds 5 samples, not 2 frames of 3/);
    assert.throws(() => averager.process(new Int16Array(12), 4, new Float64Array(3)), /output holds 3 samples/);
  });
});

import assert from 'node:assert/strict';
import { BlockAverager } from '../../../firmware/dsp/decimate';

function interleaved(frames: number, channels: number): Int16Array {
  const out = new Int16Array(frames * channels);
  for (let f = 0; f < frames; f++) for (let c = 0; c < channels; c++) out[f * channels + c] = ((f * 37 + c * 1000) % 2001) - 1000 + c * 8000;
  return out;
}

/** Averages and their last input frames, feeding `input` in blocks whose sizes vary. */
function inPieces(averager: BlockAverager, input: Int16Array, frames: number): { values: number[]; ends: number[] } {
  const channels = averager.channels;
  const values: number[] = [];
  const ends: number[] = [];
  const out = new Float32Array(averager.maxOutputFrames(100) * channels);
  const endFrames = new Int32Array(averager.maxOutputFrames(100));
  for (let start = 0, size = 7; start < frames; start += size, size = (size * 5) % 97 + 1) {
    const count = Math.min(size, frames - start);
    const written = averager.process(input, count, out, endFrames, start);
    values.push(...out.subarray(0, written * channels));
    ends.push(...endFrames.subarray(0, written));
  }
  return { values, ends };
}

describe('dsp/decimate BlockAverager', function () {
  it('averages each channel over inRateHz / outRateHz frames', function () {
    const averager = new BlockAverager({ channels: 3, inRateHz: 200, outRateHz: 50 });
    const input = new Int16Array([1, 10, -100, 3, 20, -100, 5, 30, -100, 7, 40, -101, 9, 9, 9]);
    const output = new Float64Array(6);
    const ends = new Int32Array(2);
    assert.equal(averager.process(input, 5, output, ends), 1);
    assert.deepEqual([...output.subarray(0, 3)], [4, 25, -100.25]);
    assert.equal(ends[0], 3);
  });

  for (const [channels, stages] of [[1, 1], [2, 1], [3, 1], [1, 2], [3, 2]] as const) {
    it(`gives the same stream whatever the block sizes (sums carry over blocks), ${channels} channel(s), ${stages} stage(s)`, function () {
      const input = interleaved(1600, channels);
      const whole = new BlockAverager({ channels, inRateHz: 1600, outRateHz: 50, stages });
      const expected = new Float64Array(whole.maxOutputFrames(1600) * channels);
      assert.equal(whole.process(input, 1600, expected), 50);
      const got = inPieces(new BlockAverager({ channels, inRateHz: 1600, outRateHz: 50, stages }), input, 1600);
      assert.equal(got.values.length, expected.length);
      got.values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-3, `value ${i}: ${v} vs ${expected[i]}`));
      assert.deepEqual(got.ends, Array.from({ length: 50 }, (_, k) => 32 * k + 31));
      // Check one average by hand: the second output frame, last channel. Two stages: a triangle over
      // the first two groups, rising 0..31 over frames 0–31 and falling 32..1 over frames 32–63.
      let sum = 0;
      for (let f = 0; f < 64; f++) {
        const weight = stages === 1 ? (f >= 32 ? 1 / 32 : 0) : (f < 32 ? f : 64 - f) / (32 * 32);
        sum += weight * input[f * channels + channels - 1];
      }
      assert.ok(Math.abs(expected[channels + channels - 1] - sum) < 1e-9, `${expected[channels + channels - 1]} vs ${sum}`);
    });
  }

  it('two stages: the first average after a start or a reset is the plain mean of its group, a constant comes through unchanged at any ratio', function () {
    const averager = new BlockAverager({ channels: 1, inRateHz: 1600, outRateHz: 50, stages: 2 });
    const ramp = Int16Array.from({ length: 64 }, (_, f) => f);
    const out = new Float64Array(2);
    assert.equal(averager.process(ramp, 32, out), 1);
    assert.equal(out[0], 15.5);
    averager.reset();
    assert.equal(averager.process(ramp, 32, out, undefined, 32), 1);
    assert.equal(out[0], 47.5);
    for (const inRateHz of [50, 400, 1344, 1600, 3200]) {
      const constant = new Int16Array(inRateHz * 3).fill(-1234);
      const { values } = inPieces(new BlockAverager({ channels: 3, inRateHz, outRateHz: 50, stages: 2 }), constant, inRateHz);
      assert.equal(values.length, 150);
      values.forEach((v, i) => assert.ok(Math.abs(v + 1234) < 1e-9, `${inRateHz} Hz, value ${i}: ${v}`));
    }
  });

  it('two stages fold a tone near twice the output rate into the slow band about a hundred times weaker than one', function () {
    // 100.5 Hz at 1600 Hz folds to 0.5 Hz at 50 Hz, where a tilt lives; one stage passes it at |sinc(2.01)| ≈ 0.5 %.
    const rateHz = 1600;
    const seconds = 8;
    const tone = Int16Array.from({ length: rateHz * seconds }, (_, f) => Math.round(10000 * Math.sin((2 * Math.PI * 100.5 * f) / rateHz)));
    const peaks = [1, 2].map((stages) => {
      const { values } = inPieces(new BlockAverager({ channels: 1, inRateHz: rateHz, outRateHz: 50, stages: stages as 1 | 2 }), tone, tone.length);
      return Math.max(...values.slice(50).map(Math.abs));
    });
    assert.ok(peaks[0] > 40 && peaks[0] < 60, `one stage: ${peaks[0]} counts of 10000`);
    assert.ok(peaks[1] < 0.5, `two stages: ${peaks[1]} counts of 10000`);
  });

  it('takes a ratio that is not whole (1344 → 50 Hz): groups of 26 or 27 frames, exactly 50 averages per 1344 frames', function () {
    const input = interleaved(1344 * 10, 3);
    const { values, ends } = inPieces(new BlockAverager({ channels: 3, inRateHz: 1344, outRateHz: 50 }), input, 1344 * 10);
    assert.equal(ends.length, 500);
    assert.equal(ends[499], 1344 * 10 - 1);
    const sizes = ends.map((end, k) => end - (k === 0 ? -1 : ends[k - 1]));
    assert.deepEqual([...new Set(sizes)].sort(), [26, 27]);
    // Each average closes at the first frame whose end time reaches the next 20 ms mark.
    ends.forEach((end, k) => assert.equal(end, Math.ceil(((k + 1) * 1344) / 50) - 1, `average ${k}`));
    let sum = 0;
    for (let f = ends[0] + 1; f <= ends[1]; f++) sum += input[f * 3 + 1];
    assert.ok(Math.abs(values[4] - sum / sizes[1]) < 1e-3);
  });

  it('passes frames through at equal rates, and setInputRate starts again at the new rate', function () {
    const averager = new BlockAverager({ channels: 1, inRateHz: 50, outRateHz: 50 });
    const out = new Float64Array(4);
    assert.equal(averager.process(new Int16Array([5, -7, 9]), 3, out), 3);
    assert.deepEqual([...out.subarray(0, 3)], [5, -7, 9]);
    // Two stages at equal rates: the older frame of each triangle weighs nothing, so frames pass too.
    assert.equal(new BlockAverager({ channels: 1, inRateHz: 50, outRateHz: 50, stages: 2 }).process(new Int16Array([5, -7, 9]), 3, out), 3);
    assert.deepEqual([...out.subarray(0, 3)], [5, -7, 9]);
    averager.process(new Int16Array([100]), 1, out);
    averager.setInputRate(100);
    assert.equal(averager.inRateHz, 100);
    assert.equal(averager.process(new Int16Array([2, 4, 6]), 3, out), 1);
    assert.equal(out[0], 3);
  });

  it('reset drops a partial average', function () {
    const averager = new BlockAverager({ channels: 1, inRateHz: 100, outRateHz: 50 });
    const out = new Float64Array(2);
    averager.process(new Int16Array([100]), 1, out);
    averager.reset();
    assert.equal(averager.process(new Int16Array([2, 4]), 2, out), 1);
    assert.equal(out[0], 3);
  });

  it('refuses bad options and buffers too small for the block', function () {
    assert.throws(() => new BlockAverager({ channels: 0, inRateHz: 100, outRateHz: 50 }), /channels must be a positive integer, got 0/);
    assert.throws(() => new BlockAverager({ channels: 3, inRateHz: 100, outRateHz: 0 }), /outRateHz must be a positive number, got 0/);
    assert.throws(() => new BlockAverager({ channels: 3, inRateHz: 40, outRateHz: 50 }), /inRateHz must be from outRateHz \(50\) to 65536 times it, got 40/);
    assert.throws(() => new BlockAverager({ channels: 3, inRateHz: 100, outRateHz: 50, stages: 3 as 2 }), /stages must be 1 or 2, got 3/);
    const averager = new BlockAverager({ channels: 3, inRateHz: 100, outRateHz: 50 });
    assert.throws(() => averager.process(new Int16Array(5), 2, new Float64Array(3)), /input holds 5 samples, not 2 frames of 3 from frame 0/);
    assert.throws(() => averager.process(new Int16Array(12), 4, new Float64Array(3)), /output holds 3 samples; these 4 frames complete 2 averages/);
    assert.throws(() => averager.process(new Int16Array(12), 4, new Float64Array(6), new Int32Array(1)), /endFrames holds 1 entries/);
    assert.throws(() => averager.process(new Int16Array(12), 2, new Float64Array(6), undefined, 3), /not 2 frames of 3 from frame 3/);
  });
});

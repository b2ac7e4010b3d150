import assert from 'node:assert/strict';
import { NoiseFloorTracker } from '../../../firmware/dsp/noise-floor';
import { whiteNoise } from '../../helpers/tones';

const FRAME_MS = 32;

/** Feeds `seconds` of frames at levelDb (or levels from `level(t)`) and returns the floor after each second. */
function feed(tracker: NoiseFloorTracker, seconds: number, level: number | ((frame: number) => number)): number[] {
  const floors: number[] = [];
  const frames = Math.round((seconds * 1000) / FRAME_MS);
  for (let i = 0; i < frames; i++) {
    tracker.update(typeof level === 'number' ? level : level(i), FRAME_MS);
    if (((i + 1) * FRAME_MS) % 1000 < FRAME_MS) floors.push(tracker.floorDb);
  }
  return floors;
}

describe('dsp/noise-floor NoiseFloorTracker', function () {
  it('adopts the first level; a loud event lifts the floor by only 0.5 dB per second it lasts', function () {
    const tracker = new NoiseFloorTracker();
    assert.ok(Number.isNaN(tracker.floorDb));
    feed(tracker, 5, -60);
    assert.equal(tracker.floorDb, -60);
    const eventS = (feed(tracker, 2, -20), Math.round(2000 / FRAME_MS) * FRAME_MS / 1000);
    assert.ok(Math.abs(tracker.floorDb - (-60 + 0.5 * eventS)) < 1e-9, `after the event: ${tracker.floorDb}`);
    assert.ok(tracker.floorDb < -58.9);
    feed(tracker, 1, -60);
    assert.ok(Math.abs(tracker.floorDb + 60) < 0.05, `back to the ambience: ${tracker.floorDb}`);
  });

  it('follows a lasting rise of the ambience (+15 dB) within 30 s at the default 0.5 dB/s', function () {
    const tracker = new NoiseFloorTracker({ initialDb: -60 });
    const floors = feed(tracker, 40, -45);
    assert.ok(floors[9] < -54, `after 10 s: ${floors[9]}`);
    assert.ok(Math.abs(floors[30] + 45) < 0.5, `after 31 s: ${floors[30]}`);
    assert.equal(tracker.floorDb, -45);
  });

  it('falls to a quieter ambience within a second', function () {
    const tracker = new NoiseFloorTracker({ initialDb: -50, fallMs: 250 });
    feed(tracker, 1.5, -70);
    assert.ok(Math.abs(tracker.floorDb + 70) < 0.1, `${tracker.floorDb}`);
  });

  for (const frame of [64, 512]) {
    it(`hugs the quiet frames of steady noise: just under their mean level (frames of ${frame} samples)`, function () {
      const rateHz = 16000;
      const noise = whiteNoise(rateHz * 40, frame, 0.01); // −40 dBFS RMS, 40 s
      const frames = noise.length / frame;
      const levels = new Float64Array(frames);
      let meanDb = 0;
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let k = 0; k < frame; k++) sum += noise[i * frame + k] ** 2;
        levels[i] = 10 * Math.log10(sum / frame);
        meanDb += levels[i] / frames;
      }
      const tracker = new NoiseFloorTracker();
      const frameMs = (1000 * frame) / rateHz;
      let lowest = Infinity;
      let highest = -Infinity;
      for (let i = 0; i < frames; i++) {
        tracker.update(levels[i], frameMs);
        if (i * frameMs > 10_000) {
          lowest = Math.min(lowest, tracker.floorDb);
          highest = Math.max(highest, tracker.floorDb);
        }
      }
      const spreadDb = frame === 64 ? 4 : 1;
      assert.ok(highest < meanDb + 0.2 && lowest > meanDb - spreadDb, `floor ${lowest.toFixed(2)}..${highest.toFixed(2)} dB, mean level ${meanDb.toFixed(2)} dB`);
      console.log(`      frames of ${frame}: floor ${lowest.toFixed(2)}..${highest.toFixed(2)} dB, mean frame level ${meanDb.toFixed(2)} dB`);
    });
  }

  it('ignores silence (−∞ dB) and NaN, and resets', function () {
    const tracker = new NoiseFloorTracker({ initialDb: -50 });
    tracker.update(-Infinity, FRAME_MS);
    tracker.update(NaN, FRAME_MS);
    assert.equal(tracker.floorDb, -50);
    tracker.reset(-30);
    assert.equal(tracker.floorDb, -30);
    tracker.reset();
    tracker.update(-42, FRAME_MS);
    assert.equal(tracker.floorDb, -42);
    assert.throws(() => new NoiseFloorTracker({ riseDbPerS: 0 }), /riseDbPerS must be positive/);
  });
});

import assert from 'node:assert/strict';
import { checkOptions } from '../../../firmware/detect/options';
import { TILT_OPTION_SPECS, TILT_RATE_HZ, TILT_ROLE_OVERRIDES, TiltDetector } from '../../../firmware/detect/tilt';
import type { Detection } from '../../../firmware/detect/types';
import type { SampleBlock } from '../../../firmware/ports';
import { Rng } from '../../../simulator/signals/rng';
import { DEFAULT_MOTION_RANGES } from '../../../simulator/signals/motion/ranges';
import { drawTilt, tiltSignal } from '../../../simulator/signals/motion/tilt';
import { detect } from '../../helpers/motion-run';

const THRESHOLD_DEG = TILT_OPTION_SPECS.thresholdDeg.default;
const DEG = Math.PI / 180;

/**
 * Feeds 50 Hz samples of gravity tilted by angleDeg(t) about the x axis, with 1 mg of white noise,
 * straight into pushG. Returns the detections (copies) with the time of each.
 */
function feedTilt(detector: TiltDetector, fromS: number, toS: number, angleDeg: (t: number) => number, rng = new Rng(1)): Detection[] {
  const found: Detection[] = [];
  for (let f = Math.round(fromS * TILT_RATE_HZ); f < Math.round(toS * TILT_RATE_HZ); f++) {
    const t = f / TILT_RATE_HZ;
    const a = angleDeg(t) * DEG;
    const d = detector.pushG(0.001 * rng.normal(), Math.sin(a) + 0.001 * rng.normal(), Math.cos(a) + 0.001 * rng.normal(), (f + 1) * 1000 / TILT_RATE_HZ);
    if (d !== null) found.push({ ...d, features: { ...d.features } });
  }
  return found;
}

describe('TiltDetector', function () {
  it('detects a ladder at 1.25 × the threshold within 1.2 s, and reports the angle it saw', function () {
    for (const seed of [50, 51, 52]) {
      const rng = new Rng(seed);
      const params = drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, { rateHz: 50, durationS: 16, onsetS: 10, angleDeg: 1.25 * THRESHOLD_DEG });
      const found = detect(new TiltDetector(), tiltSignal(rng, params), params.sensor, 5);
      assert.equal(found.length, 1, `seed ${seed}`);
      const [d] = found;
      assert.equal(d.type, 'tilt');
      assert.ok(d.decidedMs > 10000 && d.decidedMs - 10000 <= 1200, `seed ${seed}: decided ${d.decidedMs - 10000} ms after the onset`);
      assert.ok(Math.abs(d.onsetMs - 10000) <= 600, `seed ${seed}: onset estimate ${d.onsetMs} ms`);
      assert.ok(Math.abs(d.features.angleDeg - 0.5) < 0.12, `angle ${d.features.angleDeg}°`);
      assert.ok(d.features.heldMs >= TILT_OPTION_SPECS.holdMs.default);
      assert.ok(d.features.homeAgeS > 3, `home learned ${d.features.homeAgeS} s before`);
    }
  });

  it('follows slow thermal drift for hours, but not the same drift at ladder speed', function () {
    const drifting = new TiltDetector();
    // 0.8°/h for two hours: 1.6° in all, four times the threshold.
    assert.deepEqual(feedTilt(drifting, 0, 7200, (t) => (0.8 * t) / 3600), []);
    assert.ok(drifting.angleDeg < THRESHOLD_DEG / 2, `${drifting.angleDeg.toFixed(3)}° from home after two hours`);
    const creeping = new TiltDetector();
    // 30°/h: a lift basket pressing slowly; the threshold is crossed after about a minute.
    const found = feedTilt(creeping, 0, 120, (t) => (t < 40 ? 0 : (30 * (t - 40)) / 3600));
    assert.equal(found.length, 1);
  });

  it('rides out wind sway below the threshold and still sees a ladder while the wind blows', function () {
    const sway = (t: number): number => 0.3 * Math.sin(2 * Math.PI * 0.4 * t);
    const detector = new TiltDetector();
    assert.deepEqual(feedTilt(detector, 0, 120, sway), []);
    assert.ok(detector.swayDeg > 0.2 && detector.swayDeg < 0.4, `tracked sway ${detector.swayDeg.toFixed(3)}°`);
    assert.ok(detector.effectiveThresholdDeg >= THRESHOLD_DEG);
    const found = feedTilt(detector, 120, 130, (t) => sway(t) + (t > 125 ? 1 : 0));
    assert.equal(found.length, 1);
  });

  it('relearn() takes the present position as home; removing the ladder later is a tilt again', function () {
    const ladder = (t: number): number => (t >= 40 && t < 80 ? 1 : 0);
    const detector = new TiltDetector();
    const first = feedTilt(detector, 0, 45, ladder);
    assert.equal(first.length, 1, 'the ladder at 40 s');
    detector.relearn();
    assert.ok(detector.learning);
    assert.deepEqual(feedTilt(detector, 45, 80, ladder), [], 'the ladder is home now');
    assert.ok(!detector.learning && detector.angleDeg < 0.1);
    const removed = feedTilt(detector, 80, 85, ladder);
    assert.equal(removed.length, 1, 'taking the ladder away turns gravity back by 1°');
  });

  it('reset() starts over: it learns again and decides nothing meanwhile', function () {
    const detector = new TiltDetector();
    feedTilt(detector, 0, 40, () => 0);
    detector.reset();
    assert.ok(detector.learning);
    // Tilted from the start of the new learning period: that is simply the new home.
    assert.deepEqual(feedTilt(detector, 40, 60, () => 2), []);
    assert.ok(detector.homeAgeS > 10);
  });

  it('takes 50 Hz blocks only (the tilt pipeline decimates others) and publishes its options', function () {
    const block: SampleBlock = { t0Ms: 0, rateHz: 100, channels: 3, frames: 10, samples: new Int16Array(30), unitsPerCount: 0.001, sequence: 0 };
    assert.throws(() => new TiltDetector().push(block), /block at 100 Hz, expected 50 Hz/);
    assert.throws(() => new TiltDetector().push({ ...block, rateHz: 50, channels: 1 }), /need 3 channels, got 1/);
    for (const [key, spec] of Object.entries(TILT_OPTION_SPECS)) {
      if (spec.kind !== 'number') continue;
      assert.ok(spec.min <= spec.default && spec.default <= spec.max, `${key}: default inside its range`);
    }
    assert.deepEqual(checkOptions(TILT_OPTION_SPECS, { thresholdDeg: 0.05 }, 'tilt'), ['tilt.thresholdDeg: 0.05 deg is outside 0.1..20 deg']);
    assert.equal(TILT_ROLE_OVERRIDES.display_case, null);
    assert.equal(TILT_ROLE_OVERRIDES.window, null);
    assert.deepEqual(checkOptions(TILT_OPTION_SPECS, TILT_ROLE_OVERRIDES.balcony, 'balcony'), []);
  });
});

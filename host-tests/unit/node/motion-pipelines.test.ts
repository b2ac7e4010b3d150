import assert from 'node:assert/strict';
import { GRINDER_OPTION_SPECS } from '../../../firmware/detect/grinder';
import { IMPACT_OPTION_SPECS } from '../../../firmware/detect/impact';
import { TILT_RATE_HZ } from '../../../firmware/detect/tilt';
import { TiltPipeline } from '../../../firmware/node/pipeline-tilt';
import { COMPACT_BANDS, VibrationPipeline } from '../../../firmware/node/pipeline-vibration';
import type { SampleBlock } from '../../../firmware/ports';
import { Rng } from '../../../simulator/signals/rng';
import { feedBlocks } from '../../../simulator/signals/signal';
import { drawGrinder, grinderSignal } from '../../../simulator/signals/motion/grinder';
import { drawImpact, impactSignal } from '../../../simulator/signals/motion/impacts';
import { DEFAULT_MOTION_RANGES } from '../../../simulator/signals/motion/ranges';
import { MotionScene } from '../../../simulator/signals/motion/scene';
import { drawTilt, tiltSignal } from '../../../simulator/signals/motion/tilt';
import { grinderInput } from '../../helpers/motion-inputs';
import { detect } from '../../helpers/motion-run';
import { MotionRunner } from '../../xs/cases/motion-case';

function emptyBlock(rateHz: number, frames = 32): SampleBlock {
  return { t0Ms: 0, rateHz, channels: 3, frames, samples: new Int16Array(frames * 3), unitsPerCount: 0.004, sequence: 0 };
}

describe('VibrationPipeline', function () {
  it('runs at the accelerometer\'s real rate and refuses blocks at any other, naming it', function () {
    assert.throws(() => new VibrationPipeline().push(emptyBlock(1344)), /VibrationPipeline: block at 1344 Hz, expected 1600 Hz/);
    assert.deepEqual(new VibrationPipeline({ rateHz: 1344 }).push(emptyBlock(1344)), []);
    assert.throws(() => new VibrationPipeline({ rateHz: 1620 }).push(emptyBlock(1600)), /block at 1600 Hz, expected 1620 Hz/);
  });

  it('reports a blow on the pane to the flex listener (time of the crossing and peak), and detects the series', function () {
    const rng = new Rng(60);
    const params = { ...drawImpact(rng, DEFAULT_MOTION_RANGES.impact, { rateHz: 1600, durationS: 5, onsetS: 1, kind: 'series', part: 'glass', grade: 'medium' }),
      blowTimesS: '1,2,3', blowPeaksG: '0.8,0.8,0.8', sensor: 'adxl345' as const };
    const flexes: [number, number][] = [];
    const pipeline = new VibrationPipeline({ onFlex: (atMs, peakG) => flexes.push([atMs, peakG]) });
    const found = detect(pipeline, impactSignal(rng, params), params.sensor);
    assert.deepEqual(found.map((d) => d.type), ['impact']);
    assert.equal(flexes.length, 3);
    for (const [i, [atMs, peakG]] of flexes.entries()) {
      assert.ok(Math.abs(atMs - 1000 * (i + 1)) <= 5, `flex ${i} at ${atMs} ms`);
      assert.ok(peakG > 0.5 && peakG < 1.2, `flex ${i}: ${peakG} g`);
    }
    // Ambient vibration never flexes the pane.
    const quiet: number[] = [];
    const scene = new MotionScene(rng, { rateHz: 1600, durationS: 5, sensor: 'adxl345', mountW: 1, mountX: 0, mountY: 0, mountZ: 0, ambientRmsG: 0.004 });
    detect(new VibrationPipeline({ onFlex: (atMs) => quiet.push(atMs) }), scene.render(rng), 'adxl345');
    assert.deepEqual(quiet, []);
  });

  it('gives the technician a snapshot: noise floor, 32-band spectrum, live levels and every threshold with its current value', function () {
    const runner = new MotionRunner(grinderInput(11, true));
    runner.run(Math.round(5 * 50));
    const snapshot = runner.pipeline.snapshot();
    assert.equal(snapshot.kind, 'vibration');
    assert.ok(snapshot.noiseFloorDb > -60 && snapshot.noiseFloorDb < -20, `floor ${snapshot.noiseFloorDb} dB re 1 g`);
    assert.equal(snapshot.bandsDb.length, COMPACT_BANDS);
    assert.equal(snapshot.bandEdgesHz.length, COMPACT_BANDS + 1);
    assert.ok(snapshot.bandEdgesHz.every((e, i) => i === 0 || e > snapshot.bandEdgesHz[i - 1]));
    assert.ok(snapshot.bandsDb.every(Number.isFinite));
    assert.ok(snapshot.levels.grinderHz >= 80 && snapshot.levels.grinderHz <= 250, `grinding at ${snapshot.levels.grinderHz} Hz`);
    assert.ok(snapshot.levels.rmsG > 0.01);
    for (const reading of snapshot.thresholds) {
      const [detector, option] = reading.option.split('.');
      const specs: Record<string, { unit: string; default: number }> = detector === 'grinder' ? GRINDER_OPTION_SPECS : IMPACT_OPTION_SPECS;
      assert.ok(option in specs, `${reading.option} is a real option`);
      assert.equal(reading.unit, specs[option].unit);
      assert.equal(reading.threshold, specs[option].default);
      assert.ok(Number.isFinite(reading.current));
    }
    assert.ok(snapshot.thresholds.some((t) => t.option === 'grinder.minTextureDb' && t.current > 2));
    assert.ok(snapshot.thresholds.some((t) => t.option === 'impact.blowThresholdG'));
    assert.doesNotThrow(() => JSON.stringify(snapshot));
  });

  it('has a JSON-safe snapshot before anything was measured', function () {
    for (const snapshot of [new VibrationPipeline().snapshot(), new TiltPipeline().snapshot()]) {
      assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot, `${snapshot.kind}: every number is finite`);
    }
  });

  it('applies role defaults, and explicit options over them; null turns a detector off', function () {
    assert.equal(new VibrationPipeline({ role: 'display_case' }).impact?.options.blowCount, 2);
    assert.equal(new VibrationPipeline({ role: 'balcony' }).grinder?.options.integrationMs, 1200);
    assert.equal(new VibrationPipeline({ role: 'balcony', grinder: { integrationMs: 900 } }).grinder?.options.integrationMs, 900);
    const impactOnly = new VibrationPipeline({ grinder: null });
    assert.equal(impactOnly.grinder, null);
    assert.equal(impactOnly.snapshot().bandsDb.length, 0);
  });

  it('reset() starts both detectors afresh: the same input again gives the same detections', function () {
    const rng = new Rng(61);
    const grinder = drawGrinder(rng, DEFAULT_MOTION_RANGES.grinder, { rateHz: 1600, durationS: 8, onsetS: 4, activeS: 4, levelDb: 30 });
    const signal = grinderSignal(rng, grinder);
    const pipeline = new VibrationPipeline();
    const first = detect(pipeline, signal, grinder.sensor);
    assert.ok(first.some((d) => d.type === 'grinder'));
    pipeline.reset();
    assert.equal(pipeline.grinder?.ready, false);
    assert.deepEqual(detect(pipeline, signal, grinder.sensor), first);
  });
});

describe('TiltPipeline', function () {
  for (const rateHz of [50, 400, 1344, 1600]) {
    it(`decimates ${rateHz} Hz to 50 Hz and detects a ladder at 2× the threshold within 1.2 s`, function () {
      const rng = new Rng(70 + rateHz);
      const params = drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, { rateHz, durationS: 14, onsetS: 10, angleDeg: 0.8 });
      let frames = 0;
      const pipeline = new TiltPipeline();
      const original = pipeline.detector.pushG.bind(pipeline.detector);
      pipeline.detector.pushG = (x, y, z, atMs) => { frames++; return original(x, y, z, atMs); };
      const found = detect(pipeline, tiltSignal(rng, params), params.sensor, rateHz <= 100 ? 5 : 32);
      assert.equal(found.length, 1);
      assert.ok(found[0].decidedMs > 10000 && found[0].decidedMs - 10000 <= 1200, `decided ${found[0].decidedMs - 10000} ms after the onset`);
      assert.ok(Math.abs(frames - 14 * TILT_RATE_HZ) <= 1, `${frames} frames at 50 Hz from 14 s at ${rateHz} Hz`);
    });
  }

  it('is not tilted by a baluster humming at 100.5 Hz, 3 g (the averages fold it to 0.5 Hz: one boxcar passes 15 mg, the triangle 0.08 mg)', function () {
    const rateHz = 1600;
    const frames = rateHz * 20;
    const data = new Float32Array(frames * 3);
    for (let f = 0; f < frames; f++) {
      data[f * 3] = 3 * Math.sin((2 * Math.PI * 100.5 * f) / rateHz);
      data[f * 3 + 2] = 1;
    }
    const pipeline = new TiltPipeline({ role: 'balcony' });
    let largestDeg = 0;
    const found: string[] = [];
    feedBlocks({ rateHz, channels: 3, data }, { unitsPerCount: 0.0039, blockFrames: 32 }, (block) => {
      for (const d of pipeline.push(block)) found.push(`${d.type} at ${d.decidedMs} ms`);
      if (pipeline.detector.homeAgeS > 0) largestDeg = Math.max(largestDeg, pipeline.detector.angleDeg);
    });
    assert.deepEqual(found, []);
    // One stage: 0.8° and a tilt every second; two: 0.004° from the tone, the rest the ADXL345's 3.9 mg steps.
    assert.ok(largestDeg < 0.05, `largest angle ${largestDeg}°`);
  });

  /** 20 s at 1600 Hz, gravity 37° off z; bursts of a 160 Hz tone at 2 g on z from 8 to 14 s; a 1° lean from 16 s. */
  function clippedBursts(): Float32Array {
    const rateHz = 1600;
    const data = new Float32Array(rateHz * 20 * 3);
    for (let f = 0; f < rateHz * 20; f++) {
      const tS = f / rateHz;
      const leanRad = tS >= 16 ? Math.PI / 180 : 0;
      const burst = tS >= 8 && tS < 14 && (tS - 8) % 1.5 < 0.4 ? 2 * Math.sin(2 * Math.PI * 160 * tS) : 0;
      data[f * 3 + 1] = Math.sin(0.65 + leanRad);
      data[f * 3 + 2] = Math.cos(0.65 + leanRad) + burst;
    }
    return data;
  }

  it('leaves out the averages of blocks where the accelerometer saturates: clipped bursts do not tilt it, a lean after them is found', function () {
    // ±2 g, left-justified: the bursts clip at +2 g only, which moves the mean of z by tens of mg.
    const feed = { unitsPerCount: 2 / 32768, blockFrames: 32 };
    const signal = { rateHz: 1600, channels: 3, data: clippedBursts() };
    const alone = new TiltPipeline({ role: 'balcony' });
    const found: number[] = [];
    feedBlocks(signal, feed, (block) => { for (const d of alone.push(block)) found.push(d.decidedMs); });
    assert.equal(found.length, 1, `tilts at ${found.join(', ')} ms`);
    assert.ok(found[0] > 16000 && found[0] < 17200, `the lean found at ${found[0]} ms`);
    const heldS = alone.snapshot().levels.saturationHeldS;
    assert.ok(heldS > 0.4 && heldS < 2.5, `${heldS} s of averages left out`);
    // Sharing the vibration pipeline's block stats (as a balcony node does) gives the same; stats that are
    // not for the block at hand (a vibration pipeline never fed) are not trusted.
    for (const fed of [true, false]) {
      const vibration = new VibrationPipeline({ role: 'balcony' });
      const tilt = new TiltPipeline({ role: 'balcony', blockStats: vibration.blockStats });
      const shared: number[] = [];
      feedBlocks(signal, feed, (block) => {
        if (fed) vibration.push(block);
        for (const d of tilt.push(block)) shared.push(d.decidedMs);
      });
      assert.deepEqual(shared, found, fed ? 'shared stats' : 'stale stats');
      assert.equal(tilt.snapshot().levels.saturationHeldS, heldS);
    }
  });

  it('refuses blocks under 50 Hz and roles that do not run tilt', function () {
    assert.throws(() => new TiltPipeline().push(emptyBlock(25, 5)), /TiltPipeline: block at 25 Hz; the tilt pipeline needs 50 Hz or more/);
    assert.throws(() => new TiltPipeline({ role: 'display_case' }), /tilt is not used on display_case nodes/);
    assert.equal(new TiltPipeline({ role: 'balcony' }).detector.options.thresholdDeg, 0.4);
  });

  it('snapshot shows the tilt, its threshold, the home age and the noise; relearn() goes back to learning', function () {
    const rng = new Rng(80);
    const params = drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, { rateHz: 400, durationS: 12, onsetS: 9, angleDeg: 1.2 });
    const pipeline = new TiltPipeline();
    detect(pipeline, tiltSignal(rng, params), params.sensor);
    const snapshot = pipeline.snapshot();
    assert.equal(snapshot.kind, 'tilt');
    assert.ok(Math.abs(snapshot.levels.tiltDeg - 1.2) < 0.15, `tilt ${snapshot.levels.tiltDeg}°`);
    assert.ok(snapshot.levels.homeAgeS > 5);
    assert.equal(snapshot.levels.learning, 0);
    assert.deepEqual(snapshot.thresholds.map((t) => [t.option, t.threshold, t.unit]), [['tilt.thresholdDeg', 0.4, 'deg']]);
    assert.ok(snapshot.noiseFloorDb < -40 && snapshot.noiseFloorDb > -90, `noise ${snapshot.noiseFloorDb} dB re 1 g`);
    pipeline.relearn();
    assert.equal(pipeline.snapshot().levels.learning, 1);
  });
});

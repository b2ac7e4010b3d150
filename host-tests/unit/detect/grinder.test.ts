import assert from 'node:assert/strict';
import { GRINDER_OPTION_SPECS, GRINDER_ROLE_OVERRIDES, GrinderDetector } from '../../../firmware/detect/grinder';
import { checkOptions, defaultsOf } from '../../../firmware/detect/options';
import { NODE_ROLES } from '../../../firmware/detect/types';
import type { SampleBlock } from '../../../firmware/ports';
import { Rng } from '../../../simulator/signals/rng';
import { VIBRATION_CONFUSERS, confuserSignal, drawConfuser } from '../../../simulator/signals/motion/confusers';
import { drawGrinder, grinderSignal } from '../../../simulator/signals/motion/grinder';
import { DEFAULT_MOTION_RANGES, HOLDOUT_MOTION_RANGES } from '../../../simulator/signals/motion/ranges';
import { MotionScene } from '../../../simulator/signals/motion/scene';
import { detect } from '../../helpers/motion-run';

const D = DEFAULT_MOTION_RANGES;
const ONSET_S = 4.5;

function grinderCase(seed: number, levelDb: number, rateHz = 1600) {
  const rng = new Rng(seed);
  const params = drawGrinder(rng, D.grinder, { rateHz, durationS: 8, onsetS: ONSET_S, activeS: 3.5, levelDb });
  return { params, signal: grinderSignal(rng, params) };
}

describe('GrinderDetector', function () {
  it('detects a grinder at +10 dB above the floor within 2 s of the first cut, at 1600 and 1344 Hz', function () {
    for (const [seed, rateHz] of [[21, 1600], [22, 1600], [23, 1344], [24, 1344]]) {
      const { params, signal } = grinderCase(seed, 10, rateHz);
      const found = detect(new GrinderDetector({}, { rateHz }), signal, params.sensor);
      assert.equal(found.length, 1, `seed ${seed}: ${found.length} detections`);
      const [d] = found;
      assert.equal(d.type, 'grinder');
      const latencyMs = d.decidedMs - ONSET_S * 1000;
      assert.ok(latencyMs > 0 && latencyMs <= 2000, `seed ${seed}: decided ${latencyMs} ms after the first cut`);
      assert.ok(Math.abs(d.onsetMs - ONSET_S * 1000) <= 400, `seed ${seed}: onset estimate ${d.onsetMs} ms`);
      // The features it decided on describe a grinder.
      const unloadedHz = params.rpmUnloaded / 60;
      assert.ok(d.features.fundamentalHz >= 80 && d.features.fundamentalHz <= unloadedHz * 1.05, `fundamental ${d.features.fundamentalHz} Hz`);
      assert.ok(d.features.harmonicCount >= 1);
      assert.ok(d.features.textureDb >= GRINDER_OPTION_SPECS.minTextureDb.default);
      assert.ok(d.features.wanderHz >= GRINDER_OPTION_SPECS.minWanderHz.default);
      assert.ok(d.features.attackCount >= 1);
      assert.ok(d.score > 0.5 && d.score <= 1);
    }
  });

  it('finds weak cutting texture that shakes the pane across the tone: a +10 dB grinder whose texture share is 15 %', function () {
    // Holdout-style cases: strong coupling loss, a 15 % texture share in a direction far from the tone's. Measured
    // on the tone's direction alone the texture stayed under minTextureDb and each of these was missed (checked
    // with the round-12 detector); the second principal direction carries it.
    for (const seed of [41, 42, 43, 51]) {
      const rng = new Rng(seed);
      const drawn = drawGrinder(rng, HOLDOUT_MOTION_RANGES.grinder, { rateHz: 1600, durationS: 9, onsetS: ONSET_S, activeS: 4.5, levelDb: 10 });
      const params = { ...drawn, textureShare: 0.15, directionSpread: 0.9 };
      const found = detect(new GrinderDetector(), grinderSignal(rng, params), params.sensor);
      assert.equal(found.length, 1, `seed ${seed}: ${found.length} detections`);
      const latencyMs = found[0].decidedMs - ONSET_S * 1000;
      assert.ok(latencyMs > 0 && latencyMs <= 2000, `seed ${seed}: decided ${latencyMs} ms after the first cut`);
      assert.ok(found[0].features.textureDb >= GRINDER_OPTION_SPECS.minTextureDb.default);
    }
  });

  it('rejects every confuser class: fans and HVAC, mains hum, vacuum cleaners, floor machines, footsteps, traffic, door slams, tapping', function () {
    const rng = new Rng(30);
    for (const kind of VIBRATION_CONFUSERS) {
      for (let i = 0; i < 3; i++) {
        const r = rng.fork();
        const params = drawConfuser(r, D.confusers, kind, { rateHz: 1600, durationS: 10, startS: 3, endS: 9.5 });
        const found = detect(new GrinderDetector(), confuserSignal(r, params), params.sensor);
        assert.deepEqual(found, [], `${kind} #${i} raised ${found.length} grinder alarms`);
      }
    }
  });

  it('needs the fundamental to wander: a steady tone with broadband noise alarms only when the wander test is off', function () {
    // A fan's blade-pass tone with harmonics and air noise, switched on after the detector settled:
    // everything a grinder frame has, except that the speed never moves.
    const rng = new Rng(31);
    const params = {
      ...drawConfuser(rng, D.confusers, 'hvac', { rateHz: 1600, durationS: 10, startS: 3, endS: 9.5 }),
      toneHz: 140, harmonics: 2, harmonicDb: -6, levelDb: 18, jitterPct: 0.02, airDb: -3,
    };
    const signal = confuserSignal(rng, params);
    assert.deepEqual(detect(new GrinderDetector(), signal, params.sensor), []);
    const withoutWander = detect(new GrinderDetector({ minWanderHz: 0 }), signal, params.sensor);
    assert.ok(withoutWander.length >= 1, 'without the wander test the fan passes every other check');
    assert.ok(withoutWander[0].features.wanderHz < GRINDER_OPTION_SPECS.minWanderHz.default);
  });

  it('catches a tacho-regulated grinder, whose speed hardly moves, once its cutting pauses and bites again', function () {
    // Constant-electronic grinders hold their speed under load (reference/detectors.md §3): the wander test
    // alone misses them. Two cuts with a pause between, at +10 and +20 dB.
    for (const [seed, levelDb, pauseS] of [[61, 10, 0.3], [62, 10, 0.6], [63, 20, 0.3], [64, 20, 1]]) {
      const rng = new Rng(seed);
      const params = {
        ...drawGrinder(rng, { ...D.grinder, ...D.regulatedGrinder }, { rateHz: 1600, durationS: 10, onsetS: ONSET_S, activeS: 5, levelDb }),
        contactS: `${ONSET_S}-${ONSET_S + 2},${ONSET_S + 2 + pauseS}-9.5`, loadDrop: 0, wanderPct: 0.2, approachS: 0,
      };
      const signal = grinderSignal(rng, params);
      const found = detect(new GrinderDetector(), signal, params.sensor);
      assert.equal(found.length, 1, `seed ${seed}: ${found.length} detections`);
      const [d] = found;
      assert.ok(d.features.wanderHz < GRINDER_OPTION_SPECS.minWanderHz.default, `seed ${seed}: wander ${d.features.wanderHz} Hz`);
      assert.ok(d.features.pauses >= 1, `seed ${seed}: ${d.features.pauses} pauses`);
      assert.ok(d.decidedMs >= (ONSET_S + 2 + pauseS) * 1000 && d.decidedMs <= (ONSET_S + 4) * 1000, `seed ${seed}: decided at ${d.decidedMs} ms`);
      assert.deepEqual(detect(new GrinderDetector({ pausesWithoutWander: 0 }), signal, params.sensor), [], `seed ${seed}: found without the pause rule`);
    }
  });

  it('counts no pause when a steady machine starts or stops: a fan switched on and off again does not alarm', function () {
    // A running-up or running-down fan looks like grinding in the hop where its level moves; only grinding
    // after the level fell, and back up from it, is a pause.
    const rng = new Rng(32);
    for (let i = 0; i < 6; i++) {
      const r = rng.fork();
      const params = {
        ...drawConfuser(r, D.confusers, 'hvac', { rateHz: 1600, durationS: 12, startS: 3 + 0.1 * i, endS: 8 + 0.07 * i }),
        toneHz: 110 + 20 * i, harmonics: 2, harmonicDb: -6, levelDb: 12 + 2 * i, jitterPct: 0.02, airDb: -3,
      };
      const signal = confuserSignal(r, params);
      assert.ok(detect(new GrinderDetector({ minWanderHz: 0 }), signal, params.sensor).length >= 1, `fan #${i} passes every check but the wander`);
      assert.deepEqual(detect(new GrinderDetector(), signal, params.sensor), [], `fan #${i} alarmed`);
    }
  });

  it('ignores an unloaded disc spinning near the glass: no cutting texture, no alarm', function () {
    const { params } = grinderCase(25, 20);
    params.contactS = '7.900-8.000';
    params.approachS = 5;
    params.pauseDb = -6;
    const signal = grinderSignal(new Rng(25), params);
    const detector = new GrinderDetector();
    let toneFrames = 0;
    const found = detect({
      push: (block) => {
        const before = detector.analysedFrames;
        const result = detector.push(block);
        if (detector.analysedFrames > before && detector.lastFundamentalSnrDb >= 12 && detector.lastHarmonicCount >= 1) toneFrames++;
        return result;
      },
    }, signal, params.sensor).filter((d) => d.decidedMs < 7900);
    assert.ok(toneFrames >= 10, `the spinning disc's harmonic tone was seen in ${toneFrames} frames`);
    assert.deepEqual(found, []);
  });

  it('reset() forgets everything: the same input afterwards gives the same detections as a new detector', function () {
    const { params, signal } = grinderCase(26, 20);
    const fresh = detect(new GrinderDetector(), signal, params.sensor);
    assert.equal(fresh.length, 1);
    const reused = new GrinderDetector();
    detect(reused, signal, params.sensor);
    reused.reset();
    assert.equal(reused.evidenceMs, 0);
    assert.equal(reused.ready, false);
    assert.deepEqual(detect(reused, signal, params.sensor), fresh);
  });

  it('takes the rate it was built for and refuses blocks at any other, naming both', function () {
    assert.throws(() => new GrinderDetector({}, { rateHz: 400 }), /rateHz 400 is outside 1000\.\.3200 Hz/);
    const block: SampleBlock = { t0Ms: 0, rateHz: 1344, channels: 3, frames: 32, samples: new Int16Array(96), unitsPerCount: 0.004, sequence: 0 };
    assert.throws(() => new GrinderDetector().push(block), /block at 1344 Hz, expected 1600 Hz/);
    assert.throws(() => new GrinderDetector().push({ ...block, rateHz: 1600, channels: 1 }), /need 3 channels, got 1/);
    assert.throws(() => new GrinderDetector({ minFundamentalHz: 200, maxFundamentalHz: 150 }), /must be below maxFundamentalHz/);
  });

  it('is quiet on ambient vibration and keeps its spectral work gated', function () {
    const rng = new Rng(27);
    const scene = new MotionScene(rng, { rateHz: 1600, durationS: 10, sensor: 'adxl345', mountW: 1, mountX: 0, mountY: 0, mountZ: 0, ambientRmsG: 0.003 });
    const detector = new GrinderDetector();
    assert.deepEqual(detect(detector, scene.render(rng), 'adxl345'), []);
    assert.ok(detector.ready);
    assert.ok(detector.analysedFrames <= 3, `${detector.analysedFrames} of 50 hops analysed in full on ambient`);
    assert.ok(Number.isFinite(detector.noiseFloorDb()) && detector.noiseFloorDb() < -20);
  });

  it('publishes a spec for every option (unit, range, default inside it) that rejects bad values by path', function () {
    const defaults = defaultsOf(GRINDER_OPTION_SPECS);
    for (const [key, spec] of Object.entries(GRINDER_OPTION_SPECS)) {
      assert.equal(spec.kind, 'number');
      if (spec.kind !== 'number') continue;
      assert.ok(spec.unit.length > 0 && spec.doc.length > 20, `${key}: unit and doc`);
      assert.ok(spec.min <= spec.default && spec.default <= spec.max, `${key}: default inside its range`);
    }
    assert.deepEqual(checkOptions(GRINDER_OPTION_SPECS, defaults, 'grinder'), []);
    assert.deepEqual(checkOptions(GRINDER_OPTION_SPECS, { minWanderHz: -1 }, 'detectors.grinder'),
      ['detectors.grinder.minWanderHz: -1 Hz is outside 0..20 Hz']);
    assert.match(checkOptions(GRINDER_OPTION_SPECS, { minHarmonics: 1.5 }, 'g')[0], /g\.minHarmonics: must be a whole number/);
    assert.match(checkOptions(GRINDER_OPTION_SPECS, { fftSize: 512 }, 'g')[0], /g\.fftSize: unknown option/);
    for (const role of NODE_ROLES) {
      const override = GRINDER_ROLE_OVERRIDES[role];
      if (override !== null) assert.deepEqual(checkOptions(GRINDER_OPTION_SPECS, override, role), []);
    }
  });
});

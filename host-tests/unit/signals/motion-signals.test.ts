import assert from 'node:assert/strict';
import { RealFft } from '../../../firmware/dsp/fft';
import { fillHann } from '../../../firmware/dsp/window';
import { Rng } from '../../../simulator/signals/rng';
import type { Signal } from '../../../simulator/signals/signal';
import { confuserSignal, drawConfuser } from '../../../simulator/signals/motion/confusers';
import { angleBetweenDeg } from '../../../simulator/signals/motion/geometry';
import type { Vec3 } from '../../../simulator/signals/motion/geometry';
import { drawGrinder, grinderSignal, grinderSpeedHz } from '../../../simulator/signals/motion/grinder';
import { drawImpact, impactSignal } from '../../../simulator/signals/motion/impacts';
import { drawRailingWind, railingWindSignal } from '../../../simulator/signals/motion/railing';
import type { RailingWindParams } from '../../../simulator/signals/motion/railing';
import { DEFAULT_MOTION_RANGES, HOLDOUT_MOTION_RANGES } from '../../../simulator/signals/motion/ranges';
import { MotionScene, drawScene } from '../../../simulator/signals/motion/scene';
import type { SceneParams } from '../../../simulator/signals/motion/scene';
import { SENSOR_MODELS, noiseRmsG } from '../../../simulator/signals/motion/sensor';
import { drawTilt, tiltSignal } from '../../../simulator/signals/motion/tilt';
import { parseInstants, parseSegments } from '../../../simulator/signals/motion/timing';
import { addSegment } from '../../../simulator/signals/motion/noise';

const D = DEFAULT_MOTION_RANGES;

/** Mean vector of frames [from, to). */
function meanVector(signal: Signal, fromS: number, toS: number): Vec3 {
  const a = Math.round(fromS * signal.rateHz);
  const b = Math.round(toS * signal.rateHz);
  const sum: Vec3 = [0, 0, 0];
  for (let f = a; f < b; f++) for (let c = 0; c < 3; c++) sum[c] += signal.data[f * 3 + c];
  return sum.map((v) => v / (b - a)) as Vec3;
}

/** Power spectrum (Hann, 1024 points) of the projection of frames from `fromS` onto `direction`, and its bin width. */
function spectrum(signal: Signal, fromS: number, direction: Vec3): { power: Float64Array; binHz: number } {
  const n = 1024;
  const start = Math.round(fromS * signal.rateHz);
  const x = new Float64Array(n);
  const window = new Float64Array(n);
  fillHann(window);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const f = (start + i) * 3;
    x[i] = signal.data[f] * direction[0] + signal.data[f + 1] * direction[1] + signal.data[f + 2] * direction[2];
    mean += x[i] / n;
  }
  for (let i = 0; i < n; i++) x[i] = (x[i] - mean) * window[i];
  const power = new Float64Array(n / 2 + 1);
  new RealFft(n).power(x, power, new Float64Array(n / 2 + 1), new Float64Array(n / 2 + 1));
  return { power, binHz: signal.rateHz / n };
}

/** Sum of the spectra along the three axes (any mounting). */
function totalSpectrum(signal: Signal, fromS: number): { power: Float64Array; binHz: number } {
  const axes: Vec3[] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const parts = axes.map((a) => spectrum(signal, fromS, a));
  const power = parts[0].power.map((_, k) => parts[0].power[k] + parts[1].power[k] + parts[2].power[k]);
  return { power, binHz: parts[0].binHz };
}

function peakHz(power: Float64Array, binHz: number, loHz: number, hiHz: number): number {
  let best = Math.ceil(loHz / binHz);
  for (let k = best; k * binHz <= hiHz; k++) if (power[k] > power[best]) best = k;
  return best * binHz;
}

function quietScene(sensor: SceneParams['sensor'], q: [number, number, number, number], rateHz = 1600): SceneParams {
  return { rateHz, durationS: 2, sensor, mountW: q[0], mountX: q[1], mountY: q[2], mountZ: q[3], ambientRmsG: 0 };
}

describe('motion signal library', function () {
  it('is deterministic: the same seed gives the same signal, another seed another', function () {
    const make = (seed: number): Signal => {
      const rng = new Rng(seed);
      return grinderSignal(rng, drawGrinder(rng, D.grinder, { rateHz: 1600, durationS: 3, onsetS: 1, activeS: 2, levelDb: 20 }));
    };
    assert.deepEqual(make(5).data, make(5).data);
    assert.notDeepEqual(make(5).data, make(6).data);
  });

  it('any mounting: the sensor reads 1 g of gravity in magnitude, pointing wherever the mounting puts it', function () {
    const rng = new Rng(1);
    const directions: Vec3[] = [];
    for (let i = 0; i < 6; i++) {
      const params = drawScene(rng, { sensors: ['lis3dh_2g'], ambientRmsG: [1e-6, 1e-6] }, 400, 2);
      const signal = new MotionScene(rng, params).render(rng);
      const g = meanVector(signal, 0, 2);
      assert.ok(Math.abs(Math.hypot(...g) - 1) < 0.002, `|g| = ${Math.hypot(...g)}`);
      directions.push(g);
    }
    // Random mountings really differ: not all near one direction.
    const spread = Math.max(...directions.map((d) => angleBetweenDeg(d, directions[0])));
    assert.ok(spread > 30, `mountings spread over only ${spread.toFixed(1)}°`);
  });

  it('adds the sensor\'s white noise (LIS3DH ≈ 220 µg/√Hz) and quantises to its LSB, saturating at full scale', function () {
    const rng = new Rng(2);
    const signal = new MotionScene(rng, quietScene('lis3dh_2g', [1, 0, 0, 0])).render(rng);
    const expected = noiseRmsG(SENSOR_MODELS.lis3dh_2g, 1600)[0];
    for (let axis = 0; axis < 3; axis++) {
      let sum = 0, squares = 0;
      const n = signal.data.length / 3;
      for (let f = 0; f < n; f++) {
        const v = signal.data[f * 3 + axis];
        sum += v;
        squares += v * v;
        const counts = v / SENSOR_MODELS.lis3dh_2g.lsbG;
        assert.ok(Math.abs(counts - Math.round(counts)) < 1e-3, 'values are whole LSBs');
      }
      const rms = Math.sqrt(squares / n - (sum / n) ** 2);
      assert.ok(Math.abs(rms / expected - 1) < 0.1, `axis ${axis}: noise ${rms} g RMS, expected ${expected}`);
    }
    // A 20 g shock on a ±8 g part reads full scale.
    const scene = new MotionScene(rng, { ...quietScene('lis3dh_8g', [1, 0, 0, 0]), durationS: 0.1 });
    scene.motion[3 * 10] = 20;
    assert.equal(scene.render(rng).data[3 * 10], 8);
  });

  it('grinder: fundamental where the disc turns, a 2nd harmonic, the speed sagging under load, the level asked', function () {
    const rng = new Rng(3);
    const params = drawGrinder(rng, D.grinder, { rateHz: 1600, durationS: 6, onsetS: 2, activeS: 4, levelDb: 20 });
    params.contactS = '2.000-6.000';
    params.approachS = 0;
    const speedRng = new Rng(99);
    const contact = new Float64Array(9600);
    addSegment(contact, 1600, 2, 6, 0.03);
    const speed = grinderSpeedHz(speedRng, params, 9600, contact);
    const unloadedHz = params.rpmUnloaded / 60;
    assert.ok(unloadedHz >= 166 && unloadedHz <= 222, `unloaded ${unloadedHz} Hz`);
    const loadedHz = speed.slice(4800, 9600).reduce((a, b) => a + b, 0) / 4800;
    assert.ok(loadedHz < unloadedHz * (1 - params.loadDrop / 3), `speed sags under load: ${loadedHz} Hz vs ${unloadedHz} Hz unloaded`);
    assert.ok(loadedHz > 80, `loaded speed ${loadedHz} Hz stays above 80 Hz`);

    const signal = grinderSignal(rng, params);
    const { power, binHz } = totalSpectrum(signal, 4);
    const f0 = peakHz(power, binHz, 80, 250);
    assert.ok(f0 >= unloadedHz * 0.5 && f0 <= unloadedHz * 1.1, `fundamental ${f0} Hz for a ${unloadedHz} Hz disc`);
    const k2 = Math.round((2 * f0) / binHz);
    const around = (k: number): number => Math.max(...Array.from({ length: 9 }, (_, i) => power[k - 4 + i]));
    const floor = [...power.slice(Math.round(20 / binHz))].sort((a, b) => a - b)[Math.round(power.length / 2)];
    assert.ok(around(k2) > 30 * floor, '2nd harmonic stands out of the floor');

    // Level: contact RMS over the floor (gravity removed) is the level asked, within 1.5 dB.
    const scene = new MotionScene(new Rng(0), params);
    const g = meanVector(signal, 0, 1.5);
    let squares = 0;
    for (let f = 2.5 * 1600; f < 5.5 * 1600; f++) for (let c = 0; c < 3; c++) squares += (signal.data[f * 3 + c] - g[c]) ** 2;
    const rms = Math.sqrt(squares / (3 * 1600));
    const db = 20 * Math.log10(rms / scene.floorRmsG);
    assert.ok(Math.abs(db - 20.4) < 1.5, `contact level ${db.toFixed(1)} dB above the floor (event +20 dB, plus the floor itself)`);
  });

  it('tilt: the gravity vector turns by the angle asked and stays there', function () {
    for (const angleDeg of [0.5, 2]) {
      const rng = new Rng(4);
      const params = drawTilt(rng, D.tilt, { rateHz: 200, durationS: 8, onsetS: 3, angleDeg, climb: false });
      params.swayDeg = 0;
      params.driftDegPerHour = 0;
      const signal = tiltSignal(rng, params);
      const measured = angleBetweenDeg(meanVector(signal, 0, 2.5), meanVector(signal, 4, 8));
      assert.ok(Math.abs(measured - angleDeg) < 0.02, `turned ${measured.toFixed(3)}° for ${angleDeg}°`);
    }
  });

  it('mains hum sits exactly at twice the mains frequency; traffic rumble stays below 30 Hz', function () {
    const rng = new Rng(5);
    const hum = drawConfuser(rng, D.confusers, 'mains_hum', { rateHz: 1600, durationS: 4, startS: 0.5, endS: 4 });
    const humSignal = confuserSignal(rng, hum);
    const { power, binHz } = totalSpectrum(humSignal, 2);
    assert.ok(Math.abs(peakHz(power, binHz, 80, 150) - 2 * Number(hum.mainsHz)) <= binHz);

    // A heavy lorry on a quiet sensor, so that the rumble rather than the sensor's white noise dominates.
    const traffic = { ...drawConfuser(rng, D.confusers, 'traffic', { rateHz: 1600, durationS: 8, startS: 0, endS: 8 }),
      sensor: 'lis3dh_2g' as const, ambientRmsG: 1e-6, rmsG: 0.05, passS: 6 };
    const t = totalSpectrum(confuserSignal(rng, traffic), 2.7);
    let low = 0, total = 0;
    for (let k = Math.round(1 / t.binHz); k < t.power.length; k++) {
      total += t.power[k];
      if (k * t.binHz < 35) low += t.power[k];
    }
    assert.ok(low / total > 0.8, `only ${(100 * low / total).toFixed(0)}% of the traffic power lies below 35 Hz`);
  });

  it('impacts: each blow peaks at its stated strength at the sensor', function () {
    const rng = new Rng(6);
    const params = drawImpact(rng, D.impact, { rateHz: 1600, durationS: 8, onsetS: 1, kind: 'series', part: 'glass', grade: 'heavy' });
    params.sensor = 'lis3dh_2g';
    const signal = impactSignal(rng, params);
    const rest = meanVector(signal, 0, 0.9);
    const times = parseInstants(params.blowTimesS);
    const peaks = parseInstants(params.blowPeaksG);
    for (const [i, t] of times.entries()) {
      let peak = 0;
      for (let f = Math.round(t * 1600); f < Math.round((t + 0.2) * 1600); f++) {
        peak = Math.max(peak, Math.hypot(signal.data[f * 3] - rest[0], signal.data[f * 3 + 1] - rest[1], signal.data[f * 3 + 2] - rest[2]));
      }
      // Clipped at the ±2 g range, else within the noise of the stated peak (the next blow's ringing may add).
      const expected = Math.min(peaks[i], 2);
      assert.ok(peak >= expected * 0.9 && peak <= peaks[i] * 1.3 + 0.05, `blow ${i}: ${peak.toFixed(3)} g for ${peaks[i]} g`);
    }
  });

  it('railing in the wind: hums at its mode once locked, at the level asked; out of lock far weaker; a loose joint rattles', function () {
    const base = (over: Partial<RailingWindParams>): RailingWindParams => ({
      ...drawRailingWind(new Rng(8), D.railingWind, { rateHz: 1600, durationS: 8, startS: 1, endS: 8 }),
      sensor: 'lis3dh_8g', ambientRmsG: 0.002, modeHz: 140, dampingRatio: 0.005, meanRatio: 1, gustPct: 3, gustHz: 0.3,
      lockWidth: 0.2, lockDb: 12, lockCycles: 30, inlineDb: -20, rattle: false, rain: false, levelDb: 25, ...over,
    });
    const levelDb = (signal: Signal, fromS: number, toS: number): number => {
      const g = meanVector(signal, 0, 0.9);
      let squares = 0;
      for (let f = fromS * 1600; f < toS * 1600; f++) for (let c = 0; c < 3; c++) squares += (signal.data[f * 3 + c] - g[c]) ** 2;
      return 20 * Math.log10(Math.sqrt(squares / ((toS - fromS) * 1600)) / new MotionScene(new Rng(0), base({})).floorRmsG);
    };
    const locked = railingWindSignal(new Rng(9), base({}));
    const { power, binHz } = totalSpectrum(locked, 5);
    assert.ok(Math.abs(peakHz(power, binHz, 60, 300) - 140) <= binHz, `hums at ${peakHz(power, binHz, 60, 300)} Hz, its mode 140 Hz`);
    const lockedDb = levelDb(locked, 4, 8);
    assert.ok(Math.abs(lockedDb - 25) < 2, `locked hum ${lockedDb.toFixed(1)} dB over the floor for 25 dB asked`);

    // The wind far from the lock-in range: only the forced response, off the mode and without the self-excitation.
    const unlockedDb = levelDb(railingWindSignal(new Rng(9), base({ meanRatio: 1.5 })), 4, 8);
    assert.ok(unlockedDb < lockedDb - 15, `out of lock ${unlockedDb.toFixed(1)} dB, locked ${lockedDb.toFixed(1)} dB`);

    // A loose joint knocking at each swing fills the spectrum between the hum's harmonics (rattle's texture).
    const between = (signal: Signal): number => {
      const t = totalSpectrum(signal, 5);
      let sum = 0;
      for (let k = Math.round(300 / t.binHz); k * t.binHz < 700; k++) {
        const h = (k * t.binHz) / 140;
        if (Math.abs(h - Math.round(h)) > 0.15) sum += t.power[k];
      }
      return sum;
    };
    const rattleDb = 10 * Math.log10(between(railingWindSignal(new Rng(9), base({ rattle: true, rattleGap: 0.5 }))) / between(locked));
    assert.ok(rattleDb > 10, `the rattle raises 300–700 Hz between the harmonics by ${rattleDb.toFixed(1)} dB`);

    // The knocks ring the railing, they do not move it: nothing of them in the tilt band (1 s means steady).
    const rattling = railingWindSignal(new Rng(9), base({ rattle: true, rattleGap: 0.3, levelDb: 35 }));
    const rest = meanVector(rattling, 0, 0.9);
    for (let t = 2; t < 7; t++) {
      const drift = Math.hypot(...meanVector(rattling, t, t + 1).map((v, c) => v - rest[c]));
      assert.ok(drift < 0.002, `1 s mean moved ${(1000 * drift).toFixed(2)} mg at ${t} s`);
    }
    // A mode the accelerometer's own filter would take out is refused, not drawn.
    assert.throws(() => railingWindSignal(new Rng(9), base({ rateHz: 400, modeHz: 200 })), /railing: mode 200 Hz is above 45 % of the rate 400 Hz/);
  });

  it('keeps the holdout ranges apart from the tuning ranges', function () {
    const differing = (a: object, b: object): number =>
      Object.keys(a).filter((k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k])).length;
    assert.ok(differing(D.grinder, HOLDOUT_MOTION_RANGES.grinder) >= 10, 'grinder profiles differ');
    assert.ok(differing(D.confusers, HOLDOUT_MOTION_RANGES.confusers) >= 8, 'confuser variants differ');
    assert.ok(differing(D.tilt, HOLDOUT_MOTION_RANGES.tilt) >= 5, 'tilt conditions differ');
    assert.ok(differing(D.railingWind, HOLDOUT_MOTION_RANGES.railingWind) >= 12, 'railings and winds differ');
  });

  it('refuses malformed timing text, naming the part it cannot read', function () {
    assert.deepEqual(parseSegments('1.000-2.500,3-4'), [[1, 2.5], [3, 4]]);
    assert.throws(() => parseSegments('1.0-x'), /'1.0-x' is not 'start-end'/);
    assert.throws(() => parseSegments('3-2'), /'3-2' ends before it starts/);
    assert.throws(() => parseInstants('1,,2'), /'' is not a time/);
  });
});

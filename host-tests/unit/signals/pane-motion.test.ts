// The accelerometer on the pane of a dual-technology node (simulator/signals/pane-motion.ts): the mass law
// for sound, the blow that breaks the pane, door slams through the wall; and what the node's vibration
// pipeline reports from it (eval --pane).
import assert from 'node:assert/strict';
import { paneFlexes } from '../../../simulator/eval/evaluate';
import { roleConfig } from '../../../simulator/eval/sensor-pipeline';
import type { LabelledCase } from '../../../simulator/signals/corpus';
import { PA_PER_FULL_SCALE, paneMotion } from '../../../simulator/signals/pane-motion';
import { Rng } from '../../../simulator/signals/rng';
import { confuserCase, glassCase } from '../../helpers/acoustic-cases';

const WINDOW = roleConfig('window');

/** A cymbal-labelled case holding only a 200 Hz tone of `amplitude` full scale for 2 s. */
function toneCase(amplitude: number): LabelledCase {
  const data = new Float32Array(32000);
  for (let i = 0; i < data.length; i++) data[i] = amplitude * Math.sin((2 * Math.PI * 200 * i) / 16000);
  return { id: 'tone', sensor: 'acoustic', threat: null, group: 'cymbal', onsetS: 0, endS: 2, signal: { rateHz: 16000, channels: 1, data }, params: {} };
}

/** Largest distance of a 3-axis sample from the mean vector over frames [from, to). */
function peakAboutMeanG(data: Float32Array, from: number, to: number): number {
  const mean = [0, 0, 0];
  for (let i = from; i < to; i++) for (let a = 0; a < 3; a++) mean[a] += data[i * 3 + a] / (to - from);
  let peak = 0;
  for (let i = from; i < to; i++) {
    peak = Math.max(peak, Math.hypot(data[i * 3] - mean[0], data[i * 3 + 1] - mean[1], data[i * 3 + 2] - mean[2]));
  }
  return peak;
}

describe('pane motion (the accelerometer of a dual-technology node)', function () {
  this.timeout(60_000);

  it('drives the pane by the sound pressure over its mass per area (mass law), at the accelerometer\'s rate with gravity', function () {
    const motion = paneMotion(new Rng(3), 'default', toneCase(0.25));
    assert.deepEqual([motion.signal.rateHz, motion.signal.channels, motion.signal.data.length], [1600, 3, 3 * 3200]);
    const expectedG = (0.25 * PA_PER_FULL_SCALE) / (2500 * (motion.params.thicknessMm / 1000)) / 9.80665;
    // The resampler rings a little where the tone starts abruptly.
    assert.ok(Math.abs(motion.params.airbornePeakG - expectedG) < 0.1 * expectedG, `${motion.params.airbornePeakG} vs ${expectedG}`);
    // What the sensor reports, away from the resampler's edges: the tone plus building vibration and noise.
    const measured = peakAboutMeanG(motion.signal.data, 400, 2800);
    assert.ok(measured > 0.9 * expectedG && measured < 1.1 * expectedG + 0.03, `${measured} g measured, ${expectedG} g expected`);
    let gravity = 0;
    for (let a = 0; a < 3; a++) gravity += (motion.signal.data[1600 * 3 + a]) ** 2;
    assert.ok(Math.abs(Math.sqrt(gravity) - 1) < 0.15, 'gravity is in the recording');
  });

  it('a break: the blow on the glass at the onset is reported as a flex by the vibration pipeline', function () {
    for (const [seed, glass] of [[1, 'float'], [2, 'laminated'], [3, 'tempered']] as const) {
      const c = glassCase(seed, glass, 10, 'busy_gallery');
      const motion = paneMotion(new Rng(seed), 'default', c);
      assert.ok(motion.params.blowPeakG >= 0.8, `${glass}: blow ${motion.params.blowPeakG} g`);
      const flexes = paneFlexes(c, WINDOW, { set: 'default', seed });
      assert.ok(flexes.some((f) => Math.abs(f.atMs - (c.onsetS as number) * 1000) <= 50 && f.peakG > 0.5), `${glass}: ${JSON.stringify(flexes)}`);
      // The same case gets the same pane whether its corpus runs alone (seed `seed`) or pooled (id `s<seed>/…`).
      assert.deepEqual(paneFlexes({ ...c, id: `s${seed}/${c.id}` }, WINDOW, { set: 'default', seed: 99 }), flexes);
    }
  });

  it('the node on another pane: every strike reaches it weaker by the joint loss, the rest of the case unchanged', function () {
    const c = glassCase(2, 'tempered', 10, 'quiet_gallery');
    const [near, far] = [paneMotion(new Rng(2), 'default', c), paneMotion(new Rng(2), 'default', c, 20)];
    assert.ok(Math.abs(far.params.blowPeakG - near.params.blowPeakG / 10) < 1e-9 * near.params.blowPeakG, `${far.params.blowPeakG} vs ${near.params.blowPeakG}`);
    assert.deepEqual([far.params.jointLossDb, far.params.sensor, far.params.thicknessMm, far.params.airbornePeakG],
      [20, near.params.sensor, near.params.thicknessMm, near.params.airbornePeakG]);
    // Before the blow the recordings are the same sample for sample: the loss draws no randomness of its own.
    const blowFrame = Math.floor((c.onsetS as number) * 1600) - 8;
    assert.deepEqual(far.signal.data.subarray(0, 3 * blowFrame), near.signal.data.subarray(0, 3 * blowFrame));
    assert.notDeepEqual(far.signal.data, near.signal.data);
    const knock = confuserCase(8, 'pane_knock', 30, 'quiet_gallery');
    const knockedFar = paneMotion(new Rng(8), 'default', knock, 20);
    assert.ok(Math.abs(knockedFar.params.knockPeakG - paneMotion(new Rng(8), 'default', knock).params.knockPeakG / 10) < 1e-9);
    assert.throws(() => paneMotion(new Rng(2), 'default', c, -1), /jointLossDb must lie in 0\.\.60 dB, not -1/);
    assert.throws(() => paneMotion(new Rng(2), 'default', c, Number.NaN), /jointLossDb must lie in 0\.\.60 dB, not NaN/);
  });

  it('confusers: speech, a clap and keys in the room do not flex the pane; knocks on it and a door slam reach it', function () {
    for (const [seed, group] of [[4, 'speech'], [5, 'clap'], [6, 'keys']] as const) {
      const c = confuserCase(seed, group, 30, 'quiet_gallery');
      const motion = paneMotion(new Rng(seed), 'default', c);
      assert.equal(motion.params.blowPeakG, 0);
      assert.ok(motion.params.airbornePeakG < 0.05, `${group}: ${motion.params.airbornePeakG} g from its sound`);
      assert.deepEqual(paneFlexes(c, WINDOW, { set: 'default', seed }), [], group);
    }
    const knock = confuserCase(8, 'pane_knock', 30, 'quiet_gallery');
    const knocks = Number(knock.params.knocks);
    assert.ok(knocks >= 1 && knocks <= 3, `${knocks} knocks`);
    const knocked = paneMotion(new Rng(8), 'default', knock);
    assert.ok(knocked.params.knockPeakG >= 0.01 && knocked.params.knockPeakG <= 0.8, `knock ${knocked.params.knockPeakG} g`);
    assert.equal(knocked.params.thicknessMm, knock.params['pane.thicknessMm'], 'the knocked pane is the one the sound came from');
    const slam = confuserCase(7, 'door_slam', 40, 'busy_gallery');
    const motion = paneMotion(new Rng(7), 'default', slam);
    assert.ok(motion.params.doorSlamPeakG >= 0.02 && motion.params.doorSlamPeakG <= 0.2, `door slam ${motion.params.doorSlamPeakG} g`);
    assert.throws(() => paneMotion(new Rng(1), 'default', { ...slam, sensor: 'tilt' }), /door_slam.* is a tilt case, not an acoustic one/);
  });
});

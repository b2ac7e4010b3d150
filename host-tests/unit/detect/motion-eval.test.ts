// CI evaluation on the small motion corpora, tuning ranges and holdout ranges alike (the full corpora
// are for `npm run eval:motion`). Every threat group must be found, nothing else may alarm.
import assert from 'node:assert/strict';
import { TILT_OPTION_SPECS } from '../../../firmware/detect/tilt';
import type { ThreatType } from '../../../firmware/detect/types';
import { runMotionCase, summariseMotion } from '../../../simulator/eval/motion-eval';
import type { MotionOutcome } from '../../../simulator/eval/motion-eval';
import type { LabelledCase } from '../../../simulator/signals/corpus';
import { MOTION_LEVELS_DB, tiltCorpus, vibrationCorpus } from '../../../simulator/signals/corpus-motion';
import { VIBRATION_CONFUSERS } from '../../../simulator/signals/motion/confusers';

/** Decision latency bounds from the onset (impact: from the blow that completed the count), ms. */
const LATENCY_LIMIT_MS: Record<ThreatType, number> = { grinder: 2000, impact: 300, tilt: 1200, glass_break: NaN };
const MIN_RECALL = 0.95;

function check(outcomes: MotionOutcome[], what: string): void {
  const rows = summariseMotion(outcomes);
  const threatRows = rows.filter((r) => r.threat !== null)
    .map((r) => `${r.group} ${(100 * (r.recall ?? 0)).toFixed(0)}% ≤${r.latencyMaxMs?.toFixed(0)} ms`);
  const quiet = rows.filter((r) => r.threat === null);
  console.log(`      ${what}: ${threatRows.join('; ')}; ${quiet.reduce((n, r) => n + r.cases, 0)} confuser and ambient cases ` +
    `in ${quiet.length} classes, ${quiet.reduce((n, r) => n + r.falseAlarms, 0)} false alarms`);
  const threats = new Set(outcomes.flatMap((o) => (o.threat === null ? [] : [o.threat])));
  for (const threat of threats) {
    const cases = outcomes.filter((o) => o.threat === threat);
    const found = cases.filter((o) => o.found);
    assert.ok(found.length / cases.length >= MIN_RECALL,
      `${what} ${threat}: found ${found.length} of ${cases.length}; missed ${cases.filter((o) => !o.found).map((o) => o.id).join(', ')}`);
    for (const o of found) {
      assert.ok((o.latencyMs ?? Infinity) <= LATENCY_LIMIT_MS[threat], `${what} ${o.id}: decided ${o.latencyMs} ms after the onset`);
    }
  }
  const alarmed = outcomes.filter((o) => o.falseAlarms > 0);
  assert.deepEqual(alarmed.map((o) => `${o.id}: ${o.detections.map((d) => d.type).join(',')}`), [], `${what}: false alarms`);
}

describe('motion detectors on the small corpora (CI evaluation)', function () {
  this.timeout(60_000);
  const corpora: Record<string, LabelledCase[]> = {};
  before(function () {
    for (const holdout of [false, true]) {
      corpora[`vibration/${holdout ? 'holdout' : 'default'}`] = vibrationCorpus({ seed: 1, holdout, size: 'small' });
      corpora[`tilt/${holdout ? 'holdout' : 'default'}`] = tiltCorpus({ seed: 1, holdout, size: 'small' });
    }
  });

  it('the corpora hold every threat variant at every level, every confuser class and ambient-only cases', function () {
    for (const [name, cases] of Object.entries(corpora)) {
      assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, `${name}: case ids are unique`);
      const groups = new Set(cases.map((c) => c.group));
      assert.ok(groups.has('ambient'), `${name}: ambient cases`);
      if (name.startsWith('vibration')) {
        for (const level of MOTION_LEVELS_DB) assert.ok(cases.some((c) => c.group === 'grinder' && c.levelDb === level), `${name}: grinder at +${level} dB`);
        for (const group of ['impact/light', 'impact/medium', 'impact/heavy', 'impact/shock']) {
          for (const part of ['glass', 'frame']) assert.ok(cases.some((c) => c.group === group && c.params.part === part), `${name}: ${group} on ${part}`);
        }
        for (const kind of VIBRATION_CONFUSERS) assert.ok(groups.has(kind), `${name}: confuser ${kind}`);
      } else {
        const angles = cases.filter((c) => c.threat === 'tilt').map((c) => Number(c.params.angleDeg));
        assert.ok(Math.min(...angles) >= TILT_OPTION_SPECS.thresholdDeg.default, `${name}: angles from the threshold upward`);
        assert.ok(Math.max(...angles) >= 4 * TILT_OPTION_SPECS.thresholdDeg.default);
        for (const kind of ['wind_sway', 'thermal_drift', 'footsteps', 'door_slam', 'traffic']) assert.ok(groups.has(kind), `${name}: confuser ${kind}`);
        assert.ok(new Set(cases.map((c) => c.signal.rateHz)).size >= 3, `${name}: several accelerometer rates`);
      }
    }
  });

  for (const name of ['vibration/default', 'vibration/holdout', 'tilt/default', 'tilt/holdout']) {
    it(`${name}: recall ≥ 95 % per threat within the latency bounds, and no false alarm`, function () {
      check(corpora[name].map((c) => runMotionCase(c)), name);
    });
  }
});

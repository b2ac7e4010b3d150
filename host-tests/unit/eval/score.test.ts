import assert from 'node:assert/strict';
import type { ThreatType } from '../../../firmware/detect/types';
import type { TimedDetection } from '../../../simulator/eval/replay';
import { reportText } from '../../../simulator/eval/report-text';
import { wilsonInterval } from '../../../simulator/eval/interval';
import { HIT_EARLY_S, HIT_LATE_S, judgeCase, levelOf, quantile, scoreOutcomes } from '../../../simulator/eval/score';
import type { LabelledCase } from '../../../simulator/signals/corpus';

function labelled(fields: Partial<LabelledCase> & Pick<LabelledCase, 'id' | 'threat' | 'group'>): LabelledCase {
  return { sensor: 'vibration', onsetS: 2, endS: 4, signal: { rateHz: 1600, channels: 3, data: new Float32Array(0) }, params: {}, ...fields };
}

function at(publishS: number, type: ThreatType, decidedS = publishS): TimedDetection {
  return { type, publishS, decidedMs: decidedS * 1000, onsetMs: decidedS * 1000 - 100, score: 0.9, features: {} };
}

describe('eval scoring', function () {
  it('takes the first detection of the threat inside the hit window; counts stray and cross detections apart', function () {
    const c = labelled({ id: 'g', threat: 'grinder', group: 'grinder', levelDb: 20 });
    const verdict = judgeCase({
      case: c,
      detections: [at(2 - HIT_EARLY_S - 0.01, 'grinder'), at(2.8, 'impact'), at(2.9, 'grinder'), at(3.5, 'grinder'), at(4 + HIT_LATE_S + 0.01, 'grinder')],
    });
    assert.equal(verdict.hit?.publishS, 2.9);
    assert.ok(Math.abs((verdict.latencyMs ?? NaN) - 900) < 1e-9);
    assert.equal(verdict.stray, 2);
    assert.equal(verdict.cross, 1);
    assert.equal(verdict.falseAlarms, 0);
    assert.equal(judgeCase({ case: c, detections: [at(1.5, 'grinder')] }).hit, undefined);
  });

  it('measures an impact series from the blow that completed the count', function () {
    const c = labelled({ id: 'i', threat: 'impact', group: 'impact/heavy', params: { blowTimesS: '2.000,3.000,4.500,6.000' }, endS: 6.5 });
    const verdict = judgeCase({ case: c, detections: [at(4.52, 'impact', 4.51)] });
    assert.ok(Math.abs((verdict.latencyMs ?? NaN) - 20) < 1e-9, String(verdict.latencyMs));
  });

  it('counts every detection in a confuser or ambient case as a false alarm, per class', function () {
    const report = scoreOutcomes([
      { case: labelled({ id: 'hum#0', threat: null, group: 'mains_hum' }), detections: [at(3, 'grinder'), at(5, 'impact')] },
      { case: labelled({ id: 'hum#1', threat: null, group: 'mains_hum' }), detections: [] },
      { case: labelled({ id: 'amb#0', threat: null, group: 'ambient', onsetS: null, endS: null }), detections: [] },
    ]);
    assert.deepEqual(report.falseAlarms, [
      { group: 'mains_hum', cases: 2, alarmedCases: ['hum#0'], alarms: 2, alarmTypes: ['grinder', 'impact'], alarmedShareInterval95: wilsonInterval(1, 2) },
      { group: 'ambient', cases: 1, alarmedCases: [], alarms: 0, alarmTypes: [], alarmedShareInterval95: wilsonInterval(0, 1) },
    ]);
    assert.equal(report.summary.alarmedConfuserCases, 1);
    assert.equal(report.summary.confuserCases, 3);
    assert.deepEqual(report.summary.alarmedShareInterval95, wilsonInterval(1, 3));
  });

  it('reports recall per threat and level in corpus order, latency quantiles, and judges levels from +10 dB', function () {
    const cases = [
      labelled({ id: 'g5#0', threat: 'grinder', group: 'grinder', levelDb: 5 }),
      labelled({ id: 'g10#0', threat: 'grinder', group: 'grinder', levelDb: 10 }),
      labelled({ id: 'g10#1', threat: 'grinder', group: 'grinder', levelDb: 10 }),
      labelled({ id: 'heavy#0', threat: 'impact', group: 'impact/heavy' }),
      labelled({ id: 'tilt#0', sensor: 'tilt', threat: 'tilt', group: 'tilt/0.50deg' }),
    ];
    const report = scoreOutcomes([
      { case: cases[0], detections: [] },
      { case: cases[1], detections: [at(2.5, 'grinder')] },
      { case: cases[2], detections: [at(3.5, 'grinder')] },
      { case: cases[3], detections: [at(2.01, 'impact')] },
      { case: cases[4], detections: [] },
    ]);
    assert.deepEqual(report.recall.map((r) => [r.threat, r.level, r.detected, r.cases]), [
      ['grinder', '+5 dB', 0, 1], ['grinder', '+10 dB', 2, 2], ['impact', 'heavy', 1, 1], ['tilt', '0.50deg', 0, 1],
    ]);
    assert.deepEqual(report.recall[3].missed, ['tilt#0']);
    // +5 dB is below the judged levels; the tilt angle (no dB level) is judged.
    assert.equal(report.summary.minRecall, 0);
    assert.deepEqual(report.summary.minRecallInterval95, wilsonInterval(0, 1));
    assert.deepEqual(report.recall[1].recallInterval95, wilsonInterval(2, 2));
    assert.deepEqual(report.latency[0], { threat: 'grinder', detected: 2, p50Ms: 1000, p95Ms: 1450, maxMs: 1500 });
    assert.equal(levelOf(cases[3]), 'heavy');
    assert.equal(quantile([], 0.5), null);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  });

  it('puts a 95 % interval beside each rate; of rows tied at the lowest recall, the summary takes the one with the fewest cases', function () {
    const grinder = (id: string, levelDb: number): LabelledCase => labelled({ id, threat: 'grinder', group: 'grinder', levelDb });
    const outcomes = [
      ...[0, 1, 2].map((i) => ({ case: grinder(`g10#${i}`, 10), detections: [at(2.5, 'grinder')] })),
      { case: grinder('g20#0', 20), detections: [at(2.5, 'grinder')] },
      ...[0, 1, 2, 3].map((i) => ({ case: labelled({ id: `hum#${i}`, threat: null, group: 'mains_hum' }), detections: i === 0 ? [at(3, 'grinder')] : [] })),
    ];
    const report = scoreOutcomes(outcomes);
    assert.equal(report.summary.minRecall, 1);
    assert.deepEqual(report.summary.minRecallInterval95, wilsonInterval(1, 1));
    assert.deepEqual(report.summary.alarmedShareInterval95, wilsonInterval(1, 4));
    const text = reportText({ sensor: 'vibration', role: 'window', defaultConfig: true, size: 'small', seed: 1, seeds: 1, pane: false, jointLossDb: 0,
      flexRequired: false, soundAloneStricter: false, railing: false, seconds: 1, set: 'default', flex: false, ...report });
    const three = wilsonInterval(3, 3);
    assert.match(text, new RegExp(`^ {2}grinder +\\+10 dB +3 +3 +100\\.0% +${(100 * three.low).toFixed(1)}–100\\.0% +0 +0$`, 'm'));
    const hum = wilsonInterval(1, 4);
    assert.match(text, new RegExp(`^ {2}mains_hum +4 +1 +1 +${(100 * hum.low).toFixed(1)}–${(100 * hum.high).toFixed(1)}% +grinder$`, 'm'));
    assert.match(text, /every grade and angle\): 100\.0% \(95%: 20\.7–100\.0%\); confuser and ambient cases alarmed: 1 of 4 \(95%: /);
  });

  it('gives a variant of a threat at a level (grinder/regulated) recall and latency rows of its own', function () {
    const plain = labelled({ id: 'g10#0', threat: 'grinder', group: 'grinder', levelDb: 10 });
    const regulated = labelled({ id: 'r10#0', threat: 'grinder', group: 'grinder/regulated', levelDb: 10 });
    const report = scoreOutcomes([
      { case: plain, detections: [at(2.5, 'grinder')] },
      { case: regulated, detections: [at(5, 'grinder')] },
    ]);
    assert.deepEqual(report.recall.map((r) => [r.level, r.detected]), [['+10 dB', 1], ['regulated +10 dB', 1]]);
    assert.deepEqual(report.latency, [
      { threat: 'grinder', detected: 1, p50Ms: 500, p95Ms: 500, maxMs: 500 },
      { threat: 'grinder', variant: 'regulated', detected: 1, p50Ms: 3000, p95Ms: 3000, maxMs: 3000 },
    ]);
    const text = reportText({ sensor: 'vibration', role: 'window', defaultConfig: true, size: 'small', seed: 1, seeds: 1, pane: false, jointLossDb: 0,
      flexRequired: false, soundAloneStricter: false, railing: false, seconds: 1, set: 'default', flex: false, ...report });
    assert.match(text, /^ {2}grinder regulated +1 +3000 +3000 +3000$/m);
  });

  it('labels the table with the parameter set, and says so loudly when the flex is modelled', function () {
    const base = { sensor: 'acoustic' as const, role: 'window' as const, defaultConfig: true, size: 'small' as const, seed: 1, seeds: 1, pane: false, jointLossDb: 0, flexRequired: false, soundAloneStricter: false, railing: false, seconds: 1, ...scoreOutcomes([]) };
    const holdout = reportText({ ...base, set: 'holdout', flex: true });
    assert.match(holdout, /HOLDOUT parameter set \(ranges the defaults were NOT tuned on/);
    assert.match(holdout, /FLEX MODELLED \(--flex\)/);
    const tuned = reportText({ ...base, set: 'default', flex: false });
    assert.match(tuned, /default parameter set \(the ranges the defaults were tuned on\)/);
    assert.match(tuned, /microphone only \(no pane flex\)/);
    assert.doesNotMatch(tuned, /microphone-only figures/);
    const dual = reportText({ ...base, set: 'default', flex: false, pane: true, flexRequired: true });
    assert.match(dual, /PANE MODELLED: the accelerometer on the pane/);
    assert.match(dual, /glass break REQUIRES the flex \(dual technology\)/);
    assert.match(dual, /microphone-only figures: --config docs\/examples\/window-microphone-only\.json/);
    assert.match(reportText({ ...base, set: 'default', flex: false, pane: true }), /a flex adds flexBonus to the score$/m);
    assert.match(reportText({ ...base, set: 'default', flex: false, pane: true, soundAloneStricter: true }),
      /a flex adds flexBonus to the score; without one the sound alone needs minScoreWithoutFlex$/m);
    assert.doesNotMatch(dual, /ANOTHER PANE/);
    assert.match(reportText({ ...base, set: 'default', flex: false, pane: true, flexRequired: true, jointLossDb: 20 }),
      /ANOTHER PANE: the node sits on another pane of the case than the one struck; every blow and knock reaches it 20 dB weaker/);
    assert.doesNotMatch(tuned, /ON A RAILING/);
    assert.match(reportText({ ...base, sensor: 'vibration', role: 'balcony', set: 'default', flex: false, railing: true }),
      /ON A RAILING: the corpus adds the railing singing in the wind \(railing_wind\)/);
  });
});

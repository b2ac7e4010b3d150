// CI evaluation (issue "On-device classification"): the small corpora of every sensor, default and
// holdout parameter sets, through the pipelines of the default role configuration (the unified eval of
// `npm run eval`; for glass break, the window's dual technology with the node's accelerometer on the pane
// modelled). Criterion: recall ≥ 95 % at every level ≥ 10 dB over the floor (and every impact grade and
// tilt angle); no confuser or ambient case alarms. Also held: no detection of a threat's type outside its
// event, decisions within each threat's latency bound, glass-break recall with the pane's flex reported at
// every break (best case), and glass break judged on the microphone alone (a window node mounted on the
// frame, docs/examples/window-microphone-only.json), which does not meet the criterion in full yet: the
// cases that fall short are listed in KNOWN_SHORTFALLS, by name. A display case on its glass (its own
// defaults, the pane modelled) is held to the criterion too, and to finding most breaks of another pane of
// its case whose blow reaches it 20 dB weaker (eval --joint-loss-db).
import assert from 'node:assert/strict';
import { TILT_OPTION_SPECS } from '../../../firmware/detect/tilt';
import type { ThreatType } from '../../../firmware/detect/types';
import { microphoneOnlyConfig } from '../../helpers/microphone-only';
import type { NodeConfig } from '../../../firmware/node/config';
import { corpusFor, runEval, type SensorReport } from '../../../simulator/eval/evaluate';
import { roleConfig } from '../../../simulator/eval/sensor-pipeline';
import { JUDGED_LEVEL_DB, latencyName } from '../../../simulator/eval/score';
import type { LabelledCase, SensorChannel } from '../../../simulator/signals/corpus';
import { MOTION_LEVELS_DB, RAILING_WIND_GROUP } from '../../../simulator/signals/corpus-motion';
import { VIBRATION_CONFUSERS } from '../../../simulator/signals/motion/confusers';

const MIN_RECALL = 0.95;
/** Publish time minus onset (impact: minus the blow that completed the count), ms. */
const LATENCY_LIMIT_MS: Record<ThreatType, number> = { glass_break: 500, grinder: 2000, impact: 300, tilt: 1200 };
/**
 * Variants with a bound of their own: a tacho-regulated grinder is judged at the first pause in its cutting,
 * after a first cut of up to 4 s and a pause of up to 2 s (docs/detectors-motion.md, round 15).
 */
const VARIANT_LATENCY_LIMIT_MS: Readonly<Record<string, number>> = { 'grinder regulated': 6500 };
const SETS = ['default', 'holdout'] as const;
const SENSORS: readonly SensorChannel[] = ['acoustic', 'vibration', 'tilt'];

/**
 * The cases that fall short of the criterion today, per report (`sensor/set`, `+flex` with the flex
 * modelled, `+pane` with the pane's accelerometer): the open shortfall of glass break on the microphone
 * alone (docs/detectors-acoustic.md, "Shortfalls"). The test fails on any other shortfall and on a listed
 * case that no longer falls short, so the list only shrinks; it never grows to make a test pass.
 */
const KNOWN_SHORTFALLS: Readonly<Record<string, readonly string[]>> = {
  'acoustic/default': ['glass_break/float/+10dB/hvac_plant/#2', 'glass_break/laminated/+10dB/hvac_plant/#20', 'music/loud/+33dB/quiet_gallery/#47'],
  'acoustic/holdout': ['glass_break/laminated/+10dB/busy_gallery/#19', 'music/loud/+24dB/quiet_gallery/#47'],
};

const reportKey = (report: SensorReport): string =>
  `${report.role === 'window' ? '' : `${report.role}:`}${report.sensor}/${report.set}${report.flex ? '+flex' : ''}${report.pane ? '+pane' : ''}`;

/** Every way the report falls short of the criterion beyond the known cases, each naming the row or case. */
function shortfalls(report: SensorReport): string[] {
  const known = new Set(KNOWN_SHORTFALLS[reportKey(report)] ?? []);
  const problems: string[] = [];
  for (const r of report.recall) {
    const missed = r.missed.filter((id) => !known.has(id));
    if ((r.levelDb === null || r.levelDb >= JUDGED_LEVEL_DB) && r.recall < MIN_RECALL && missed.length > 0) {
      problems.push(`${r.threat} ${r.level}: recall ${(100 * r.recall).toFixed(1)}% (${r.detected}/${r.cases}) < ${100 * MIN_RECALL}%; missed ${missed.join(', ')}`);
    }
    if (r.strayDetections > 0) problems.push(`${r.threat} ${r.level}: ${r.strayDetections} detection(s) of ${r.threat} outside the event`);
  }
  for (const r of report.falseAlarms) {
    const alarmed = r.alarmedCases.filter((id) => !known.has(id));
    if (alarmed.length > 0) problems.push(`${r.group}: false alarm(s) (${r.alarmTypes.join(', ')}) in ${alarmed.join(', ')}`);
  }
  for (const l of report.latency) {
    const name = latencyName(l);
    const limitMs = VARIANT_LATENCY_LIMIT_MS[name] ?? LATENCY_LIMIT_MS[l.threat];
    if ((l.maxMs ?? 0) > limitMs) problems.push(`${name}: latency up to ${l.maxMs} ms > ${limitMs} ms`);
  }
  return problems;
}

/** Listed cases that now meet the criterion: take them off KNOWN_SHORTFALLS. */
function fixedSinceListed(report: SensorReport): string[] {
  const stillShort = new Set([
    ...report.recall.flatMap((r) => r.missed),
    ...report.falseAlarms.flatMap((r) => r.alarmedCases),
  ]);
  return (KNOWN_SHORTFALLS[reportKey(report)] ?? []).filter((id) => !stillShort.has(id)).map((id) => `${id} no longer falls short: remove it from KNOWN_SHORTFALLS`);
}

/** Says in the test's title that the criterion is not met in full. */
function knownNote(key: string): string {
  const n = KNOWN_SHORTFALLS[key]?.length ?? 0;
  return n === 0 ? '' : ` — EXCEPT ${n} known shortfall case(s), still open`;
}

/** The display case's defaults with glass break requiring the pane's flex, as a window on its glass does. */
function flexRequiredCaseConfig(): NodeConfig {
  const c = roleConfig('display_case');
  return { ...c, detectors: { ...c.detectors, glassBreak: { ...c.detectors.glassBreak, requireFlex: true } } };
}

function summaryLine(report: SensorReport): string {
  const rows = report.recall.map((r) => `${r.threat === 'glass_break' ? '' : `${r.threat} `}${r.level} ${r.detected}/${r.cases}`).join(', ');
  const latency = report.latency.map((l) => `${latencyName(l)} p95 ${Math.round(l.p95Ms ?? NaN)} ms`).join(', ');
  return `${report.role === 'window' ? '' : `${report.role}: `}${report.sensor}/${report.set}${report.flex ? ' with flex' : ''}${report.pane ? ' pane modelled' : ''}: ${rows}; ${report.summary.alarmedConfuserCases} of ` +
    `${report.summary.confuserCases} confuser and ambient cases alarmed; ${latency}`;
}

describe('classification evaluation on the small corpora (CI)', function () {
  this.timeout(60_000);
  const corpora = new Map<string, LabelledCase[]>();
  const corpus = (sensor: SensorChannel, set: (typeof SETS)[number]): LabelledCase[] => {
    const key = `${sensor}/${set}`;
    let cases = corpora.get(key);
    if (cases === undefined) {
      cases = corpusFor(sensor, { seed: 1, holdout: set === 'holdout', size: 'small' });
      corpora.set(key, cases);
    }
    return cases;
  };

  // Every sensor as the role's default configuration runs it. A window requires the pane's flex for glass
  // break, so its accelerometer on the pane is modelled rather than assumed: breaks flex the pane, and so do
  // knocks on it, door slams and loud sounds.
  for (const sensor of SENSORS) {
    for (const set of SETS) {
      const what = sensor === 'acoustic' ? ', dual technology with the pane\'s accelerometer modelled (flex required)' : '';
      it(`${sensor}, ${set} set${what}: recall ≥ ${100 * MIN_RECALL}% at every level, no confuser alarms, within the latency bounds${knownNote(`${sensor}/${set}${sensor === 'acoustic' ? '+pane' : ''}`)}`, function () {
        const report = runEval({ sensor, holdout: set === 'holdout', size: 'small', seed: 1 }, corpus(sensor, set));
        console.log(`      ${summaryLine(report)}`);
        assert.ok(report.recall.length > 0 && report.falseAlarms.length > 0, 'the corpus has threats and confusers');
        if (sensor === 'acoustic') {
          assert.ok(report.pane && report.flexRequired, 'the window default runs dual technology, its pane modelled');
          assert.ok(report.falseAlarms.some((r) => r.group === 'pane_knock' && r.cases > 0), 'the corpus knocks on panes');
        }
        assert.deepEqual([...shortfalls(report), ...fixedSinceListed(report)], [], `${sensor}/${set}`);
      });
    }
  }

  for (const set of SETS) {
    it(`acoustic, ${set} set, with the pane's flex reported at every break (best case): recall ≥ ${100 * MIN_RECALL}% at every level, no confuser alarms`, function () {
      const report = runEval({ sensor: 'acoustic', holdout: set === 'holdout', size: 'small', seed: 1, flex: true }, corpus('acoustic', set));
      console.log(`      ${summaryLine(report)}`);
      assert.ok(!report.pane);
      assert.deepEqual([...shortfalls(report), ...fixedSinceListed(report)], [], `acoustic/${set} with flex`);
    });
  }

  // A window node whose accelerometer is on the frame: glass break on the microphone alone.
  for (const set of SETS) {
    it(`acoustic, ${set} set, microphone only: recall ≥ ${100 * MIN_RECALL}% at every level, no confuser alarms, within the latency bounds${knownNote(`acoustic/${set}`)}`, function () {
      const config = microphoneOnlyConfig();
      assert.equal(config.detectors.glassBreak.requireFlex, false);
      const report = runEval({ sensor: 'acoustic', holdout: set === 'holdout', size: 'small', seed: 1, config }, corpus('acoustic', set));
      console.log(`      ${summaryLine(report)}`);
      assert.ok(!report.pane && !report.flex);
      assert.deepEqual([...shortfalls(report), ...fixedSinceListed(report)], [], `acoustic/${set}, microphone only`);
    });
  }

  // A display-case node on its glass: the flex a bonus, the sound without it held to minScoreWithoutFlex.
  for (const set of SETS) {
    it(`acoustic, ${set} set, a display case on its glass with its accelerometer modelled: recall ≥ ${100 * MIN_RECALL}% at every level, no confuser alarms, within the latency bounds${knownNote(`display_case:acoustic/${set}+pane`)}`, function () {
      const report = runEval({ sensor: 'acoustic', holdout: set === 'holdout', size: 'small', seed: 1, role: 'display_case' }, corpus('acoustic', set));
      console.log(`      ${summaryLine(report)}`);
      assert.ok(report.role === 'display_case' && report.pane && !report.flexRequired && report.soundAloneStricter, 'the flex decides beyond a bonus, so the pane is modelled');
      assert.deepEqual([...shortfalls(report), ...fixedSinceListed(report)], [], `display_case: acoustic/${set}`);
    });
  }

  // A break of another pane of the case, its blow reaching the node 20 dB weaker (docs/detectors-acoustic.md,
  // "Round 12"): the display case keeps the flex a bonus and the sound alone a path because there it finds
  // more of those breaks than the flex required would (34 and 35 of 36 against 30 and 32 when this was written).
  for (const set of SETS) {
    it(`acoustic, ${set} set, a display case feeling a blow on another pane 20 dB weaker: ≥ 90 % of the breaks, more than with the flex required, no confuser alarms`, function () {
      const cases = corpus('acoustic', set);
      const options = { sensor: 'acoustic', holdout: set === 'holdout', size: 'small', seed: 1, jointLossDb: 20 } as const;
      const defaults = runEval({ ...options, role: 'display_case' }, cases);
      const required = runEval({ ...options, config: flexRequiredCaseConfig() }, cases);
      console.log(`      defaults: ${summaryLine(defaults)}\n      flex required: ${summaryLine(required)}`);
      assert.ok(defaults.pane && defaults.jointLossDb === 20 && required.flexRequired, 'the pane modelled, the joint loss applied');
      const found = (r: SensorReport): number => r.summary.detected;
      assert.ok(found(defaults) >= 0.9 * defaults.summary.threatCases, `defaults: ${found(defaults)} of ${defaults.summary.threatCases} breaks`);
      assert.ok(found(defaults) > found(required), `defaults ${found(defaults)}, flex required ${found(required)}`);
      assert.deepEqual(defaults.falseAlarms.filter((r) => r.alarmedCases.length > 0).map((r) => r.group), []);
    });
  }

  // A balcony node on its railing (docs/detectors-motion.md, round 16): its corpus adds the railing singing in the
  // wind, which alarmed the grinder's pause rule; on a railing the rule is off by default. Held: no confuser
  // alarms, the railing's included; the grinder and medium to heavy blows found. By design, and so not held:
  // light blows (under the balcony's 0.5 g blow threshold in part) and tacho-regulated grinders (on a railing
  // found only once their speed wanders). With the pause rule on again the railing alarms (checked, so the
  // corpus keeps showing why the default exists).
  for (const set of SETS) {
    it(`vibration, ${set} set, a balcony node on its railing: no confuser alarms with the railing singing in the wind, grinders and medium to heavy blows found`, function () {
      const options = { sensor: 'vibration', holdout: set === 'holdout', size: 'small', seed: 1 } as const;
      const report = runEval({ ...options, role: 'balcony' });
      console.log(`      ${summaryLine(report)}`);
      const railing = report.falseAlarms.find((r) => r.group === RAILING_WIND_GROUP);
      assert.ok(report.railing && railing !== undefined && railing.cases >= 6, 'the railing singing in the wind is in the corpus');
      assert.deepEqual(report.falseAlarms.filter((r) => r.alarmedCases.length > 0).map((r) => `${r.group}: ${r.alarmedCases.join(', ')}`), []);
      for (const r of report.recall) {
        const regulated = r.level.startsWith('regulated');
        if ((r.threat === 'grinder' && !regulated) || (r.threat === 'impact' && r.level !== 'light')) {
          assert.ok(r.recall >= MIN_RECALL, `${r.threat} ${r.level}: ${r.detected}/${r.cases}`);
        }
      }
      const base = roleConfig('balcony');
      assert.equal(base.detectors.grinder.pausesWithoutWander, 0, 'the railing default turns the pause rule off');
      const pauses = runEval({ ...options, config: { ...base, detectors: { ...base.detectors, grinder: { ...base.detectors.grinder, pausesWithoutWander: 1 } } } });
      const alarmedWithPauses = pauses.falseAlarms.find((r) => r.group === RAILING_WIND_GROUP)?.alarmedCases.length ?? 0;
      assert.ok(alarmedWithPauses > 0, 'with the pause rule the singing railing alarms the grinder');
    });

    it(`tilt, ${set} set, a balcony node on its railing: the railing singing in the wind tilts nothing, every angle found`, function () {
      const report = runEval({ sensor: 'tilt', holdout: set === 'holdout', size: 'small', seed: 1, role: 'balcony' });
      console.log(`      ${summaryLine(report)}`);
      assert.ok(report.railing && (report.falseAlarms.find((r) => r.group === RAILING_WIND_GROUP)?.cases ?? 0) >= 6, 'the railing is in the corpus');
      assert.deepEqual([...shortfalls(report), ...fixedSinceListed(report)], [], `balcony: tilt/${set} on its railing`);
    });
  }

  it('the motion corpora hold every threat variant at every level, every confuser class and ambient-only cases', function () {
    for (const set of SETS) {
      for (const sensor of ['vibration', 'tilt'] as const) {
        const cases = corpus(sensor, set);
        const name = `${sensor}/${set}`;
        assert.equal(new Set(cases.map((c) => c.id)).size, cases.length, `${name}: case ids are unique`);
        const groups = new Set(cases.map((c) => c.group));
        assert.ok(groups.has('ambient'), `${name}: ambient cases`);
        if (sensor === 'vibration') {
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
        // The railing's own confusers only for a node on a railing, after every other case, which stay as they were.
        assert.ok(!groups.has(RAILING_WIND_GROUP), `${name}: no railing unless the node is on one`);
        const onRailing = corpusFor(sensor, { seed: 1, holdout: set === 'holdout', size: 'small', railing: true });
        assert.deepEqual(onRailing.slice(0, cases.length).map((c) => c.id), cases.map((c) => c.id), `${name}: the railing's cases come last`);
        assert.deepEqual(onRailing[cases.length - 1].signal.data, cases[cases.length - 1].signal.data, `${name}: the case before them unchanged`);
        const railing = onRailing.slice(cases.length);
        assert.ok(railing.length >= 6 && railing.every((c) => c.group === RAILING_WIND_GROUP && c.threat === null && c.sensor === sensor), `${name}: then the railing in the wind`);
      }
    }
  });
});

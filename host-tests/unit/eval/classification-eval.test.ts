// CI evaluation (issue "On-device classification"): the small corpora of every sensor, default and
// holdout parameter sets, through the pipelines of the default role configuration (the unified eval of
// `npm run eval`). Criterion: recall ≥ 95 % at every level ≥ 10 dB over the floor (and every impact grade
// and tilt angle), glass break judged on the microphone alone; no confuser or ambient case alarms. Also
// held: no detection of a threat's type outside its event, decisions within each threat's latency bound,
// and, for a dual-technology node, glass-break recall with the pane's flex reported (best case), and with the
// node's accelerometer on the pane modelled and the flex required (docs/examples/window-dual-technology.json).
// Glass break does not meet it in full yet: the cases that fall short are listed in KNOWN_SHORTFALLS, by name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TILT_OPTION_SPECS } from '../../../firmware/detect/tilt';
import type { ThreatType } from '../../../firmware/detect/types';
import { loadConfig } from '../../../simulator/classify/config-file';
import { corpusFor, runEval, type SensorReport } from '../../../simulator/eval/evaluate';
import { JUDGED_LEVEL_DB } from '../../../simulator/eval/score';
import type { LabelledCase, SensorChannel } from '../../../simulator/signals/corpus';
import { MOTION_LEVELS_DB } from '../../../simulator/signals/corpus-motion';
import { VIBRATION_CONFUSERS } from '../../../simulator/signals/motion/confusers';

const MIN_RECALL = 0.95;
const DUAL_TECHNOLOGY_CONFIG = fileURLToPath(new URL('../../../docs/examples/window-dual-technology.json', import.meta.url));
/** Publish time minus onset (impact: minus the blow that completed the count), ms. */
const LATENCY_LIMIT_MS: Record<ThreatType, number> = { glass_break: 500, grinder: 2000, impact: 300, tilt: 1200 };
const SETS = ['default', 'holdout'] as const;
const SENSORS: readonly SensorChannel[] = ['acoustic', 'vibration', 'tilt'];

/**
 * The cases that fall short of the criterion today, per report (`sensor/set`, `+flex` with the flex
 * modelled): the open shortfall of glass break on the microphone alone (docs/detectors-acoustic.md,
 * "Shortfalls"). The test fails on any other shortfall and on a listed case that no longer falls short,
 * so the list only shrinks; it never grows to make a test pass.
 */
const KNOWN_SHORTFALLS: Readonly<Record<string, readonly string[]>> = {
  'acoustic/default': ['glass_break/float/+10dB/hvac_plant/#2', 'glass_break/laminated/+10dB/hvac_plant/#20', 'music/loud/+33dB/quiet_gallery/#47'],
  'acoustic/holdout': ['glass_break/laminated/+10dB/busy_gallery/#19', 'music/loud/+24dB/quiet_gallery/#47'],
  'acoustic/default+flex': ['music/loud/+33dB/quiet_gallery/#47'],
  'acoustic/holdout+flex': ['music/loud/+24dB/quiet_gallery/#47'],
};

const reportKey = (report: SensorReport): string => `${report.sensor}/${report.set}${report.flex ? '+flex' : ''}${report.pane ? '+pane' : ''}`;

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
    if ((l.maxMs ?? 0) > LATENCY_LIMIT_MS[l.threat]) problems.push(`${l.threat}: latency up to ${l.maxMs} ms > ${LATENCY_LIMIT_MS[l.threat]} ms`);
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

function summaryLine(report: SensorReport): string {
  const rows = report.recall.map((r) => `${r.threat === 'glass_break' ? '' : `${r.threat} `}${r.level} ${r.detected}/${r.cases}`).join(', ');
  const latency = report.latency.map((l) => `${l.threat} p95 ${Math.round(l.p95Ms ?? NaN)} ms`).join(', ');
  return `${report.sensor}/${report.set}${report.flex ? ' with flex' : ''}: ${rows}; ${report.summary.alarmedConfuserCases} of ` +
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

  for (const sensor of SENSORS) {
    for (const set of SETS) {
      it(`${sensor}, ${set} set${sensor === 'acoustic' ? ', microphone only' : ''}: recall ≥ ${100 * MIN_RECALL}% at every level, no confuser alarms, within the latency bounds${knownNote(`${sensor}/${set}`)}`, function () {
        const report = runEval({ sensor, holdout: set === 'holdout', size: 'small', seed: 1 }, corpus(sensor, set));
        console.log(`      ${summaryLine(report)}`);
        assert.ok(report.recall.length > 0 && report.falseAlarms.length > 0, 'the corpus has threats and confusers');
        assert.deepEqual([...shortfalls(report), ...fixedSinceListed(report)], [], `${sensor}/${set}`);
      });
    }
  }

  for (const set of SETS) {
    it(`acoustic, ${set} set, with the pane's flex reported (dual technology): recall ≥ ${100 * MIN_RECALL}% at every level, no confuser alarms${knownNote(`acoustic/${set}+flex`)}`, function () {
      const report = runEval({ sensor: 'acoustic', holdout: set === 'holdout', size: 'small', seed: 1, flex: true }, corpus('acoustic', set));
      console.log(`      ${summaryLine(report)}`);
      assert.deepEqual([...shortfalls(report), ...fixedSinceListed(report)], [], `acoustic/${set} with flex`);
    });
  }

  // The node as a dual-technology window would be configured (docs/examples/window-dual-technology.json:
  // the flex is required), with its accelerometer on the pane modelled rather than assumed: breaks flex the
  // pane, and so do knocks on it, door slams and loud sounds.
  for (const set of SETS) {
    it(`acoustic, ${set} set, dual technology with the pane's accelerometer modelled (flex required): recall ≥ ${100 * MIN_RECALL}% at every level, no confuser alarms`, function () {
      const loaded = loadConfig(readFileSync(DUAL_TECHNOLOGY_CONFIG, 'utf8'), 'acoustic');
      if (!loaded.ok) assert.fail(`${DUAL_TECHNOLOGY_CONFIG}: ${loaded.errors.join('; ')}`);
      assert.equal(loaded.config.detectors.glassBreak.requireFlex, true);
      const report = runEval({ sensor: 'acoustic', holdout: set === 'holdout', size: 'small', seed: 1, pane: true, config: loaded.config }, corpus('acoustic', set));
      console.log(`      ${summaryLine(report)}`);
      assert.ok(report.falseAlarms.some((r) => r.group === 'pane_knock' && r.cases > 0), 'the corpus knocks on panes');
      assert.deepEqual([...shortfalls(report), ...fixedSinceListed(report)], [], `acoustic/${set}, dual technology`);
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
      }
    }
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function evalCommand(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', 'simulator/cli/eval.ts', ...args], { cwd: root, encoding: 'utf8' });
}

describe('eval command (npm run --silent eval)', function () {
  this.timeout(60_000);

  it('--json prints one JSON object: the set, and per sensor recall, false alarms, latency and a summary', function () {
    const result = evalCommand('--sensor', 'tilt', '--size', 'small', '--holdout', '--seed', '3', '--json');
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    const report = JSON.parse(lines[0]) as { set: string; size: string; seed: number; sensors: Record<string, Record<string, unknown>> };
    assert.deepEqual([report.set, report.size, report.seed, Object.keys(report.sensors)], ['holdout', 'small', 3, ['tilt']]);
    const tilt = report.sensors.tilt as { role: string; set: string; recall: { threat: string; level: string }[]; falseAlarms: { group: string }[]; latency: { threat: string; p50Ms: number; p95Ms: number }[] };
    assert.equal(tilt.role, 'balcony');
    assert.equal(tilt.set, 'holdout');
    assert.ok(tilt.recall.length >= 6 && tilt.recall.every((r) => r.threat === 'tilt' && /deg$/.test(r.level)));
    assert.ok(tilt.falseAlarms.some((r) => r.group === 'wind_sway'));
    assert.ok(tilt.latency[0].p50Ms > 0 && tilt.latency[0].p95Ms >= tilt.latency[0].p50Ms);
  });

  it('--seeds pools the corpora of consecutive seeds: twice the cases of one, the same figures for each seed alone', function () {
    type Report = { seed: number; seeds: number; sensors: { tilt: { seeds: number; summary: { cases: number; threatCases: number }; recall: { detected: number; cases: number }[] } } };
    const run = (...args: string[]): Report => {
      const result = evalCommand('--sensor', 'tilt', '--size', 'small', '--json', ...args);
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as Report;
    };
    const [first, second, pooled] = [run('--seed', '4'), run('--seed', '5'), run('--seed', '4', '--seeds', '2')];
    assert.deepEqual([pooled.seed, pooled.seeds, pooled.sensors.tilt.seeds], [4, 2, 2]);
    assert.equal(pooled.sensors.tilt.summary.cases, first.sensors.tilt.summary.cases + second.sensors.tilt.summary.cases);
    const detected = (r: Report): number => r.sensors.tilt.recall.reduce((n, row) => n + row.detected, 0);
    assert.equal(detected(pooled), detected(first) + detected(second));
    const table = evalCommand('--sensor', 'tilt', '--size', 'small', '--seed', '4', '--seeds', '2');
    assert.match(table.stdout, /seeds 4–5 pooled \(2 corpora\)/);
  });

  it('--config runs a given configuration instead of the role\'s defaults, and says so', function () {
    const directory = mkdtempSync(path.join(tmpdir(), 'vitrine-eval-'));
    try {
      const file = path.join(directory, 'coarse.json');
      // A tilt threshold of 5 degrees: the corpus's 0.5–4 degree lifts go unseen.
      writeFileSync(file, JSON.stringify({ role: 'balcony', detectors: { tilt: { thresholdDeg: 5 } } }));
      const result = evalCommand('--sensor', 'tilt', '--size', 'small', '--config', file, '--json');
      assert.equal(result.status, 0, result.stderr);
      const tilt = (JSON.parse(result.stdout) as { sensors: { tilt: { defaultConfig: boolean; summary: { detected: number; threatCases: number } } } }).sensors.tilt;
      assert.equal(tilt.defaultConfig, false);
      assert.equal(tilt.summary.detected, 0, `${tilt.summary.detected} of ${tilt.summary.threatCases} tilts found at a 5 degree threshold`);
      assert.match(evalCommand('--sensor', 'tilt', '--size', 'small', '--config', file).stdout, /the GIVEN configuration \(--config\) of role balcony/);
      writeFileSync(file, JSON.stringify({ detectors: { tilt: { thresholdDeg: 50 } } }));
      const bad = evalCommand('--sensor', 'tilt', '--size', 'small', '--config', file);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /configuration .*coarse\.json: .*thresholdDeg/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('runs a display case on its glass with its accelerometer on the pane; --no-flex takes every flex away and leaves the sound alone its stricter bar', function () {
    type Report = { sensors: { acoustic: { role: string; pane: boolean; jointLossDb: number; flex: boolean; flexRequired: boolean; soundAloneStricter: boolean; summary: { detected: number; threatCases: number } } } };
    const run = (...args: string[]): Report['sensors']['acoustic'] => {
      const result = evalCommand('--sensor', 'acoustic', '--size', 'small', '--role', 'display_case', '--json', ...args);
      assert.equal(result.status, 0, result.stderr);
      return (JSON.parse(result.stdout) as Report).sensors.acoustic;
    };
    const [asMounted, felt, far] = [run(), run('--no-flex'), run('--joint-loss-db', '60')];
    assert.deepEqual([asMounted.role, asMounted.pane, asMounted.flexRequired, asMounted.soundAloneStricter], ['display_case', true, false, true]);
    assert.deepEqual([asMounted.jointLossDb, far.pane, far.jointLossDb], [0, true, 60]);
    // A blow 60 dB weaker flexes the node's pane by 16 mg at most, under impact.flexThresholdG: as if no flex came.
    assert.equal(far.summary.detected, felt.summary.detected);
    assert.deepEqual([felt.pane, felt.flex, felt.soundAloneStricter], [false, false, true]);
    assert.ok(felt.summary.detected < asMounted.summary.detected,
      `without the flex ${felt.summary.detected}, with it ${asMounted.summary.detected} of ${asMounted.summary.threatCases} breaks`);
    assert.match(evalCommand('--sensor', 'acoustic', '--size', 'small', '--role', 'display_case', '--no-flex').stdout,
      /microphone only \(no pane flex\); a flex adds flexBonus to the score; without one the sound alone needs minScoreWithoutFlex/);
  });

  it('prints a table naming the set, the role and what it measured', function () {
    const result = evalCommand('--sensor', 'tilt', '--size', 'small');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /== tilt: default parameter set \(the ranges the defaults were tuned on\)/);
    assert.match(result.stdout, /default configuration of role balcony/);
    assert.match(result.stdout, /\n {2}tilt {4}0\.50deg +2 +\d +\d+\.\d%/);
    assert.match(result.stdout, /\n {2}wind_sway +2 +\d/);
    assert.match(result.stdout, /latency from the onset to publishing, ms/);
  });

  it('--help prints what it does and every option on stdout, status 0, and runs nothing', function () {
    const result = evalCommand('--sensor', 'acoustic', '--help');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^usage: npm run --silent eval -- /);
    for (const option of ['--sensor', '--holdout', '--size', '--seed N', '--seeds COUNT', '--role', '--config', '--flex', '--pane', '--no-flex', '--joint-loss-db DB', '--json', '--help']) {
      assert.ok(result.stdout.includes(`  ${option}`), option);
    }
    assert.match(result.stdout, /docs\/examples\/window-microphone-only\.json/);
    assert.doesNotMatch(result.stdout, /== acoustic|lowest recall over/, 'nothing was evaluated');
  });

  it('without --sensor, runs a role or configuration on the sensors it runs and says which it skipped', function () {
    const balcony = evalCommand('--role', 'balcony', '--size', 'small', '--json');
    assert.equal(balcony.status, 0, balcony.stderr);
    assert.deepEqual(Object.keys((JSON.parse(balcony.stdout) as { sensors: object }).sensors), ['vibration', 'tilt']);
    assert.match(balcony.stderr, /^eval: acoustic skipped: the balcony configuration runs no acoustic pipeline$/m);
    const dir = mkdtempSync(path.join(tmpdir(), 'eval-cli-'));
    try {
      const file = path.join(dir, 'nothing.json');
      writeFileSync(file, JSON.stringify({ role: 'window', detectors: { glassBreak: { enabled: false }, grinder: { enabled: false }, impact: { enabled: false } } }));
      // No configuration runs none of the three: one with every detector off is refused (firmware/node/config.ts).
      const none = evalCommand('--config', file, '--size', 'small');
      assert.equal(none.status, 2);
      assert.match(none.stderr, /^eval: configuration .*nothing\.json: config\.detectors: every detector would be switched off/);
      assert.equal(none.stdout, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad arguments with a usage message and status 2', function () {
    for (const [args, message] of [
      [['--sensor', 'radar'], /--sensor must be one of acoustic, vibration, tilt, not 'radar'/],
      [['--seed', '-1'], /--seed must be a whole number from 0 to 4294967295, not '-1'/],
      [['--seed', '4294967297'], /--seed must be a whole number from 0 to 4294967295, not '4294967297'/],
      [['--seed', '4294967295', '--seeds', '2'], /--seed 4294967295 with --seeds 2 would pass the last seed, 4294967295/],
      [['--seeds', '0'], /--seeds must be a whole number of at least 1, not '0'/],
      [['--role', 'window', '--config', 'x.json'], /give --role or --config/],
      [['--sensor', 'vibration', '--flex'], /--flex models the pane's flex for glass break/],
      [['--sensor', 'tilt', '--pane'], /--pane models the pane's flex for glass break/],
      [['--sensor', 'acoustic', '--flex', '--pane'], /--flex .* and --pane .* exclude each other/],
      [['--sensor', 'acoustic', '--pane', '--no-flex'], /--pane \(the accelerometer modelled\) and --no-flex \(no flex at all\) exclude each other/],
      [['--sensor', 'tilt', '--no-flex'], /--no-flex models the pane's flex for glass break/],
      [['--sensor', 'acoustic', '--joint-loss-db', '-3'], /--joint-loss-db must be a number of dB from 0 to 60, not '-3'/],
      [['--sensor', 'acoustic', '--joint-loss-db', '61'], /--joint-loss-db must be a number of dB from 0 to 60, not '61'/],
      [['--sensor', 'acoustic', '--joint-loss-db', '20', '--no-flex'], /--joint-loss-db models the pane's accelerometer: it excludes --no-flex \(no flex at all\)/],
      [['--sensor', 'tilt', '--joint-loss-db', '20'], /--joint-loss-db models the pane's flex for glass break/],
      [['--frobnicate'], /unknown argument '--frobnicate'/],
      [['--sensor', 'acoustic', '--role', 'balcony', '--size', 'small'], /acoustic: the balcony configuration runs no acoustic pipeline: detectors.glassBreak.enabled is false/],
    ] as const) {
      const result = evalCommand(...args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  });
});

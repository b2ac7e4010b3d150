// `npm run --silent classify`: spawned on WAV files written with the signal library's writeWav, stdout
// checked line by line (one JSON alert per line, nothing else), stderr and the exit status for bad input.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GLASS_BREAK_OPTION_SPECS } from '../../../firmware/detect/glass-break';
import type { LabelledCase } from '../../../simulator/signals/corpus';
import { Rng } from '../../../simulator/signals/rng';
import { resample } from '../../../simulator/signals/resample';
import type { Signal } from '../../../simulator/signals/signal';
import { type WavFormat, writeWav } from '../../../simulator/signals/wav';
import { DEFAULT_MOTION_RANGES } from '../../../simulator/signals/motion/ranges';
import { drawGrinder, grinderSignal } from '../../../simulator/signals/motion/grinder';
import { drawImpact, impactSignal } from '../../../simulator/signals/motion/impacts';
import { confuserSignal, drawConfuser } from '../../../simulator/signals/motion/confusers';
import { drawTilt, tiltSignal } from '../../../simulator/signals/motion/tilt';
import { confuserCase, glassCase } from '../../helpers/acoustic-cases';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Alert {
  file: string;
  t: number;
  type: string;
  score: number;
}

interface Run {
  status: number | null;
  alerts: Alert[];
  stdout: string;
  stderr: string;
}

function classifyIn(initCwd: string | undefined, args: readonly string[]): Run {
  const env = { ...process.env };
  if (initCwd === undefined) delete env.INIT_CWD;
  else env.INIT_CWD = initCwd;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'simulator/cli/classify.ts', ...args], { cwd: root, encoding: 'utf8', env });
  const lines = result.stdout === '' ? [] : result.stdout.replace(/\n$/, '').split('\n');
  // Every line is exactly one alert object with these keys, nothing else.
  const alerts = lines.map((line) => {
    const alert = JSON.parse(line) as Alert;
    assert.deepEqual(Object.keys(alert), ['file', 't', 'type', 'score'], line);
    assert.ok(alert.score >= 0 && alert.score <= 1, line);
    return alert;
  });
  return { status: result.status, alerts, stdout: result.stdout, stderr: result.stderr };
}

function classify(...args: string[]): Run {
  return classifyIn(undefined, args);
}

describe('classify command (npm run --silent classify)', function () {
  this.timeout(60_000);
  let dir = '';
  const file = (name: string): string => path.join(dir, name);
  const write = (name: string, signal: Signal, format: WavFormat): void => writeFileSync(file(name), writeWav(signal, { format }));
  let glass: LabelledCase;
  let ladderOnsetS = 0;
  let blowTimesS: number[] = [];

  before(function () {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vitrine-classify-'));
    // Microphone.
    glass = glassCase(41, 'tempered', 30, 'busy_gallery');
    write('break-16k.wav', glass.signal, 'pcm16');
    write('break-44k1.wav', resample(glass.signal, 44100), 'pcm16');
    write('break-48k.wav', resample(glass.signal, 48000), 'float32');
    write('keys.wav', confuserCase(43, 'keys', 30, 'quiet_gallery').signal, 'pcm16');
    write('door.wav', confuserCase(45, 'door_slam', 35, 'quiet_gallery').signal, 'pcm24');
    write('music.wav', confuserCase(42, 'music', 30, 'busy_gallery').signal, 'float32');
    write('break-8k.wav', resample(glass.signal, 8000), 'pcm16');
    write('soft-break.wav', glassCase(201, 'float', 10, 'busy_gallery').signal, 'pcm16');
    write('stereo.wav', { rateHz: 16000, channels: 2, data: new Float32Array(32000) }, 'pcm16');
    const whole = writeWav(glass.signal, { format: 'pcm16' });
    writeFileSync(file('truncated.wav'), whole.subarray(0, 10));
    writeFileSync(file('cut-short.wav'), whole.subarray(0, 1001));
    writeFileSync(file('text.wav'), 'this is not a WAV file\n');
    // Accelerometer: a grinder cutting for 41 s, at 1600 Hz in g and at 6400 Hz as integer PCM (±4 g full scale).
    let rng = new Rng(21);
    const grinderParams = drawGrinder(rng, DEFAULT_MOTION_RANGES.grinder, { rateHz: 1600, durationS: 45, onsetS: 4, activeS: 41, levelDb: 20 });
    grinderParams.contactS = '4.000-45.000';
    const grinder = grinderSignal(rng, grinderParams);
    write('grinder.wav', grinder, 'float32');
    const fast = resample(grinder, 6400);
    write('grinder-6400-pcm.wav', { ...fast, data: fast.data.map((v) => v / 4) }, 'pcm16');
    write('grinder-400.wav', resample(grinder, 400), 'float32');
    rng = new Rng(22);
    const impactParams = drawImpact(rng, DEFAULT_MOTION_RANGES.impact, { rateHz: 1600, durationS: 13, onsetS: 3, kind: 'series', part: 'glass', grade: 'medium' });
    blowTimesS = impactParams.blowTimesS.split(',').map(Number);
    write('blows.wav', impactSignal(rng, impactParams), 'float32');
    rng = new Rng(23);
    write('vacuum.wav', confuserSignal(rng, drawConfuser(rng, DEFAULT_MOTION_RANGES.confusers, 'vacuum', { rateHz: 1600, durationS: 12, startS: 3, endS: 11 })), 'float32');
    // Tilt: a ladder at 400 Hz, wind sway at 400 Hz.
    rng = new Rng(14);
    ladderOnsetS = 10;
    write('ladder-400.wav', tiltSignal(rng, drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, { rateHz: 400, durationS: 14, onsetS: ladderOnsetS, angleDeg: 0.8 })), 'float32');
    rng = new Rng(24);
    write('sway-400.wav', tiltSignal(rng, drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, {
      rateHz: 400, durationS: 40, onsetS: 0, angleDeg: 0, swayDeg: DEFAULT_MOTION_RANGES.windSwayDeg,
    })), 'float32');
    write('accel-200.wav', { rateHz: 200, channels: 3, data: new Float32Array(600) }, 'float32');
    write('accel-mono.wav', { rateHz: 1600, channels: 1, data: new Float32Array(1600) }, 'float32');
    writeFileSync(file('cooldown-0.json'), JSON.stringify({ id: 'cfg-1', mode: 'merge', config: { alerts: { cooldownMs: { grinder: 0 } } } }));
    writeFileSync(file('bad.json'), JSON.stringify({ detectors: { grinder: { minWanderHz: -3, bogus: 1 } }, health: { heartbeatMs: 100 } }));
    writeFileSync(file('balcony-no-vibration.json'), JSON.stringify({ role: 'balcony', detectors: { grinder: { enabled: false }, impact: { enabled: false } } }));
    writeFileSync(file('broken.json'), '{"detectors": ');
    writeFileSync(file('no-grinder.json'), JSON.stringify({ detectors: { grinder: { enabled: false } } }));
    writeFileSync(file('display-case.json'), JSON.stringify({ role: 'display_case' }));
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('acoustic: a real glass break at 16, 44.1 and 48 kHz gives one glass_break each, published at a block end ~0.4 s after the onset; confusers none', function () {
    const files = ['break-16k.wav', 'keys.wav', 'break-44k1.wav', 'door.wav', 'break-48k.wav', 'music.wav'].map(file);
    const run = classify('--sensor', 'acoustic', ...files);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(run.alerts.map((a) => [a.file, a.type]), [[files[0], 'glass_break'], [files[2], 'glass_break'], [files[4], 'glass_break']]);
    const onsetS = glass.onsetS as number;
    for (const a of run.alerts) {
      assert.ok(a.t >= onsetS + 0.3 && a.t <= onsetS + 0.6, `${a.file}: t ${a.t} s, onset ${onsetS.toFixed(3)} s`);
      assert.ok(Math.abs(a.t * 1000 / 16 - Math.round(a.t * 1000 / 16)) < 1e-6, `${a.file}: ${a.t} s is the end of a 16 ms block`);
      assert.ok(a.score >= GLASS_BREAK_OPTION_SPECS.minScore.default, String(a.score));
    }
  });

  it('acoustic: a display case\'s stricter bar for a sound without the flex does not apply to a recording, which has no accelerometer', function () {
    const run = classify('--sensor', 'acoustic', '--config', file('display-case.json'), file('soft-break.wav'));
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.alerts.length, 1, 'judged by minScore (0.5), not minScoreWithoutFlex (0.9)');
    assert.ok(run.alerts[0].type === 'glass_break' && run.alerts[0].score >= 0.5 && run.alerts[0].score < 0.9, JSON.stringify(run.alerts[0]));
  });

  it('acoustic: a file it cannot use gets a reason naming it on stderr and status 2; the others are still processed', function () {
    const names = ['missing.wav', 'break-8k.wav', 'stereo.wav', 'truncated.wav', 'break-16k.wav', 'cut-short.wav', 'text.wav'];
    const run = classify('--sensor', 'acoustic', ...names.map(file));
    assert.equal(run.status, 2);
    assert.deepEqual(run.alerts.map((a) => [path.basename(a.file), a.type]), [['break-16k.wav', 'glass_break']]);
    const reasons = run.stderr.trim().split('\n');
    assert.equal(reasons.length, 6, run.stderr);
    const expected = [
      /missing\.wav: cannot read \(ENOENT/,
      /break-8k\.wav: is sampled at 8000 Hz; the acoustic pipeline needs 16000 Hz or more/,
      /stereo\.wav: has 2 channels; the acoustic pipeline takes a mono microphone recording/,
      /truncated\.wav: truncated header: 10 bytes/,
      /cut-short\.wav: chunk 'data' declares \d+ bytes but only \d+ remain/,
      /text\.wav: not a RIFF file/,
    ];
    expected.forEach((pattern, i) => {
      assert.match(reasons[i], /^classify: /);
      assert.match(reasons[i], pattern);
    });
  });

  it('reads relative paths from where npm was called (INIT_CWD), and names them as given', function () {
    const run = classifyIn(dir, ['--sensor', 'acoustic', 'break-16k.wav', 'keys.wav']);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.alerts.map((a) => [a.file, a.type]), [['break-16k.wav', 'glass_break']]);
  });

  it('vibration: a grinder published once per cooldown (30 s), blows as one impact at the third blow, a vacuum cleaner nothing', function () {
    const run = classify('--sensor', 'vibration', file('grinder.wav'), file('blows.wav'), file('vacuum.wav'));
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.alerts.map((a) => [path.basename(a.file), a.type]), [['grinder.wav', 'grinder'], ['grinder.wav', 'grinder'], ['blows.wav', 'impact']]);
    const [first, second, impact] = run.alerts;
    assert.ok(first.t > 4 && first.t < 6, `first grinder alert at ${first.t} s (contact from 4 s)`);
    assert.ok(second.t - first.t >= 30 - 1e-9 && second.t - first.t < 41, `second alert ${second.t - first.t} s after the first`);
    assert.ok(impact.t >= blowTimesS[2] && impact.t <= blowTimesS[2] + 0.1, `impact at ${impact.t} s, third blow at ${blowTimesS[2]} s`);
    assert.equal(run.stderr, '');
  });

  it('vibration: a recording under the grinder\'s 1000 Hz gets a note on stderr that a grinder may be missed; the status stays 0', function () {
    const run = classify('--sensor', 'vibration', file('grinder-400.wav'));
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /^classify: .*grinder-400\.wav: note: recorded at 400 Hz, it holds nothing above 200 Hz; .*need 1000 Hz or more, so a grinder may be missed/);
    // Without the grinder, nothing to warn about.
    const noGrinder = classify('--sensor', 'vibration', '--config', file('no-grinder.json'), file('grinder-400.wav'));
    assert.equal(noGrinder.status, 0, noGrinder.stderr);
    assert.equal(noGrinder.stderr, '');
  });

  it('vibration: --config (a cmd/config request) with no grinder cooldown publishes every detection of the grinder (its 10 s hold-off apart)', function () {
    const run = classify('--sensor', 'vibration', '--config', file('cooldown-0.json'), file('grinder.wav'));
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.alerts.length >= 4 && run.alerts.every((a) => a.type === 'grinder'), run.stdout);
    for (let i = 1; i < run.alerts.length; i++) {
      const gap = run.alerts[i].t - run.alerts[i - 1].t;
      assert.ok(gap >= 10 - 1e-9 && gap < 12, `gap ${gap} s`);
    }
  });

  it('vibration: integer PCM at 6400 Hz needs --full-scale-g; with it, the same alerts as the float recording', function () {
    const without = classify('--sensor', 'vibration', file('grinder-6400-pcm.wav'), file('blows.wav'));
    assert.equal(without.status, 2);
    assert.match(without.stderr, /grinder-6400-pcm\.wav: is 16-bit integer PCM: give --full-scale-g N/);
    assert.deepEqual(without.alerts.map((a) => path.basename(a.file)), ['blows.wav']);
    const scaled = classify('--sensor', 'vibration', '--full-scale-g', '4', file('grinder-6400-pcm.wav'));
    const float = classify('--sensor', 'vibration', file('grinder.wav'));
    assert.equal(scaled.status, 0, scaled.stderr);
    assert.deepEqual(scaled.alerts.map((a) => [a.t, a.type]), float.alerts.map((a) => [a.t, a.type]));
  });

  it('tilt: a ladder recorded at 400 Hz is published within 1.2 s of its start; wind sway is not; bad accelerometer files are named', function () {
    const run = classify('--sensor', 'tilt', file('ladder-400.wav'), file('accel-200.wav'), file('sway-400.wav'), file('accel-mono.wav'));
    assert.equal(run.status, 2);
    assert.deepEqual(run.alerts.map((a) => [path.basename(a.file), a.type]), [['ladder-400.wav', 'tilt']]);
    assert.ok(run.alerts[0].t > ladderOnsetS && run.alerts[0].t <= ladderOnsetS + 1.2, `t ${run.alerts[0].t}`);
    assert.match(run.stderr, /accel-200\.wav: is sampled at 200 Hz; accelerometer recordings must be 400–6400 Hz/);
    assert.match(run.stderr, /accel-mono\.wav: has 1 channel\(s\); an accelerometer recording has 3 \(x, y, z in g\)/);
  });

  it('an invalid configuration: every problem with its path on stderr, status 2, nothing processed', function () {
    const bad = classify('--sensor', 'vibration', '--config', file('bad.json'), file('blows.wav'));
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    for (const problem of ['config.detectors.grinder.minWanderHz: -3 Hz is outside 0..20 Hz', 'config.detectors.grinder.bogus: unknown option',
      'config.health.heartbeatMs: 100 ms is outside 1000..60000 ms']) assert.ok(bad.stderr.includes(problem), bad.stderr);
    const off = classify('--sensor', 'vibration', '--config', file('balcony-no-vibration.json'), file('blows.wav'));
    assert.equal(off.status, 2);
    assert.equal(off.stdout, '');
    assert.match(off.stderr, /the balcony configuration runs no vibration pipeline/);
    const broken = classify('--sensor', 'vibration', '--config', file('broken.json'), file('blows.wav'));
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /config: not JSON/);
    const missing = classify('--sensor', 'vibration', '--config', file('nowhere.json'), file('blows.wav'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nowhere\.json: 1 problem\(s\); nothing was processed\n {2}cannot read: ENOENT/);
  });

  it('stops quietly when whoever reads its output has gone (classify … | head -1)', async function () {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/cli/classify.ts', '--sensor', 'acoustic',
      ...Array.from({ length: 4 }, () => file('break-16k.wav'))], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    let first = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      first += chunk;
      // The reader takes one line and goes away, as head -1 does.
      if (first.includes('\n')) child.stdout.destroy();
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.match(first, /^\{"file":.*"type":"glass_break"/);
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });

  it('refuses bad arguments with a usage message and status 2', function () {
    for (const [args, message] of [
      [[file('blows.wav')], /--sensor is required/],
      [['--sensor', 'seismic', file('blows.wav')], /--sensor must be one of acoustic, vibration, tilt, not 'seismic'/],
      [['--sensor', 'vibration'], /no WAV file given/],
      [['--sensor', 'vibration', '--full-scale-g', '0', file('blows.wav')], /--full-scale-g must be a number of g above 0/],
      [['--sensor', 'acoustic', '--full-scale-g', '2', file('keys.wav')], /--full-scale-g applies to accelerometer recordings/],
    ] as const) {
      const run = classify(...args);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('--help prints what it does and every option on stdout, status 0, nothing processed', function () {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'simulator/cli/classify.ts', '--sensor', 'acoustic', '--help', file('keys.wav')], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^usage: npm run --silent classify -- --sensor/);
    for (const option of ['--sensor acoustic', '--sensor vibration', '--sensor tilt', '--config FILE.json', '--full-scale-g N', '--help']) assert.ok(result.stdout.includes(option), option);
    assert.match(result.stdout, /judged on the sound alone/);
    assert.doesNotMatch(result.stdout, /"type"\s*:\s*"/, 'no alert line');
  });
});

/**
 * `npm start` as a user runs it (runDemo is start.ts without process.exit): a scenario on the real
 * firmware and signal library, its live lines and its summary, and its refusals.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../simulator/cli/usage-error';
import { startMosquitto } from '../../simulator/broker/mosquitto';
import { runDemo } from '../../simulator/run/demo';
import { SIGNAL_LIBRARY, SIMULATOR_FIRMWARE } from '../../simulator/run/stack';

describe('npm start', function () {
  this.timeout(90_000);
  let directory: string;

  beforeEach(function () {
    directory = mkdtempSync(path.join(tmpdir(), 'vitrine-demo-'));
  });
  afterEach(function () {
    rmSync(directory, { recursive: true, force: true });
  });

  async function demo(args: string[]): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await runDemo([...args, '--run-dir', directory], { firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY, out: (line) => lines.push(line) });
    return { code, lines };
  }

  it('plays the smoke scenario with its faults in virtual time, prints each alert located, and sums up', async function () {
    const { code, lines } = await demo(['--scenario', 'smoke', '--clock', 'virtual', '--strict']);
    assert.equal(code, 0, lines.join('\n'));
    const alert = lines.find((l) => / ALERT {4}glass_break {2}case-1 /.test(l));
    assert.ok(alert !== undefined, lines.join('\n'));
    assert.match(alert, /^09:30:0\d\.\d{3} {2}T\+ {3}\d\.\d s {2}ALERT {4}glass_break {2}case-1 {11}Case 1 — test case, Bench room, floor 0 {2}score \d\.\d\d \w+ {2}— latency \d+ ms from "glass_break"/);
    assert.ok(lines.some((l) => / OFFLINE {2}case-1/.test(l)), 'the power loss is seen');
    assert.ok(lines.includes('  expected: 2, received 2, missed 0'), lines.join('\n'));
    assert.ok(lines.includes('  unexpected alerts (false alarms): 0'));
    assert.ok(lines.some((l) => l.startsWith('  faults applied: network_drop window-1 at 2 s; broker_stop at 8.5 s; broker_start at 9.5 s; power_loss case-1 at 10 s')));
    assert.ok(lines.some((l) => /^ {2}signal rendering: \d+ s of sensor signal \(all nodes\) in [\d.]+ s — [\d.]+ s of rendering per second of scenario/.test(l)));
  });

  it('refuses to play broker faults on a broker it cannot stop, and says how to run it', async function () {
    const broker = await startMosquitto();
    try {
      await assert.rejects(demo(['--scenario', 'smoke', '--clock', 'virtual', '--broker', broker.url]),
        /the scenario stops and starts the broker \(broker_stop at 8\.5 s, broker_start at 9\.5 s\), but mqtt:\/\/127\.0\.0\.1:\d+ is an external broker the simulator cannot stop\. Run it on the embedded broker \(no --broker\), or skip those faults with --skip-broker-faults\./);
    } finally {
      await broker.stop();
    }
  });

  it('a window whose microphone and accelerometer were stuck flat raises no glass break when the room comes back', async function () {
    // The smoke scenario's site with one window: microphone flat 3–13 s, accelerometer flat 4–14 s (so the
    // sound alone decides); nothing happens in the room. The return of its sound once alarmed (score 0.74).
    const smoke = JSON.parse(readFileSync(new URL('../../simulator/scenarios/smoke.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const file = path.join(directory, 'mic-back.json');
    writeFileSync(file, JSON.stringify({
      ...smoke, name: 'microphone back', seed: 7, durationS: 20, timeline: [],
      nodes: [{ id: 'window-2', role: 'window', location: { building: 'Lab', floor: '0', room: 'Bench room', element: 'window-2', label: 'window-2' },
        position: { x: 4, y: 0 }, mounting: { surface: 'glass', orientation: 'vertical' } }],
      faults: [
        { at: 3, kind: 'sensor_flat', node: 'window-2', sensor: 'microphone', durationS: 10 },
        { at: 4, kind: 'sensor_flat', node: 'window-2', sensor: 'accelerometer', durationS: 10 },
      ],
    }));
    const { code, lines } = await demo(['--scenario', file, '--clock', 'virtual', '--strict']);
    assert.ok(lines.includes('  unexpected alerts (false alarms): 0'), lines.join('\n'));
    assert.equal(code, 0, lines.join('\n'));
  });

  it('draws each installation\'s incarnation at random, so a node whose storage was erased never reuses an alert id', async function () {
    const first = await demo(['--scenario', 'smoke', '--clock', 'virtual']);
    assert.equal(first.code, 0, first.lines.join('\n'));
    const incarnation = (): string => (JSON.parse(readFileSync(path.join(directory, 'case-1.json'), 'utf8')) as { inc: string }).inc;
    const before = incarnation();
    rmSync(path.join(directory, 'case-1.json'));
    const second = await demo(['--scenario', 'smoke', '--clock', 'virtual']);
    assert.equal(second.code, 0, second.lines.join('\n'));
    assert.match(before, /^[0-9a-f]{8}$/);
    assert.notEqual(incarnation(), before, 'the same scenario seed, a new installation');
  });

  it('names an unknown option and a bad clock, as usage errors: npm start exits 2 for them', async function () {
    await assert.rejects(demo(['--clokc', 'virtual']), (error: unknown) => error instanceof UsageError && /Unknown option '--clokc'/.test(error.message));
    await assert.rejects(demo(['--clock', 'fast']), (error: unknown) => error instanceof UsageError && /--clock must be real or virtual, not fast/.test(error.message));
    await assert.rejects(demo(['--broker']), (error: unknown) => error instanceof UsageError && /--broker needs a URL/.test(error.message));
    const start = spawnSync(process.execPath, ['--import', 'tsx', 'simulator/cli/start.ts', '--clokc', 'virtual'],
      { cwd: fileURLToPath(new URL('../../', import.meta.url)), encoding: 'utf8' });
    assert.equal(start.status, 2);
    assert.match(start.stderr, /^npm start: Unknown option '--clokc'.* \(npm start -- --help lists the options\)\n$/);
  });

  it('Ctrl-C stops a real-time run where it is, prints the summary with what was not reached, and exits 130', async function () {
    this.timeout(60_000);
    const directory = mkdtempSync(path.join(tmpdir(), 'vitrine-demo-int-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/cli/start.ts', '--scenario', 'smoke', '--no-console', '--run-dir', directory],
        { cwd: fileURLToPath(new URL('../../', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        // Interrupt once the nodes are up, before the smoke scenario's threats (from 3 s of its 12 s).
        if (/ONLINE {3}\S+[\s\S]*ONLINE {3}\S+/.test(stdout) && !child.killed) child.kill('SIGINT');
      });
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(status, 130, stdout);
      assert.match(stdout, /^INTERRUPTED \(Ctrl-C\) at \d+\.\d s of 12 s: [1-9]\d* expected alert\(s\) later in the scenario are not counted$/m);
      assert.match(stdout, /^Summary of "Smoke test"/m);
      assert.match(stdout, /; not reached \(the run stopped first\): [1-9]/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

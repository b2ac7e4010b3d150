import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('bench command (npm run bench -- --json)', function () {
  this.timeout(60_000);

  it('prints one JSON object with the FFT figures and the three pipelines as its last line', function () {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'host-tests/bench/bench.ts', '--json'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const last = result.stdout.trim().split('\n').pop() ?? '';
    const figures = JSON.parse(last) as {
      fft: { n: number; xs: { computrons: number; fftjs_computrons: number }; node: { us: number; fftjs_us: number } };
      pipelines: Record<string, Record<string, number>>;
    };
    assert.equal(figures.fft.n, 512);
    assert.ok(figures.fft.xs.computrons > 50_000, `RealFft: ${figures.fft.xs.computrons} computrons`);
    assert.ok(figures.fft.xs.computrons <= figures.fft.xs.fftjs_computrons, 'RealFft costs no more computrons than fft.js realTransform');
    assert.ok(figures.fft.node.us > 0 && figures.fft.node.fftjs_us > 0);
    assert.deepEqual(Object.keys(figures.pipelines), ['acoustic', 'vibration', 'tilt']);
    for (const [name, pipeline] of Object.entries(figures.pipelines)) {
      assert.deepEqual(Object.keys(pipeline).sort(), ['node_ms_per_s', 'xs_alloc_bytes_per_s', 'xs_computrons_per_s', 'xs_ms_per_s'], name);
      assert.ok(pipeline.xs_computrons_per_s > 10_000 && pipeline.xs_ms_per_s > 0 && pipeline.node_ms_per_s > 0, `${name}: ${JSON.stringify(pipeline)}`);
      // Computrons and slots are deterministic: the pipelines allocate nothing in steady state.
      assert.equal(pipeline.xs_alloc_bytes_per_s, 0, name);
    }
  });

  it('--scenarios tilt --json measures the tilt pipeline fed at each accelerometer rate, with the busiest second and detections', function () {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'host-tests/bench/bench.ts', '--scenarios', 'tilt', '--json'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const { scenarios } = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as { scenarios: Record<string, Record<string, number>> };
    const beside = 'tilt: 1600 Hz input beside the vibration pipeline';
    assert.deepEqual(Object.keys(scenarios), ['tilt: 50 Hz input', 'tilt: 400 Hz input', 'tilt: 1344 Hz input', 'tilt: 1600 Hz input', beside]);
    for (const [name, f] of Object.entries(scenarios)) {
      assert.ok(f.xs_computrons_max_per_s >= f.xs_computrons_per_s && f.measured_s === 3 && f.detections === 0, `${name}: ${JSON.stringify(f)}`);
    }
    // Averaging a faster stream down to 50 Hz costs more.
    assert.ok(scenarios['tilt: 1600 Hz input'].xs_computrons_per_s > scenarios['tilt: 50 Hz input'].xs_computrons_per_s);
    // Beside the vibration pipeline (~0.3 M on a quiet signal), tilt reads its block stats instead of a pass
    // of its own over every sample (~0.13 M at 1600 Hz): together well under the two apart.
    const extra = scenarios[beside].xs_computrons_per_s - scenarios['tilt: 1600 Hz input'].xs_computrons_per_s;
    assert.ok(extra > 100_000 && extra < 250_000, `the vibration pipeline beside tilt adds ${extra} computrons/s`);
  });

  it('--help prints every option and measures nothing; a bad argument is a usage error with status 2', function () {
    const bench = (...args: string[]): ReturnType<typeof spawnSync> =>
      spawnSync(process.execPath, ['--import', 'tsx', 'host-tests/bench/bench.ts', ...args], { cwd: root, encoding: 'utf8' });
    const help = bench('--help');
    assert.equal(help.status, 0);
    for (const option of ['--json', '--scenarios [SENSOR]', '--help']) assert.ok(String(help.stdout).includes(option), option);
    assert.doesNotMatch(String(help.stdout), /computrons\s+\d/, 'nothing measured');
    for (const [args, message] of [
      [['--scenarios', 'bogus'], /^bench: --scenarios takes acoustic, vibration, tilt or nothing, not 'bogus'\nusage: /],
      [['--jsn'], /^bench: unknown argument '--jsn'\nusage: /],
    ] as const) {
      const result = bench(...args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(String(result.stderr), message);
      assert.equal(result.stdout, '');
    }
  });
});

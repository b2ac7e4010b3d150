import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('bench command (npm run bench -- --json)', function () {
  this.timeout(60_000);

  it('prints one JSON object with the FFT figures as its last line', function () {
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
    for (const [name, pipeline] of Object.entries(figures.pipelines)) {
      assert.deepEqual(Object.keys(pipeline).sort(), ['node_ms_per_s', 'xs_alloc_bytes_per_s', 'xs_computrons_per_s', 'xs_ms_per_s'], name);
    }
  });
});

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { assertDeepClose } from '../helpers/close';
import { runInXs } from '../helpers/xs/harness';
import { windowCase } from './cases/window-case';

const entry = fileURLToPath(new URL('./entries/window.entry.ts', import.meta.url));

describe('XS engine: firmware/dsp/window', function () {
  this.timeout(60_000);

  it('gives the same results under Node and inside XS (to the last bit of libm)', async function () {
    const sizes = [64, 512];
    const run = await runInXs(entry, sizes.map((n) => ({ name: 'window', arg: n, gcBefore: true })));
    assert.equal(run.engine.name, 'XS');
    assert.match(run.engine.version, /^\d+\.\d+\.\d+$/);
    for (const [i, n] of sizes.entries()) {
      const xs = run.results[i];
      assert.ok(xs !== undefined);
      assertDeepClose(xs.value, windowCase(n), 1e-12, `window(${n})`);
      assert.ok(xs.computrons > n, `XS metered ${xs.computrons} computrons for n=${n}`);
    }
    const [small, large] = run.results;
    assert.ok(small !== undefined && large !== undefined);
    assert.ok(large.computrons > small.computrons * 4, 'computrons grow with the work done');
    this.test!.title += ` [${run.engine.name} ${run.engine.version} via ${run.engine.package}; ` +
      `n=512: ${large.computrons} computrons]`;
    console.log(`      engine: ${run.engine.name} ${run.engine.version} (${run.engine.package}, ${run.engine.meterType}); ` +
      `computrons n=64: ${small.computrons}, n=512: ${large.computrons}`);
  });

  it('reports an error thrown inside XS with its message', async function () {
    await assert.rejects(runInXs(entry, [{ name: 'no-such-command' }]), /no XS command named 'no-such-command'/);
  });
});

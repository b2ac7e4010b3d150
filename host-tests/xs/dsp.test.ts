import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { assertDeepClose } from '../helpers/close';
import { runInXs } from '../helpers/xs/harness';
import type { XsCommandResult } from '../helpers/xs/harness';
import { createDspKernels } from './cases/dsp-case';

const entry = fileURLToPath(new URL('./entries/dsp.entry.ts', import.meta.url));

describe('XS engine: firmware/dsp kernels', function () {
  this.timeout(60_000);

  it('give the same results under Node and XS, and allocate nothing per call', async function () {
    const names = Object.keys(createDspKernels().run);
    // Every kernel twice (the second call is the steady state), each after a gc so allocation shows.
    const commands = [{ name: 'outputs' }, ...names.flatMap((name) => [{ name, gcBefore: true }, { name, gcBefore: true }])];
    const run = await runInXs(entry, commands);
    const [outputs, ...calls] = run.results;
    assert.ok(outputs !== undefined);
    assertDeepClose(outputs.value, createDspKernels().outputs(), 1e-12, 'outputs');

    const node = createDspKernels();
    const steady = new Map<string, XsCommandResult>();
    for (const [i, result] of calls.entries()) {
      const name = names[i >> 1];
      assert.equal(result.name, name);
      assertDeepClose(result.value, node.run[name](), 1e-12, `${name} call ${(i & 1) + 1}`);
      if ((i & 1) === 1) steady.set(name, result);
    }
    const baseline = steady.get('noop');
    assert.ok(baseline !== undefined && baseline.allocatedSlots !== null);
    const table: string[] = [];
    for (const [name, result] of steady) {
      assert.equal(result.allocatedSlots, baseline.allocatedSlots, `${name} allocated ${result.allocatedSlots} slots (noop: ${baseline.allocatedSlots})`);
      if (name !== 'noop') {
        assert.ok(result.computrons > baseline.computrons, `${name} did some work`);
        table.push(`${name} ${result.computrons - baseline.computrons}`);
      }
    }
    console.log(`      XS computrons per call (noop subtracted): ${table.join(', ')}`);
  });
});

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Pipeline } from '../../../firmware/node/pipeline';
import { measurePipelines } from '../../bench/measure';
import { preparePipelineRun } from '../../bench/pipeline-run';
import registry from './bench-fixtures.registry';

const registryFile = fileURLToPath(new URL('./bench-fixtures.registry.ts', import.meta.url));

describe('bench: measuring a pipeline per second of signal', function () {
  this.timeout(60_000);

  it('reports zero allocation for an allocation-free pipeline and a positive one for a pipeline that allocates per block', async function () {
    const figures = await measurePipelines(registryFile, ['quiet', 'leaky'], { warmupS: 1, measureS: 2 });
    const { quiet, leaky } = figures;
    assert.equal(quiet.xs_alloc_bytes_per_s, 0);
    // One object per block, 62.5 blocks per second: at least one 16-byte slot each.
    assert.ok(leaky.xs_alloc_bytes_per_s >= 62 * 16, `leaky: ${leaky.xs_alloc_bytes_per_s} bytes/s`);
    // 16000 samples a second through a loop of ~29 computrons per sample, plus the per-block work.
    assert.ok(quiet.xs_computrons_per_s > 16000 * 20 && quiet.xs_computrons_per_s < 16000 * 100, `quiet: ${quiet.xs_computrons_per_s}`);
    assert.ok(leaky.xs_computrons_per_s > quiet.xs_computrons_per_s, 'allocating costs computrons too');
    for (const f of [quiet, leaky]) {
      assert.ok(f.xs_ms_per_s > 0 && Number.isFinite(f.xs_ms_per_s));
      assert.ok(f.node_ms_per_s > 0 && Number.isFinite(f.node_ms_per_s));
    }
  });

  it('feeds every block of the signal exactly once, second by second', function () {
    let pushed = 0;
    let frames = 0;
    const counting = {
      ...registry,
      counting: {
        ...registry.quiet,
        create: () => {
          const inner = registry.quiet.create();
          const pipeline: Pipeline = {
            kind: inner.kind,
            push: (block) => {
              pushed++;
              frames += block.frames;
              return inner.push(block);
            },
            reset: () => inner.reset(),
            snapshot: () => inner.snapshot(),
          };
          return pipeline;
        },
      },
    };
    const run = preparePipelineRun(counting, 'counting', 3);
    for (let s = 0; s < 3; s++) run.pushSecond(s);
    assert.equal(frames, 48000);
    assert.equal(pushed, Math.ceil(48000 / 256));
    assert.throws(() => preparePipelineRun(registry, 'missing', 1), /no pipeline named 'missing' in the bench registry \(have: quiet, leaky\)/);
  });
});

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { assertDeepClose } from '../helpers/close';
import { ambientInput, grinderInput, impactInput, tiltInput } from '../helpers/motion-inputs';
import { runInXs } from '../helpers/xs/harness';
import type { XsCommand } from '../helpers/xs/harness';
import { MotionRunner } from './cases/motion-case';
import type { DetectionRecord, MotionInput } from './cases/motion-case';

const entry = fileURLToPath(new URL('./entries/motion.entry.ts', import.meta.url));

/** Detections must match exactly in type and times, and to 1e-9 in scores and features. */
function assertSameDetections(xs: DetectionRecord[], node: DetectionRecord[], what: string): void {
  assert.equal(xs.length, node.length, `${what}: ${xs.length} detections in XS, ${node.length} in Node`);
  for (const [i, d] of node.entries()) {
    const x = xs[i];
    assert.equal(x.type, d.type, `${what}[${i}].type`);
    assert.equal(x.decidedMs, d.decidedMs, `${what}[${i}].decidedMs`);
    assert.equal(x.onsetMs, d.onsetMs, `${what}[${i}].onsetMs`);
    assertDeepClose(x.score, d.score, 1e-9, `${what}[${i}].score`);
    assertDeepClose(x.features, d.features, 1e-9, `${what}[${i}].features`);
  }
}

async function sameInXs(input: MotionInput, what: string): Promise<DetectionRecord[]> {
  const node = new MotionRunner(input).runAll();
  const run = await runInXs(entry, [{ name: 'load', arg: input }, { name: 'run', arg: 1e9 }, { name: 'found' }]);
  assertSameDetections(run.results[2].value as DetectionRecord[], node, what);
  return node;
}

describe('XS engine: motion pipelines', function () {
  this.timeout(60_000);

  it('vibration pipeline: the same grinder and impact detections under Node and XS', async function () {
    const grinder = await sameInXs(grinderInput(), 'grinder input');
    assert.ok(grinder.some((d) => d.type === 'grinder'), 'the grinder input yields a grinder detection');
    const impact = await sameInXs(impactInput(), 'impact input');
    assert.ok(impact.some((d) => d.type === 'impact'), 'the impact input yields an impact detection');
  });

  it('tilt pipeline: the same detections under Node and XS, at 50 Hz and decimated from 400 Hz', async function () {
    for (const rateHz of [50, 400]) {
      const found = await sameInXs(tiltInput(rateHz), `tilt input at ${rateHz} Hz`);
      assert.deepEqual(found.map((d) => d.type), ['tilt'], `one tilt detection at ${rateHz} Hz`);
    }
  });

  it('allocates nothing per block in steady state and keeps within the computation budgets', async function () {
    // One second of blocks per measurement, after a warm-up; each measured command starts after a GC.
    interface Measured { slots: number; computrons: number; analysed: number }
    const measure = async (input: MotionInput, warmBlocks: number, blocksPerSecond: number): Promise<Measured> => {
      const commands: XsCommand[] = [
        { name: 'load', arg: input }, { name: 'run', arg: warmBlocks }, { name: 'grinderFrames' },
        { name: 'noop', gcBefore: true }, { name: 'run', arg: blocksPerSecond, gcBefore: true }, { name: 'grinderFrames' },
      ];
      const run = await runInXs(entry, commands);
      const [, , before, noop, second, after] = run.results;
      assert.equal(second.value, 0, 'the measured second holds no detection');
      return {
        slots: (second.allocatedSlots ?? NaN) - (noop.allocatedSlots ?? NaN),
        computrons: second.computrons - noop.computrons,
        analysed: (after.value as number[])[0] - (before.value as number[])[0],
      };
    };
    // One continuous cut from 4 s, detected before 5 s; 5–6 s is analysed in full within the hold-off.
    const grinding = await measure(grinderInput(11, true), 250, 50);
    const quiet = await measure(ambientInput(4), 100, 50);
    // Tilt from 6.5 s: home learned (6 s), ladder not yet there (8 s).
    const tilt50 = await measure(tiltInput(50, 0.8), 65, 10);
    const tilt1600 = await measure(tiltInput(1600, 0.8), 325, 50);
    for (const [what, m] of Object.entries({ grinding, quiet, tilt50, tilt1600 })) {
      assert.equal(m.slots, 0, `${what}: ${m.slots} slots allocated in one second of blocks`);
    }
    assert.equal(grinding.analysed, 5, 'every 200 ms hop of the grinding second is analysed in full');
    assert.equal(quiet.analysed, 0, 'the gate stays closed on ambient vibration');
    assert.ok(grinding.computrons <= 1.2e6, `vibration while grinding: ${grinding.computrons} computrons per second (budget 1.2 M)`);
    assert.ok(quiet.computrons < grinding.computrons, 'the gate saves work when nothing happens');
    assert.ok(tilt50.computrons <= 0.1e6, `tilt at 50 Hz: ${tilt50.computrons} computrons per second (budget 0.1 M)`);
    console.log(`      computrons per second of signal: vibration grinding ${grinding.computrons}, quiet ${quiet.computrons}; ` +
      `tilt 50 Hz ${tilt50.computrons}, tilt fed 1600 Hz ${tilt1600.computrons}`);
  });
});

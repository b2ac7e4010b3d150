import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { assertDeepClose } from '../helpers/close';
import { runInXs } from '../helpers/xs/harness';
import { confuserCase, glassCase, toCounts } from '../helpers/acoustic-cases';
import { Rng } from '../../simulator/signals/rng';
import { ambient, drawAmbientParams, type AmbientProfile } from '../../simulator/signals/acoustic/ambient';
import { type AcousticRunResult, BLOCK_FRAMES, MIC_RATE_HZ, runAcoustic, splitBlocks } from './cases/acoustic-case';

const entry = fileURLToPath(new URL('./entries/acoustic.entry.ts', import.meta.url));
/** 500 blocks of 256 frames are exactly 8 s of 16 kHz signal: long enough to hold the odd candidate a crowd opens. */
const MEASURED_BLOCKS = 500;
const MEASURED_S = (MEASURED_BLOCKS * BLOCK_FRAMES) / MIC_RATE_HZ;
const WARMUP_BLOCKS = 63;
const BUDGET_COMPUTRONS_PER_S = 1.5e6;

function ambientCounts(seed: number, profile: AmbientProfile, seconds: number): number[] {
  const rng = new Rng(seed);
  return toCounts(ambient(rng, drawAmbientParams(rng, 'default', profile, seconds)));
}

/** The case's samples repeated end to end to `seconds`: a sound that keeps opening candidates. */
function tiledCounts(counts: readonly number[], seconds: number): number[] {
  const out = new Array<number>(Math.round(seconds * MIC_RATE_HZ));
  for (let i = 0; i < out.length; i++) out[i] = counts[i % counts.length];
  return out;
}

describe('XS engine: acoustic pipeline', function () {
  this.timeout(120_000);

  it('decides the same detections, candidates and snapshot under Node and inside XS', async function () {
    // A tempered-glass break, a crash cymbal, loud music (candidates stopped early) and a quiet break whose
    // candidate only the pane's flex opens (late, from its onset), back to back.
    const quiet = glassCase(309, 'tempered', 10, 'hvac_plant');
    const before = [...toCounts(glassCase(11, 'tempered', 20, 'busy_gallery').signal), ...toCounts(confuserCase(12, 'cymbal', 30, 'quiet_gallery').signal),
      ...toCounts(confuserCase(42, 'music', 30, 'busy_gallery').signal)];
    const counts = [...before, ...toCounts(quiet.signal)];
    const onsetMs = ((before.length / MIC_RATE_HZ) + (quiet.onsetS as number)) * 1000;
    const flexes = [{ beforeBlock: Math.ceil((onsetMs + 20) / (BLOCK_FRAMES * 1000 / MIC_RATE_HZ)), atMs: onsetMs + 5, peakG: 1 }];
    // Through JSON as XS's results come: a figure not measured (NaN) reads null on both sides.
    const node = JSON.parse(JSON.stringify(runAcoustic(splitBlocks(counts), undefined, flexes))) as AcousticRunResult;
    assert.ok(node.detections.length >= 2, 'the input contains two detected breaks');
    assert.ok(node.detections.some((d) => Math.abs(d.onsetMs - onsetMs) <= 12 && d.features.flex === 1), 'the quiet one, opened by its flex');
    const stopped = node.candidates.filter((c) => c.stoppedEarly).length;
    assert.ok(stopped >= 1 && stopped < node.candidates.length, `${stopped} of ${node.candidates.length} candidates stopped early`);
    const run = await runInXs(entry, [{ name: 'load', arg: counts }, { name: 'run', arg: flexes }]);
    const xs = run.results[1].value as AcousticRunResult;
    assert.equal(xs.detections.length, node.detections.length);
    xs.detections.forEach((d, i) => {
      const n = node.detections[i];
      assert.equal(d.type, n.type);
      assert.equal(d.onsetMs, n.onsetMs, `detection ${i} onsetMs`);
      assert.equal(d.decidedMs, n.decidedMs, `detection ${i} decidedMs`);
      assertDeepClose(d.score, n.score, 1e-9, `detection ${i} score`);
      assertDeepClose(d.features, n.features, 1e-9, `detection ${i} features`);
    });
    assert.equal(xs.candidates.length, node.candidates.length, 'candidates decided');
    assertDeepClose(xs.candidates, node.candidates, 1e-9, 'candidates');
    assertDeepClose(xs.snapshot, node.snapshot, 1e-9, 'snapshot');
  });

  // Loud music and keys shaken in a series open candidate after candidate; those in the context of the one
  // before stop their spectral stage early (GlassBreakCandidate.stoppedEarly), which keeps the mean in budget.
  for (const [name, seed, group, levelDb, profile] of [['loud music', 42, 'music', 30, 'busy_gallery'], ['keys shaken', 43, 'keys', 30, 'quiet_gallery']] as const) {
    it(`averages at most ${BUDGET_COMPUTRONS_PER_S / 1e6} M computrons/s over 8 s of ${name} repeated (candidate after candidate)`, async function () {
      const counts = tiledCounts(toCounts(confuserCase(seed, group, levelDb, profile).signal), ((WARMUP_BLOCKS + MEASURED_BLOCKS) * BLOCK_FRAMES) / MIC_RATE_HZ + 0.1);
      const run = await runInXs(entry, [
        { name: 'load', arg: counts },
        { name: 'push', arg: WARMUP_BLOCKS },
        { name: 'noop', gcBefore: true },
        { name: 'push', arg: MEASURED_BLOCKS, gcBefore: true },
        { name: 'candidates' },
      ]);
      const [, , noop, steady, candidates] = run.results;
      assert.equal((steady.allocatedSlots ?? NaN) - (noop.allocatedSlots ?? NaN), 0, 'slots allocated while pushing blocks');
      const { decided, stopped } = candidates.value as { decided: number; stopped: number };
      assert.ok(decided >= 4, `${decided} candidates decided: the input keeps the spectral stage busy`);
      const perSecond = (steady.computrons - noop.computrons) / MEASURED_S;
      console.log(`      ${name}: ${Math.round(perSecond)} computrons per second, ${decided} candidates (${stopped} stopped early)`);
      assert.ok(perSecond <= BUDGET_COMPUTRONS_PER_S, `${perSecond} computrons/s`);
    });
  }

  for (const profile of ['quiet_gallery', 'busy_gallery', 'hvac_plant'] as const) {
    it(`allocates nothing per block and averages at most ${BUDGET_COMPUTRONS_PER_S / 1e6} M computrons/s over 8 s of ${profile}`, async function () {
      const counts = ambientCounts(31, profile, ((WARMUP_BLOCKS + MEASURED_BLOCKS) * BLOCK_FRAMES) / MIC_RATE_HZ + 0.1);
      const run = await runInXs(entry, [
        { name: 'load', arg: counts },
        { name: 'push', arg: WARMUP_BLOCKS }, // about a second: floors settle, first candidates run
        { name: 'noop', gcBefore: true },
        { name: 'push', arg: MEASURED_BLOCKS, gcBefore: true },
      ]);
      const [, , noop, steady] = run.results;
      assert.equal(steady.value, 0, 'no detection in ambient');
      assert.equal((steady.allocatedSlots ?? NaN) - (noop.allocatedSlots ?? NaN), 0, 'slots allocated while pushing blocks');
      const perSecond = (steady.computrons - noop.computrons) / MEASURED_S;
      console.log(`      ${profile}: ${Math.round(perSecond)} computrons per second of 16 kHz signal (XS ${run.engine.version})`);
      assert.ok(perSecond <= BUDGET_COMPUTRONS_PER_S, `${perSecond} computrons/s`);
    });
  }
});

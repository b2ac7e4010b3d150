import assert from 'node:assert/strict';
import { ScenarioRun, SELF_BENCH_SCENARIOS } from '../../firmware/moddable/selfbench';
import { measureSelfBenchInXs, type XsSelfBenchFigures } from './cases/selfbench-case';

describe('XS engine: the self-benchmark (the board\'s scenarios, computrons for µs)', function () {
  this.timeout(120_000);
  let figures: XsSelfBenchFigures;

  before(async function () {
    figures = await measureSelfBenchInXs();
  });

  it('runs every scenario with the same detections as under Node, each pipeline reaching its busy stage', function () {
    const node = SELF_BENCH_SCENARIOS.map((scenario) => {
      const run = new ScenarioRun(scenario);
      for (let s = 0; s < scenario.warmS + scenario.measureS; s++) run.runSecond();
      return { scenario: scenario.name, detections: run.detections, snapshot: run.pipeline.snapshot() };
    });
    assert.deepEqual(figures.scenarios.map((f) => [f.scenario, f.detections]), node.map((n) => [n.scenario, n.detections]));
    // The synthetic signals do what they are there for: quiet ones decide nothing, busy ones reach the spectral stages.
    const byName = new Map(node.map((n) => [n.scenario, n]));
    assert.equal(byName.get('acoustic/gallery')?.detections, 0);
    assert.equal(byName.get('acoustic/gallery')?.snapshot.levels.candidates, 0);
    assert.ok((byName.get('acoustic/shatter')?.snapshot.levels.candidates ?? 0) >= 2, 'every burst opens a glass-break candidate');
    assert.equal(byName.get('vibration/structure')?.snapshot.levels.analysedFrames, 0, 'the grinder gate stays closed');
    assert.ok((byName.get('vibration/grinding')?.snapshot.levels.analysedFrames ?? 0) >= 20, 'the grinder gate opens on every cut');
    assert.equal(byName.get('tilt/balcony')?.snapshot.levels.learning, 0, 'the tilt home position is learned before measuring');
  });

  it('allocates nothing in the measured seconds, detections included', function () {
    for (const f of figures.scenarios) assert.deepEqual(f.allocatedSlotsPerSecond, f.allocatedSlotsPerSecond.map(() => 0), f.scenario);
  });

  it('measures each pipeline\'s own cost per second of signal (printed; npm run bench:selfbench prints them as JSON)', function () {
    for (const f of figures.scenarios) {
      assert.ok(f.computronsPerSignalS > 0 && f.generatorComputronsPerSignalS > 0, f.scenario);
      console.log(`      ${f.scenario}: ${f.computronsPerSignalS} computrons per s of signal (generator ${f.generatorComputronsPerSignalS}, subtracted)`);
    }
    for (const k of figures.fft) {
      assert.ok(k.computronsPerCall > 0);
      console.log(`      FFT ${k.impl} ${k.size}: ${k.computronsPerCall} computrons per power spectrum`);
    }
  });
});

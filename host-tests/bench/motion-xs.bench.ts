/**
 * `npm run bench:motion`: cost of the motion pipelines per second of sensor signal, inside Moddable's
 * XS engine (computrons and heap slots, deterministic; wall time in XS) and in Node (wall time), on
 * fixed inputs. Prints one JSON document.
 */
import { fileURLToPath } from 'node:url';
import { ambientInput, grinderInput, impactInput, tiltInput } from '../helpers/motion-inputs';
import { runInXs } from '../helpers/xs/harness';
import { MotionRunner } from '../xs/cases/motion-case';
import type { MotionInput } from '../xs/cases/motion-case';
import { Rng } from '../../simulator/signals/rng';
import { confuserSignal, drawConfuser } from '../../simulator/signals/motion/confusers';
import { DEFAULT_MOTION_RANGES } from '../../simulator/signals/motion/ranges';
import { sensorModel } from '../../simulator/signals/motion/sensor';
import { toCounts } from '../helpers/motion-inputs';

const entry = fileURLToPath(new URL('../xs/entries/motion.entry.ts', import.meta.url));

interface Scenario {
  name: string;
  input: MotionInput;
  /** Blocks run before the measured second, and blocks in one second. */
  warmBlocks: number;
  blocksPerSecond: number;
}

function vacuumInput(): MotionInput {
  const rng = new Rng(15);
  const params = { ...drawConfuser(rng, DEFAULT_MOTION_RANGES.confusers, 'vacuum', { rateHz: 1600, durationS: 8, startS: 3, endS: 8 }), levelDb: 20 };
  const unitsPerCount = sensorModel(params.sensor).lsbG;
  return { kind: 'vibration', rateHz: 1600, unitsPerCount, blockFrames: 32, samples: toCounts(confuserSignal(rng, params), unitsPerCount) };
}

const scenarios: Scenario[] = [
  { name: 'vibration 1600 Hz, ambient (gate closed)', input: ambientInput(4), warmBlocks: 100, blocksPerSecond: 50 },
  { name: 'vibration 1600 Hz, grinding (every hop analysed)', input: grinderInput(11, true), warmBlocks: 250, blocksPerSecond: 50 },
  { name: 'vibration 1600 Hz, vacuum cleaner (gate open, rejected)', input: vacuumInput(), warmBlocks: 250, blocksPerSecond: 50 },
  { name: 'vibration 1600 Hz, hammer blows', input: impactInput(), warmBlocks: 100, blocksPerSecond: 50 },
  // Tilt: measured from 6.5 s, after the home position was learned (6 s) and before the ladder (8 s).
  { name: 'tilt, 50 Hz input', input: tiltInput(50), warmBlocks: 65, blocksPerSecond: 10 },
  { name: 'tilt, 400 Hz input (decimated)', input: tiltInput(400), warmBlocks: 82, blocksPerSecond: 13 },
  { name: 'tilt, 1344 Hz input (decimated)', input: tiltInput(1344), warmBlocks: 273, blocksPerSecond: 42 },
  { name: 'tilt, 1600 Hz input (decimated)', input: tiltInput(1600), warmBlocks: 325, blocksPerSecond: 50 },
];

async function main(): Promise<void> {
  const results = [];
  for (const s of scenarios) {
    const run = await runInXs(entry, [
      { name: 'load', arg: s.input }, { name: 'run', arg: s.warmBlocks },
      { name: 'noop', gcBefore: true }, { name: 'run', arg: s.blocksPerSecond, gcBefore: true },
    ]);
    const [, , noop, second] = run.results;
    const seconds = (s.blocksPerSecond * s.input.blockFrames) / s.input.rateHz;
    // Node: the same runner, same blocks, timed over the whole input (wall time per second of signal).
    const node = new MotionRunner(s.input);
    const started = performance.now();
    node.runAll();
    const nodeMs = performance.now() - started;
    const totalSeconds = s.input.samples.length / 3 / s.input.rateHz;
    results.push({
      scenario: s.name,
      signalSeconds: seconds,
      computronsPerSecond: Math.round((second.computrons - noop.computrons) / seconds),
      allocatedSlotsPerSecond: ((second.allocatedSlots ?? NaN) - (noop.allocatedSlots ?? NaN)) / seconds,
      detectionsInMeasuredSecond: second.value,
      xsMsPerSecond: +(second.xsMs / seconds).toFixed(2),
      nodeMsPerSecond: +(nodeMs / totalSeconds).toFixed(3),
      engine: `${run.engine.name} ${run.engine.version} (${run.engine.package})`,
    });
  }
  // Cost breakdown: the shared per-sample front end alone, and one FFT of an analysis frame.
  const parts = await runInXs(entry, [
    { name: 'load', arg: ambientInput(2) }, { name: 'noop' }, { name: 'frontEnd', arg: 50 }, { name: 'transform' },
  ]);
  const [, noop, frontEnd, transform] = parts.results;
  const breakdown = {
    frontEndComputronsPerSecond: frontEnd.computrons - noop.computrons,
    fft256PowerComputronsPerFrame: transform.computrons - noop.computrons,
  };
  process.stdout.write(`${JSON.stringify({ budgets: { vibrationComputronsPerSecond: 1.2e6, tiltComputronsPerSecond: 0.1e6 }, breakdown, results }, null, 1)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

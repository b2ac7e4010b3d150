/**
 * The self-benchmark inside the XS engine: every scenario warmed up and measured second by second
 * exactly as the board does it (generated and pushed, then the same second generated alone), with
 * computrons in place of microseconds; plus the TypeScript FFT per call. Shared by the XS test and
 * `npm run bench:selfbench`.
 */
import { fileURLToPath } from 'node:url';
import { SELF_BENCH_FFT_SIZES, SELF_BENCH_SCENARIOS } from '../../../firmware/moddable/selfbench';
import { runInXs, type XsCommand, type XsCommandResult } from '../../helpers/xs/harness';

const entry = fileURLToPath(new URL('../entries/selfbench.entry.ts', import.meta.url));
const FFT_CALLS = 20;

export interface XsScenarioFigures {
  scenario: string;
  pipeline: string;
  rateHz: number;
  signalS: number;
  /** The pipeline's own computrons per second of signal (generation subtracted). */
  computronsPerSignalS: number;
  /** Slots allocated per measured second beyond what generating alone allocates (0: nothing per block). */
  allocatedSlotsPerSecond: number[];
  detections: number;
  /** Computrons of generating one second (what the subtraction removes). */
  generatorComputronsPerSignalS: number;
  xsMsPerSignalS: number;
}

export interface XsSelfBenchFigures {
  engine: string;
  scenarios: XsScenarioFigures[];
  fft: Array<{ impl: 'typescript'; size: number; computronsPerCall: number }>;
}

export async function measureSelfBenchInXs(): Promise<XsSelfBenchFigures> {
  const commands: XsCommand[] = [];
  const marks: Array<{ index: number; measureFrom: number }> = [];
  SELF_BENCH_SCENARIOS.forEach((scenario, index) => {
    commands.push({ name: 'prepare', arg: index });
    for (let s = 0; s < scenario.warmS; s++) commands.push({ name: 'run' });
    marks.push({ index, measureFrom: commands.length });
    for (let s = 0; s < scenario.measureS; s++) commands.push({ name: 'run', gcBefore: true }, { name: 'generate', gcBefore: true });
    commands.push({ name: 'detections' });
  });
  const fftFrom = commands.length;
  for (const size of SELF_BENCH_FFT_SIZES) commands.push({ name: 'fftPrepare', arg: size }, { name: 'noop' }, { name: 'fft', arg: FFT_CALLS });
  const xs = await runInXs(entry, commands);
  const at = (i: number): XsCommandResult => {
    const r = xs.results[i];
    if (r === undefined) throw new Error(`no XS result ${i}`);
    return r;
  };
  const scenarios = marks.map(({ index, measureFrom }): XsScenarioFigures => {
    const scenario = SELF_BENCH_SCENARIOS[index];
    let pipeline = 0;
    let generator = 0;
    let xsMs = 0;
    const allocated: number[] = [];
    for (let s = 0; s < scenario.measureS; s++) {
      const run = at(measureFrom + 2 * s);
      const generate = at(measureFrom + 2 * s + 1);
      pipeline += run.computrons - generate.computrons;
      generator += generate.computrons;
      xsMs += run.xsMs - generate.xsMs;
      allocated.push((run.allocatedSlots ?? NaN) - (generate.allocatedSlots ?? NaN));
    }
    return {
      scenario: scenario.name, pipeline: scenario.pipeline, rateHz: scenario.rateHz, signalS: scenario.measureS,
      computronsPerSignalS: Math.round(pipeline / scenario.measureS),
      allocatedSlotsPerSecond: allocated,
      detections: at(measureFrom + 2 * scenario.measureS).value as number,
      generatorComputronsPerSignalS: Math.round(generator / scenario.measureS),
      xsMsPerSignalS: +(xsMs / scenario.measureS).toFixed(2),
    };
  });
  const fft = SELF_BENCH_FFT_SIZES.map((size, i) => {
    const noop = at(fftFrom + 3 * i + 1);
    const calls = at(fftFrom + 3 * i + 2);
    return { impl: 'typescript' as const, size, computronsPerCall: Math.round((calls.computrons - noop.computrons) / FFT_CALLS) };
  });
  return { engine: `${xs.engine.name} ${xs.engine.version} (${xs.engine.package})`, scenarios, fft };
}

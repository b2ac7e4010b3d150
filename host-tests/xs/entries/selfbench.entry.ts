// Runs inside XS: the self-benchmark's scenarios and FFT kernel, the same code the selfbench build
// runs on the board (firmware/moddable/selfbench.ts), commanded step by step so XS meters each part.
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { FftRun, ScenarioRun, SELF_BENCH_SCENARIOS } from '../../../firmware/moddable/selfbench';

let run: ScenarioRun | undefined;
let fft: FftRun | undefined;

function current(): ScenarioRun {
  if (run === undefined) throw new Error('prepare a scenario first');
  return run;
}

serveXsCommands({
  noop: () => 0,
  /** Builds scenario `arg` (its index); returns its name. */
  prepare: (arg) => {
    const scenario = SELF_BENCH_SCENARIOS[arg as number];
    if (scenario === undefined) throw new Error(`no self-benchmark scenario ${String(arg)}`);
    run = new ScenarioRun(scenario);
    return scenario.name;
  },
  /** One second generated and pushed: returns its detections (a number, like `generate`'s reply). */
  run: () => current().runSecond(),
  /** The same second generated on the twin only. */
  generate: () => {
    current().generateSecond();
    return 0;
  },
  detections: () => current().detections,
  fftPrepare: (arg) => {
    fft = new FftRun(arg as number);
    fft.power(1);
    return 0;
  },
  /** `arg` TypeScript power spectra; returns 0 (the checksum stays inside). */
  fft: (arg) => {
    if (fft === undefined) throw new Error('fftPrepare first');
    fft.power(arg as number);
    return 0;
  },
});

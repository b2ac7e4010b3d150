/**
 * `npm run --silent bench [-- --json]`: the cost of the DSP floor and of the three pipelines.
 * - fft: RealFft.forward against fft.js realTransform at n = 512, in XS computrons (per call, dispatch
 *   subtracted) and in Node microseconds (median of batches);
 * - pipelines (pipelines.registry.ts): acoustic, vibration and tilt as a node builds them, per second of a
 *   representative signal at the nominal rate, steady state after a warm-up, in XS (computrons,
 *   allocated bytes as heap slots × 16 as on a 32-bit ESP32, time) and in Node (time); see measure.ts.
 * With --json the last line of output is one JSON object with exactly these figures; otherwise a table.
 *
 * `npm run --silent bench -- --scenarios [acoustic|vibration|tilt] [--json]`: the same measurement over the
 * situations of scenarios.registry.ts (ambient alone, threats, busy confusers, tilt input rates), with the
 * busiest second and the detections. --help lists the options; anything else is a usage error (status 2).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runInXs } from '../helpers/xs/harness';
import { FFT_BENCH_SIZE, createFftCase } from './fft-case';
import { measurePipelines } from './measure';
import type { DetailedFigures, PipelineFigures } from './measure';
import type { PipelineRegistry } from './pipeline-run';
import { HelpRequested, UsageError, commandLine } from '../../simulator/cli/usage-error';

interface FftFigures {
  n: number;
  xs: { computrons: number; fftjs_computrons: number };
  node: { us: number; fftjs_us: number };
}

/** XS computrons per call of RealFft.forward and fft.js realTransform at each size (dispatch subtracted). */
async function fftInXs(sizes: number[]): Promise<Map<number, FftFigures['xs']>> {
  const entry = fileURLToPath(new URL('./entries/fft.entry.ts', import.meta.url));
  // Each twice: the second call is the steady state (both are deterministic: the two calls match).
  const commands = [{ name: 'noop' }, ...sizes.flatMap((n) => ['prepare', 'realFft', 'realFft', 'fftJs', 'fftJs'].map((name) => ({ name, arg: n })))];
  const run = await runInXs(entry, commands);
  const noop = run.results[0];
  const figures = new Map<number, FftFigures['xs']>();
  sizes.forEach((n, i) => {
    const ours = run.results[1 + 5 * i + 2];
    const theirs = run.results[1 + 5 * i + 4];
    if (noop === undefined || ours === undefined || theirs === undefined) throw new Error('bench: missing XS results');
    figures.set(n, { computrons: ours.computrons - noop.computrons, fftjs_computrons: theirs.computrons - noop.computrons });
  });
  return figures;
}

/** Median over batches of the time per call, in microseconds, after a warm-up. */
function timeUs(call: () => number, batches = 15, perBatch = 400): number {
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += call();
  const times: number[] = [];
  for (let b = 0; b < batches; b++) {
    const started = performance.now();
    for (let i = 0; i < perBatch; i++) sink += call();
    times.push(((performance.now() - started) * 1000) / perBatch);
  }
  if (Number.isNaN(sink)) throw new Error('bench: FFT produced NaN');
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function contract(f: DetailedFigures): PipelineFigures {
  return {
    xs_computrons_per_s: f.xs_computrons_per_s,
    xs_alloc_bytes_per_s: f.xs_alloc_bytes_per_s,
    xs_ms_per_s: round(f.xs_ms_per_s, 3),
    node_ms_per_s: round(f.node_ms_per_s, 4),
  };
}

async function loadRegistry(file: string): Promise<PipelineRegistry> {
  return ((await import(pathToFileURL(file).href)) as { default: PipelineRegistry }).default;
}

function pipelineTable(registry: PipelineRegistry, figures: Record<string, DetailedFigures>): string[] {
  const names = Object.keys(figures);
  const width = Math.max('pipeline'.length, ...names.map((n) => n.length));
  const lines = ['Per second of signal (mean over the measured seconds; busiest second; allocation in steady state):',
    `${'pipeline'.padEnd(width)}  XS computrons  busiest second  XS alloc bytes  XS ms  Node ms  detections  measured`];
  for (const name of names) {
    const f = figures[name];
    lines.push(`${name.padEnd(width)}  ${String(f.xs_computrons_per_s).padStart(13)}  ${String(f.xs_computrons_max_per_s).padStart(14)}` +
      `  ${String(f.xs_alloc_bytes_per_s).padStart(14)}  ${f.xs_ms_per_s.toFixed(2).padStart(5)}  ${f.node_ms_per_s.toFixed(3).padStart(7)}` +
      `  ${String(f.detections).padStart(10)}  ${f.measured_s} s`);
  }
  lines.push('', 'signals:');
  for (const name of names) lines.push(`  ${name}: ${registry[name]?.description ?? '(not described)'}`);
  return lines;
}

const SENSORS = ['acoustic', 'vibration', 'tilt'] as const;
type Sensor = (typeof SENSORS)[number];

interface Args {
  json: boolean;
  /** --scenarios given, with the sensor whose scenarios to run (all when undefined). */
  scenarios: { sensor: Sensor | undefined } | undefined;
}


const USAGE = 'usage: npm run --silent bench -- [--json] | --scenarios [acoustic|vibration|tilt] [--json]';
const HELP = `${USAGE}

Measures what the firmware costs on the device: the real FFT against fft.js, and each pipeline per second
of signal at its nominal rate, in the XS engine (computrons, allocation) and in Node (time).

  --json                 one JSON object as the last line (the issue's contract) instead of the tables
  --scenarios [SENSOR]   the situations of host-tests/bench/scenarios.registry.ts (ambient, threats, busy
                         confusers, accelerometer rates) instead, all or one sensor's, with the busiest
                         second and the detections
  --help                 this text

Exit status 0, 1 if a measurement fails, 2 on a usage error. More: docs/classification.md ("bench").
`;

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false, scenarios: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') args.json = true;
    else if (arg === '--help') throw new HelpRequested();
    else if (arg === '--scenarios') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        args.scenarios = { sensor: undefined };
      } else {
        if (!(SENSORS as readonly string[]).includes(next)) throw new UsageError(`--scenarios takes ${SENSORS.join(', ')} or nothing, not '${next}'`);
        args.scenarios = { sensor: next as Sensor };
        i++;
      }
    } else throw new UsageError(`unknown argument '${arg}'`);
  }
  return args;
}

async function scenarios(sensor: Sensor | undefined, json: boolean): Promise<void> {
  const file = fileURLToPath(new URL('./scenarios.registry.ts', import.meta.url));
  const registry = await loadRegistry(file);
  const names = Object.keys(registry).filter((name) => sensor === undefined || name.startsWith(`${sensor}:`));
  if (names.length === 0) throw new Error(`scenarios.registry.ts has no scenario for '${sensor ?? 'any sensor'}'`);
  const figures = await measurePipelines(file, names);
  process.stdout.write(json ? `${JSON.stringify({ scenarios: figures })}\n` : `${pipelineTable(registry, figures).join('\n')}\n`);
}

async function main(): Promise<void> {
  const args = commandLine('bench', () => parseArgs(process.argv.slice(2)), { help: HELP, usage: USAGE });
  if (args === undefined) return;
  const json = args.json;
  if (args.scenarios !== undefined) {
    await scenarios(args.scenarios.sensor, json);
    return;
  }
  const sizes = json ? [FFT_BENCH_SIZE] : [64, 128, 256, 512, 1024, 2048];
  const xs = await fftInXs(sizes);
  const fftCase = createFftCase();
  const fft: FftFigures = {
    n: FFT_BENCH_SIZE,
    xs: xs.get(FFT_BENCH_SIZE) ?? { computrons: NaN, fftjs_computrons: NaN },
    node: { us: round(timeUs(fftCase.realFft), 2), fftjs_us: round(timeUs(fftCase.fftJs), 2) },
  };
  const registryFile = fileURLToPath(new URL('./pipelines.registry.ts', import.meta.url));
  const registry = await loadRegistry(registryFile);
  const measured = await measurePipelines(registryFile, Object.keys(registry));
  if (json) {
    const pipelines: Record<string, PipelineFigures> = {};
    for (const [name, f] of Object.entries(measured)) pipelines[name] = contract(f);
    process.stdout.write(`${JSON.stringify({ fft, pipelines })}\n`);
    return;
  }
  const lines = [
    `FFT n=${fft.n}: Node µs per call: RealFft.forward ${fft.node.us.toFixed(2)}, fft.js realTransform ${fft.node.fftjs_us.toFixed(2)}`,
    '',
    'FFT size   XS computrons: RealFft.forward   fft.js realTransform   ratio',
    ...sizes.map((n) => {
      const f = xs.get(n) ?? { computrons: NaN, fftjs_computrons: NaN };
      return `${String(n).padStart(8)}   ${String(f.computrons).padStart(30)}   ${String(f.fftjs_computrons).padStart(20)}   ${(f.computrons / f.fftjs_computrons).toFixed(2).padStart(5)}`;
    }),
    '',
    ...pipelineTable(registry, measured),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});

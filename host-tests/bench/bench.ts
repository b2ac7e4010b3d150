/**
 * `npm run --silent bench [-- --json]`: the cost of the DSP floor and of every registered pipeline.
 * - fft: RealFft.forward against fft.js realTransform at n = 512, in XS computrons (per call, dispatch
 *   subtracted) and in Node microseconds (median of batches);
 * - pipelines: per second of sensor signal at the nominal rate, steady state after a warm-up, in XS
 *   (computrons, allocated bytes as heap slots × 16 as on a 32-bit ESP32, time) and in Node (time);
 *   see measure.ts and pipelines.registry.ts.
 * With --json the last line of output is one JSON object with these figures; otherwise a table.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runInXs } from '../helpers/xs/harness';
import { FFT_BENCH_SIZE, createFftCase } from './fft-case';
import { measurePipelines } from './measure';
import type { PipelineFigures } from './measure';
import registry from './pipelines.registry';

interface FftFigures {
  n: number;
  xs: { computrons: number; fftjs_computrons: number };
  node: { us: number; fftjs_us: number };
}

async function fftInXs(): Promise<FftFigures['xs']> {
  const entry = fileURLToPath(new URL('./entries/fft.entry.ts', import.meta.url));
  // Each twice: the second call is the steady state (both engines are deterministic: they match).
  const run = await runInXs(entry, ['noop', 'realFft', 'realFft', 'fftJs', 'fftJs'].map((name) => ({ name })));
  const [noop, , ours, , theirs] = run.results;
  if (noop === undefined || ours === undefined || theirs === undefined) throw new Error('bench: missing XS results');
  return { computrons: ours.computrons - noop.computrons, fftjs_computrons: theirs.computrons - noop.computrons };
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

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const fftCase = createFftCase();
  const fft: FftFigures = {
    n: FFT_BENCH_SIZE,
    xs: await fftInXs(),
    node: { us: round(timeUs(fftCase.realFft), 2), fftjs_us: round(timeUs(fftCase.fftJs), 2) },
  };
  const registryFile = fileURLToPath(new URL('./pipelines.registry.ts', import.meta.url));
  const names = Object.keys(registry);
  const measured = await measurePipelines(registryFile, names);
  const pipelines: Record<string, PipelineFigures> = {};
  for (const name of names) {
    const f = measured[name];
    pipelines[name] = { ...f, xs_ms_per_s: round(f.xs_ms_per_s, 3), node_ms_per_s: round(f.node_ms_per_s, 4) };
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ fft, pipelines })}\n`);
    return;
  }
  const lines = [
    `FFT n=${fft.n}            XS computrons   Node µs`,
    `  RealFft.forward      ${String(fft.xs.computrons).padStart(13)}   ${fft.node.us.toFixed(2).padStart(7)}`,
    `  fft.js realTransform ${String(fft.xs.fftjs_computrons).padStart(13)}   ${fft.node.fftjs_us.toFixed(2).padStart(7)}`,
    '',
    'Pipelines, per second of signal   XS computrons   XS alloc bytes   XS ms   Node ms',
  ];
  if (names.length === 0) lines.push('  (none registered in host-tests/bench/pipelines.registry.ts)');
  for (const name of names) {
    const f = pipelines[name];
    lines.push(`  ${name.padEnd(31)}${String(f.xs_computrons_per_s).padStart(14)}${String(f.xs_alloc_bytes_per_s).padStart(17)}` +
      `${f.xs_ms_per_s.toFixed(2).padStart(8)}${f.node_ms_per_s.toFixed(3).padStart(10)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});

/**
 * Measures a Pipeline per second of sensor signal: inside XS (computrons, allocation, time) and in
 * Node (wall time), after a warm-up, with the signal and feeding of a registry entry.
 *
 * Allocation: XS counts heap slots; the harness collects garbage before each measured second, so the
 * slots alive after it, less the constant cost of the command dispatch (a `noop` command measured the
 * same way), are what the pipeline allocated in that second. Bytes are slots × 16, the size of a slot
 * on a 32-bit ESP32 (reference/moddable.md §6); chunk-heap bytes (ArrayBuffer contents, string
 * characters) come on top of these when something allocates, so a non-zero figure is a lower bound
 * and zero means zero.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { runInXs } from '../helpers/xs/harness';
import type { XsCommand, XsCommandResult } from '../helpers/xs/harness';
import { preparePipelineRun } from './pipeline-run';
import type { PipelineRegistry } from './pipeline-run';

export const SLOT_BYTES_ESP32 = 16;

export interface PipelineFigures {
  xs_computrons_per_s: number;
  xs_alloc_bytes_per_s: number;
  xs_ms_per_s: number;
  node_ms_per_s: number;
}

export interface MeasureOptions {
  /** Seconds pushed before measuring (state settles, noise floors learn); an entry's own warmupS wins. */
  warmupS?: number;
  /** Seconds measured, each as its own XS command; an entry's own measureS wins. */
  measureS?: number;
}

/** The contract's figures plus what the scenario view shows. */
export interface DetailedFigures extends PipelineFigures {
  /** The busiest measured second. */
  xs_computrons_max_per_s: number;
  /** Detections decided in the measured seconds. */
  detections: number;
  measured_s: number;
}

const serveModule = fileURLToPath(new URL('./pipeline-bench-xs.ts', import.meta.url));

/** Writes a throwaway XS entry that serves the given registry module. */
function writeEntry(dir: string, registryFile: string): string {
  const file = path.join(dir, 'pipeline-bench.entry.ts');
  writeFileSync(file, `import registry from ${JSON.stringify(registryFile)};\n` +
    `import { servePipelineBench } from ${JSON.stringify(serveModule)};\nservePipelineBench(registry);\n`);
  return file;
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function spans(registry: PipelineRegistry, name: string, options: MeasureOptions): { warmupS: number; measureS: number } {
  const entry = registry[name];
  return { warmupS: entry?.warmupS ?? options.warmupS ?? 2, measureS: entry?.measureS ?? options.measureS ?? 3 };
}

type XsFigures = Omit<DetailedFigures, 'node_ms_per_s'>;

/** XS figures for several pipelines of one registry module (its default export), one XS run each. */
async function measureInXs(registryFile: string, registry: PipelineRegistry, names: string[], options: MeasureOptions): Promise<Map<string, XsFigures>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vitrine-bench-'));
  const figures = new Map<string, XsFigures>();
  try {
    const entry = writeEntry(dir, registryFile);
    for (const name of names) {
      const { warmupS, measureS } = spans(registry, name, options);
      const commands: XsCommand[] = [{ name: 'prepare', arg: { name, seconds: warmupS + measureS } }];
      for (let s = 0; s < warmupS; s++) commands.push({ name: 'second', arg: s });
      commands.push({ name: 'noop', gcBefore: true });
      for (let s = warmupS; s < warmupS + measureS; s++) commands.push({ name: 'second', arg: s, gcBefore: true });
      const run = await runInXs(entry, commands);
      const noop = run.results[1 + warmupS];
      const measured = run.results.slice(2 + warmupS);
      if (noop === undefined || noop.name !== 'noop' || measured.length !== measureS) throw new Error('bench: unexpected XS results');
      const slots = (r: XsCommandResult): number => (r.allocatedSlots ?? NaN) - (noop.allocatedSlots ?? NaN);
      const computrons = measured.map((r) => r.computrons - noop.computrons);
      figures.set(name, {
        xs_computrons_per_s: Math.round(mean(computrons)),
        xs_alloc_bytes_per_s: Math.round(mean(measured.map(slots)) * SLOT_BYTES_ESP32),
        xs_ms_per_s: mean(measured.map((r) => r.xsMs)),
        xs_computrons_max_per_s: Math.max(...computrons),
        detections: measured.reduce((sum, r) => sum + Number(r.value), 0),
        measured_s: measureS,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

/** Node wall time per second of signal: the median of `passes` passes over the measured seconds. */
export function measureInNode(registry: PipelineRegistry, name: string, options: MeasureOptions & { passes?: number } = {}): number {
  const { warmupS, measureS } = spans(registry, name, options);
  const run = preparePipelineRun(registry, name, warmupS + measureS);
  for (let s = 0; s < warmupS; s++) run.pushSecond(s);
  const perPass: number[] = [];
  for (let pass = 0; pass < (options.passes ?? 5); pass++) {
    const started = performance.now();
    for (let s = warmupS; s < warmupS + measureS; s++) run.pushSecond(s);
    perPass.push((performance.now() - started) / measureS);
  }
  perPass.sort((a, b) => a - b);
  return perPass[Math.floor(perPass.length / 2)];
}

/** Both: every figure for each named pipeline of the registry module (the contract's four and the detail). */
export async function measurePipelines(registryFile: string, names: string[], options: MeasureOptions = {}): Promise<Record<string, DetailedFigures>> {
  const registry = ((await import(pathToFileURL(registryFile).href)) as { default: PipelineRegistry }).default;
  const xs = await measureInXs(registryFile, registry, names, options);
  const out: Record<string, DetailedFigures> = {};
  for (const name of names) {
    const figures = xs.get(name);
    if (figures === undefined) throw new Error(`bench: no XS figures for ${name}`);
    out[name] = { ...figures, node_ms_per_s: measureInNode(registry, name, options) };
  }
  return out;
}

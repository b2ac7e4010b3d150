/**
 * The self-benchmark: the node's three pipelines (built as the node builds them, with the role
 * defaults) fed synthetic signals made on the board (synthetic-signal.ts), measured in the steady
 * state after a warm-up, plus the FFT kernels (TypeScript and, where the build has it, native).
 *
 * Each measured second is timed twice over the same blocks: generated and pushed through the
 * pipeline, and generated alone on a twin generator; the difference is the pipeline's own cost. On a
 * device the clock is Time.ticks (ms) and the result µs per second of signal; the XS harness runs the
 * same ScenarioRun and subtracts computrons instead (host-tests/xs/selfbench.test.ts, bench:selfbench).
 */
import type { Fft } from '../dsp/fft';
import { RealFft } from '../dsp/fft';
import type { FftFactory } from '../dsp/fft-factory';
import type { NodeRole } from '../detect/types';
import type { DetectorKey, NodeProvisioning } from '../node/config';
import { DETECTOR_KEYS, defaultConfig } from '../node/config';
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../node/detector-registry';
import type { Pipeline, PipelineKind } from '../node/pipeline';
import { rolePipelineFactory } from '../node/pipeline-factory';
import { lis3dhUnitsPerCount } from './lis3dh';
import type { SyntheticKind } from './synthetic-signal';
import { SyntheticSignal } from './synthetic-signal';

export interface SelfBenchScenario {
  name: string;
  pipeline: PipelineKind;
  /** The role whose default configuration builds the pipeline. */
  role: NodeRole;
  signal: SyntheticKind;
  rateHz: number;
  blockFrames: number;
  /** Seconds of signal before measuring (noise floors settle, the tilt home position is learned). */
  warmS: number;
  measureS: number;
}

const MIC_UNITS_PER_COUNT = 1 / 32768;
/** LIS3DH at ±2 g, the default part and range (1600 Hz: its low-power rate, the vibration pipeline's nominal one). */
const ACCEL_UNITS_PER_COUNT = lis3dhUnitsPerCount(2);

export const SELF_BENCH_SCENARIOS: readonly SelfBenchScenario[] = [
  { name: 'acoustic/gallery', pipeline: 'acoustic', role: 'display_case', signal: 'gallery', rateHz: 16000, blockFrames: 256, warmS: 3, measureS: 4 },
  { name: 'acoustic/shatter', pipeline: 'acoustic', role: 'display_case', signal: 'shatter', rateHz: 16000, blockFrames: 256, warmS: 3, measureS: 4 },
  { name: 'vibration/structure', pipeline: 'vibration', role: 'display_case', signal: 'structure', rateHz: 1600, blockFrames: 32, warmS: 3, measureS: 4 },
  { name: 'vibration/grinding', pipeline: 'vibration', role: 'display_case', signal: 'grinding', rateHz: 1600, blockFrames: 32, warmS: 3, measureS: 4 },
  { name: 'tilt/balcony', pipeline: 'tilt', role: 'balcony', signal: 'balcony', rateHz: 1600, blockFrames: 32, warmS: 7, measureS: 4 },
];

/** FFT sizes the detectors use: 256 (glass-break spectral stage, grinder), 512 (acoustic snapshot). */
export const SELF_BENCH_FFT_SIZES: readonly number[] = [256, 512];
const SEED = 0x5e1fbe7c;
const PIPELINE_DETECTORS: Readonly<Record<PipelineKind, readonly DetectorKey[]>> = {
  acoustic: ['glassBreak'], vibration: ['grinder', 'impact'], tilt: ['tilt'],
};

/** The pipeline the node would run for this role and kind, with the role's default configuration. */
export function benchPipeline(scenario: Pick<SelfBenchScenario, 'pipeline' | 'role' | 'rateHz'>): Pipeline {
  const provisioning: NodeProvisioning = {
    site: 'bench', node: 'bench', role: scenario.role,
    location: { building: 'bench', floor: '0', room: 'bench', element: 'bench', label: 'self-benchmark' },
  };
  const defaults = defaultConfig({ provisioning, specs: DETECTOR_SPECS, detectorDefaults: ROLE_DETECTOR_DEFAULTS });
  // Only this pipeline's detectors, so that its build figures are its own.
  const detectors = { ...defaults.detectors };
  for (const key of DETECTOR_KEYS) {
    if (PIPELINE_DETECTORS[scenario.pipeline].includes(key)) continue;
    detectors[key] = { ...detectors[key], enabled: false };
  }
  const acoustic = scenario.pipeline === 'acoustic';
  const set = rolePipelineFactory({ accelerometerRateHz: acoustic ? 1600 : scenario.rateHz, hasMicrophone: acoustic, hasAccelerometer: !acoustic })(
    { ...defaults, detectors }, () => {});
  const pipeline = set[scenario.pipeline];
  if (pipeline === undefined) throw new Error(`self-benchmark: the ${scenario.role} defaults run no ${scenario.pipeline} pipeline`);
  return pipeline;
}

/** One scenario: a pipeline and two identical generators (one feeds it, the twin only generates). */
export class ScenarioRun {
  readonly scenario: SelfBenchScenario;
  readonly pipeline: Pipeline;
  readonly #fed: SyntheticSignal;
  readonly #twin: SyntheticSignal;
  #fedSeconds = 0;
  #twinSeconds = 0;
  detections = 0;

  constructor(scenario: SelfBenchScenario) {
    this.scenario = scenario;
    this.pipeline = benchPipeline(scenario);
    const options = {
      kind: scenario.signal, rateHz: scenario.rateHz, blockFrames: scenario.blockFrames, seed: SEED,
      unitsPerCount: scenario.pipeline === 'acoustic' ? MIC_UNITS_PER_COUNT : ACCEL_UNITS_PER_COUNT,
    };
    this.#fed = new SyntheticSignal(options);
    this.#twin = new SyntheticSignal(options);
  }

  /** Blocks that complete within second `second` (62 or 63 at 16 kHz in 256-frame blocks). */
  #blocksIn(second: number): number {
    const { rateHz, blockFrames } = this.scenario;
    return Math.floor(((second + 1) * rateHz) / blockFrames) - Math.floor((second * rateHz) / blockFrames);
  }

  /** Generates and pushes the next second of signal; returns the detections in it. */
  runSecond(): number {
    const blocks = this.#blocksIn(this.#fedSeconds++);
    const pipeline = this.pipeline;
    let found = 0;
    for (let b = 0; b < blocks; b++) found += pipeline.push(this.#fed.next()).length;
    this.detections += found;
    return found;
  }

  /** Generates the same second on the twin without pushing it (the cost to subtract). */
  generateSecond(): void {
    const blocks = this.#blocksIn(this.#twinSeconds++);
    for (let b = 0; b < blocks; b++) this.#twin.next();
  }
}

/** One FFT kernel call, as the detectors make it. */
export class FftRun {
  readonly #fft: Fft;
  readonly #input: Float64Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;
  readonly #power: Float64Array;

  constructor(size: number, factory?: FftFactory) {
    this.#fft = factory === undefined ? new RealFft(size) : factory(size);
    this.#input = new Float64Array(size);
    for (let i = 0; i < size; i++) this.#input[i] = Math.sin(i * 0.7) + ((i * 7919) % 13) / 13 - 0.5;
    this.#re = new Float64Array(size / 2 + 1);
    this.#im = new Float64Array(size / 2 + 1);
    this.#power = new Float64Array(size / 2 + 1);
  }

  /** `calls` power spectra (forward transform plus |X|²); returns a checksum so the work cannot be skipped. */
  power(calls: number): number {
    for (let c = 0; c < calls; c++) this.#fft.power(this.#input, this.#power, this.#re, this.#im);
    return this.#power[1];
  }
}

/** Heap figures from Moddable's Instrumentation (bytes; undefined where a host does not report them). */
export interface HeapFigures {
  freeBytes: number | undefined;
  slotHeapUsedBytes: number | undefined;
  chunkHeapUsedBytes: number | undefined;
  gcCount: number | undefined;
}

export interface PipelineFigures {
  scenario: string;
  pipeline: PipelineKind;
  rateHz: number;
  signalS: number;
  /** Pipeline time per second of signal (generation subtracted), µs. */
  usPerSignalS: number;
  /** Share of one core this pipeline takes in real time, %. */
  loadPct: number;
  detections: number;
  /** Slot and chunk heap the pipeline took when built, bytes (null where not reported). */
  buildSlotBytes: number | null;
  buildChunkBytes: number | null;
  /** Slot heap growth per second of signal over the measured seconds (null where not reported or a GC ran: unknown). */
  allocatedBytesPerSignalS: number | null;
  gcRuns: number | null;
}

export interface FftFigures {
  impl: 'typescript' | 'native';
  size: number;
  /** One power spectrum (forward transform and |X|²), µs. */
  usPerCall: number;
}

export interface SelfBenchResults {
  pipelines: PipelineFigures[];
  fft: FftFigures[];
  heap: HeapFigures;
}

export function emptyHeapFigures(): HeapFigures {
  return { freeBytes: undefined, slotHeapUsedBytes: undefined, chunkHeapUsedBytes: undefined, gcCount: undefined };
}

export interface SelfBenchOptions {
  /** Monotonic milliseconds (Time.ticks on the device). */
  nowMs: () => number;
  /** Fills `into` with the current heap figures (into an object made beforehand: reading allocates nothing). */
  readHeap: (into: HeapFigures) => void;
  /** native/native-fft, when the build has it. */
  nativeFft?: FftFactory;
  scenarios?: readonly SelfBenchScenario[];
  /** FFT calls per timing (default 100). */
  fftCalls?: number;
}

function delta(after: number | undefined, before: number | undefined): number | null {
  return after === undefined || before === undefined ? null : after - before;
}

/**
 * Runs the benchmark one step at a time (a step is at most one second of signal, or one FFT timing),
 * so the device can yield between steps (network, timers) while the figures stay exact.
 */
export class SelfBench {
  readonly #options: SelfBenchOptions;
  readonly #steps: Array<() => void> = [];
  readonly #pipelines: PipelineFigures[] = [];
  readonly #fft: FftFigures[] = [];
  #next = 0;

  constructor(options: SelfBenchOptions) {
    this.#options = options;
    for (const scenario of options.scenarios ?? SELF_BENCH_SCENARIOS) this.#planScenario(scenario);
    for (const size of SELF_BENCH_FFT_SIZES) {
      this.#planFft('typescript', size, undefined);
      if (options.nativeFft !== undefined) this.#planFft('native', size, options.nativeFft);
    }
  }

  get stepCount(): number {
    return this.#steps.length;
  }

  get done(): boolean {
    return this.#next >= this.#steps.length;
  }

  /** Runs the next step; false once everything has run. */
  step(): boolean {
    const step = this.#steps[this.#next];
    if (step === undefined) return false;
    this.#next++;
    step();
    return !this.done;
  }

  results(): SelfBenchResults {
    const heap = emptyHeapFigures();
    this.#options.readHeap(heap);
    return { pipelines: this.#pipelines.slice(), fft: this.#fft.slice(), heap };
  }

  #planScenario(scenario: SelfBenchScenario): void {
    const { nowMs, readHeap } = this.#options;
    let run: ScenarioRun | undefined;
    // Filled in place, so that reading the heap figures does not itself allocate in the measured window.
    const preBuild = emptyHeapFigures();
    const postBuild = emptyHeapFigures();
    const measureStart = emptyHeapFigures();
    const measureEnd = emptyHeapFigures();
    let elapsedMs = 0;
    this.#steps.push(() => {
      readHeap(preBuild);
      run = new ScenarioRun(scenario);
      readHeap(postBuild);
    });
    for (let s = 0; s < scenario.warmS; s++) this.#steps.push(() => run?.runSecond());
    for (let s = 0; s < scenario.measureS; s++) {
      this.#steps.push(() => {
        if (run === undefined) return;
        if (s === 0) readHeap(measureStart);
        const t0 = nowMs();
        run.runSecond();
        const t1 = nowMs();
        run.generateSecond();
        const t2 = nowMs();
        elapsedMs += (t1 - t0) - (t2 - t1);
      });
    }
    this.#steps.push(() => {
      if (run === undefined) return;
      // The twin generator allocates nothing: slot heap growth over the measured seconds is the pipeline's.
      readHeap(measureEnd);
      const gcRuns = delta(measureEnd.gcCount, measureStart.gcCount);
      const grown = delta(measureEnd.slotHeapUsedBytes, measureStart.slotHeapUsedBytes);
      const usPerSignalS = Math.max(0, Math.round((elapsedMs * 1000) / scenario.measureS));
      this.#pipelines.push({
        scenario: scenario.name, pipeline: scenario.pipeline, rateHz: scenario.rateHz, signalS: scenario.measureS,
        usPerSignalS, loadPct: Math.round(usPerSignalS / 100) / 100, detections: run.detections,
        buildSlotBytes: delta(postBuild.slotHeapUsedBytes, preBuild.slotHeapUsedBytes),
        buildChunkBytes: delta(postBuild.chunkHeapUsedBytes, preBuild.chunkHeapUsedBytes),
        allocatedBytesPerSignalS: gcRuns === 0 && grown !== null ? Math.round(grown / scenario.measureS) : null,
        gcRuns,
      });
      run = undefined;
    });
  }

  #planFft(impl: FftFigures['impl'], size: number, factory: FftFactory | undefined): void {
    const calls = this.#options.fftCalls ?? 100;
    this.#steps.push(() => {
      const run = new FftRun(size, factory);
      run.power(2); // warm-up
      const t0 = this.#options.nowMs();
      run.power(calls);
      const elapsedMs = this.#options.nowMs() - t0;
      this.#fft.push({ impl, size, usPerCall: Math.round((elapsedMs * 1000) / calls) });
    });
  }
}

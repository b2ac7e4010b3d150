/**
 * A pipeline fed a signal second by second, the same way under Node and inside XS: the signal is
 * quantised into blocks once (as feedBlocks does), and each push copies one block into a single reused
 * SampleBlock (as a real sensor source does), so a measured second costs only the pipeline's own work.
 */
import type { Pipeline } from '../../firmware/node/pipeline';
import type { SampleBlock } from '../../firmware/ports';
import { feedBlocks } from '../../simulator/signals/signal';
import type { Signal } from '../../simulator/signals/signal';

export interface PipelineBenchEntry {
  /** Builds the pipeline under test (called once per run, in the engine being measured). */
  create(): Pipeline;
  /** The signal it is fed: `seconds` long, in physical units, at the sensor's nominal rate. */
  signal(seconds: number): Signal;
  /** Units per count of the simulated sensor (1/32768 for the microphone; g per count for the accelerometer). */
  unitsPerCount: number;
  /** Frames per delivered block, as the device's source delivers them. */
  blockFrames: number;
  /** What the signal is, in a few words (printed with the figures). */
  description?: string;
  /** Seconds pushed before measuring and seconds measured, when the bench's defaults (2 and 3) do not suit. */
  warmupS?: number;
  measureS?: number;
}

/** Benchmarked pipelines by name (the bench reports them under these names). */
export type PipelineRegistry = Readonly<Record<string, PipelineBenchEntry>>;

export interface PipelineRun {
  readonly seconds: number;
  /** Pushes the blocks that start within second `second` (0-based); returns the number of detections. */
  pushSecond(second: number): number;
}

export function preparePipelineRun(registry: PipelineRegistry, name: string, seconds: number): PipelineRun {
  const entry = registry[name];
  if (entry === undefined) throw new Error(`no pipeline named '${name}' in the bench registry (have: ${Object.keys(registry).join(', ') || 'none'})`);
  const signal = entry.signal(seconds);
  const stored: { t0Ms: number; frames: number; samples: Int16Array }[] = [];
  feedBlocks(signal, { unitsPerCount: entry.unitsPerCount, blockFrames: entry.blockFrames }, (block) => {
    stored.push({ t0Ms: block.t0Ms, frames: block.frames, samples: block.samples.slice(0, block.frames * block.channels) });
  });
  // firstBlock[s] = index of the first block starting at or after second s.
  const firstBlock: number[] = [];
  for (let s = 0, i = 0; s <= seconds; s++) {
    while (i < stored.length && stored[i].t0Ms < s * 1000) i++;
    firstBlock.push(i);
  }
  const pipeline = entry.create();
  const block: SampleBlock = {
    t0Ms: 0,
    rateHz: signal.rateHz,
    channels: signal.channels,
    frames: 0,
    samples: new Int16Array(entry.blockFrames * signal.channels),
    unitsPerCount: entry.unitsPerCount,
    sequence: 0,
  };
  return {
    seconds,
    pushSecond(second: number): number {
      let detections = 0;
      for (let i = firstBlock[second]; i < firstBlock[second + 1]; i++) {
        const source = stored[i];
        block.samples.set(source.samples);
        block.t0Ms = source.t0Ms;
        block.frames = source.frames;
        detections += pipeline.push(block).length;
        block.sequence++;
      }
      return detections;
    },
  };
}

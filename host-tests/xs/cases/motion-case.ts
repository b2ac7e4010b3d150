// Shared by the Node and XS sides of the motion pipeline tests: the same pipelines fed the same blocks.
import { TiltPipeline } from '../../../firmware/node/pipeline-tilt';
import { VibrationPipeline } from '../../../firmware/node/pipeline-vibration';
import type { Pipeline } from '../../../firmware/node/pipeline';
import type { SampleBlock } from '../../../firmware/ports';

export interface MotionInput {
  kind: 'vibration' | 'tilt';
  rateHz: number;
  unitsPerCount: number;
  blockFrames: number;
  /** Interleaved x, y, z counts. */
  samples: number[];
}

export interface DetectionRecord {
  type: string;
  decidedMs: number;
  onsetMs: number;
  score: number;
  features: Record<string, number>;
}

/**
 * Cuts the input into blocks up front (one Int16Array each) so that feeding allocates nothing and
 * costs nothing but the pipeline's own work; one block object is reused, as a real source does.
 */
export class MotionRunner {
  readonly pipeline: Pipeline;
  readonly found: DetectionRecord[] = [];
  readonly #blocks: Int16Array[] = [];
  readonly #block: SampleBlock;
  readonly #blockFrames: number;
  #next = 0;
  flexCount = 0;

  constructor(input: MotionInput) {
    const frames = input.samples.length / 3;
    for (let start = 0; start + input.blockFrames <= frames; start += input.blockFrames) {
      this.#blocks.push(Int16Array.from(input.samples.slice(start * 3, (start + input.blockFrames) * 3)));
    }
    this.#blockFrames = input.blockFrames;
    this.#block = {
      t0Ms: 0, rateHz: input.rateHz, channels: 3, frames: input.blockFrames,
      samples: this.#blocks[0] ?? new Int16Array(0), unitsPerCount: input.unitsPerCount, sequence: 0,
    };
    this.pipeline = input.kind === 'tilt'
      ? new TiltPipeline()
      : new VibrationPipeline({ rateHz: input.rateHz, onFlex: () => { this.flexCount++; } });
  }

  get blockCount(): number {
    return this.#blocks.length;
  }

  /** Pushes the next `count` blocks; returns how many detections they produced. */
  run(count: number): number {
    const block = this.#block;
    let detections = 0;
    for (let i = 0; i < count && this.#next < this.#blocks.length; i++, this.#next++) {
      block.samples = this.#blocks[this.#next];
      block.t0Ms = (this.#next * this.#blockFrames * 1000) / block.rateHz;
      block.sequence = this.#next;
      const result = this.pipeline.push(block);
      for (let j = 0; j < result.length; j++) {
        const d = result[j];
        this.found.push({ type: d.type, decidedMs: d.decidedMs, onsetMs: d.onsetMs, score: d.score, features: { ...d.features } });
        detections++;
      }
    }
    return detections;
  }

  /** The grinder's analysed and floor frames so far ([0, 0] for the tilt pipeline). */
  grinderFrames(): [number, number] {
    const grinder = this.pipeline instanceof VibrationPipeline ? this.pipeline.grinder : null;
    return grinder === null ? [0, 0] : [grinder.analysedFrames, grinder.floorUpdates];
  }

  runAll(): DetectionRecord[] {
    this.run(this.#blocks.length);
    return this.found;
  }
}

/**
 * Two small pipelines for testing the bench's measuring function: `quiet` allocates nothing after
 * construction; `leaky` does the same work and also allocates an object for every block.
 */
import { OnePole } from '../../../firmware/dsp/filters';
import { NO_DETECTIONS } from '../../../firmware/detect/types';
import type { Detection } from '../../../firmware/detect/types';
import type { Pipeline, PipelineSnapshot } from '../../../firmware/node/pipeline';
import type { SampleBlock } from '../../../firmware/ports';
import type { PipelineRegistry } from '../../bench/pipeline-run';
import { Rng } from '../../../simulator/signals/rng';
import type { Signal } from '../../../simulator/signals/signal';

class LevelPipeline implements Pipeline {
  readonly kind = 'acoustic' as const;
  readonly #level = OnePole.fromTimeConstant(100, 62.5);
  readonly #history: { tMs: number; level: number }[] = [];
  readonly #leak: boolean;

  constructor(leak: boolean) {
    this.#leak = leak;
  }

  push(block: SampleBlock): readonly Detection[] {
    const samples = block.samples;
    let sum = 0;
    for (let i = 0; i < block.frames; i++) sum += samples[i] * samples[i];
    const level = this.#level.process(sum / block.frames);
    if (this.#leak) {
      this.#history.push({ tMs: block.t0Ms, level });
      if (this.#history.length > 50) this.#history.shift();
    }
    return NO_DETECTIONS;
  }

  reset(): void {
    this.#level.reset();
    this.#history.length = 0;
  }

  snapshot(): PipelineSnapshot {
    return { kind: this.kind, noiseFloorDb: 10 * Math.log10(this.#level.value + 1e-12), bandsDb: [], bandEdgesHz: [], levels: {}, thresholds: [] };
  }
}

function noise(seconds: number): Signal {
  const rng = new Rng(42);
  const data = new Float32Array(16000 * seconds);
  for (let i = 0; i < data.length; i++) data[i] = 0.05 * rng.normal();
  return { rateHz: 16000, channels: 1, data };
}

const registry: PipelineRegistry = {
  quiet: { create: () => new LevelPipeline(false), signal: noise, unitsPerCount: 1 / 32768, blockFrames: 256 },
  leaky: { create: () => new LevelPipeline(true), signal: noise, unitsPerCount: 1 / 32768, blockFrames: 256 },
};

export default registry;

// Shared by the Node and XS sides of the acoustic tests: the same pipeline code on the same samples,
// with plain-JSON results. No allocation inside `pushBlocks`: blocks are prepared by `splitBlocks`.
import type { SampleBlock } from '../../../firmware/ports';
import type { Detection } from '../../../firmware/detect/types';
import type { GlassBreakCandidate, GlassBreakOptions } from '../../../firmware/detect/glass-break';
import type { PipelineSnapshot } from '../../../firmware/node/pipeline';
import { AcousticPipeline } from '../../../firmware/node/pipeline-acoustic';

export const MIC_RATE_HZ = 16000;
export const BLOCK_FRAMES = 256;

export interface AcousticRunResult {
  detections: Detection[];
  /** Every candidate decided, with its figures (those not measured are NaN, null once through JSON). */
  candidates: GlassBreakCandidate[];
  snapshot: PipelineSnapshot;
}

/** The samples cut into full blocks of BLOCK_FRAMES (a trailing partial block is dropped). */
export function splitBlocks(samples: ArrayLike<number>): Int16Array[] {
  const blocks: Int16Array[] = [];
  for (let start = 0; start + BLOCK_FRAMES <= samples.length; start += BLOCK_FRAMES) {
    const block = new Int16Array(BLOCK_FRAMES);
    for (let i = 0; i < BLOCK_FRAMES; i++) block[i] = samples[start + i];
    blocks.push(block);
  }
  return blocks;
}

/** One reusable block, as a microphone source delivers it. */
export function newBlock(): SampleBlock {
  return { t0Ms: 0, rateHz: MIC_RATE_HZ, channels: 1, frames: BLOCK_FRAMES, samples: new Int16Array(BLOCK_FRAMES), unitsPerCount: 1 / 32768, sequence: 0 };
}

/**
 * Pushes blocks[from..to) through the pipeline, numbering and timing them from the first block; returns
 * how many detections were decided. Allocates nothing when nothing is detected.
 */
export function pushBlocks(pipeline: AcousticPipeline, block: SampleBlock, blocks: readonly Int16Array[], from: number, to: number): number {
  let detections = 0;
  for (let i = from; i < to; i++) {
    block.samples = blocks[i];
    block.sequence = i;
    block.t0Ms = (i * BLOCK_FRAMES * 1000) / MIC_RATE_HZ;
    detections += pipeline.push(block).length;
  }
  return detections;
}

/** A pane flex the accelerometer reports at `atMs`, noted to the pipeline just before block `beforeBlock`. */
export interface NotedFlex {
  beforeBlock: number;
  atMs: number;
  peakG: number;
}

/** Runs a fresh pipeline over all blocks, collecting detections and decided candidates (copied) and the final snapshot. */
export function runAcoustic(blocks: readonly Int16Array[], options?: Partial<GlassBreakOptions>, flexes: readonly NotedFlex[] = []): AcousticRunResult {
  const pipeline = new AcousticPipeline(options);
  const block = newBlock();
  const detections: Detection[] = [];
  const candidates: GlassBreakCandidate[] = [];
  for (let i = 0; i < blocks.length; i++) {
    for (const flex of flexes) if (flex.beforeBlock === i) pipeline.noteFlex(flex.atMs, flex.peakG);
    block.samples = blocks[i];
    block.sequence = i;
    block.t0Ms = (i * BLOCK_FRAMES * 1000) / MIC_RATE_HZ;
    for (const d of pipeline.push(block)) detections.push({ ...d, features: { ...d.features } });
    const last = pipeline.detector.lastCandidate;
    if (pipeline.detector.candidates > candidates.length) candidates.push({ ...last, features: { ...last.features } });
  }
  return { detections, candidates, snapshot: pipeline.snapshot() };
}

/**
 * Plays a recorded or generated signal through a pipeline block by block, as the node would receive it,
 * and keeps each detection with the time at which the node would publish it: the end of the block in
 * which the detector decided (a block reaches the node only once its last sample is captured).
 */
import type { Detection } from '../../firmware/detect/types';
import type { Pipeline } from '../../firmware/node/pipeline';
import { feedBlocks, type BlockFeedOptions, type Signal } from '../signals/signal';

export interface TimedDetection extends Detection {
  /** Seconds from the start of the signal at which the node would publish. */
  publishS: number;
}

export function replay(pipeline: Pipeline, signal: Signal, feed: BlockFeedOptions): TimedDetection[] {
  const found: TimedDetection[] = [];
  feedBlocks(signal, feed, (block) => {
    const detections = pipeline.push(block);
    if (detections.length === 0) return;
    const blockEndMs = block.t0Ms + (block.frames * 1000) / block.rateHz - (feed.t0Ms ?? 0);
    for (const d of detections) {
      found.push({ ...d, features: { ...d.features }, publishS: Math.max(blockEndMs, d.decidedMs - (feed.t0Ms ?? 0)) / 1000 });
    }
  });
  return found;
}

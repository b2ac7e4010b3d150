/**
 * Plays a recorded or generated signal through a pipeline block by block, as the node would receive it,
 * and keeps each detection with the time at which the node would publish it: the end of the block in
 * which the detector decided (a block reaches the node only once its last sample is captured).
 */
import type { Detection } from '../../firmware/detect/types';
import type { Pipeline } from '../../firmware/node/pipeline';
import type { SampleBlock } from '../../firmware/ports';
import { feedBlocks, type BlockFeedOptions, type Signal } from '../signals/signal';

export interface TimedDetection extends Detection {
  /** Seconds from the start of the signal at which the node would publish. */
  publishS: number;
}

export interface ReplayOptions {
  /**
   * A flex of the pane at this time (ms from the start of the signal), as the accelerometer of a
   * dual-technology node reports it: noted to the pipeline before the first block that starts at or
   * after it (the accelerometer's block holding the flex has been captured by then).
   */
  flexAtMs?: number;
  /** Peak of that flex, g. */
  flexPeakG?: number;
  /** Flexes reported by the node's own vibration pipeline (ms from the start of the signal, in time order), noted the same way. */
  flexes?: readonly { atMs: number; peakG: number }[];
  /** Called with every block after the pipeline took it (the end of the block is the node's "now"). */
  afterBlock?(block: SampleBlock, detections: readonly Detection[]): void;
}

/** The end of a block in ms from the start of the signal. */
export function blockEndMs(block: SampleBlock, t0Ms = 0): number {
  return block.t0Ms + (block.frames * 1000) / block.rateHz - t0Ms;
}

export function replay(pipeline: Pipeline, signal: Signal, feed: BlockFeedOptions, options: ReplayOptions = {}): TimedDetection[] {
  const found: TimedDetection[] = [];
  const t0Ms = feed.t0Ms ?? 0;
  const flexes = options.flexes ?? (options.flexAtMs === undefined ? [] : [{ atMs: options.flexAtMs, peakG: options.flexPeakG ?? 0.5 }]);
  let nextFlex = 0;
  feedBlocks(signal, feed, (block) => {
    while (nextFlex < flexes.length && block.t0Ms - t0Ms >= flexes[nextFlex].atMs) {
      pipeline.noteFlex?.(flexes[nextFlex].atMs + t0Ms, flexes[nextFlex].peakG);
      nextFlex++;
    }
    const detections = pipeline.push(block);
    const endMs = blockEndMs(block, t0Ms);
    for (const d of detections) {
      found.push({ ...d, features: { ...d.features }, publishS: Math.max(endMs, d.decidedMs - t0Ms) / 1000 });
    }
    options.afterBlock?.(block, detections);
  });
  return found;
}

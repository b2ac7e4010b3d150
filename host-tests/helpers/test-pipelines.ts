/**
 * Test doubles for the pipelines and the detector spec registry. The real pipelines (acoustic, vibration,
 * tilt) are written elsewhere and reach the node only through its pipeline factory, a port-like
 * dependency; these stand-ins decide on plain thresholds of block RMS, peak and offset so that a test
 * controls exactly when a detection happens. They allocate nothing per block, like the real ones must.
 */
import type { FlexListener, Pipeline, PipelineKind, PipelineSnapshot } from '../../firmware/node/pipeline';
import type { Detection, ThreatType } from '../../firmware/detect/types';
import { NO_DETECTIONS } from '../../firmware/detect/types';
import type { SampleBlock } from '../../firmware/ports';
import type { OptionSpecs } from '../../firmware/detect/options';
import type { DetectorSpecRegistry, NodeConfig } from '../../firmware/node/config';
import { detectorOptions } from '../../firmware/node/config';
import type { PipelineSet } from '../../firmware/node/sensor-node';

const counts = (defaultValue: number, doc: string) => ({
  kind: 'number' as const, default: defaultValue, unit: 'count', min: 1, max: 32767, integer: true, doc,
});

export const TEST_GLASS_SPECS: OptionSpecs<{ rmsThresholdCounts: number }> = {
  rmsThresholdCounts: counts(8000, 'Block RMS of the microphone at or above which glass breaks.'),
};
export const TEST_GRINDER_SPECS: OptionSpecs<{ rmsThresholdCounts: number; sustainBlocks: number }> = {
  rmsThresholdCounts: counts(4000, 'Block RMS of the x axis at or above which the block counts as grinding.'),
  sustainBlocks: { kind: 'number', default: 10, unit: 'count', min: 1, max: 1000, integer: true, doc: 'Consecutive grinding blocks.' },
};
export const TEST_IMPACT_SPECS: OptionSpecs<{ peakThresholdCounts: number; flexPeakCounts: number; strictMode: boolean }> = {
  peakThresholdCounts: counts(20000, 'Peak |x| at or above which a block is an impact.'),
  flexPeakCounts: counts(10000, 'Peak |x| at or above which the pane flexed (evidence for glass break).'),
  strictMode: { kind: 'boolean', default: false, doc: 'A boolean option, to exercise boolean validation.' },
};
export const TEST_TILT_SPECS: OptionSpecs<{ offsetThresholdCounts: number }> = {
  offsetThresholdCounts: counts(400, 'Mean |y| at or above which the mount is tilted.'),
};

export const TEST_DETECTOR_SPECS: DetectorSpecRegistry = {
  glassBreak: TEST_GLASS_SPECS,
  grinder: TEST_GRINDER_SPECS,
  impact: TEST_IMPACT_SPECS,
  tilt: TEST_TILT_SPECS,
};

function makeDetection(type: ThreatType, feature: string): Detection {
  return { type, decidedMs: 0, onsetMs: 0, score: 0, features: { [feature]: 0 } };
}

function endMs(block: SampleBlock): number {
  return block.t0Ms + (block.frames * 1000) / block.rateHz;
}

function snapshotOf(kind: PipelineKind, levelName: string, level: number, option: string, threshold: number): PipelineSnapshot {
  return {
    kind,
    noiseFloorDb: level > 0 ? 20 * Math.log10(level / 32768) : -Infinity,
    bandsDb: [-60, -50, -40],
    bandEdgesHz: [0, 100, 1000, 8000],
    levels: { [levelName]: level },
    thresholds: [{ option, threshold, current: level, unit: 'count' }],
  };
}

/** glass_break when the block RMS of the microphone reaches the threshold. */
export class TestAcousticPipeline implements Pipeline {
  readonly kind = 'acoustic' as const;
  readonly #thresholdSquare: number;
  readonly #threshold: number;
  readonly #detection = makeDetection('glass_break', 'rmsCounts');
  readonly #result: readonly Detection[] = [this.#detection];
  #lastRms = 0;
  flexNotes = 0;

  constructor(options: Record<string, number | boolean>) {
    this.#threshold = options.rmsThresholdCounts as number;
    this.#thresholdSquare = this.#threshold * this.#threshold;
  }

  push(block: SampleBlock): readonly Detection[] {
    const samples = block.samples;
    const n = block.frames * block.channels;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += samples[i] * samples[i];
    const meanSquare = sum / n;
    this.#lastRms = Math.sqrt(meanSquare);
    if (meanSquare < this.#thresholdSquare) return NO_DETECTIONS;
    const d = this.#detection;
    d.onsetMs = block.t0Ms;
    d.decidedMs = endMs(block);
    d.score = Math.min(1, this.#lastRms / (2 * this.#threshold));
    d.features.rmsCounts = this.#lastRms;
    return this.#result;
  }

  reset(): void {
    this.#lastRms = 0;
  }

  snapshot(): PipelineSnapshot {
    return snapshotOf('acoustic', 'rmsCounts', this.#lastRms, 'glassBreak.rmsThresholdCounts', this.#threshold);
  }

  noteFlex(): void {
    this.flexNotes++;
  }
}

/** x axis: impact on a peak, flex evidence on a smaller peak, grinder on sustained RMS. */
export class TestVibrationPipeline implements Pipeline {
  readonly kind = 'vibration' as const;
  readonly #grinder: Record<string, number | boolean> | undefined;
  readonly #impact: Record<string, number | boolean> | undefined;
  readonly #onFlex: FlexListener;
  readonly #impactDetection = makeDetection('impact', 'peakCounts');
  readonly #grinderDetection = makeDetection('grinder', 'rmsCounts');
  readonly #both: readonly Detection[] = [this.#impactDetection, this.#grinderDetection];
  readonly #impactOnly: readonly Detection[] = [this.#impactDetection];
  readonly #grinderOnly: readonly Detection[] = [this.#grinderDetection];
  #loudBlocks = 0;
  #loudSinceMs = 0;
  #lastRms = 0;

  constructor(grinder: Record<string, number | boolean> | undefined, impact: Record<string, number | boolean> | undefined,
    onFlex: FlexListener) {
    this.#grinder = grinder;
    this.#impact = impact;
    this.#onFlex = onFlex;
  }

  push(block: SampleBlock): readonly Detection[] {
    const samples = block.samples;
    const channels = block.channels;
    let sum = 0;
    let peak = 0;
    for (let f = 0; f < block.frames; f++) {
      const x = samples[f * channels];
      sum += x * x;
      const magnitude = x < 0 ? -x : x;
      if (magnitude > peak) peak = magnitude;
    }
    this.#lastRms = Math.sqrt(sum / block.frames);
    let impact = false;
    let grinder = false;
    if (this.#impact !== undefined) {
      if (peak >= (this.#impact.flexPeakCounts as number)) this.#onFlex(block.t0Ms, (peak * block.unitsPerCount));
      if (peak >= (this.#impact.peakThresholdCounts as number)) {
        impact = true;
        const d = this.#impactDetection;
        d.onsetMs = block.t0Ms;
        d.decidedMs = endMs(block);
        d.score = Math.min(1, peak / 32768);
        d.features.peakCounts = peak;
      }
    }
    if (this.#grinder !== undefined) {
      if (this.#lastRms >= (this.#grinder.rmsThresholdCounts as number)) {
        if (this.#loudBlocks === 0) this.#loudSinceMs = block.t0Ms;
        this.#loudBlocks++;
      } else {
        this.#loudBlocks = 0;
      }
      if (this.#loudBlocks >= (this.#grinder.sustainBlocks as number)) {
        grinder = true;
        const d = this.#grinderDetection;
        d.onsetMs = this.#loudSinceMs;
        d.decidedMs = endMs(block);
        d.score = 0.9;
        d.features.rmsCounts = this.#lastRms;
      }
    }
    if (impact && grinder) return this.#both;
    if (impact) return this.#impactOnly;
    return grinder ? this.#grinderOnly : NO_DETECTIONS;
  }

  reset(): void {
    this.#loudBlocks = 0;
  }

  snapshot(): PipelineSnapshot {
    return snapshotOf('vibration', 'rmsCounts', this.#lastRms, 'grinder.rmsThresholdCounts',
      (this.#grinder?.rmsThresholdCounts as number | undefined) ?? 0);
  }
}

/** tilt when the mean |y| of a block reaches the threshold; relearn() is counted. */
export class TestTiltPipeline implements Pipeline {
  readonly kind = 'tilt' as const;
  readonly #threshold: number;
  readonly #detection = makeDetection('tilt', 'offsetCounts');
  readonly #result: readonly Detection[] = [this.#detection];
  #lastOffset = 0;
  relearns = 0;

  constructor(options: Record<string, number | boolean>) {
    this.#threshold = options.offsetThresholdCounts as number;
  }

  push(block: SampleBlock): readonly Detection[] {
    let sum = 0;
    for (let f = 0; f < block.frames; f++) sum += block.samples[f * block.channels + 1];
    const offset = Math.abs(sum / block.frames);
    this.#lastOffset = offset;
    if (offset < this.#threshold) return NO_DETECTIONS;
    const d = this.#detection;
    d.onsetMs = block.t0Ms;
    d.decidedMs = endMs(block);
    d.score = 0.8;
    d.features.offsetCounts = offset;
    return this.#result;
  }

  reset(): void {
    this.#lastOffset = 0;
  }

  snapshot(): PipelineSnapshot {
    return snapshotOf('tilt', 'offsetCounts', this.#lastOffset, 'tilt.offsetThresholdCounts', this.#threshold);
  }

  relearn(): void {
    this.relearns++;
  }
}

/** The pipeline factory the node is given in tests: one stand-in per stream, for the enabled detectors. */
export function createTestPipelines(config: NodeConfig, onFlex: FlexListener): PipelineSet {
  const set: PipelineSet = {};
  const d = config.detectors;
  if (d.glassBreak.enabled) set.acoustic = new TestAcousticPipeline(detectorOptions(config, 'glassBreak'));
  if (d.grinder.enabled || d.impact.enabled) {
    set.vibration = new TestVibrationPipeline(d.grinder.enabled ? detectorOptions(config, 'grinder') : undefined,
      d.impact.enabled ? detectorOptions(config, 'impact') : undefined, onFlex);
  }
  if (d.tilt.enabled) set.tilt = new TestTiltPipeline(detectorOptions(config, 'tilt'));
  return set;
}

/**
 * A pipeline is everything between a sensor stream and detections: the front end (resampling,
 * decimation, filters, gating) and one or more detectors. The node runs one pipeline per stream.
 */
import type { SampleBlock } from '../ports';
import type { Detection } from '../detect/types';

/** acoustic: microphone at 16 kHz; vibration: accelerometer at 1600 Hz; tilt: accelerometer decimated to 50 Hz. */
export type PipelineKind = 'acoustic' | 'vibration' | 'tilt';

/** One threshold as a technician sees it: the option it comes from, its value, and what the signal shows now. */
export interface ThresholdReading {
  /** Option path in the node configuration, e.g. `glassBreak.onsetDb`. */
  option: string;
  threshold: number;
  /** The current value of the quantity the threshold is compared with, in the same unit. */
  current: number;
  unit: string;
}

/** What a pipeline sees right now, for the calibration telemetry stream. Allocates: call at most a few times a second. */
export interface PipelineSnapshot {
  kind: PipelineKind;
  /** Tracked noise floor of the stream, in dB (dBFS for the microphone, dB re 1 g for acceleration). */
  noiseFloorDb: number;
  /** Compact spectrum: band levels in dB between consecutive edges of bandEdgesHz. */
  bandsDb: number[];
  bandEdgesHz: number[];
  /** Other live figures with units in their names, e.g. `grinderHz`, `tiltDeg`, `rmsG`. */
  levels: Record<string, number>;
  thresholds: ThresholdReading[];
}

/** Cross-sensor evidence: the vibration pipeline reports a flex or shock of the pane; the acoustic one uses it. */
export type FlexListener = (atMs: number, peakG: number) => void;

export interface Pipeline {
  readonly kind: PipelineKind;
  /** Feeds one block (any rate the pipeline accepts); returns detections decided within it. */
  push(block: SampleBlock): readonly Detection[];
  reset(): void;
  snapshot(): PipelineSnapshot;
  /** Acoustic pipeline: a flex/shock seen by the accelerometer on the same pane (raises glass-break confidence). */
  noteFlex?(atMs: number, peakG: number): void;
  /**
   * Acoustic pipeline: whether an accelerometer that can report the pane's flex is running (false: none, or
   * faulted); without one glass break judges the sound alone by minScore.
   */
  setFlexAvailable?(available: boolean): void;
  /**
   * Acoustic pipeline, after setFlexAvailable(false) for a fault whose data became suspect at `sinceMs`: the
   * glass-break candidates since then that failed only for want of a flex, judged without it (decided at `nowMs`).
   */
  judgeWithoutFlexSince?(sinceMs: number, nowMs: number): readonly Detection[];
  /** Tilt pipeline: forget the learned home position and learn it again from the next samples. */
  relearn?(): void;
}

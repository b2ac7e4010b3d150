/**
 * Labelled cases for evaluating detectors: signals from the signal library with what they contain.
 */
import type { ThreatType } from '../../firmware/detect/types';
import type { Signal } from './signal';

export type SensorChannel = 'acoustic' | 'vibration' | 'tilt';

export interface LabelledCase {
  /** Unique and descriptive, e.g. `glass_break/tempered/+20dB/3m/#17`. */
  id: string;
  sensor: SensorChannel;
  /** The threat the case contains, or null for ambient and confusers (which must not alarm). */
  threat: ThreatType | null;
  /** Threat name or confuser class (e.g. `glass_break`, `cymbal`, `door_slam`, `hvac`). */
  group: string;
  /** Event level above the ambient floor, dB (threat cases). */
  levelDb?: number;
  /** Event onset and end in seconds from the start of the signal; null for ambient-only cases. */
  onsetS: number | null;
  endS: number | null;
  /** Microphone: 16 kHz mono, full-scale units. Accelerometer: 3 channels in g at the sensor's data rate. */
  signal: Signal;
  /** The generator parameters, for the eval table and for reproducing a case. */
  params: Record<string, number | string | boolean>;
}

export interface CorpusOptions {
  seed: number;
  /** Draw parameters from the holdout ranges, which the defaults were not tuned on. */
  holdout: boolean;
  /** `small` for CI (seconds to run), `full` for `npm run eval`. */
  size: 'small' | 'full';
  /**
   * Vibration and tilt: the node is on a railing, so the railing's own confusers (singing in the wind) join
   * the corpus, after every other case. A node on glass, a frame or a plinth never meets them.
   */
  railing?: boolean;
}

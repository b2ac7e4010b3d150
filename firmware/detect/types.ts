/**
 * What every detector shares: the threats it names and the detections it returns.
 */
import type { SampleBlock } from '../ports';

export type ThreatType = 'glass_break' | 'grinder' | 'impact' | 'tilt';

export const THREAT_TYPES: readonly ThreatType[] = ['glass_break', 'grinder', 'impact', 'tilt'];

export interface Detection {
  type: ThreatType;
  /** Uptime in ms of the sample at which the detector decided (what the node would publish at). */
  decidedMs: number;
  /** Uptime in ms at which the detector estimates the event began. */
  onsetMs: number;
  /** Confidence 0..1. */
  score: number;
  /** The figures the decision rested on, with units in their names (e.g. `peakHz`, `hfRatioDb`). */
  features: Record<string, number>;
}

/**
 * A detector is fed consecutive sample blocks of one stream and returns what it detected in them.
 * `push` returns a shared empty array when nothing was detected, so the steady state allocates nothing;
 * the returned array is only valid until the next call.
 */
export interface Detector {
  readonly type: ThreatType;
  push(block: SampleBlock): readonly Detection[];
  reset(): void;
}

/** A shared, frozen empty result: returning it allocates nothing. */
export const NO_DETECTIONS: readonly Detection[] = Object.freeze([]);

/** Where a node is mounted decides which detectors run and their default thresholds. */
export type NodeRole = 'display_case' | 'window' | 'balcony';

export const NODE_ROLES: readonly NodeRole[] = ['display_case', 'window', 'balcony'];

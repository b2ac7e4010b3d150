/**
 * Runs the motion pipelines over labelled cases the way a node would (blocks of quantised counts from
 * the sensor's FIFO) and scores them: hits and latency for threats, alarms for confusers and ambient.
 */
import { TiltPipeline } from '../../firmware/node/pipeline-tilt';
import type { TiltPipelineOptions } from '../../firmware/node/pipeline-tilt';
import { VibrationPipeline } from '../../firmware/node/pipeline-vibration';
import type { VibrationPipelineOptions } from '../../firmware/node/pipeline-vibration';
import type { Detection, ThreatType } from '../../firmware/detect/types';
import type { LabelledCase } from '../signals/corpus';
import { sensorModel } from '../signals/motion/sensor';
import { parseInstants } from '../signals/motion/timing';
import { feedBlocks } from '../signals/signal';

/** Frames per block: an accelerometer FIFO read (32) at kHz rates, 100 ms at 50 Hz. */
export function motionBlockFrames(rateHz: number): number {
  return rateHz <= 100 ? Math.max(1, Math.round(rateHz / 10)) : 32;
}

/** A threat counts as found when its detection comes from this long before its onset (onset estimates) ... */
const EARLY_SLACK_MS = 200;
/** ... to this long after its end. */
const LATE_SLACK_MS = 3000;

export interface MotionOutcome {
  id: string;
  group: string;
  threat: ThreatType | null;
  levelDb: number | undefined;
  detections: Detection[];
  found: boolean;
  /** Decision time minus the reference: the onset (grinder, tilt) or the blow that completed the count (impact). */
  latencyMs: number | undefined;
  /** Alarms that must not happen: anything in a confuser or ambient case, the threat's own type before its onset. */
  falseAlarms: number;
  /** Detections of another threat type inside a threat case (e.g. impact during grinding). */
  crossDetections: number;
}

export interface MotionRunOptions {
  vibration?: Omit<VibrationPipelineOptions, 'rateHz'>;
  tilt?: TiltPipelineOptions;
}

export function runMotionCase(c: LabelledCase, options: MotionRunOptions = {}): MotionOutcome {
  const rateHz = c.signal.rateHz;
  const pipeline = c.sensor === 'tilt' ? new TiltPipeline(options.tilt) : new VibrationPipeline({ ...options.vibration, rateHz });
  const detections: Detection[] = [];
  const unitsPerCount = sensorModel(String(c.params.sensor)).lsbG;
  feedBlocks(c.signal, { unitsPerCount, blockFrames: motionBlockFrames(rateHz) }, (block) => {
    for (const d of pipeline.push(block)) detections.push({ ...d, features: { ...d.features } });
  });
  return scoreMotionCase(c, detections);
}

export function scoreMotionCase(c: LabelledCase, detections: Detection[]): MotionOutcome {
  let found = false;
  let latencyMs: number | undefined;
  let falseAlarms = 0;
  let crossDetections = 0;
  const onsetMs = (c.onsetS ?? 0) * 1000;
  const endMs = (c.endS ?? 0) * 1000;
  for (const d of detections) {
    if (c.threat === null) {
      falseAlarms++;
    } else if (d.type !== c.threat) {
      crossDetections++;
    } else if (d.decidedMs < onsetMs - EARLY_SLACK_MS) {
      falseAlarms++;
    } else if (d.decidedMs <= endMs + LATE_SLACK_MS && !found) {
      found = true;
      latencyMs = d.decidedMs - referenceMs(c, d.decidedMs);
    }
  }
  return { id: c.id, group: c.group, threat: c.threat, levelDb: c.levelDb, detections, found, latencyMs, falseAlarms, crossDetections };
}

/** Impact: the last blow at or before the decision (the one that completed the count or was the shock). */
function referenceMs(c: LabelledCase, decidedMs: number): number {
  if (c.threat === 'impact' && typeof c.params.blowTimesS === 'string') {
    let reference = (c.onsetS ?? 0) * 1000;
    for (const t of parseInstants(c.params.blowTimesS)) if (t * 1000 <= decidedMs) reference = t * 1000;
    return reference;
  }
  return (c.onsetS ?? 0) * 1000;
}

export interface MotionGroupSummary {
  group: string;
  threat: ThreatType | null;
  levelDb: number | undefined;
  cases: number;
  found: number;
  recall: number | undefined;
  latencyP50Ms: number | undefined;
  latencyP99Ms: number | undefined;
  latencyMaxMs: number | undefined;
  falseAlarms: number;
  crossDetections: number;
  missed: string[];
  alarmed: string[];
}

function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One row per group (and per level where the group has levels). */
export function summariseMotion(outcomes: readonly MotionOutcome[]): MotionGroupSummary[] {
  const rows = new Map<string, MotionOutcome[]>();
  for (const o of outcomes) {
    const key = o.levelDb === undefined ? o.group : `${o.group} +${o.levelDb}dB`;
    rows.set(key, [...(rows.get(key) ?? []), o]);
  }
  return [...rows.entries()].map(([group, list]) => {
    const threat = list[0].threat;
    const latencies = list.flatMap((o) => (o.latencyMs === undefined ? [] : [o.latencyMs])).sort((a, b) => a - b);
    const found = list.filter((o) => o.found).length;
    return {
      group, threat, levelDb: list[0].levelDb, cases: list.length, found,
      recall: threat === null ? undefined : found / list.length,
      latencyP50Ms: percentile(latencies, 50), latencyP99Ms: percentile(latencies, 99), latencyMaxMs: latencies[latencies.length - 1],
      falseAlarms: list.reduce((n, o) => n + o.falseAlarms, 0),
      crossDetections: list.reduce((n, o) => n + o.crossDetections, 0),
      missed: list.filter((o) => threat !== null && !o.found).map((o) => o.id),
      alarmed: list.filter((o) => o.falseAlarms > 0).map((o) => o.id),
    };
  });
}

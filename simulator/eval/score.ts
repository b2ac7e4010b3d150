/**
 * Scores detections against labelled cases: recall per threat and level, false alarms per confuser
 * class, and latency from the event's onset to the time the node would publish.
 */
import type { ThreatType } from '../../firmware/detect/types';
import type { LabelledCase, SensorChannel } from '../signals/corpus';
import type { TimedDetection } from './replay';

/** A detection of the right type counts from just before the onset until this long after the event ends. */
export const HIT_GRACE_AFTER_END_S = 2;
const HIT_GRACE_BEFORE_ONSET_S = 0.05;

export interface CaseOutcome {
  case: LabelledCase;
  detections: TimedDetection[];
}

export interface RecallRow {
  sensor: SensorChannel;
  threat: ThreatType;
  /** Event level above the ambient floor in dB, or null where the corpus gives none. */
  levelDb: number | null;
  cases: number;
  detected: number;
  recall: number;
  /** Detections of other threat types during these cases (e.g. an impact while a grinder cuts). */
  otherDetections: number;
  missed: string[];
}

export interface FalseAlarmRow {
  sensor: SensorChannel;
  group: string;
  cases: number;
  falseAlarms: number;
  alarmTypes: ThreatType[];
  alarmedCases: string[];
}

export interface LatencyRow {
  threat: ThreatType;
  detected: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface EvalReport {
  recall: RecallRow[];
  falseAlarms: FalseAlarmRow[];
  latency: LatencyRow[];
  summary: {
    cases: number;
    /** Lowest recall over every threat and level at least 10 dB above the floor (levels without a figure count). */
    minRecall: number;
    falseAlarms: number;
  };
}

/** Linear-interpolated quantile of sorted values (q in 0..1). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (position - low);
}

function firstHit(outcome: CaseOutcome): TimedDetection | undefined {
  const c = outcome.case;
  if (c.threat === null || c.onsetS === null) return undefined;
  const from = c.onsetS - HIT_GRACE_BEFORE_ONSET_S;
  const to = (c.endS ?? c.onsetS) + HIT_GRACE_AFTER_END_S;
  return outcome.detections.find((d) => d.type === c.threat && d.publishS >= from && d.publishS <= to);
}

export function scoreOutcomes(outcomes: readonly CaseOutcome[]): EvalReport {
  const recall = new Map<string, RecallRow>();
  const falseAlarms = new Map<string, FalseAlarmRow>();
  const latencies = new Map<ThreatType, number[]>();
  for (const outcome of outcomes) {
    const c = outcome.case;
    if (c.threat === null) {
      const key = `${c.sensor}/${c.group}`;
      const row = falseAlarms.get(key) ?? { sensor: c.sensor, group: c.group, cases: 0, falseAlarms: 0, alarmTypes: [], alarmedCases: [] };
      row.cases++;
      if (outcome.detections.length > 0) {
        row.falseAlarms += outcome.detections.length;
        row.alarmedCases.push(c.id);
        for (const d of outcome.detections) if (!row.alarmTypes.includes(d.type)) row.alarmTypes.push(d.type);
      }
      falseAlarms.set(key, row);
      continue;
    }
    const levelDb = c.levelDb ?? null;
    const key = `${c.sensor}/${c.threat}/${levelDb}`;
    const row = recall.get(key) ?? { sensor: c.sensor, threat: c.threat, levelDb, cases: 0, detected: 0, recall: 0, otherDetections: 0, missed: [] };
    row.cases++;
    const hit = firstHit(outcome);
    if (hit === undefined) {
      row.missed.push(c.id);
    } else {
      row.detected++;
      const list = latencies.get(c.threat) ?? [];
      list.push((hit.publishS - (c.onsetS ?? 0)) * 1000);
      latencies.set(c.threat, list);
    }
    row.otherDetections += outcome.detections.filter((d) => d.type !== c.threat).length;
    row.recall = row.detected / row.cases;
    recall.set(key, row);
  }
  const recallRows = [...recall.values()].sort((a, b) =>
    a.sensor.localeCompare(b.sensor) || a.threat.localeCompare(b.threat) || (a.levelDb ?? -1e9) - (b.levelDb ?? -1e9));
  const latencyRows: LatencyRow[] = [...latencies.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([threat, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { threat, detected: sorted.length, p50Ms: quantile(sorted, 0.5), p95Ms: quantile(sorted, 0.95), maxMs: sorted[sorted.length - 1] ?? null };
  });
  const counted = recallRows.filter((r) => r.levelDb === null || r.levelDb >= 10);
  const falseAlarmRows = [...falseAlarms.values()].sort((a, b) => a.sensor.localeCompare(b.sensor) || a.group.localeCompare(b.group));
  return {
    recall: recallRows,
    falseAlarms: falseAlarmRows,
    latency: latencyRows,
    summary: {
      cases: outcomes.length,
      minRecall: counted.length === 0 ? 0 : Math.min(...counted.map((r) => r.recall)),
      falseAlarms: falseAlarmRows.reduce((sum, r) => sum + r.falseAlarms, 0),
    },
  };
}

/**
 * Scores detections against labelled cases: recall per threat and level, false alarms per confuser
 * class, and latency from the event's onset to the time the node would publish.
 *
 * In a threat case, the first detection of the threat's type published within the hit window (from
 * HIT_EARLY_S before the onset to HIT_LATE_S after the end) is the hit. Detections of that type outside
 * the window are stray (they cannot be this event); detections of another threat type are cross
 * detections (an impact while a grinder bites: an attack all the same), reported apart from false
 * alarms. In a confuser or ambient case every detection is a false alarm.
 */
import type { ThreatType } from '../../firmware/detect/types';
import type { LabelledCase } from '../signals/corpus';
import { parseInstants } from '../signals/motion/timing';
import { wilsonInterval } from './interval';
import type { RateInterval } from './interval';
import type { TimedDetection } from './replay';

/** The hit window: a detection may come this early (onsets are estimates) ... */
export const HIT_EARLY_S = 0.2;
/** ... and this long after the event ends (a grinder decides after several cuts). */
export const HIT_LATE_S = 3;
/** Recall is judged at event levels from this many dB over the floor up (levels without a figure count too). */
export const JUDGED_LEVEL_DB = 10;

export interface CaseOutcome {
  case: LabelledCase;
  detections: TimedDetection[];
}

export interface CaseVerdict {
  /** Threat cases: the detection that found the event. */
  hit: TimedDetection | undefined;
  /** Publish time of the hit minus its reference (the onset; for impacts the blow that completed the count), ms. */
  latencyMs: number | null;
  /** Threat cases: detections of the threat's type outside the hit window. */
  stray: number;
  /** Threat cases: detections of other threat types. */
  cross: number;
  /** Confuser and ambient cases: every detection. */
  falseAlarms: number;
}

export interface RecallRow {
  threat: ThreatType;
  /** `+20 dB` over the floor, or the variant where the corpus gives no level (`heavy`, `0.80deg`). */
  level: string;
  levelDb: number | null;
  cases: number;
  detected: number;
  recall: number;
  /** 95 % interval of the recall (interval.ts): what the corpus's size lets the figure claim. */
  recallInterval95: RateInterval;
  crossDetections: number;
  strayDetections: number;
  missed: string[];
}

export interface FalseAlarmRow {
  group: string;
  cases: number;
  /** Cases with at least one detection, and all their detections. */
  alarmedCases: string[];
  alarms: number;
  alarmTypes: ThreatType[];
  /** 95 % interval of the share of the class's cases that alarm (0 of 20 still allows up to 16 %). */
  alarmedShareInterval95: RateInterval;
}

export interface LatencyRow {
  threat: ThreatType;
  /** A variant of the threat with rows of its own (`regulated` for `grinder/regulated`); absent for the threat itself. */
  variant?: string;
  detected: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface EvalSummary {
  cases: number;
  threatCases: number;
  detected: number;
  /** Lowest recall over the rows at JUDGED_LEVEL_DB or more (1 when there are none). */
  minRecall: number;
  /** 95 % interval of that lowest row's recall (of the one with the fewest cases when rows tie). */
  minRecallInterval95: RateInterval;
  confuserCases: number;
  /** Confuser and ambient cases with any detection. */
  alarmedConfuserCases: number;
  /** 95 % interval of the share of all confuser and ambient cases that alarm, classes pooled. */
  alarmedShareInterval95: RateInterval;
  strayDetections: number;
  crossDetections: number;
}

export interface EvalReport {
  recall: RecallRow[];
  falseAlarms: FalseAlarmRow[];
  latency: LatencyRow[];
  summary: EvalSummary;
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

function tenths(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/** The level a threat case is reported under. */
export function levelOf(c: LabelledCase): string {
  const subgroup = subgroupOf(c);
  if (c.levelDb === undefined) return subgroup ?? c.group;
  return subgroup === undefined ? `+${c.levelDb} dB` : `${subgroup} +${c.levelDb} dB`;
}

/**
 * A variant of a threat drawn at levels (group `grinder/regulated`: `regulated`), which gets recall and latency
 * rows of its own; undefined for the threat itself and for threats graded otherwise (impact grades).
 */
export function variantOf(c: LabelledCase): string | undefined {
  return c.levelDb === undefined ? undefined : subgroupOf(c);
}

/** The case's group after `<threat>/` (`grinder/regulated`: `regulated`; `impact/heavy`: `heavy`), if it has one. */
function subgroupOf(c: LabelledCase): string | undefined {
  const prefix = `${c.threat}/`;
  return c.group.startsWith(prefix) ? c.group.slice(prefix.length) : undefined;
}

/** What a latency row is reported as: the threat, and its variant if it is one (`grinder regulated`). */
export function latencyName(row: LatencyRow): string {
  return row.variant === undefined ? row.threat : `${row.threat} ${row.variant}`;
}

/** What latency is measured from: the onset, or for a series of blows the last blow before the decision. */
function referenceS(c: LabelledCase, decidedS: number): number {
  const onsetS = c.onsetS ?? 0;
  if (c.threat !== 'impact' || typeof c.params.blowTimesS !== 'string') return onsetS;
  let reference = onsetS;
  for (const t of parseInstants(c.params.blowTimesS)) if (t <= decidedS) reference = t;
  return reference;
}

export function judgeCase(outcome: CaseOutcome): CaseVerdict {
  const c = outcome.case;
  if (c.threat === null) return { hit: undefined, latencyMs: null, stray: 0, cross: 0, falseAlarms: outcome.detections.length };
  const from = (c.onsetS ?? 0) - HIT_EARLY_S;
  const to = (c.endS ?? c.onsetS ?? 0) + HIT_LATE_S;
  let hit: TimedDetection | undefined;
  let stray = 0;
  let cross = 0;
  for (const d of outcome.detections) {
    if (d.type !== c.threat) cross++;
    else if (d.publishS < from || d.publishS > to) stray++;
    else hit ??= d;
  }
  const latencyMs = hit === undefined ? null : (hit.publishS - referenceS(c, hit.decidedMs / 1000)) * 1000;
  return { hit, latencyMs, stray, cross, falseAlarms: 0 };
}

export function scoreOutcomes(outcomes: readonly CaseOutcome[]): EvalReport {
  // Maps keep the corpus's order: levels ascending, grades light to shock, angles ascending.
  const recall = new Map<string, RecallRow>();
  const falseAlarms = new Map<string, FalseAlarmRow>();
  const latencies = new Map<string, { threat: ThreatType; variant: string | undefined; values: number[] }>();
  for (const outcome of outcomes) {
    const c = outcome.case;
    const verdict = judgeCase(outcome);
    if (c.threat === null) {
      const row = falseAlarms.get(c.group) ?? { group: c.group, cases: 0, alarmedCases: [], alarms: 0, alarmTypes: [], alarmedShareInterval95: wilsonInterval(0, 0) };
      row.cases++;
      if (verdict.falseAlarms > 0) {
        row.alarms += verdict.falseAlarms;
        row.alarmedCases.push(c.id);
        for (const d of outcome.detections) if (!row.alarmTypes.includes(d.type)) row.alarmTypes.push(d.type);
      }
      row.alarmedShareInterval95 = wilsonInterval(row.alarmedCases.length, row.cases);
      falseAlarms.set(c.group, row);
      continue;
    }
    const level = levelOf(c);
    const key = `${c.threat}\u0000${level}`;
    const row = recall.get(key) ?? {
      threat: c.threat, level, levelDb: c.levelDb ?? null, cases: 0, detected: 0, recall: 0, recallInterval95: wilsonInterval(0, 0),
      crossDetections: 0, strayDetections: 0, missed: [],
    };
    row.cases++;
    if (verdict.hit === undefined) {
      row.missed.push(c.id);
    } else {
      row.detected++;
      const variant = variantOf(c);
      const latencyKey = `${c.threat}\u0000${variant ?? ''}`;
      const entry = latencies.get(latencyKey) ?? { threat: c.threat, variant, values: [] };
      entry.values.push(verdict.latencyMs as number);
      latencies.set(latencyKey, entry);
    }
    row.crossDetections += verdict.cross;
    row.strayDetections += verdict.stray;
    row.recall = row.detected / row.cases;
    row.recallInterval95 = wilsonInterval(row.detected, row.cases);
    recall.set(key, row);
  }
  const recallRows = [...recall.values()].sort((a, b) => a.threat.localeCompare(b.threat));
  const latencyRows: LatencyRow[] = [...latencies.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, { threat, variant, values }]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { threat, ...(variant === undefined ? {} : { variant }), detected: sorted.length, p50Ms: tenths(quantile(sorted, 0.5)), p95Ms: tenths(quantile(sorted, 0.95)), maxMs: tenths(sorted[sorted.length - 1] ?? null) };
  });
  const judged = recallRows.filter((r) => r.levelDb === null || r.levelDb >= JUDGED_LEVEL_DB);
  const falseAlarmRows = [...falseAlarms.values()];
  const lowest = lowestRow(judged);
  const confuserCases = falseAlarmRows.reduce((n, r) => n + r.cases, 0);
  const alarmedConfuserCases = falseAlarmRows.reduce((n, r) => n + r.alarmedCases.length, 0);
  return {
    recall: recallRows,
    falseAlarms: falseAlarmRows,
    latency: latencyRows,
    summary: {
      cases: outcomes.length,
      threatCases: recallRows.reduce((n, r) => n + r.cases, 0),
      detected: recallRows.reduce((n, r) => n + r.detected, 0),
      minRecall: lowest === undefined ? 1 : lowest.recall,
      minRecallInterval95: lowest === undefined ? { low: 1, high: 1 } : lowest.recallInterval95,
      confuserCases,
      alarmedConfuserCases,
      alarmedShareInterval95: wilsonInterval(alarmedConfuserCases, confuserCases),
      strayDetections: recallRows.reduce((n, r) => n + r.strayDetections, 0),
      crossDetections: recallRows.reduce((n, r) => n + r.crossDetections, 0),
    },
  };
}

/** The row of lowest recall; of rows that tie, the one with the fewest cases (the widest interval). */
function lowestRow(rows: readonly RecallRow[]): RecallRow | undefined {
  let lowest: RecallRow | undefined;
  for (const r of rows) {
    if (lowest === undefined || r.recall < lowest.recall || (r.recall === lowest.recall && r.cases < lowest.cases)) lowest = r;
  }
  return lowest;
}

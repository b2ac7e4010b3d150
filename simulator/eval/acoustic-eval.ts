/**
 * Runs the acoustic pipeline over labelled cases and scores it: recall per glass type and level, false
 * alarms per confuser class, decision latency from the true onset. Used by the CI eval test and by
 * `npm run eval:acoustic`.
 */
import type { LabelledCase } from '../signals/corpus';
import { feedBlocks } from '../signals/signal';
import type { Detection } from '../../firmware/detect/types';
import type { GlassBreakOptions } from '../../firmware/detect/glass-break';
import { AcousticPipeline } from '../../firmware/node/pipeline-acoustic';

/** Microphone blocks as an I2S driver delivers them: 256 frames (16 ms). */
export const MIC_BLOCK_FRAMES = 256;
export const MIC_UNITS_PER_COUNT = 1 / 32768;
/** A detection counts as the threat when its onset lies from this long before the true onset to the event's end. */
const ONSET_TOLERANCE_MS = 100;

export interface EvalOptions {
  detector?: Partial<GlassBreakOptions>;
  /** Report a pane flex to the pipeline at each threat's onset (dual technology), as the vibration pipeline would. */
  flexAtThreats?: boolean;
}

export interface CaseOutcome {
  id: string;
  group: string;
  threat: boolean;
  levelDb: number | undefined;
  /** Glass type (threats) or variant. */
  variant: string;
  detections: Detection[];
  /** Threat cases: a detection of this event. */
  hit: boolean;
  /** Any detection that is not the threat (all detections of a confuser or ambient case). */
  falseAlarms: number;
  /** Decision time minus the true onset, ms (hits only). */
  latencyMs: number | null;
}

export function evaluateCase(c: LabelledCase, options: EvalOptions = {}): CaseOutcome {
  const pipeline = new AcousticPipeline(options.detector);
  const detections: Detection[] = [];
  const onsetMs = c.onsetS === null ? null : c.onsetS * 1000;
  let flexNoted = false;
  feedBlocks(c.signal, { unitsPerCount: MIC_UNITS_PER_COUNT, blockFrames: MIC_BLOCK_FRAMES }, (block) => {
    // The vibration pipeline reports the flex within a block or two of the impact.
    if (options.flexAtThreats === true && c.threat !== null && onsetMs !== null && !flexNoted && block.t0Ms >= onsetMs) {
      pipeline.noteFlex(onsetMs + 5, 0.5);
      flexNoted = true;
    }
    for (const d of pipeline.push(block)) detections.push({ ...d, features: { ...d.features } });
  });
  let hit = false;
  let latencyMs: number | null = null;
  let falseAlarms = 0;
  for (const d of detections) {
    const isThreat = c.threat !== null && onsetMs !== null && c.endS !== null &&
      d.onsetMs >= onsetMs - ONSET_TOLERANCE_MS && d.onsetMs <= c.endS * 1000;
    if (isThreat && !hit) {
      hit = true;
      latencyMs = d.decidedMs - (onsetMs as number);
    } else if (!isThreat) {
      falseAlarms++;
    }
  }
  return {
    id: c.id,
    group: c.group,
    threat: c.threat !== null,
    levelDb: c.levelDb,
    variant: String(c.params.glass ?? c.params.kind ?? c.params.profile ?? ''),
    detections,
    hit,
    falseAlarms,
    latencyMs,
  };
}

export interface Tally {
  cases: number;
  hits: number;
  falseAlarms: number;
}

export interface EvalSummary {
  threats: number;
  hits: number;
  recall: number;
  /** Confuser and ambient cases with at least one detection, and threat cases with a detection outside the event. */
  falseAlarmCases: number;
  byLevel: Record<string, Tally>;
  byGlass: Record<string, Tally>;
  byGroup: Record<string, Tally>;
  latencyMs: { p50: number; p99: number; max: number } | null;
}

export function summarise(outcomes: readonly CaseOutcome[]): EvalSummary {
  const tally = (table: Record<string, Tally>, key: string, o: CaseOutcome): void => {
    const t = (table[key] ??= { cases: 0, hits: 0, falseAlarms: 0 });
    t.cases++;
    if (o.hit) t.hits++;
    if (o.falseAlarms > 0) t.falseAlarms++;
  };
  const byLevel: Record<string, Tally> = {};
  const byGlass: Record<string, Tally> = {};
  const byGroup: Record<string, Tally> = {};
  const latencies: number[] = [];
  for (const o of outcomes) {
    tally(byGroup, o.group, o);
    if (o.threat) {
      tally(byLevel, `+${o.levelDb}dB`, o);
      tally(byGlass, o.variant, o);
      if (o.latencyMs !== null) latencies.push(o.latencyMs);
    }
  }
  latencies.sort((a, b) => a - b);
  const pick = (q: number): number => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  const threats = outcomes.filter((o) => o.threat).length;
  const hits = outcomes.filter((o) => o.hit).length;
  return {
    threats,
    hits,
    recall: threats === 0 ? 1 : hits / threats,
    falseAlarmCases: outcomes.filter((o) => o.falseAlarms > 0).length,
    byLevel,
    byGlass,
    byGroup,
    latencyMs: latencies.length === 0 ? null : { p50: pick(0.5), p99: pick(0.99), max: latencies[latencies.length - 1] },
  };
}

export function evaluate(cases: readonly LabelledCase[], options: EvalOptions = {}): { outcomes: CaseOutcome[]; summary: EvalSummary } {
  const outcomes = cases.map((c) => evaluateCase(c, options));
  return { outcomes, summary: summarise(outcomes) };
}

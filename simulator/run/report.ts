/**
 * What a scenario run prints: the live lines (events as they start, alerts and node status as the
 * subscriber receives them) and the summary at the end (alerts per type, latencies, missed and
 * unexpected alerts, rendering cost). Pure formatting, shared by `npm start` and the tests.
 */
import type { AlertMessage } from '../../firmware/node/protocol';
import type { Seen } from '../monitor/watch';
import type { Scenario, TimelineEvent } from '../scenario/types';
import { percentile } from './expectations';
import type { Match, Scorecard } from './expectations';
import type { ClockMode } from './pacer';
import type { RunReport } from './runner';
import type { DatedSeen } from './session';

export function secondsText(ms: number): string {
  return `T+${(ms / 1000).toFixed(1).padStart(6)} s`;
}

/** Minutes east of UTC of an ISO 8601 time's zone (`Z`, `+02:00`), for showing scenario times as the scenario gives them. */
export function zoneOffsetMin(isoTime: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(isoTime);
  return match === null ? 0 : (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** hh:mm:ss.mmm at `offsetMin` east of UTC (real time: the host's own zone). */
function clockText(epochMs: number, offsetMin: number): string {
  return new Date(epochMs + offsetMin * 60_000).toISOString().slice(11, 23);
}

function whereText(event: TimelineEvent): string {
  const w = event.where;
  const place = 'node' in w ? w.node : 'room' in w ? `room ${w.room}` : `point (${w.x} m, ${w.y} m)`;
  return event.durationS > 0 ? `${place}, ${event.durationS} s` : place;
}

export function eventLine(event: TimelineEvent): string {
  return `${' '.repeat(12)}  ${secondsText(event.at * 1000)}  ▶ ${event.label} (${event.what} at ${whereText(event)})`;
}

export class LiveLines {
  readonly #clock: ClockMode;
  readonly #scenario: Scenario;
  /** Set once the run is over: the nodes' final offline announcements are not news. */
  finished = false;

  constructor(clock: ClockMode, scenario: Scenario) {
    this.#clock = clock;
    this.#scenario = scenario;
  }

  /** The line for a received message, or undefined for messages the demo does not print. */
  line(seen: Seen, dated: DatedSeen): string | undefined {
    if (this.finished) return undefined;
    const head = this.#clock === 'real'
      ? `${clockText(seen.atEpochMs, -new Date(seen.atEpochMs).getTimezoneOffset())}  ${secondsText(dated.arrivedMs)}`
      : `${clockText(this.#scenario.startEpochMs + dated.arrivedMs, zoneOffsetMin(this.#scenario.startTime))}  ${secondsText(dated.arrivedMs)}`;
    if (seen.kind === 'invalid') return `${head}  INVALID  ${seen.topic}: ${seen.problems.join('; ')}`;
    if (seen.kind === 'status' && !seen.retained) return `${head}  ${seen.online ? 'ONLINE ' : 'OFFLINE'}  ${seen.node}${this.#latency(dated)}`;
    if (seen.kind !== 'alert' || seen.retained) return undefined;
    const a = seen.alert;
    const tag = a.type === 'sensor_fault' || a.type === 'node_fault' ? 'FAULT  ' : 'ALERT  ';
    const fault = a.fault === undefined ? '' : ` ${a.fault.source} ${a.fault.codes.join('+')} ${a.fault.active ? 'raised' : 'cleared'}`;
    return `${head}  ${tag}  ${a.type.padEnd(12)} ${a.node.padEnd(16)} ${placeText(a)}  score ${a.score.toFixed(2)} ${a.severity}${fault}` +
      `${this.#latency(dated)}`;
  }

  #latency(dated: DatedSeen): string {
    const verdict = dated.verdict;
    if (verdict === undefined) return '';
    if (verdict.kind === 'matched') {
      const a = verdict.match.arrival.alert;
      const detector = a === undefined ? '' : `; decided ${(a.decidedUptimeMs - a.onsetUptimeMs).toFixed(0)} ms after its own onset estimate`;
      return `  — latency ${verdict.match.latencyMs.toFixed(0)} ms from "${verdict.match.expectation.label}"${detector}`;
    }
    if (verdict.kind === 'unexpected') return '  — UNEXPECTED (no threat at this node now)';
    if (verdict.kind === 'related') return '  — during another threat at this node';
    return '';
  }
}

export function placeText(a: Pick<AlertMessage, 'location'>): string {
  return `${a.location.label} — ${a.location.element}, ${a.location.room}, floor ${a.location.floor}`;
}

function latencyRow(name: string, matches: readonly Match[]): string {
  const values = matches.map((m) => m.latencyMs);
  const cell = (v: number): string => (Number.isNaN(v) ? '—' : v.toFixed(0)).padStart(7);
  return `    ${name.padEnd(14)}${String(values.length).padStart(4)}${cell(percentile(values, 50))}${cell(percentile(values, 99))}${cell(Math.max(...values))}`;
}

export function summaryLines(scenario: Scenario, card: Scorecard, report: RunReport, alerts: readonly AlertMessage[], invalid: number): string[] {
  const lines: string[] = ['', `Summary of "${scenario.name}" (${report.mode === 'real' ? 'real time' : 'virtual time'})`];
  const unique = new Map<string, AlertMessage>();
  for (const a of alerts) unique.set(a.id, a);
  const byType = new Map<string, number>();
  for (const a of unique.values()) byType.set(a.type, (byType.get(a.type) ?? 0) + 1);
  const types = [...byType].map(([t, n]) => `${t} ${n}`).join(', ') || 'none';
  lines.push(`  alerts received: ${unique.size} (${types}); duplicate deliveries ${alerts.length - unique.size}; messages failing their schema ${invalid}`);
  const kinds = [...new Set(card.matched.map((m) => m.expectation.type))];
  if (kinds.length > 0) {
    lines.push(`  latency from the event's onset to the subscriber, ms${report.mode === 'virtual' ? ' (virtual time)' : ''}:`);
    lines.push(`    ${'type'.padEnd(14)}${'n'.padStart(4)}${'p50'.padStart(7)}${'p99'.padStart(7)}${'max'.padStart(7)}`);
    for (const kind of kinds) lines.push(latencyRow(kind, card.matched.filter((m) => m.expectation.type === kind)));
  }
  const expected = card.matched.length + card.missed.length;
  lines.push(`  expected: ${expected}, received ${card.matched.length}, missed ${card.missed.length}` +
    `${card.notReached.length > 0 ? `; not reached (the run stopped first): ${card.notReached.length}` : ''}`);
  for (const m of card.missed) lines.push(`    MISSED ${m.type} at ${m.node} (${secondsText(m.onsetMs).trim()}, "${m.label}")`);
  lines.push(`  unexpected alerts (false alarms): ${card.unexpected.length}`);
  for (const u of card.unexpected) lines.push(`    ${u.type} at ${u.node}, onset ${secondsText(u.onsetMs).trim()}`);
  if (card.related.length > 0) {
    lines.push(`  alerts during another threat at the same node: ${card.related.map((r) => `${r.type} at ${r.node} (${secondsText(r.onsetMs).trim()})`).join(', ')}`);
  }
  const r = report.render;
  lines.push(`  signal rendering: ${r.renderedS.toFixed(0)} s of sensor signal (all nodes) in ${(r.renderMs / 1000).toFixed(2)} s — ` +
    `${r.realTimeFactor.toFixed(3)} s of rendering per second of scenario (real-time factor; < 1 keeps up), worst chunk ${r.worstChunkMs.toFixed(0)} ms` +
    `${report.mode === 'real' ? `, ${r.misses} chunk(s) not ready in time` : ''}`);
  const p = report.pacer;
  lines.push(report.mode === 'real'
    ? `  run: ${(p.wallMs / 1000).toFixed(1)} s wall clock; the nodes' clock lagged the wall clock by ${p.lagP99Ms.toFixed(0)} ms at p99 of ticks, ${p.worstLagMs.toFixed(0)} ms at most`
    : `  run: ${report.scenarioS.toFixed(0)} s of scenario in ${(p.wallMs / 1000).toFixed(1)} s (waiting for the network ${(p.settleMs / 1000).toFixed(1)} s, ` +
      `real-time windows ${(p.realTimeWindowMs / 1000).toFixed(1)} s)`);
  if (report.faultsApplied.length > 0) lines.push(`  faults applied: ${report.faultsApplied.join('; ')}`);
  if (report.faultsSkipped.length > 0) lines.push(`  faults skipped: ${report.faultsSkipped.join('; ')}`);
  return lines;
}

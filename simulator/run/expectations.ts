/**
 * What a scenario should make the nodes report, and how what they reported compares.
 *
 * Expected: a threat event (glass_break, grinder, impact, tilt) that reaches a node at its own level
 * (`where: {node}` or `{room}`, or a point within 1 m) and whose detector runs in the node's role should
 * raise one alert of its type at that node; a sensor fault should raise a sensor_fault alert; a power
 * loss that lasts (15 s or more) should make the broker announce the node offline. Farther from a point source an alert is
 * welcome but not required.
 *
 * Matching: an alert matches the first open expectation of its node and type whose window holds the
 * alert's onset (from 2 s before the event to 5 s after its end). An alert of a threat type during any
 * threat event at its node is "related" (a blow on a pane is also heard); any other threat alert is
 * "unexpected": a false alarm.
 */
import type { DetectorKey, RoleDetectorDefaults } from '../../firmware/node/config';
import { DETECTOR_THREATS, ROLE_DETECTORS_ENABLED } from '../../firmware/node/config';
import type { AlertMessage, AlertType } from '../../firmware/node/protocol';
import type { NodeRole } from '../../firmware/detect/types';
import { EVENT_SPECS } from '../scenario/catalogue';
import type { Scenario } from '../scenario/types';
import { reachOf } from '../sources/reach';

export interface Expectation {
  node: string;
  type: AlertType | 'offline';
  /** Scenario time the event began, ms: latencies count from here. */
  onsetMs: number;
  /** Window in which a matching report's onset may lie, ms. */
  fromMs: number;
  untilMs: number;
  label: string;
}

/** A report that reached the subscriber, dated on the scenario's timeline. */
export interface Arrival {
  node: string;
  type: AlertType | 'offline';
  /** The reported onset on the scenario timeline, ms (for offline: when it arrived). */
  onsetMs: number;
  /** When it arrived: scenario ms (virtual) or real ms after scenario time 0 (real time). */
  arrivedMs: number;
  alert?: AlertMessage;
}

export interface Match {
  expectation: Expectation;
  arrival: Arrival;
  /** arrivedMs − onset of the event, ms. */
  latencyMs: number;
}

export interface Scorecard {
  matched: Match[];
  missed: Expectation[];
  /** A run stopped early: expectations whose window was still open, neither found nor missed. */
  notReached: Expectation[];
  related: Arrival[];
  unexpected: Arrival[];
}

const BEFORE_MS = 2000;
/**
 * A node back sooner than this after a power loss takes its old session over before the broker's
 * keepalive gives up on it (1.5 × 5 s, up to ~14 s on Mosquitto 2.0): its `offline` may never come.
 */
const DEAD_NODE_MIN_S = 15;
const AFTER_MS = 5000;
const POINT_RADIUS_M = 1;
const THREATS: readonly AlertType[] = ['glass_break', 'grinder', 'impact', 'tilt'];

function detectorOf(type: AlertType): DetectorKey | undefined {
  return (Object.keys(DETECTOR_THREATS) as DetectorKey[]).find((key) => DETECTOR_THREATS[key] === type);
}

export function runsDetector(defaults: RoleDetectorDefaults, role: NodeRole, type: AlertType): boolean {
  const key = detectorOf(type);
  return key !== undefined && defaults[role][key]?.enabled === true;
}

export function expectationsOf(scenario: Scenario, defaults: RoleDetectorDefaults = ROLE_DETECTORS_ENABLED): Expectation[] {
  const expected: Expectation[] = [];
  for (const event of scenario.timeline) {
    const threat = EVENT_SPECS[event.what].threat;
    if (threat === null) continue;
    for (const node of scenario.nodes) {
      const reach = reachOf(scenario, event, node);
      if (reach === undefined || reach.distanceM > POINT_RADIUS_M || !runsDetector(defaults, node.role, threat)) continue;
      const onsetMs = event.at * 1000;
      expected.push({
        node: node.id, type: threat, onsetMs, fromMs: onsetMs - BEFORE_MS, untilMs: (event.at + event.durationS) * 1000 + AFTER_MS,
        label: event.label,
      });
    }
  }
  for (const fault of scenario.faults) {
    const onsetMs = fault.at * 1000;
    if ('sensor' in fault) {
      expected.push({ node: fault.node, type: 'sensor_fault', onsetMs, fromMs: onsetMs - BEFORE_MS, untilMs: onsetMs + 30_000, label: `${fault.kind} (${fault.sensor})` });
    } else if (fault.kind === 'power_loss' && (fault.durationS === null || fault.durationS >= DEAD_NODE_MIN_S)) {
      expected.push({ node: fault.node, type: 'offline', onsetMs, fromMs: onsetMs, untilMs: onsetMs + 60_000, label: fault.label });
    }
  }
  return expected.sort((a, b) => a.onsetMs - b.onsetMs);
}

/** Threat events at each node, for telling related alerts from false alarms. */
function threatWindows(scenario: Scenario): Map<string, { fromMs: number; untilMs: number }[]> {
  const windows = new Map<string, { fromMs: number; untilMs: number }[]>();
  for (const event of scenario.timeline) {
    if (EVENT_SPECS[event.what].threat === null) continue;
    for (const node of scenario.nodes) {
      if (reachOf(scenario, event, node) === undefined) continue;
      const list = windows.get(node.id) ?? [];
      list.push({ fromMs: event.at * 1000 - BEFORE_MS, untilMs: (event.at + event.durationS) * 1000 + AFTER_MS });
      windows.set(node.id, list);
    }
  }
  return windows;
}

/** Matches reports against expectations as they arrive. */
export class Ledger {
  readonly expectations: readonly Expectation[];
  readonly #open: Expectation[];
  readonly #windows: Map<string, { fromMs: number; untilMs: number }[]>;
  readonly card: Scorecard = { matched: [], missed: [], notReached: [], related: [], unexpected: [] };
  /** Alert ids seen (QoS 1 may deliver one twice). */
  readonly #ids = new Set<string>();

  constructor(scenario: Scenario, defaults: RoleDetectorDefaults = ROLE_DETECTORS_ENABLED) {
    this.expectations = expectationsOf(scenario, defaults);
    this.#open = [...this.expectations];
    this.#windows = threatWindows(scenario);
  }

  /** Records a report; returns how it was classified (duplicates and walk-test alerts: 'ignored'). */
  add(arrival: Arrival): { kind: 'matched'; match: Match } | { kind: 'related' | 'unexpected' | 'other' | 'ignored' } {
    const alert = arrival.alert;
    if (alert !== undefined) {
      if (this.#ids.has(alert.id) || alert.test) return { kind: 'ignored' };
      this.#ids.add(alert.id);
      if (alert.type === 'sensor_fault' && alert.fault?.active === false) return { kind: 'other' };
    }
    const index = this.#open.findIndex((e) => e.node === arrival.node && e.type === arrival.type &&
      arrival.onsetMs >= e.fromMs && arrival.onsetMs <= e.untilMs);
    if (index >= 0) {
      const [expectation] = this.#open.splice(index, 1);
      const match = { expectation, arrival, latencyMs: arrival.arrivedMs - expectation.onsetMs };
      this.card.matched.push(match);
      return { kind: 'matched', match };
    }
    if (!THREATS.includes(arrival.type as AlertType)) return { kind: 'other' };
    const during = (this.#windows.get(arrival.node) ?? []).some((w) => arrival.onsetMs >= w.fromMs && arrival.onsetMs <= w.untilMs);
    (during ? this.card.related : this.card.unexpected).push(arrival);
    return { kind: during ? 'related' : 'unexpected' };
  }

  /**
   * Closes the books at the end of a run: every expectation still open was missed. A run stopped at
   * `stoppedMs` (Ctrl-C) misses only those whose window had closed by then; the rest were not reached.
   */
  close(stoppedMs = Number.POSITIVE_INFINITY): Scorecard {
    for (const e of this.#open.splice(0)) (e.untilMs <= stoppedMs ? this.card.missed : this.card.notReached).push(e);
    return this.card;
  }
}

/** Percentile (nearest rank) of a list of numbers; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/**
 * The console's picture of a site, built only from what the nodes publish (no polling): retained
 * `status` (online, or the `offline` will), heartbeats, retained `config` and `state/<type>`, alerts,
 * command results and telemetry. Decides each node's health, including dead nodes: offline by the
 * will, silent (heartbeats stopped), or never heard from at all. Pure and shared with the browser;
 * times are epoch milliseconds passed in by the caller.
 */
import type { AlertMessage, CommandResultMessage, HeartbeatMessage } from '../../../firmware/node/protocol';
import type { TelemetryMessage } from '../../../firmware/node/telemetry';
import { parseNodeTopic } from './command-channel';
import { alertProblem, commandResultProblem, configProblem, heartbeatProblem, telemetryProblem } from './message-shapes';
import type { PlanNode, PlanNodeLocation, SitePlan } from './site-plan';

/** The protocol's heartbeat default; used until a node's own interval is known. */
export const DEFAULT_HEARTBEAT_MS = 5000;
/** A node is silent after this many heartbeat intervals without one (docs/protocol.md: about two missed). */
export const SILENT_AFTER_INTERVALS = 2.5;
/** A planned node never heard from is reported dead this long after the console connected. */
export const NO_CONTACT_GRACE_MS = 10_000;
export const MAX_ALERTS = 500;
export const MAX_TELEMETRY = 600;

export interface AlertLatency {
  /** decidedUptimeMs − onsetUptimeMs: signal to decision, on the node. */
  detectMs: number;
  /** uptimeMs − decidedUptimeMs: held for corroboration. */
  holdMs: number;
  /** arrival − ts: node to this console (needs both clocks synced); undefined before the node's SNTP sync. */
  deliveryMs: number | undefined;
  /** arrival − event onset (ts − (uptimeMs − onsetUptimeMs)); undefined before the node's SNTP sync. */
  totalMs: number | undefined;
  /**
   * Set, with delivery and total left out, when the node's clock and this console's disagree by more than
   * CLOCK_DISAGREE_MS: arrival − ts of the node's latest heartbeat (e.g. a simulator in virtual time).
   */
  clockOffsetMs?: number;
}

/** A heartbeat crosses a working link in milliseconds: an arrival − ts beyond this is the clocks, not the link. */
export const CLOCK_DISAGREE_MS = 2000;

export interface AlertEntry {
  alert: AlertMessage;
  arrivedMs: number;
  latency: AlertLatency;
  /** Node key `site/node`. */
  key: string;
}

export interface NodeView {
  key: string;
  site: string;
  id: string;
  plan: PlanNode | undefined;
  status: 'online' | 'offline' | undefined;
  statusAtMs: number | undefined;
  hb: HeartbeatMessage | undefined;
  hbAtMs: number | undefined;
  config: Record<string, unknown> | undefined;
  configAtMs: number | undefined;
  /** Retained `state/<type>` flags. */
  states: Record<string, string>;
  /** The retained `safemode` report of a device that cannot run its node (removed by an empty payload). */
  safeMode: { problems: string[] } | undefined;
  lastAlert: AlertEntry | undefined;
  telemetry: Array<{ atMs: number; message: TelemetryMessage }>;
  results: Array<{ atMs: number; result: CommandResultMessage }>;
}

export type Liveness = 'online' | 'offline' | 'silent' | 'safe-mode' | 'no-contact' | 'waiting';

export interface NodeAssessment {
  liveness: Liveness;
  /** offline, silent, in safe mode (not detecting) or never heard from: shown red and counted in the banner. */
  dead: boolean;
  /** A sensor fault or tamper while alive. */
  faults: string[];
  hbAgeMs: number | undefined;
  /** One line for the operator. */
  summary: string;
}

export type Change = 'node' | 'alert' | 'telemetry' | 'result' | 'none';

function ageText(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** clockOffsetMs: arrival − ts of the node's latest heartbeat, when known. */
export function alertLatency(alert: AlertMessage, arrivedMs: number, clockOffsetMs?: number): AlertLatency {
  const detectMs = alert.decidedUptimeMs - alert.onsetUptimeMs;
  const holdMs = alert.uptimeMs - alert.decidedUptimeMs;
  if (typeof alert.ts !== 'number') return { detectMs, holdMs, deliveryMs: undefined, totalMs: undefined };
  if (clockOffsetMs !== undefined && Math.abs(clockOffsetMs) > CLOCK_DISAGREE_MS) return { detectMs, holdMs, deliveryMs: undefined, totalMs: undefined, clockOffsetMs };
  const onsetEpochMs = alert.ts - (alert.uptimeMs - alert.onsetUptimeMs);
  return { detectMs, holdMs, deliveryMs: arrivedMs - alert.ts, totalMs: arrivedMs - onsetEpochMs };
}

function clockOffsetOf(node: NodeView): number | undefined {
  const ts = node.hb?.ts;
  return typeof ts === 'number' && node.hbAtMs !== undefined ? node.hbAtMs - ts : undefined;
}

/** The location of a node as its config says, else as the site plan says. */
export function locationOf(node: NodeView): PlanNodeLocation | undefined {
  const fromConfig = node.config?.location as PlanNodeLocation | undefined;
  return fromConfig ?? node.plan?.location;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The check each JSON topic's messages pass before the console keeps them (message-shapes.ts). */
const SHAPES: Readonly<Record<string, (json: Record<string, unknown>) => string | undefined>> = {
  hb: heartbeatProblem, alert: alertProblem, 'cmd/result': commandResultProblem, telemetry: telemetryProblem, config: configProblem,
};

export class SiteState {
  readonly plan: SitePlan | undefined;
  /** The `<site>` topic level watched; `+` for every site. */
  readonly siteId: string;
  readonly nodes = new Map<string, NodeView>();
  /** Newest first, de-duplicated by id. */
  readonly alerts: AlertEntry[] = [];
  /** Messages that could not be read (shown to the operator, never dropped silently). */
  readonly problems: string[] = [];
  /** Called with every telemetry message as it arrives (a baseline records them; the history is capped). */
  readonly telemetryListeners = new Set<(key: string, message: TelemetryMessage) => void>();
  readonly #alertIds = new Set<string>();
  readonly #startedMs: number;

  constructor(options: { plan?: SitePlan; siteId?: string; startedMs: number }) {
    this.plan = options.plan;
    this.siteId = options.plan?.id ?? options.siteId ?? '+';
    this.#startedMs = options.startedMs;
    for (const node of options.plan?.nodes ?? []) this.#node(this.siteId, node.id);
  }

  /** The MQTT topic filters that feed this state. */
  subscriptions(): string[] {
    return ['status', 'hb', 'alert', 'config', 'state/+', 'safemode', 'cmd/result'].map((suffix) => `vitrine/${this.siteId}/+/${suffix}`);
  }

  #node(site: string, id: string): NodeView {
    const key = `${site}/${id}`;
    let node = this.nodes.get(key);
    if (node === undefined) {
      node = {
        key, site, id, plan: this.plan?.nodes.find((n) => n.id === id), status: undefined, statusAtMs: undefined,
        hb: undefined, hbAtMs: undefined, config: undefined, configAtMs: undefined, states: {}, safeMode: undefined, lastAlert: undefined,
        telemetry: [], results: [],
      };
      this.nodes.set(key, node);
    }
    return node;
  }

  #problem(text: string): void {
    this.problems.unshift(text);
    if (this.problems.length > 50) this.problems.length = 50;
  }

  /** Takes one message; one that is not what the protocol says goes to `problems` and changes nothing. */
  handle(topic: string, payload: string, nowMs: number): Change {
    const parsed = parseNodeTopic(topic);
    if (parsed === undefined) return 'none';
    if (this.siteId !== '+' && parsed.site !== this.siteId) return 'none';
    const { suffix } = parsed;
    if (suffix.startsWith('cmd/') && suffix !== 'cmd/result') return 'none';
    const node = this.#node(parsed.site, parsed.node);
    if (suffix === 'status') {
      if (payload !== 'online' && payload !== 'offline') {
        if (payload !== '') this.#problem(`${topic}: unexpected status ${JSON.stringify(payload.slice(0, 40))}`);
        return 'none';
      }
      node.status = payload;
      node.statusAtMs = nowMs;
      return 'node';
    }
    if (suffix.startsWith('state/')) {
      node.states[suffix.slice(6)] = payload;
      return 'node';
    }
    if (suffix === 'safemode' && payload === '') {
      node.safeMode = undefined; // a node that starts normally removes the report
      return 'node';
    }
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      this.#problem(`${topic}: not JSON: ${payload.slice(0, 60)}`);
      return 'none';
    }
    if (!isRecord(json)) {
      this.#problem(`${topic}: not a JSON object`);
      return 'none';
    }
    const shape = SHAPES[suffix]?.(json);
    if (shape !== undefined) {
      this.#problem(`${topic}: ${shape}; not taken`);
      return 'none';
    }
    switch (suffix) {
      case 'hb':
        node.hb = json as unknown as HeartbeatMessage;
        node.hbAtMs = nowMs;
        return 'node';
      case 'config':
        node.config = json;
        node.configAtMs = nowMs;
        return 'node';
      case 'safemode':
        node.safeMode = { problems: Array.isArray(json.problems) ? json.problems.map(String) : [] };
        return 'node';
      case 'alert':
        return this.#alert(node, json, nowMs);
      case 'cmd/result':
        node.results.unshift({ atMs: nowMs, result: json as unknown as CommandResultMessage });
        if (node.results.length > 50) node.results.length = 50;
        return 'result';
      case 'telemetry':
        node.telemetry.push({ atMs: nowMs, message: json as unknown as TelemetryMessage });
        for (const listener of this.telemetryListeners) listener(node.key, json as unknown as TelemetryMessage);
        if (node.telemetry.length > MAX_TELEMETRY) node.telemetry.splice(0, node.telemetry.length - MAX_TELEMETRY);
        return 'telemetry';
      default:
        return 'none';
    }
  }

  #alert(node: NodeView, json: Record<string, unknown>, nowMs: number): Change {
    const alert = json as unknown as AlertMessage;
    if (this.#alertIds.has(alert.id)) return 'none'; // a QoS 1 retry
    this.#alertIds.add(alert.id);
    const entry: AlertEntry = { alert, arrivedMs: nowMs, latency: alertLatency(alert, nowMs, clockOffsetOf(node)), key: node.key };
    this.alerts.unshift(entry);
    if (this.alerts.length > MAX_ALERTS) {
      const removed = this.alerts.pop();
      if (removed !== undefined) this.#alertIds.delete(removed.alert.id);
    }
    node.lastAlert = entry;
    return 'alert';
  }

  assess(node: NodeView, nowMs: number): NodeAssessment {
    const intervalMs = node.hb?.intervalMs ?? DEFAULT_HEARTBEAT_MS;
    const hbAgeMs = node.hbAtMs === undefined ? undefined : nowMs - node.hbAtMs;
    const faults: string[] = [];
    for (const [sensor, report] of Object.entries(node.hb?.sensors ?? {})) {
      if (report.state === 'fault') faults.push(`${sensor}: ${report.faults.join(', ') || 'fault'}`);
    }
    if (faults.length === 0 && node.states.sensor_fault === 'ON') faults.push('sensor fault');
    if (node.states.tamper === 'ON') faults.push('tamper: turned away from its mounting');
    const silentAfterMs = SILENT_AFTER_INTERVALS * intervalMs;
    if (node.safeMode !== undefined && node.status !== 'offline') {
      const problems = node.safeMode.problems;
      return { liveness: 'safe-mode', dead: true, faults, hbAgeMs,
        summary: `SAFE MODE, not detecting: ${problems.length === 0 ? 'no reason given' : problems.join('; ')}` };
    }
    if (node.status === 'offline') {
      // The same retained `offline` comes from the broker (the will: power, crash, Wi-Fi) or from the node
      // shutting down: the console cannot tell which.
      return { liveness: 'offline', dead: true, faults, hbAgeMs,
        summary: `OFFLINE since ${ageText(nowMs - (node.statusAtMs ?? nowMs))} (its will, or it shut down)` };
    }
    if (node.status === 'online') {
      // Silence counts from the last sign of life: the last heartbeat, or the birth if that is newer (a reboot).
      const sinceMs = nowMs - Math.max(node.hbAtMs ?? -Infinity, node.statusAtMs ?? nowMs);
      if (sinceMs > silentAfterMs) {
        return { liveness: 'silent', dead: true, faults, hbAgeMs,
          summary: `SILENT: no heartbeat for ${ageText(sinceMs)} (expected every ${ageText(intervalMs)})` };
      }
      return { liveness: 'online', dead: false, faults, hbAgeMs, summary: faults.length > 0 ? `online, ${faults.join('; ')}` : 'online' };
    }
    if (hbAgeMs !== undefined && hbAgeMs <= silentAfterMs) {
      return { liveness: 'online', dead: false, faults, hbAgeMs, summary: 'online (heartbeat; no retained status)' };
    }
    if (nowMs - this.#startedMs > NO_CONTACT_GRACE_MS) {
      return { liveness: 'no-contact', dead: true, faults, hbAgeMs, summary: 'NO CONTACT: never heard from since the console connected' };
    }
    return { liveness: 'waiting', dead: false, faults, hbAgeMs, summary: 'waiting for the first message' };
  }

  /** Nodes with their assessment: dead first, then faulty, then by id. */
  ranked(nowMs: number): Array<{ node: NodeView; health: NodeAssessment }> {
    const rank = (h: NodeAssessment): number => (h.dead ? 0 : h.faults.length > 0 ? 1 : 2);
    return [...this.nodes.values()]
      .map((node) => ({ node, health: this.assess(node, nowMs) }))
      .sort((a, b) => rank(a.health) - rank(b.health) || a.node.key.localeCompare(b.node.key));
  }
}

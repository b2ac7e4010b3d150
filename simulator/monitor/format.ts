/**
 * Turns what the watcher sees into the monitor's output: one aligned line per event for people, or
 * one JSON object per message. Heartbeats are summarised in readable mode: a node's heartbeat is
 * printed when its health changes (first one, sensor states, outbox backlog, a new boot, walk-test or
 * telemetry switched), and `summary()` lists every node's heartbeat count and age and names the nodes
 * that have missed two heartbeats. A device in safe mode is printed loudly with its problems.
 */
import type { AlertMessage, HeartbeatMessage } from '../../firmware/node/protocol';
import type { NodeMessage, Seen } from './watch';

function clock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 23);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** `building, floor F, room, element — label` */
export function placeOf(alert: Pick<AlertMessage, 'location' | 'zone'>): string {
  const l = alert.location;
  return `${l.label} — ${l.element}, ${l.room}, floor ${l.floor}, ${l.building} (zone ${alert.zone})`;
}

function line(seen: Seen, tag: string, who: string, text: string): string {
  return `${clock(seen.atEpochMs)}  ${pad(tag, 8)} ${pad(who, 28)} ${text}`;
}

function healthKey(hb: HeartbeatMessage): string {
  const s = hb.sensors;
  return JSON.stringify([hb.boot, s.microphone.state, s.microphone.faults, s.accelerometer.state, s.accelerometer.faults,
    hb.outbox.depth > 0, hb.outbox.dropped, hb.walkTest, hb.telemetry]);
}

function sensorText(name: string, report: HeartbeatMessage['sensors']['microphone']): string {
  return report.state === 'fault' ? `${name} FAULT ${report.faults.join('+')}` : `${name} ${report.state}`;
}

interface NodeBeat {
  count: number;
  lastEpochMs: number;
  intervalMs: number;
  key: string;
}

export class MonitorFormatter {
  readonly #json: boolean;
  readonly #beats = new Map<string, NodeBeat>();
  readonly #configs = new Map<string, Record<string, unknown>>();

  constructor(options: { json: boolean }) {
    this.#json = options.json;
  }

  /** The lines to print for one message (possibly none: an unchanged heartbeat). */
  format(seen: Seen): string[] {
    if (this.#json) return [JSON.stringify(this.#jsonOf(seen))];
    if (seen.kind === 'invalid') {
      return [line(seen, 'INVALID', seen.topic, `!!! does not match its schema: ${seen.problems.join('; ')} — payload ${JSON.stringify(seen.payload.slice(0, 120))}`)];
    }
    const who = `${seen.site}/${seen.node}`;
    switch (seen.kind) {
      case 'alert': return [line(seen, seen.alert.type === 'sensor_fault' || seen.alert.type === 'node_fault' ? 'FAULT' : 'ALERT', who, this.#alertText(seen.alert))];
      case 'status': return [line(seen, 'STATUS', who, `${seen.online ? 'online' : 'OFFLINE'}${seen.retained ? ' (retained)' : ''}`)];
      case 'hb': return this.#heartbeat(seen, who, seen.hb);
      case 'state': return seen.retained ? [] : [line(seen, 'STATE', who, `${seen.type} ${seen.on ? 'ON' : 'OFF'}`)];
      case 'config': return [line(seen, 'CONFIG', who, this.#configText(seen))];
      case 'result': {
        const r = seen.result;
        const detail = r.ok ? (r.changed !== undefined ? `changed ${r.changed.join(', ') || 'nothing'}` : '') : `error: ${r.error ?? ''}`;
        return [line(seen, 'RESULT', who, `${r.command || '(no command)'} id ${r.id ?? 'null'} ${r.ok ? 'ok' : 'REFUSED'} ${detail}`.trimEnd())];
      }
      case 'telemetry': return [];
      case 'safemode':
        return seen.report === null ? [] : [line(seen, 'SAFEMODE', who, `!!! cannot run its node (commands: ${seen.report.commands.join(', ')}): ${seen.report.problems.join('; ')}`)];
      case 'selfbench': return [line(seen, 'SELFBENCH', who, `self-benchmark report: ${JSON.stringify(seen.report).slice(0, 160)}`)];
      case 'command': return [line(seen, 'COMMAND', who, `cmd/${seen.name} ${seen.payload.slice(0, 100)}`)];
    }
  }

  /** Heartbeats per node since the start, their age, and nodes that missed two (readable mode). */
  summary(nowEpochMs: number): string[] {
    if (this.#json || this.#beats.size === 0) return [];
    const parts: string[] = [];
    const silent: string[] = [];
    for (const [node, beat] of [...this.#beats].sort()) {
      const ageS = (nowEpochMs - beat.lastEpochMs) / 1000;
      parts.push(`${node} ${beat.count} (${ageS.toFixed(0)} s ago)`);
      if (nowEpochMs - beat.lastEpochMs > 2 * beat.intervalMs + 1000) silent.push(`${node} (last ${ageS.toFixed(0)} s ago)`);
    }
    const out = [`${clock(nowEpochMs)}  ${pad('HB', 8)} ${pad(`${this.#beats.size} node(s)`, 28)} ${parts.join(', ')}`];
    if (silent.length > 0) out.push(`${clock(nowEpochMs)}  ${pad('SILENT', 8)} ${pad(`${silent.length} node(s)`, 28)} !!! no heartbeat for two intervals: ${silent.join(', ')}`);
    return out;
  }

  #alertText(a: AlertMessage): string {
    const fault = a.fault === undefined ? '' : ` ${a.fault.source} ${a.fault.codes.join('+')} ${a.fault.active ? 'raised' : 'cleared'}`;
    const test = a.test ? ' [WALK TEST]' : '';
    const corroborated = a.corroborated.length > 0 ? ` corroborated by ${a.corroborated.join(', ')}` : '';
    const detection = a.decidedUptimeMs - a.onsetUptimeMs;
    return `${pad(a.type, 12)} ${pad(a.severity, 8)} score ${a.score.toFixed(2)}${fault}${test}${corroborated} — ${placeOf(a)} ` +
      `— seq ${a.seq}, decided ${detection.toFixed(0)} ms after onset`;
  }

  #heartbeat(seen: NodeMessage, who: string, hb: HeartbeatMessage): string[] {
    const key = healthKey(hb);
    const beat = this.#beats.get(who);
    this.#beats.set(who, { count: (beat?.count ?? 0) + 1, lastEpochMs: seen.atEpochMs, intervalMs: hb.intervalMs, key });
    if (beat !== undefined && beat.key === key) return [];
    const s = hb.sensors;
    const extra = [hb.walkTest ? 'walk-test' : '', hb.telemetry ? 'telemetry on' : ''].filter((t) => t !== '').join(', ');
    return [line(seen, 'HB', who, `boot ${hb.boot}, up ${(hb.uptimeMs / 1000).toFixed(1)} s, ${sensorText('mic', s.microphone)}, ` +
      `${sensorText('accel', s.accelerometer)}, outbox ${hb.outbox.depth} (dropped ${hb.outbox.dropped})${extra === '' ? '' : `, ${extra}`}`)];
  }

  #configText(seen: NodeMessage & { kind: 'config' }): string {
    const previous = this.#configs.get(`${seen.site}/${seen.node}`);
    this.#configs.set(`${seen.site}/${seen.node}`, seen.config);
    if (previous === undefined) {
      const detectors = seen.config.detectors as Record<string, { enabled: boolean }> | undefined;
      const on = Object.entries(detectors ?? {}).filter(([, d]) => d.enabled).map(([k]) => k);
      return `role ${String(seen.config.role)}, detectors ${on.join(', ') || 'none'}${seen.retained ? ' (retained)' : ''}`;
    }
    const changed = diffPaths(previous, seen.config, 'config');
    return changed.length === 0 ? 'unchanged (re-published)' : `changed: ${changed.join(', ')}`;
  }

  #jsonOf(seen: Seen): Record<string, unknown> {
    const base = { at: new Date(seen.atEpochMs).toISOString(), topic: seen.topic, retained: seen.retained };
    if (seen.kind === 'invalid') return { ...base, kind: 'invalid', valid: false, problems: seen.problems, payload: seen.payload };
    const { topic: _t, atPerfMs: _p, atEpochMs: _e, retained: _r, ...rest } = seen;
    return { ...base, valid: true, ...rest };
  }
}

/** Paths of the leaves that differ between two JSON values. */
export function diffPaths(a: unknown, b: unknown, path: string): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths(a[k], b[k], `${path}.${k}`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/**
 * The operator's view: a banner counting dead nodes, the floor plan with every node and its alerts,
 * node health (dead first), and the alert list with exact location, time, type, score and latency.
 */
import type { AlertEntry, NodeAssessment, NodeView, SiteState } from '../shared/site-state';
import { locationOf } from '../shared/site-state';
import { PlanView } from './plan-view';
import { clock, fill, h, ms, num } from './dom';

/** How long an alert keeps its node marked on the plan. */
export const ALERT_MARK_MS = 60_000;
const ALERT_ROWS = 100;

export function locationText(node: NodeView | undefined, alert?: AlertEntry): string {
  const l = alert?.alert.location ?? (node === undefined ? undefined : locationOf(node));
  if (l === undefined) return 'location unknown';
  return `${l.building} · floor ${l.floor} · ${l.room} · ${l.element} — ${l.label}`;
}

function latencyText(entry: AlertEntry): string {
  const l = entry.latency;
  const parts = [`detect ${ms(l.detectMs)}`];
  if (l.holdMs > 0) parts.push(`held ${ms(l.holdMs)}`);
  if (l.deliveryMs !== undefined) parts.push(`delivery ${ms(l.deliveryMs)}`);
  if (l.clockOffsetMs !== undefined) return `${parts.join(', ')} (node clock ${(l.clockOffsetMs / 1000).toFixed(1)} s off this browser's)`;
  return l.totalMs === undefined ? `${parts.join(', ')} (node clock not synced)` : `${ms(l.totalMs)} (${parts.join(', ')})`;
}

export class OperatorView {
  readonly element: HTMLElement;
  readonly #state: SiteState;
  readonly #banner = h('div', { id: 'dead-banner', class: 'banner', role: 'alert', hidden: true });
  readonly #health = h('tbody');
  readonly #alerts = h('tbody');
  readonly #problems = h('ul', { class: 'problems' });
  readonly #plan: PlanView | undefined;

  constructor(state: SiteState, openNode: (key: string) => void) {
    this.#state = state;
    if (state.plan !== undefined) {
      this.#plan = new PlanView(state.plan);
      this.#plan.onSelect((id) => openNode(`${state.siteId}/${id}`));
    }
    this.#health.addEventListener('click', (event) => {
      const row = (event.target as Element).closest('tr[data-key]');
      const key = row?.getAttribute('data-key');
      if (key !== null && key !== undefined) openNode(key);
    });
    this.element = h('section', { id: 'operator', class: 'view' },
      this.#banner,
      h('div', { class: 'panel plan-panel' }, h('h2', {}, state.plan?.name ?? 'No floor plan: nodes as heard'),
        this.#plan?.element ?? h('p', { class: 'hint' }, 'Start the console with --site-file or --scenario to see the floor plan.')),
      h('div', { class: 'operator-grid' },
        h('div', { class: 'panel' }, h('h2', {}, 'Node health'),
          h('table', { class: 'health' },
            h('thead', {}, h('tr', {}, h('th', {}, 'node'), h('th', {}, 'state'), h('th', {}, 'heartbeat'), h('th', {}, 'where'))),
            this.#health)),
        h('div', { class: 'panel' }, h('h2', {}, 'Alerts'),
          h('table', { class: 'alerts' },
            h('thead', {}, h('tr', {}, h('th', {}, 'time'), h('th', {}, 'type'), h('th', {}, 'severity'), h('th', {}, 'score'),
              h('th', {}, 'node'), h('th', {}, 'location'), h('th', {}, 'latency onset → console'))),
            this.#alerts))),
      this.#problems);
  }

  render(nowMs: number): void {
    const ranked = this.#state.ranked(nowMs);
    const dead = ranked.filter((r) => r.health.dead);
    this.#banner.hidden = dead.length === 0;
    fill(this.#banner, `⚠ ${dead.length} node${dead.length === 1 ? '' : 's'} DEAD: `,
      dead.map((r) => `${r.node.id} (${r.health.liveness})`).join(', '));
    fill(this.#health, ...ranked.map(({ node, health }) => this.#healthRow(node, health)));
    for (const { node, health } of ranked) {
      const recent = node.lastAlert !== undefined && nowMs - node.lastAlert.arrivedMs < ALERT_MARK_MS ? node.lastAlert : undefined;
      this.#plan?.update(node.id, {
        dead: health.dead, fault: health.faults.length > 0, alertType: recent?.alert.type, walkTest: recent?.alert.test === true,
      });
    }
    fill(this.#alerts, ...this.#state.alerts.slice(0, ALERT_ROWS).map((entry) => this.#alertRow(entry)));
    fill(this.#problems, ...this.#state.problems.slice(0, 5).map((p) => h('li', {}, p)));
  }

  #healthRow(node: NodeView, health: NodeAssessment): HTMLTableRowElement {
    const flags = [node.hb?.walkTest === true ? 'walk test' : '', node.hb?.telemetry === true ? 'telemetry' : ''].filter((f) => f !== '');
    const cls = health.dead ? 'dead' : health.faults.length > 0 ? 'fault' : health.liveness;
    return h('tr', { class: `node-row ${cls}`, 'data-key': node.key, 'data-node': node.id, 'data-liveness': health.liveness },
      h('td', {}, h('a', { href: `#/node/${encodeURIComponent(node.key)}` }, node.id), node.plan === undefined && this.#state.plan !== undefined ? ' (not on the plan)' : ''),
      h('td', { class: 'state' }, health.summary, flags.length > 0 ? h('span', { class: 'flags' }, ` [${flags.join(', ')}]`) : null),
      h('td', {}, health.hbAgeMs === undefined ? 'none yet' : `${Math.round(health.hbAgeMs / 1000)} s ago`),
      h('td', { class: 'where' }, locationText(node)),
    );
  }

  #alertRow(entry: AlertEntry): HTMLTableRowElement {
    const a = entry.alert;
    const node = this.#state.nodes.get(entry.key);
    return h('tr', {
      class: `alert-row severity-${a.severity}${a.test ? ' test' : ''}`, 'data-alert-id': a.id, 'data-node': a.node, 'data-type': a.type,
    },
    h('td', {}, clock(entry.arrivedMs)),
    h('td', { class: 'type' }, a.test ? h('span', { class: 'badge test' }, 'WALK TEST') : null, ` ${a.type}`),
    h('td', {}, a.severity, a.corroborated.length > 0 ? ` (+${a.corroborated.join(', ')})` : ''),
    h('td', {}, num(a.score, 2)),
    h('td', {}, a.node),
    h('td', { class: 'location' }, locationText(node, entry)),
    h('td', {}, latencyText(entry)),
    );
  }
}

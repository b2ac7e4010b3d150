/**
 * The technician's view of one node: live telemetry plots with thresholds, the configuration in force,
 * and the calibration tools: telemetry on/off, baseline capture, recommended thresholds with their
 * reasons, apply (cmd/config, its cmd/result and the new retained config), walk test with each test
 * detection's score and margin, and re-learning the tilt home position.
 */
import type { CommandResultMessage } from '../../../firmware/node/protocol';
import { BaselineRecorder } from '../../calibration/baseline';
import type { Recommendation, SpecLookup } from '../../calibration/recommend';
import { configPatch, fmt, recommendAll, specLookup } from '../../calibration/recommend';
import type { ConsoleConfig } from '../shared/console-config';
import { describeMargin, walkTestMargin } from '../../calibration/walk-margin';
import { describeResult } from '../shared/command-channel';
import { configRemarks } from '../shared/config-remarks';
import type { NodeView, SiteState } from '../shared/site-state';
import { TelemetryPlots } from './plots';
import { clock, fill, h, num } from './dom';
import { locationText } from './operator-view';

/** A baseline's length: the telemetry it records runs 5 s longer, within the node's 600 s limit. */
const BASELINE_MIN_S = 5;
const BASELINE_MAX_S = 590;
/** A walk test's length the page offers (the node allows up to alerts.walkTestMaxS, 3600 s by default). */
const WALK_TEST_MIN_MIN = 1;
const WALK_TEST_MAX_MIN = 60;

export interface NodeCommands {
  send(site: string, node: string, name: string, args: Record<string, unknown>): Promise<CommandResultMessage>;
  watchTelemetry(site: string, node: string, on: boolean): void;
}

const TELEMETRY_RATE_HZ = 5;

function detectorsOf(config: Record<string, unknown> | undefined): Record<string, Record<string, number | boolean>> | undefined {
  return config?.detectors as Record<string, Record<string, number | boolean>> | undefined;
}

export class TechnicianView {
  readonly element: HTMLElement;
  readonly key: string;
  readonly #state: SiteState;
  readonly #commands: NodeCommands;
  readonly #detectors: Pick<ConsoleConfig, 'specs' | 'roleDefaults'>;
  readonly #plots = new TelemetryPlots();
  readonly #header = h('div', { class: 'node-header' });
  readonly #status = h('p', { id: 'command-status', class: 'command-status', 'aria-live': 'polite' });
  readonly #baselineStatus = h('span', { id: 'baseline-status' });
  readonly #recommendations = h('div', { id: 'recommendations' },
    h('p', { class: 'hint' }, 'Capture a baseline of the ambient (nobody touching the glass) to get recommended thresholds.'));
  readonly #applyResult = h('p', { id: 'apply-result' });
  readonly #walkList = h('tbody');
  readonly #walkStatus = h('span', { id: 'walktest-status' });
  readonly #config = h('pre', { id: 'node-config', class: 'config' });
  readonly #configNote = h('p', { id: 'config-note', class: 'hint' });
  readonly #fullConfig = h('pre', { class: 'config' });
  readonly #results = h('ul', { id: 'command-results', class: 'results' });
  #walkSinceMs: number | undefined;
  #recs: Recommendation[] = [];
  #changedPaths: string[] = [];
  #appliedAtMs: number | undefined;

  constructor(state: SiteState, key: string, commands: NodeCommands, detectors: Pick<ConsoleConfig, 'specs' | 'roleDefaults'>) {
    this.#state = state;
    this.key = key;
    this.#commands = commands;
    this.#detectors = detectors;
    const seconds = h('input', { id: 'baseline-seconds', type: 'number', min: BASELINE_MIN_S, max: BASELINE_MAX_S, value: 30, size: 4 });
    const minutes = h('input', { id: 'walktest-minutes', type: 'number', min: WALK_TEST_MIN_MIN, max: WALK_TEST_MAX_MIN, value: 15, size: 3 });
    this.element = h('section', { id: 'technician', class: 'view', 'data-key': key },
      h('p', {}, h('a', { href: '#/' }, '← operator view')),
      this.#header,
      h('div', { class: 'technician-grid' },
        h('div', { class: 'side' }, h('div', { class: 'panel tools' },
          h('h2', {}, 'Calibration'),
          h('div', { class: 'tool' },
            h('button', { id: 'telemetry-start', onclick: () => void this.#telemetry(true, 120) }, 'Start telemetry'),
            h('button', { id: 'telemetry-stop', onclick: () => void this.#telemetry(false) }, 'Stop telemetry')),
          h('div', { class: 'tool' },
            h('label', {}, 'Baseline ', seconds, ' s '),
            h('button', { id: 'baseline-start', onclick: () => void this.#baseline(Number(seconds.value)) }, 'Capture baseline'),
            ' ', this.#baselineStatus),
          h('h2', {}, 'Walk test'),
          h('div', { class: 'tool' },
            h('label', {}, 'Duration ', minutes, ' min '),
            h('button', { id: 'walktest-start', onclick: () => void this.#startWalkTest(minutes.value) }, 'Start walk test'),
            h('button', { id: 'walktest-stop', onclick: () => void this.#walkTest(undefined) }, 'Stop walk test'),
            ' ', this.#walkStatus),
          h('table', { class: 'walktest' },
            h('thead', {}, h('tr', {}, h('th', {}, 'time'), h('th', {}, 'type'), h('th', {}, 'score'), h('th', {}, 'margin'))),
            this.#walkList),
          h('h2', {}, 'Tilt'),
          h('div', { class: 'tool' }, h('button', { id: 'relearn', onclick: () => void this.#relearn() }, 'Re-learn tilt home')),
          this.#status,
          h('h2', {}, 'Command results'),
          this.#results),
        h('div', { class: 'panel' }, h('h2', {}, 'Configuration in force (retained config)'), this.#configNote, this.#config,
          h('details', {}, h('summary', {}, 'the whole configuration'), this.#fullConfig))),
        h('div', { class: 'panel' }, h('h2', {}, 'Live telemetry'), this.#plots.element)),
      h('div', { class: 'panel', id: 'baseline-panel' }, h('h2', {}, 'Baseline and recommended thresholds'),
        this.#recommendations, this.#applyResult));
  }

  get #node(): NodeView | undefined {
    return this.#state.nodes.get(this.key);
  }

  /** Specs with the defaults of this node's role (known from its retained config). */
  get #lookup(): SpecLookup {
    const role = this.#node?.config?.role;
    return specLookup(this.#detectors.specs, this.#detectors.roleDefaults, typeof role === 'string' ? role : undefined);
  }

  /** Site and node id from the key `<site>/<node>` (known even before the node has said anything). */
  get #ids(): [string, string] {
    const slash = this.key.indexOf('/');
    return [this.key.slice(0, slash), this.key.slice(slash + 1)];
  }

  open(): void {
    this.#commands.watchTelemetry(...this.#ids, true);
  }

  close(): void {
    this.#commands.watchTelemetry(...this.#ids, false);
    this.#plots.clear();
  }

  async #command(name: string, args: Record<string, unknown>): Promise<CommandResultMessage | undefined> {
    this.#status.textContent = `cmd/${name} sent…`;
    try {
      const result = await this.#commands.send(...this.#ids, name, args);
      this.#status.textContent = `cmd/${name}: ${describeResult(result)}`;
      this.#status.className = `command-status ${result.ok ? 'ok' : 'refused'}`;
      return result;
    } catch (error) {
      this.#status.textContent = `cmd/${name}: ${(error as Error).message}`;
      this.#status.className = 'command-status refused';
      return undefined;
    }
  }

  async #telemetry(enable: boolean, durationS?: number): Promise<CommandResultMessage | undefined> {
    return this.#command('telemetry', enable ? { enable, durationS, rateHz: TELEMETRY_RATE_HZ } : { enable });
  }

  async #baseline(seconds: number): Promise<void> {
    if (!(seconds >= BASELINE_MIN_S && seconds <= BASELINE_MAX_S)) {
      this.#baselineStatus.textContent = `give ${BASELINE_MIN_S} to ${BASELINE_MAX_S} seconds`;
      return;
    }
    const started = await this.#telemetry(true, Math.ceil(seconds) + 5);
    if (started?.ok !== true) {
      this.#baselineStatus.textContent = 'telemetry refused: no baseline';
      return;
    }
    const recorder = new BaselineRecorder();
    const record = (key: string, message: unknown): void => {
      if (key === this.key) recorder.add(message);
    };
    this.#state.telemetryListeners.add(record);
    const endMs = Date.now() + seconds * 1000;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const left = Math.max(0, endMs - Date.now());
        this.#baselineStatus.textContent = `recording… ${Math.ceil(left / 1000)} s left`;
        if (left === 0) resolve();
        else setTimeout(tick, Math.min(500, left));
      };
      tick();
    });
    this.#state.telemetryListeners.delete(record);
    await this.#telemetry(false);
    this.#recs = recommendAll(recorder.series(), this.#lookup);
    this.#baselineStatus.textContent = `baseline: ${recorder.messages} telemetry messages over ${(recorder.spanMs / 1000).toFixed(1)} s`;
    this.#renderRecommendations();
  }

  #renderRecommendations(): void {
    if (this.#recs.length === 0) {
      fill(this.#recommendations, h('p', {}, 'The baseline had no thresholds to calibrate.'));
      return;
    }
    const rows = this.#recs.map((r) => {
      const value = r.recommended ?? r.threshold;
      return h('tr', { 'data-option': r.option, class: `rec ${r.action}` },
        h('td', {}, r.option), h('td', {}, r.unit), h('td', { class: 'in-force' }, fmt(r.threshold)),
        h('td', {}, r.ambientQuantile === undefined ? '—' : fmt(r.ambientQuantile)),
        h('td', {}, r.margin === undefined ? '—' : fmt(r.margin)),
        h('td', {}, h('input', { class: 'recommended', type: 'number', step: 'any', value: fmt(value), 'data-option': r.option, 'aria-label': `new ${r.option}` })),
        h('td', { class: 'action' }, r.action),
        h('td', { class: 'reasons' }, h('details', { open: r.action === 'raise' || r.action === 'lower' }, h('summary', {}, 'why'), h('ol', {}, ...r.reasons.map((reason) => h('li', {}, reason))))));
    });
    fill(this.#recommendations,
      h('h3', {}, 'Recommended thresholds'),
      h('p', { class: 'hint' }, `Level gates: ${fmt(this.#recs[0].quantile * 100)}th percentile of the ambient plus a margin in each unit, within the option's range, never below the default. ` +
        'Criteria on the shape of an event (signature) are not calibrated from the ambient (docs/calibration.md). Edit a value to override it.'),
      h('table', { class: 'recommendations' },
        h('thead', {}, h('tr', {}, ...['threshold', 'unit', 'in force', `ambient p${fmt(this.#recs[0].quantile * 100)}`, 'margin', 'new', 'action', 'reasoning'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...rows)),
      h('button', { id: 'apply', onclick: () => void this.#apply() }, 'Apply to the node'));
  }

  async #apply(): Promise<void> {
    const edited: Recommendation[] = [];
    for (const input of this.#recommendations.querySelectorAll<HTMLInputElement>('input.recommended')) {
      const rec = this.#recs.find((r) => r.option === input.dataset.option);
      const value = Number(input.value);
      if (rec === undefined || input.value.trim() === '' || !Number.isFinite(value) || value === rec.threshold) continue;
      edited.push({ ...rec, recommended: value, action: value > rec.threshold ? 'raise' : 'lower' });
    }
    const patch = configPatch(edited);
    if (patch === undefined) {
      this.#applyResult.textContent = 'Nothing to apply: every value equals the threshold in force.';
      return;
    }
    this.#applyResult.textContent = `sending cmd/config ${JSON.stringify(patch)}…`;
    const result = await this.#command('config', { config: patch });
    if (result === undefined) {
      this.#applyResult.textContent = 'no answer from the node';
      return;
    }
    this.#applyResult.textContent = `cmd/result: ${describeResult(result)}`;
    this.#applyResult.className = result.ok ? 'ok' : 'refused';
    if (result.ok) {
      this.#changedPaths = result.changed ?? [];
      this.#appliedAtMs = Date.now();
    }
  }

  /** Start refuses a duration it cannot send as such (empty, 0 and negative once meant stop). */
  async #startWalkTest(text: string): Promise<void> {
    const minutes = Number(text);
    if (text.trim() === '' || !(minutes >= WALK_TEST_MIN_MIN && minutes <= WALK_TEST_MAX_MIN)) {
      this.#walkStatus.textContent = `give ${WALK_TEST_MIN_MIN} to ${WALK_TEST_MAX_MIN} minutes`;
      return;
    }
    await this.#walkTest(minutes);
  }

  /** On for `minutes`, or off when undefined. */
  async #walkTest(minutes: number | undefined): Promise<void> {
    const enable = minutes !== undefined;
    const result = await this.#command('walktest', enable ? { enable, durationS: Math.round(minutes * 60) } : { enable });
    if (result?.ok !== true) return;
    this.#walkSinceMs = enable ? Date.now() : this.#walkSinceMs;
    this.#walkStatus.textContent = enable ? `walk test on for ${minutes} min: trigger each sensor` : 'walk test off';
  }

  async #relearn(): Promise<void> {
    await this.#command('relearn', {});
  }

  render(nowMs: number): void {
    const node = this.#node;
    if (node === undefined) {
      fill(this.#header, h('h2', {}, `Unknown node ${this.key}`));
      return;
    }
    const health = this.#state.assess(node, nowMs);
    fill(this.#header,
      h('h2', {}, `Node ${node.id}`, h('span', { class: `liveness ${health.dead ? 'dead' : health.liveness}` }, ` ${health.summary}`)),
      h('p', { class: 'where' }, locationText(node), node.config?.role !== undefined ? ` — role ${String(node.config.role)}` : ''),
      h('p', { class: 'flags' }, `walk test: ${node.hb?.walkTest === true ? 'ON' : 'off'} · telemetry: ${this.#streamText(node, nowMs)}`));
    this.#plots.update(node);
    this.#renderConfig(node);
    this.#renderWalkTest(node);
    fill(this.#results, ...node.results.slice(0, 12).map(({ atMs, result }) =>
      h('li', { class: result.ok ? 'ok' : 'refused' }, `${clock(atMs)} cmd/${result.command} ${result.id ?? ''}: ${describeResult(result)}`)));
  }

  /** The stream as its last message tells (rate, time left, skipped), else as the last heartbeat says. */
  #streamText(node: NodeView, nowMs: number): string {
    const last = node.telemetry.at(-1);
    if (last !== undefined && nowMs - last.atMs < 2000) {
      const m = last.message;
      return `streaming ${m.rateHz} Hz, ${Math.max(0, Math.round((m.untilUptimeMs - m.uptimeMs) / 1000))} s left, ${m.skipped} skipped`;
    }
    return node.hb?.telemetry === true ? 'ON' : 'off';
  }

  #renderConfig(node: NodeView): void {
    const detectors = detectorsOf(node.config);
    if (detectors === undefined) {
      this.#config.textContent = 'no retained config received';
      return;
    }
    const lines: Array<HTMLElement | string> = [];
    const remarks = configRemarks(node.config);
    for (const [key, options] of Object.entries(detectors)) {
      lines.push(`${key}:\n`);
      for (const [name, value] of Object.entries(options)) {
        const path = `config.detectors.${key}.${name}`;
        const changed = this.#changedPaths.includes(path);
        lines.push(h('span', { class: changed ? 'changed' : '', 'data-path': `detectors.${key}.${name}` }, `  ${name}: ${String(value)}\n`));
        const remark = remarks.get(`detectors.${key}.${name}`);
        if (remark !== undefined) lines.push(h('span', { class: 'remark', 'data-remark': `detectors.${key}.${name}` }, `    ↳ ${remark}\n`));
      }
    }
    fill(this.#config, ...lines);
    this.#fullConfig.textContent = JSON.stringify(node.config, null, 2);
    const at = node.configAtMs === undefined ? '' : ` received ${clock(node.configAtMs)}`;
    this.#configNote.textContent = this.#appliedAtMs !== undefined && node.configAtMs !== undefined && node.configAtMs >= this.#appliedAtMs
      ? `New retained config${at}; highlighted: what the last apply changed.` : `Retained config${at}.`;
  }

  #renderWalkTest(node: NodeView): void {
    const since = this.#walkSinceMs;
    const entries = since === undefined ? [] : this.#state.alerts.filter((e) => e.key === node.key && e.alert.test && e.arrivedMs >= since);
    const detectors = detectorsOf(node.config);
    fill(this.#walkList, ...entries.map((e) => {
      const margin = walkTestMargin(e.alert, detectors, this.#lookup);
      return h('tr', { class: 'walk-row', 'data-type': e.alert.type },
        h('td', {}, clock(e.arrivedMs)), h('td', {}, e.alert.type), h('td', {}, num(e.alert.score, 2)), h('td', { class: 'margin' }, describeMargin(margin)));
    }));
  }
}

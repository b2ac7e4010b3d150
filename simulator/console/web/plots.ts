/**
 * uPlot charts of one node's telemetry: per pipeline, the compact spectrum (band levels on a log
 * frequency axis with the noise floor) and, per threshold, its live value over time with the threshold
 * drawn as a dashed red line. Charts are made once per pipeline/threshold and fed new data as
 * telemetry arrives (at most 5 times a second).
 */
import uPlot from 'uplot';
import type { PipelineSnapshot } from '../../../firmware/node/pipeline';
import type { NodeView } from '../shared/site-state';
import { fill, h, num } from './dom';

const WIDTH = 380;
const HEIGHT = 150;
const THRESHOLD_STROKE = '#d62828';

function bandCentresHz(edges: readonly number[]): number[] {
  const centres: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const lo = edges[i] > 0 ? edges[i] : edges[i + 1] / 2;
    centres.push(Math.sqrt(lo * edges[i + 1]));
  }
  return centres;
}

/** null for what JSON could not carry (−∞ dB), so uPlot leaves a gap. */
function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

interface Chart {
  plot: uPlot;
  box: HTMLElement;
}

export class TelemetryPlots {
  readonly element = h('div', { class: 'plots' });
  readonly #charts = new Map<string, Chart>();
  readonly #levels = new Map<string, HTMLElement>();

  /** Redraws from the node's telemetry history. */
  update(node: NodeView): void {
    const history = node.telemetry;
    if (history.length === 0) {
      if (this.#charts.size === 0) fill(this.element, h('p', { class: 'hint' }, 'No telemetry yet: start telemetry or a baseline capture.'));
      return;
    }
    if (this.#charts.size === 0) this.element.replaceChildren();
    const latest = history[history.length - 1].message;
    const t0 = history[0].message.uptimeMs;
    const times = history.map((e) => (e.message.uptimeMs - t0) / 1000);
    for (const pipeline of latest.pipelines ?? []) {
      this.#spectrum(pipeline);
      this.#levelsTable(pipeline);
      for (const reading of pipeline.thresholds) {
        const values = history.map((e) => finite(e.message.pipelines?.find((p) => p.kind === pipeline.kind)
          ?.thresholds.find((r) => r.option === reading.option)?.current));
        const thresholds = history.map((e) => finite(e.message.pipelines?.find((p) => p.kind === pipeline.kind)
          ?.thresholds.find((r) => r.option === reading.option)?.threshold));
        this.#thresholdChart(reading.option, reading.unit, times, values, thresholds);
      }
    }
  }

  #box(key: string, title: string): HTMLElement {
    const box = h('figure', { class: 'chart', 'data-chart': key }, h('figcaption', {}, title));
    this.element.append(box);
    return box;
  }

  #spectrum(p: PipelineSnapshot): void {
    if (p.bandsDb.length === 0 || p.bandEdgesHz.length !== p.bandsDb.length + 1) return;
    const key = `spectrum:${p.kind}`;
    const x = bandCentresHz(p.bandEdgesHz);
    const bands = p.bandsDb.map((v) => finite(v));
    const floor = x.map(() => finite(p.noiseFloorDb));
    const data: uPlot.AlignedData = [x, bands, floor];
    const chart = this.#charts.get(key);
    if (chart !== undefined) {
      chart.plot.setData(data);
      return;
    }
    const box = this.#box(key, `${p.kind}: compact spectrum, ${p.bandsDb.length} bands (blue), noise floor (dashed grey), dB`);
    const plot = new uPlot({
      width: WIDTH, height: HEIGHT, legend: { show: false },
      scales: { x: { time: false, distr: 3 } },
      axes: [{ label: 'Hz' }, { label: 'dB' }],
      series: [
        { label: 'Hz', value: (_u, v) => num(v, 4) },
        { label: 'band level', stroke: '#1d4ed8', width: 2, points: { show: true } },
        { label: 'noise floor', stroke: '#6b7280', dash: [4, 4] },
      ],
    }, data, box);
    this.#charts.set(key, { plot, box });
  }

  #thresholdChart(option: string, unit: string, times: number[], values: Array<number | null>, thresholds: Array<number | null>): void {
    const key = `threshold:${option}`;
    const data: uPlot.AlignedData = [times, values, thresholds];
    const chart = this.#charts.get(key);
    if (chart !== undefined) {
      chart.plot.setData(data);
      return;
    }
    const box = this.#box(key, `${option}: live value (blue), threshold (dashed red), ${unit}`);
    const plot = new uPlot({
      width: WIDTH, height: HEIGHT, legend: { show: false },
      scales: { x: { time: false } },
      axes: [{ label: 's' }, { label: unit }],
      series: [
        { label: 's', value: (_u, v) => num(v, 4) },
        { label: 'current', stroke: '#1d4ed8', width: 1.5 },
        { label: 'threshold', stroke: THRESHOLD_STROKE, width: 2, dash: [8, 5] },
      ],
    }, data, box);
    this.#charts.set(key, { plot, box });
  }

  #levelsTable(p: PipelineSnapshot): void {
    let table = this.#levels.get(p.kind);
    if (table === undefined) {
      table = h('table', { class: 'levels', 'data-levels': p.kind });
      this.#levels.set(p.kind, table);
      this.element.append(h('figure', { class: 'chart levels-box' }, h('figcaption', {}, `${p.kind}: levels`), table));
    }
    fill(table, h('tr', {}, h('th', {}, 'noise floor'), h('td', {}, `${num(p.noiseFloorDb)} dB`)),
      ...Object.entries(p.levels).map(([name, value]) => h('tr', {}, h('th', {}, name), h('td', {}, num(value)))));
  }

  clear(): void {
    for (const chart of this.#charts.values()) chart.plot.destroy();
    this.#charts.clear();
    this.#levels.clear();
    this.element.replaceChildren();
  }
}

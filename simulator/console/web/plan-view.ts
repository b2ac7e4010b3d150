/**
 * The floor plan as SVG: rooms with their names, a scale bar, and one marker per node at its position.
 * Metres map to SVG units; y points up the page as in the scenario files. A plan much taller than wide
 * is turned a quarter clockwise so that it fits a screen. Markers carry data-node and state classes
 * (dead, fault, alerting, walktest) that the stylesheet animates.
 */
import type { PlanPointM, SitePlan } from '../shared/site-plan';
import { planBounds, scaleBarM } from '../shared/site-plan';
import { svg } from './dom';

export interface MarkerState {
  dead: boolean;
  fault: boolean;
  /** The type of a recent alert, shown beside the marker; undefined when none. */
  alertType: string | undefined;
  walkTest: boolean;
}

export class PlanView {
  readonly element: SVGSVGElement;
  readonly #markers = new Map<string, { group: SVGGElement; tag: SVGTextElement }>();
  readonly #rotated: boolean;

  constructor(plan: SitePlan) {
    const b = planBounds(plan, 4); // room for names and tags beside the outermost nodes
    this.#rotated = b.maxY - b.minY > 1.5 * (b.maxX - b.minX);
    const corners = [this.#map({ x: b.minX, y: b.minY }), this.#map({ x: b.maxX, y: b.maxY })];
    const minX = Math.min(corners[0].x, corners[1].x);
    const minY = Math.min(corners[0].y, corners[1].y);
    const width = Math.abs(corners[1].x - corners[0].x);
    const height = Math.abs(corners[1].y - corners[0].y) + 2;
    const unit = Math.max(width, height) / 80; // marker and text size in metres
    this.element = svg('svg', {
      class: 'plan', viewBox: `${minX} ${minY} ${width} ${height}`, role: 'img',
      'aria-label': `Floor plan of ${plan.name}`, preserveAspectRatio: 'xMidYMid meet',
    });
    for (const room of plan.rooms) {
      const outline = room.outline.map((p) => this.#map(p));
      const points = outline.map((p) => `${p.x},${p.y}`).join(' ');
      const centre = this.#map(centroid(room.outline));
      // The full name where it fits inside the room, else the room's id in a size that fits.
      const roomWidth = Math.max(...outline.map((p) => p.x)) - Math.min(...outline.map((p) => p.x));
      const full = `${room.name} (floor ${room.floor})`;
      const fits = full.length * unit * 0.7 < roomWidth;
      const text = fits ? full : room.id;
      const size = fits ? unit * 1.3 : Math.min(unit * 1.1, (roomWidth / text.length) * 1.6);
      // A full name runs along the room's top edge, clear of the nodes in the middle.
      const nameY = fits ? Math.min(...outline.map((p) => p.y)) + unit * 1.6 : centre.y;
      this.element.append(
        svg('polygon', { class: 'room', points, 'data-room': room.id }, svg('title', {}, full)),
        svg('text', { class: 'room-name', x: centre.x, y: nameY, 'font-size': size, 'text-anchor': 'middle' }, text),
      );
    }
    const barM = scaleBarM(width);
    const x0 = minX + unit * 2;
    const y0 = minY + height - unit * 1.5;
    this.element.append(svg('g', { class: 'scale-bar' },
      svg('line', { x1: x0, y1: y0, x2: x0 + barM, y2: y0, 'stroke-width': unit * 0.25 }),
      svg('text', { x: x0 + barM / 2, y: y0 - unit * 0.6, 'font-size': unit * 1.1, 'text-anchor': 'middle' }, `${barM} m`)));
    // Nodes close together (a window and its balcony) take turns to put their name and alert tag above
    // or below themselves; a node on its own has its name on the right and its tag above.
    const points = plan.nodes.map((node) => this.#map(node.position));
    let crowdedRank = 0;
    plan.nodes.forEach((node, i) => {
      const p = points[i];
      const crowded = points.some((q, j) => j !== i && Math.hypot(q.x - p.x, q.y - p.y) < unit * 4);
      const below = crowded && crowdedRank++ % 2 === 1;
      const label = !crowded ? { x: p.x + unit * 1.2, y: p.y + unit * 0.4, anchor: 'start' }
        : { x: p.x, y: below ? p.y + unit * 2.3 : p.y - unit * 1.5, anchor: 'middle' };
      const tagY = !crowded ? p.y - unit * 2.2 : below ? p.y + unit * 3.7 : p.y - unit * 2.9;
      const tag = svg('text', { class: 'marker-alert', x: p.x, y: tagY, 'font-size': unit * 1.2, 'text-anchor': 'middle' });
      const group = svg('g', { class: 'node-marker', 'data-node': node.id, tabindex: 0 },
        svg('title', {}, `${node.id}: ${node.location.label}`),
        svg('circle', { class: 'pulse', cx: p.x, cy: p.y, r: unit * 1.2 }),
        svg('circle', { class: 'dot', cx: p.x, cy: p.y, r: unit * 0.8 }),
        svg('text', { class: 'marker-label', x: label.x, y: label.y, 'font-size': unit * 1.05, 'text-anchor': label.anchor }, node.id),
        tag);
      this.#markers.set(node.id, { group, tag });
      this.element.append(group);
    });
  }

  #map(p: PlanPointM): PlanPointM {
    return this.#rotated ? { x: p.y, y: p.x } : { x: p.x, y: -p.y };
  }

  onSelect(listener: (nodeId: string) => void): void {
    for (const [id, { group }] of this.#markers) group.addEventListener('click', () => listener(id));
  }

  update(nodeId: string, state: MarkerState): void {
    const marker = this.#markers.get(nodeId);
    if (marker === undefined) return;
    const c = marker.group.classList;
    c.toggle('dead', state.dead);
    c.toggle('fault', !state.dead && state.fault);
    c.toggle('alerting', state.alertType !== undefined && !state.walkTest);
    c.toggle('walktest', state.alertType !== undefined && state.walkTest);
    marker.tag.textContent = state.dead ? 'DEAD' : state.alertType === undefined ? '' : `${state.walkTest ? 'TEST ' : ''}${state.alertType.replace('_', ' ').toUpperCase()}`;
  }
}

function centroid(points: readonly PlanPointM[]): PlanPointM {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

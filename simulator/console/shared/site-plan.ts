/**
 * What the console knows about a site before any node speaks: the floor plan and where every node
 * stands. Built from a scenario or a site file on the server, handed to the browser as JSON.
 * Pure types and geometry shared by the server and the browser.
 */
export interface PlanPointM {
  x: number;
  y: number;
}

export interface PlanRoom {
  id: string;
  name: string;
  floor: string;
  /** Outline in metres (a rect is given as its four corners). */
  outline: PlanPointM[];
}

export interface PlanNodeLocation {
  building: string;
  floor: string;
  room: string;
  element: string;
  label: string;
}

export interface PlanNode {
  id: string;
  role: string;
  position: PlanPointM;
  location: PlanNodeLocation;
}

export interface SitePlan {
  /** The `<site>` topic level. */
  id: string;
  name: string;
  rooms: PlanRoom[];
  nodes: PlanNode[];
}

export interface PlanBounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Bounds of every room and node, with a margin in metres. */
export function planBounds(plan: SitePlan, marginM = 1): PlanBounds {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const include = (p: PlanPointM): void => {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  };
  for (const room of plan.rooms) room.outline.forEach(include);
  for (const node of plan.nodes) include(node.position);
  if (!Number.isFinite(minX)) return { minX: -marginM, minY: -marginM, maxX: marginM, maxY: marginM };
  return { minX: minX - marginM, minY: minY - marginM, maxX: maxX + marginM, maxY: maxY + marginM };
}

/** A round length for a scale bar about a fifth of `spanM`: 1, 2 or 5 × 10^n metres. */
export function scaleBarM(spanM: number): number {
  const target = Math.max(spanM / 5, 1e-3);
  const power = 10 ** Math.floor(Math.log10(target));
  for (const step of [5, 2, 1]) if (step * power <= target) return step * power;
  return power;
}

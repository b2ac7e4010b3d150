/**
 * Floor-plan geometry in metres: room outlines, which room a point lies in, distances.
 */
import type { PlanPoint, Room, Site } from './types';

export function roomOutline(room: Room): PlanPoint[] {
  if (room.polygon !== undefined) return room.polygon;
  const r = room.rect;
  if (r === undefined) throw new Error(`room ${room.id} has neither rect nor polygon`);
  return [
    { x: r.x, y: r.y },
    { x: r.x + r.widthM, y: r.y },
    { x: r.x + r.widthM, y: r.y + r.heightM },
    { x: r.x, y: r.y + r.heightM },
  ];
}

export function distanceM(a: PlanPoint, b: PlanPoint): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Signed area (shoelace); zero for a degenerate outline. */
export function polygonAreaM2(points: readonly PlanPoint[]): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    const b = points[(i + 1) % points.length];
    twice += a.x * b.y - b.x * a.y;
  }
  return twice / 2;
}

function distanceToSegmentM(p: PlanPoint, a: PlanPoint, b: PlanPoint): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared));
  return distanceM(p, { x: a.x + t * dx, y: a.y + t * dy });
}

/** Inside the polygon (even-odd rule), or within `toleranceM` of its edge (a sensor on a wall or window). */
export function polygonContains(points: readonly PlanPoint[], p: PlanPoint, toleranceM = 0): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i];
    const b = points[j];
    if (distanceToSegmentM(p, a, b) <= toleranceM) return true;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** Nodes sit on walls and windows: a point this close to a room's edge counts as in it. */
export const WALL_TOLERANCE_M = 0.25;

export function roomAt(site: Site, p: PlanPoint, toleranceM = WALL_TOLERANCE_M): Room | undefined {
  return site.plan.rooms.find((room) => polygonContains(roomOutline(room), p, 0)) ??
    site.plan.rooms.find((room) => polygonContains(roomOutline(room), p, toleranceM));
}

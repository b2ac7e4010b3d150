/**
 * Which timeline events reach which node, and how strongly (docs/scenarios.md, "Places and levels"):
 *   { node }   only that node, at the event's own levels (structure-borne and close sound);
 *   { room }   every node standing in the room, at the event's own levels;
 *   { x, y }   every node, the levels given at 1 m reduced by 20·log10(distance / 1 m) dB
 *              (amplitude ∝ 1/distance; closer than 1 m counts as 1 m).
 */
import { distanceM, roomAt } from '../scenario/plan';
import type { Scenario, ScenarioNode, TimelineEvent } from '../scenario/types';

/** Closer than this, a point source is taken to be at 1 m (its stated level). */
const MIN_DISTANCE_M = 1;

export interface Reach {
  /** Level change at the node relative to the event's stated levels, dB (0 or negative). */
  gainDb: number;
  /** Distance from a point source, metres; 0 for node and room events. */
  distanceM: number;
}

/** How `event` reaches `node`, or undefined if it does not. */
export function reachOf(scenario: Scenario, event: TimelineEvent, node: ScenarioNode): Reach | undefined {
  const where = event.where;
  if ('node' in where) return where.node === node.id ? { gainDb: 0, distanceM: 0 } : undefined;
  if ('room' in where) return roomAt(scenario.site, node.position)?.id === where.room ? { gainDb: 0, distanceM: 0 } : undefined;
  const d = distanceM(where, node.position);
  return { gainDb: -20 * Math.log10(Math.max(MIN_DISTANCE_M, d)), distanceM: d };
}

/**
 * Where the console's floor plan comes from: a scenario (its `site` and `nodes`) or a site file, which
 * is the same two sections without the rest of a scenario:
 *
 *   { "format": "vitrine-site/1", "site": { "id", "name", "plan": { "rooms": [...] } }, "nodes": [...] }
 *
 * Nodes and rooms follow docs/scenarios.md and are checked by the scenario validator, so a site file
 * gets the same messages with the same JSON paths.
 */
import { readFileSync } from 'node:fs';
import { loadScenarioFile } from '../scenario/load';
import { roomOutline } from '../scenario/plan';
import type { Scenario } from '../scenario/types';
import { SCENARIO_FORMAT } from '../scenario/types';
import { ScenarioError, validateScenario } from '../scenario/validate';
import type { SitePlan } from './shared/site-plan';

export const SITE_FORMAT = 'vitrine-site/1';

export function sitePlanOf(scenario: Pick<Scenario, 'site' | 'nodes'>): SitePlan {
  return {
    id: scenario.site.id,
    name: scenario.site.name,
    rooms: scenario.site.plan.rooms.map((room) => ({ id: room.id, name: room.name, floor: room.floor, outline: roomOutline(room) })),
    nodes: scenario.nodes.map((node) => ({ id: node.id, role: node.role, position: node.position, location: node.location })),
  };
}

/** Validates a parsed site file; throws a ScenarioError listing every problem with its path. */
export function parseSiteFile(json: unknown, source: string): SitePlan {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ScenarioError(source, [{ path: '', message: 'must be a JSON object' }]);
  }
  const { format, site, nodes, ...rest } = json as Record<string, unknown>;
  const issues = Object.keys(rest).map((key) => ({ path: key, message: 'unknown key (allowed: format, site, nodes)' }));
  if (format !== SITE_FORMAT) issues.push({ path: 'format', message: `must be "${SITE_FORMAT}", got ${JSON.stringify(format) ?? 'nothing'}` });
  const result = validateScenario({ format: SCENARIO_FORMAT, name: 'site', seed: 0, durationS: 1, site, nodes, timeline: [] });
  if (!result.ok) issues.push(...result.issues);
  if (issues.length > 0 || !result.ok) throw new ScenarioError(source, issues);
  return sitePlanOf(result.scenario);
}

export function loadSiteFile(file: string): SitePlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read site file ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  return parseSiteFile(json, file);
}

export function loadScenarioPlan(nameOrPath: string): SitePlan {
  return sitePlanOf(loadScenarioFile(nameOrPath));
}

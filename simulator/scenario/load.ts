/**
 * Reads scenario files: `loadScenarioFile('louvre-apollo')` finds simulator/scenarios/louvre-apollo.json,
 * any other argument is a path from where the command was typed. Syntax errors are reported with line and column.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from './types';
import { ScenarioError, parseScenario } from './validate';

export const SCENARIOS_DIRECTORY = fileURLToPath(new URL('../scenarios/', import.meta.url));

/**
 * A bare name (no slash, no extension) means a scenario shipped in simulator/scenarios/; any other argument
 * is a path from the directory the command was typed in (`npm run` starts in the package root and says
 * where it was typed in INIT_CWD), as classify and eval take their files.
 */
export function resolveScenarioPath(nameOrPath: string): string {
  return /^[A-Za-z0-9_-]+$/.test(nameOrPath)
    ? path.join(SCENARIOS_DIRECTORY, `${nameOrPath}.json`)
    : path.resolve(process.env.INIT_CWD ?? process.cwd(), nameOrPath);
}

export function loadScenarioFile(nameOrPath: string): Scenario {
  const file = resolveScenarioPath(nameOrPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read scenario ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseScenarioText(text, file);
}

export function parseScenarioText(text: string, source: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    let where = '';
    if (position !== null) {
      const before = text.slice(0, Number(position[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    }
    throw new ScenarioError(source, [{ path: '', message: `not valid JSON${where}: ${message}` }]);
  }
  return parseScenario(json, source);
}

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_KINDS, EVENT_SPECS, FAULT_KINDS } from '../../../simulator/scenario/catalogue';
import { loadScenarioFile, parseScenarioText, resolveScenarioPath } from '../../../simulator/scenario/load';
import { roomAt } from '../../../simulator/scenario/plan';
import type { TimelineEvent } from '../../../simulator/scenario/types';
import { ScenarioError, parseScenario, validateScenario } from '../../../simulator/scenario/validate';

const smokeText = readFileSync(resolveScenarioPath('smoke'), 'utf8');
const smoke = (): unknown => JSON.parse(smokeText);

/** Changes to make to the smoke scenario: JSON path → new value (undefined deletes the key). */
type Edits = Record<string, unknown>;

/** The smoke scenario with `edits` applied, e.g. `{ 'timeline[2].at': -2 }`. */
function edited(edits: Edits): unknown {
  const doc = smoke();
  for (const [path, value] of Object.entries(edits)) {
    const steps = path.split(/\.|(?=\[)/).map((step) => (step.startsWith('[') ? Number(step.slice(1, -1)) : step));
    let parent = doc as Record<string | number, unknown>;
    for (const step of steps.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
    const last = steps[steps.length - 1];
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return doc;
}

/** The problems reported for the smoke scenario after `edits`, as `path: message` lines. */
function problems(edits: Edits): string[] {
  const result = validateScenario(edited(edits));
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
}

function assertProblem(edits: Edits, expected: RegExp | string): void {
  const found = problems(edits);
  const match = (line: string): boolean => (typeof expected === 'string' ? line === expected : expected.test(line));
  assert.ok(found.some(match), `expected ${expected} among:\n  ${found.join('\n  ') || '(no problems)'}`);
}

describe('scenario validation', function () {
  it('accepts the smoke scenario and fills in every default', function () {
    const scenario = parseScenario(smoke());
    assert.equal(scenario.startEpochMs, Date.parse('2025-10-19T07:30:00Z'));
    assert.deepEqual(scenario.ambient, { profile: 'quiet_gallery', crowd: 0.2, hvac: { levelDbfs: -60, blowerHz: 25 }, mainsHz: 50, windMps: 0 });
    assert.equal(scenario.nodes[0].zone, 'bench', 'zone defaults to the room the node stands in');
    const glass = scenario.timeline[1];
    assert.equal(glass.what, 'glass_break');
    assert.deepEqual(glass.params, { glass: 'tempered', levelDb: 30 });
    assert.equal(glass.durationS, 0);
    assert.equal(glass.label, 'glass_break');
    const grinder = scenario.timeline[2] as Extract<TimelineEvent, { what: 'grinder' }>;
    assert.deepEqual(grinder.params, { rpm: 11000, loadDropPct: 30, cutS: 2, pauseS: 0.5, peakG: 0.3, levelDb: 35 });
    assert.deepEqual(scenario.faults[3], { at: 10, label: 'power_loss', kind: 'power_loss', node: 'case-1', durationS: 1 });
  });

  it('rejects what is not a scenario document', function () {
    assert.deepEqual(validateScenario([1, 2]), { ok: false, issues: [{ path: '', message: 'must be an object, got [1,2]' }] });
    assertProblem({ 'format': 'vitrine/0' }, 'format: must be "vitrine-scenario/1", got "vitrine/0"');
    assertProblem({ 'format': undefined }, 'format: must be "vitrine-scenario/1", got nothing');
  });

  it('names missing fields with what they must be', function () {
    assertProblem({ 'seed': undefined }, 'seed: missing; must be an integer from 0 to 4294967295');
    assertProblem({ 'durationS': undefined }, 'durationS: missing; must be a number of seconds above 0 to 86400');
    assertProblem({ 'nodes[0].location.floor': undefined }, 'nodes[0].location.floor: missing; must be a non-empty string of at most 80 characters');
    assertProblem({ 'timeline': undefined }, 'timeline: missing; must be an array');
    assertProblem({ 'nodes': [] }, 'nodes: must be an array of at least 1 item, got []');
  });

  it('reports unknown keys at their path, naming the allowed ones', function () {
    assertProblem({ 'nodes[1].mounting.surfce': 'glass' }, 'nodes[1].mounting.surfce: unknown key (allowed: surface, orientation)');
    assertProblem({ 'durationSeconds': 3 }, /^durationSeconds: unknown key \(allowed: format, name, /);
    assertProblem({ 'faults[0].sensor': 'microphone' }, 'faults[0].sensor: unknown key (allowed: at, kind, label, node, durationS)');
  });

  it('checks numbers, units and ranges', function () {
    assertProblem({ 'timeline[2].at': -2 }, 'timeline[2].at: must be a non-negative number of seconds, got -2');
    assertProblem({ 'timeline[2].at': '5' }, 'timeline[2].at: must be a non-negative number of seconds, got "5"');
    assertProblem({ 'seed': 1.5 }, 'seed: must be an integer from 0 to 4294967295, got 1.5');
    assertProblem({ 'site.plan.rooms[0].rect.widthM': 0 }, 'site.plan.rooms[0].rect.widthM: must be a number of metres above 0 to 10000, got 0');
    assertProblem({ 'nodes[0].position.x': null }, 'nodes[0].position.x: must be a number of metres from -100000 to 100000, got null');
  });

  it('checks enumerations and identifiers', function () {
    assertProblem({ 'nodes[1].role': 'door' }, 'nodes[1].role: must be one of "display_case", "window", "balcony", got "door"');
    assertProblem({ 'site.id': 'Test Lab' }, /^site\.id: must be an id of 1–32 lower-case letters, digits, '_' or '-' \(an MQTT topic level\), got "Test Lab"$/);
    assertProblem({ 'nodes[0].id': 'a-node-id-of-24-letters'.padEnd(24, 'x') }, /^nodes\[0\]\.id: must be an id of 1–23 letters/);
    assertProblem({ 'nodes[0].id': 'case/1' }, /^nodes\[0\]\.id: must be an id/);
  });

  it('finds duplicate ids', function () {
    assertProblem({ 'nodes[1].id': 'case-1' }, 'nodes[1].id: duplicate node id "case-1"');
    assertProblem({ 'site.plan.rooms[1].id': 'bench' }, 'site.plan.rooms[1].id: duplicate room id "bench"');
  });

  it('checks room shapes', function () {
    assertProblem({ 'site.plan.rooms[0].polygon': [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }] },
      'site.plan.rooms[0]: needs exactly one of "rect" {x, y, widthM, heightM} and "polygon" [{x, y}, …]');
    assertProblem({ 'site.plan.rooms[0].rect': undefined }, /^site\.plan\.rooms\[0\]: needs exactly one of/);
    assertProblem({ 'site.plan.rooms[1].polygon': [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }] },
      'site.plan.rooms[1].polygon: encloses no area (points in a line or repeated)');
    assertProblem({ 'site.plan.rooms[1].polygon': [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
      'site.plan.rooms[1].polygon: must be an array of at least 3 items, got [{"x":0,"y":0},{"x":1,"y":1}]');
    assertProblem({ 'site.plan.rooms[1].polygon[2]': { x: 1 } }, 'site.plan.rooms[1].polygon[2].y: missing; must be a number of metres from -100000 to 100000');
  });

  it('places nodes inside a room or on its wall, not elsewhere', function () {
    assertProblem({ 'nodes[0].position': { x: 20, y: 2 } }, 'nodes[0].position: (20, 2) is not inside any room of site.plan (nodes must stand in a room or on its wall)');
    assert.deepEqual(problems({ 'nodes[0].position': { x: 8.2, y: 0.1 } }), [], 'a node 0.2 m from a wall is on it');
    assert.deepEqual(problems({ 'nodes[0].position': { x: 10.5, y: 1 } }), [], 'inside the triangular annex');
    assertProblem({ 'nodes[0].position': { x: 9, y: 2.5 } }, /^nodes\[0\]\.position: \(9, 2\.5\) is not inside any room/);
  });

  it('resolves references to nodes and rooms', function () {
    assertProblem({ 'timeline[1].where': { node: 'case-9' } }, 'timeline[1].where.node: no node "case-9" (nodes: case-1, window-1)');
    assertProblem({ 'timeline[0].where': { room: 'hall' } }, 'timeline[0].where.room: no room "hall" in site.plan (rooms: bench, annex)');
    assertProblem({ 'timeline[0].where': { node: 'case-1', x: 1 } }, 'timeline[0].where: must be {"node": id}, {"room": id} or {"x": metres, "y": metres}');
    assertProblem({ 'faults[0].node': 'window-2' }, 'faults[0].node: no node "window-2" (nodes: case-1, window-1)');
    assert.deepEqual(problems({ 'timeline[1].where': { x: 30, y: -4 } }), [], 'events may happen outside the plan (a lift in the street)');
  });

  it('keeps the timeline and the faults in time order and inside the scenario', function () {
    assertProblem({ 'timeline[2].at': 1 }, 'timeline[2].at: 1 s comes before timeline[1] at 3 s; keep the list in time order');
    assertProblem({ 'faults[1].at': 1 }, 'faults[1].at: 1 s comes before faults[0] at 2 s; keep the list in time order');
    assertProblem({ 'timeline[2].at': 12 }, 'timeline[2].at: 12 s is not before the end of the scenario (durationS 12)');
    assertProblem({ 'timeline[2].durationS': 10 }, 'timeline[2].durationS: the event ends at 15 s, after the scenario ends (durationS 12)');
    assertProblem({ 'faults[0].durationS': 11 }, 'faults[0].durationS: the fault ends at 13 s, after the scenario ends (durationS 12)');
  });

  it('knows which events last and which are single', function () {
    assertProblem({ 'timeline[1].durationS': 1 }, 'timeline[1].durationS: glass_break is a single event and takes no durationS');
    assertProblem({ 'timeline[2].durationS': undefined }, 'timeline[2].durationS: missing; must be a positive number of seconds');
    const scenario = parseScenario(edited({ 'timeline[3]': { at: 9, what: 'tilt', where: { node: 'window-1' } } }));
    assert.equal(scenario.timeline[3].durationS, 3, 'a tilt without durationS lasts until the end');
  });

  it('checks event parameters against the catalogue', function () {
    assertProblem({ 'timeline[2].params.rmp': 9000 }, 'timeline[2].params.rmp: unknown parameter of grinder (allowed: rpm, loadDropPct, cutS, pauseS, peakG, levelDb)');
    assertProblem({ 'timeline[2].params.rpm': 30000 }, 'timeline[2].params.rpm: must be a number of rpm from 5000 to 13300, got 30000');
    assertProblem({ 'timeline[1].params': { glass: 'bulletproof' } }, 'timeline[1].params.glass: must be one of "annealed", "tempered", "laminated", got "bulletproof"');
    assertProblem({ 'timeline[0].params.count': 2.5 }, 'timeline[0].params.count: must be an integer of people from 1 to 200, got 2.5');
    assertProblem({ 'timeline[0].what': 'earthquake' }, /^timeline\[0\]\.what: must be one of "glass_break", "grinder", .*got "earthquake"$/);
  });

  it('refuses faults that contradict each other', function () {
    assertProblem({ 'faults[1]': { at: 8.5, kind: 'reboot', node: 'window-1' } }, 'faults[2].kind: broker_start while the broker is running (no broker_stop before it)');
    assertProblem({ 'faults[2]': { at: 9, kind: 'broker_stop' } }, 'faults[2].kind: broker_stop while the broker is already down (since faults[1])');
    assertProblem({ 'faults[4]': { at: 10.5, kind: 'reboot', node: 'case-1' } }, 'faults[4].kind: reboot of node "case-1" while it is off (faults[3])');
    assertProblem({ 'faults[4]': { at: 10.5, kind: 'power_loss', node: 'case-1' } }, 'faults[4].kind: power_loss of node "case-1" while it is off (faults[3])');
    assert.deepEqual(problems({ 'faults[4]': { at: 11, kind: 'reboot', node: 'case-1' } }), [], 'the node is back at 11 s');
    assertProblem({ 'faults[0].durationS': undefined }, 'faults[0].durationS: missing; must be a positive number of seconds');
    assertProblem({ 'faults[4]': { at: 11, kind: 'sensor_stuck', node: 'case-1' } }, 'faults[4].sensor: missing; must be one of "microphone", "accelerometer"');
    assertProblem({ 'faults[4]': { at: 11, kind: 'reboot', node: 'case-1', durationS: 1 } }, 'faults[4].durationS: unknown key (allowed: at, kind, label, node)');
    assertProblem({ 'faults[4]': { at: 11, kind: 'meteor' } }, /^faults\[4\]\.kind: must be one of "broker_stop", .*got "meteor"$/);
    const scenario = parseScenario(edited({
      'faults[4]': { at: 11, kind: 'sensor_flat', node: 'window-1', sensor: 'accelerometer' },
      'faults[5]': { at: 11.5, kind: 'power_loss', node: 'window-1', durationS: null },
    }));
    assert.deepEqual(scenario.faults.slice(4).map((f) => 'durationS' in f && f.durationS), [null, null], 'no durationS: until the end');
  });

  it('checks the start time and the ambient profile', function () {
    assertProblem({ startTime: '19/10/2025 09:30' }, /^startTime: must be an ISO 8601 time with a zone/);
    assertProblem({ startTime: '2025-10-19T09:30:00' }, /^startTime: must be an ISO 8601 time with a zone/);
    assertProblem({ startTime: '2025-02-30T09:30:00Z' }, 'startTime: "2025-02-30T09:30:00Z" is not a real date and time');
    assertProblem({ 'ambient.profile': 'rock_concert' }, /^ambient\.profile: must be one of "quiet_gallery", "busy_gallery", "closed_night"/);
    assertProblem({ 'ambient.crowd': 1.5 }, 'ambient.crowd: must be a number of crowd level from 0 to 1, got 1.5');
    assertProblem({ 'ambient.mainsHz': 55 }, 'ambient.mainsHz: must be one of 50, 60, got 55');
    assertProblem({ 'ambient.hvac': { levelDbfs: 3 } }, 'ambient.hvac.levelDbfs: must be a number of dBFS from -90 to -20, got 3');
    const quiet = parseScenario(edited({ ambient: { profile: 'closed_night', hvac: null } }));
    assert.deepEqual(quiet.ambient, { profile: 'closed_night', crowd: 0, hvac: null, mainsHz: 50, windMps: 0 });
  });

  it('reports every problem at once, in a ScenarioError naming the source', function () {
    const doc = edited({ seed: -1, 'nodes[0].role': 'door', 'timeline[1].where': { node: 'nobody' } });
    assert.throws(() => parseScenario(doc, 'my.json'), (error: unknown) => {
      assert.ok(error instanceof ScenarioError);
      assert.equal(error.issues.length, 3);
      assert.equal(error.message.split('\n')[0], 'my.json: 3 problems');
      assert.match(error.message, /\n {2}nodes\[0\]\.role: must be one of/);
      return true;
    });
  });

  it('reports JSON syntax errors with line and column, and unreadable files', function () {
    assert.throws(() => parseScenarioText('{\n  "format": "vitrine-scenario/1",\n  "seed": 1,,\n}', 'broken.json'), /^ScenarioError: broken\.json: 1 problem\n {2}\(document\): not valid JSON at line 3, column 13: /);
    assert.throws(() => loadScenarioFile('no-such-scenario'), /cannot read scenario .*no-such-scenario\.json/);
  });
});

describe('shipped scenarios', function () {
  it('louvre-apollo: visitors first, then the lift, the window and two display cases, in under 3 minutes', function () {
    const s = loadScenarioFile('louvre-apollo');
    assert.ok(s.durationS >= 120 && s.durationS <= 180, `durationS ${s.durationS}`);
    assert.deepEqual(s.nodes.map((n) => n.role).sort(), ['balcony', 'display_case', 'display_case', 'display_case', 'window']);
    for (const node of s.nodes) {
      assert.equal(node.location.building, 'Louvre — Denon wing');
      assert.equal(node.location.room, "Galerie d'Apollon (705)");
      assert.ok(roomAt(s.site, node.position) !== undefined);
    }
    const roleOf = (e: TimelineEvent): string => ('node' in e.where ? (s.nodes.find((n) => n.id === (e.where as { node: string }).node)?.role ?? '?') : 'area');
    const threats = s.timeline.filter((e) => EVENT_SPECS[e.what].threat !== null).map((e) => `${e.what}@${roleOf(e)}`);
    assert.deepEqual(threats, [
      'tilt@balcony', 'grinder@window', 'impact@window',
      'grinder@display_case', 'impact@display_case', 'glass_break@display_case',
      'grinder@display_case', 'impact@display_case', 'glass_break@display_case',
    ]);
    const firstThreat = s.timeline.find((e) => EVENT_SPECS[e.what].threat !== null);
    assert.ok(firstThreat !== undefined && firstThreat.at >= 30);
    assert.ok(s.timeline.filter((e) => e.at < firstThreat.at).length >= 5, 'visitors and confusers come first');
    const cases = new Set(s.timeline.filter((e) => e.what === 'glass_break').map((e) => (e.where as { node: string }).node));
    assert.equal(cases.size, 2, 'two different display cases are broken');
  });

  it('smoke: small, with every section used', function () {
    const s = loadScenarioFile('smoke');
    assert.ok(s.durationS <= 15);
    assert.ok(s.timeline.length > 0 && s.faults.length > 0);
  });
});

describe('npm run check-scenario', function () {
  it('prints a summary of each valid file, every problem of an invalid one, and exits 1', function () {
    this.timeout(20_000);
    const directory = mkdtempSync(path.join(tmpdir(), 'vitrine-scenario-'));
    try {
      const bad = path.join(directory, 'bad.json');
      writeFileSync(bad, JSON.stringify(edited({ seed: -1, 'timeline[0].at': 'soon' })));
      const cli = fileURLToPath(new URL('../../../simulator/cli/check-scenario.ts', import.meta.url));
      const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'smoke', bad], { encoding: 'utf8' });
      assert.equal(run.status, 1);
      assert.match(run.stdout, /^ok smoke: "Smoke test", 12 s, 2 nodes, 3 events \(2 threats\), 4 faults$/m);
      assert.match(run.stderr, /bad\.json: 2 problems\n {2}seed: must be an integer from 0 to 4294967295, got -1\n {2}timeline\[0\]\.at: must be a non-negative number of seconds, got "soon"/);
      // A relative path is taken from where the command was typed (npm run runs it in the package root).
      const typedHere = { encoding: 'utf8' as const, cwd: fileURLToPath(new URL('../../../', import.meta.url)), env: { ...process.env, INIT_CWD: directory } };
      const relative = spawnSync(process.execPath, ['--import', 'tsx', cli, 'bad.json'], typedHere);
      assert.equal(relative.status, 1);
      assert.match(relative.stderr, /bad\.json: 2 problems/);
      const missing = spawnSync(process.execPath, ['--import', 'tsx', cli, 'absent.json'], typedHere);
      assert.equal(missing.status, 1);
      assert.ok(missing.stderr.includes(`cannot read scenario ${path.join(directory, 'absent.json')}`), missing.stderr);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('docs/scenarios.md', function () {
  it('describes every event kind, parameter and fault kind the validator accepts', function () {
    const doc = readFileSync(new URL('../../../docs/scenarios.md', import.meta.url), 'utf8');
    const missing: string[] = [];
    for (const kind of EVENT_KINDS) {
      if (!doc.includes(`\`${kind}\``)) missing.push(kind);
      for (const param of Object.keys(EVENT_SPECS[kind].params)) {
        if (!new RegExp(`\`${kind}\`[^\\n]*\`${param}\``).test(doc)) missing.push(`${kind}.${param}`);
      }
    }
    for (const kind of FAULT_KINDS) if (!doc.includes(`\`${kind}\``)) missing.push(kind);
    assert.deepEqual(missing, []);
  });
});

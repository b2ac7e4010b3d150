import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { classify } from '../../../simulator/monitor/watch';
import type { Seen } from '../../../simulator/monitor/watch';
import { MonitorFormatter, diffPaths } from '../../../simulator/monitor/format';
import { NodeRig } from '../../helpers/node-rig';

const BASE = 'vitrine/louvre/apollo-case-07/';
let now = Date.parse('2025-10-19T07:30:00Z');

function seen(topic: string, payload: string, retained = false): Seen {
  now += 100;
  return classify(topic, payload, { topic, atPerfMs: 0, atEpochMs: now, retained });
}

/** A node on the test doubles: every message it published, in order. */
function published(drive: (rig: NodeRig) => void): { topic: string; payload: string }[] {
  const rig = new NodeRig().start();
  rig.run(1000);
  drive(rig);
  return rig.transport.published.map((p) => ({ topic: p.topic, payload: p.payload }));
}

describe('monitor', function () {
  it('parses every message a node publishes, each valid against its schema', function () {
    const messages = published((rig) => {
      rig.micSignal = 'loud';
      rig.run(100);
      rig.micSignal = 'quiet';
      rig.run(6000);
      rig.command('walktest', { id: 'w1', enable: true, durationS: 60 });
      rig.run(100);
    });
    const kinds = new Set<string>();
    for (const m of messages.filter((p) => p.topic.startsWith('vitrine/'))) {
      const s = seen(m.topic, m.payload);
      assert.notEqual(s.kind, 'invalid', `${m.topic}: ${s.kind === 'invalid' ? s.problems.join('; ') : ''}`);
      kinds.add(s.kind);
    }
    assert.deepEqual([...kinds].sort(), ['alert', 'config', 'hb', 'result', 'state', 'status']);
  });

  it('flags a message that does not match its schema, with the reason, instead of dropping it', function () {
    const bad = seen(`${BASE}alert`, JSON.stringify({ v: 1, id: 'x', type: 'glass_break' }));
    assert.equal(bad.kind, 'invalid');
    assert.ok(bad.kind === 'invalid' && bad.problems.some((p) => /must have required property 'seq'/.test(p)), JSON.stringify(bad));
    const notJson = seen(`${BASE}hb`, '{oops');
    assert.ok(notJson.kind === 'invalid' && /not JSON/.test(notJson.problems[0]));
    const status = seen(`${BASE}status`, 'maybe');
    assert.equal(status.kind, 'invalid');
    const stray = seen(`${BASE}debug`, '1');
    assert.ok(stray.kind === 'invalid' && /no schema/.test(stray.problems[0]));
    const lines = new MonitorFormatter({ json: false }).format(bad);
    assert.match(lines[0], /INVALID .*vitrine\/louvre\/apollo-case-07\/alert .*!!! does not match its schema/);
  });

  it('prints one aligned line per alert with type, score and exact location', function () {
    const alert = published((rig) => {
      rig.micSignal = 'loud';
      rig.run(100);
    }).find((m) => m.topic === `${BASE}alert`);
    assert.ok(alert !== undefined);
    const [line] = new MonitorFormatter({ json: false }).format(seen(alert.topic, alert.payload));
    assert.match(line, /^\d\d:\d\d:\d\d\.\d{3} {2}ALERT {4}louvre\/apollo-case-07 +glass_break +alarm +score \d\.\d\d — Apollo Gallery, case 7 \(crown jewels\) — case 7, Galerie d'Apollon, floor 1, Denon \(zone Galerie d'Apollon\) — seq 1, decided \d+ ms after onset$/);
  });

  it('summarises heartbeats: prints one when health changes, counts the others, names silent nodes', function () {
    const beats = published((rig) => {
      rig.run(16_000);
      rig.micSignal = 'flat';
      rig.run(10_000);
    }).filter((m) => m.topic === `${BASE}hb`);
    assert.ok(beats.length >= 5);
    const formatter = new MonitorFormatter({ json: false });
    const printed = beats.map((b) => formatter.format(seen(b.topic, b.payload)));
    assert.equal(printed[0].length, 1, 'the first heartbeat of a node is shown');
    assert.equal(printed[1].length, 0, 'an unchanged heartbeat is not');
    const fault = printed.findIndex((lines) => lines.some((l) => /mic FAULT flat/.test(l)));
    assert.ok(fault > 1, `the heartbeat that first shows the fault is printed: ${JSON.stringify(printed)}`);
    const summary = formatter.summary(now + 1000);
    assert.match(summary[0], new RegExp(`HB +1 node\\(s\\) +louvre/apollo-case-07 ${beats.length} \\(1 s ago\\)`));
    assert.equal(summary.length, 1);
    const later = formatter.summary(now + 12_000);
    assert.match(later[1], /SILENT +1 node\(s\) +!!! no heartbeat for two intervals: louvre\/apollo-case-07 \(last 12 s ago\)/);
  });

  it('reports configuration changes by path, and JSON lines carry the parsed payload', function () {
    const messages = published((rig) => {
      rig.command('config', { id: 'c1', config: { detectors: { glassBreak: { rmsThresholdCounts: 9000 } } } });
      rig.run(100);
    });
    const configs = messages.filter((m) => m.topic === `${BASE}config`);
    const formatter = new MonitorFormatter({ json: false });
    assert.match(formatter.format(seen(configs[0].topic, configs[0].payload, true))[0], /CONFIG .* role display_case, detectors glassBreak, grinder, impact \(retained\)/);
    assert.match(formatter.format(seen(configs.at(-1)!.topic, configs.at(-1)!.payload))[0], /CONFIG .* changed: config\.detectors\.glassBreak\.rmsThresholdCounts$/);
    const result = messages.find((m) => m.topic === `${BASE}cmd/result`)!;
    assert.match(formatter.format(seen(result.topic, result.payload))[0], /RESULT .* config id c1 ok changed config\.detectors\.glassBreak\.rmsThresholdCounts/);
    const json = JSON.parse(new MonitorFormatter({ json: true }).format(seen(result.topic, result.payload))[0]) as Record<string, unknown>;
    assert.equal(json.kind, 'result');
    assert.equal(json.valid, true);
    assert.equal(json.node, 'apollo-case-07');
    assert.equal((json.result as { id: string }).id, 'c1');
    assert.deepEqual(diffPaths({ a: { b: 1, c: [1] } }, { a: { b: 2, c: [1] }, d: 0 }, 'x'), ['x.a.b', 'x.d']);
  });

  it('npm run monitor: a bad command line is a usage error (status 2), an unreachable broker a failure (status 1)', function () {
    this.timeout(20_000);
    const monitor = (...args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, ['--import', 'tsx', 'simulator/cli/monitor.ts', ...args],
      { cwd: fileURLToPath(new URL('../../../', import.meta.url)), encoding: 'utf8' });
    const unknown = monitor('--frob');
    assert.equal(unknown.status, 2);
    assert.match(String(unknown.stderr), /^monitor: Unknown option '--frob'.* \(npm run monitor -- --help lists the options\)\n$/);
    const badUrl = monitor('--broker', 'http://x');
    assert.equal(badUrl.status, 2, String(badUrl.stderr));
    const unreachable = monitor('--broker', 'mqtt://127.0.0.1:1');
    assert.equal(unreachable.status, 1);
    assert.match(String(unreachable.stderr), /^monitor: mqtt:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
  });
});

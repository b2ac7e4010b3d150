import assert from 'node:assert/strict';
import type { AlertMessage, CommandResultMessage } from '../../../firmware/node/protocol';
import type { TelemetryMessage } from '../../../firmware/node/telemetry';
import { MemoryStorage } from '../../helpers/node-fakes';
import { NodeRig } from '../../helpers/node-rig';
import { checkMessage, schema } from '../../helpers/protocol-schemas';
import { createTestPipelines } from '../../helpers/test-pipelines';
import type { TestTiltPipeline } from '../../helpers/test-pipelines';

const BASE = 'vitrine/louvre/apollo-case-07/';

function lastResult(rig: NodeRig): CommandResultMessage {
  rig.run(20); // answers go one at a time: let the outbox deliver the latest
  const result = rig.json<CommandResultMessage>('cmd/result').at(-1);
  assert.ok(result !== undefined, 'an answer on cmd/result');
  return result;
}

function assertAllValid(rig: NodeRig): void {
  for (const p of rig.transport.published) assert.deepEqual(checkMessage(p.topic, p.payload), [], `${p.topic}: ${p.payload.slice(0, 200)}`);
}

/** Everything the node persisted except its outbox and counters. */
function persistedState(storage: MemoryStorage): string {
  return JSON.stringify([...storage.map].filter(([k]) => !k.startsWith('ob') && k !== 'seq').sort());
}

describe('SensorNode: commands', function () {
  it('cmd/config merges, validates, persists, rebuilds the pipelines, retains the new config and answers', function () {
    const storage = new MemoryStorage();
    const rig = new NodeRig({ storage }).start();
    const builds = rig.pipelineBuilds;
    const body = { id: 'cfg-1', config: { zone: 'vault', detectors: { glassBreak: { rmsThresholdCounts: 12000 } }, health: { heartbeatMs: 2000 } } };
    assert.ok(schema('cmd-config')(body));
    rig.command('config', body);
    rig.run(100);
    assert.deepEqual(lastResult(rig), {
      v: 1, id: 'cfg-1', command: 'config', ok: true,
      changed: ['config.zone', 'config.detectors.glassBreak.rmsThresholdCounts', 'config.health.heartbeatMs'],
      uptimeMs: 0, ts: null,
    });
    assert.equal(rig.pipelineBuilds, builds + 1);
    const retained = rig.transport.on(`${BASE}config`).at(-1)!;
    assert.ok(retained.retain);
    assert.equal((JSON.parse(retained.payload) as { zone: string }).zone, 'vault');
    rig.run(4000);
    assert.deepEqual(rig.json<{ uptimeMs: number }>('hb').map((h) => h.uptimeMs), [2000, 4000], 'the new heartbeat interval applies');
    rig.micSignal = 'loud'; // RMS about 9200 counts: below the new 12000 threshold
    rig.run(500);
    assert.deepEqual(rig.json('alert'), []);
    rig.node.stop();
    const rebooted = new NodeRig({ storage }).start();
    assert.equal(rebooted.node.config.zone, 'vault', 'the configuration survives a reboot');
    assert.equal(rebooted.node.config.detectors.glassBreak.rmsThresholdCounts, 12000);
    assertAllValid(rig);
  });

  it('an invalid cmd/config is refused whole with every error and its path; the old configuration stays', function () {
    const storage = new MemoryStorage();
    const rig = new NodeRig({ storage }).start();
    const before = rig.node.config;
    const saved = persistedState(storage);
    const builds = rig.pipelineBuilds;
    rig.command('config', { id: 'bad', config: { zone: 'ok-zone', health: { heartbeatMs: 10, keepaliveS: 'five' }, detectors: { impact: { strictMode: 1 } }, colour: 'red' } });
    const result = lastResult(rig);
    assert.equal(result.ok, false);
    assert.deepEqual(result.errors, [
      'config.colour: unknown key (allowed: v, site, node, role, zone, location, mounting, detectors, alerts, health, telemetry)',
      'config.detectors.impact.strictMode: must be true or false',
      'config.health.heartbeatMs: 10 ms is outside 1000..60000 ms',
      'config.health.keepaliveS: must be a finite number (s)',
    ]);
    assert.match(result.error!, /^4 problem\(s\) in the configuration; nothing was changed/);
    assert.equal(rig.node.config, before, 'the zone in the same request was not applied either');
    assert.equal(persistedState(storage), saved);
    assert.equal(rig.pipelineBuilds, builds);
    assert.equal(rig.transport.on(`${BASE}config`).length, 1, 'no new retained config');
  });

  it('refuses a configuration the pipelines reject, keeping the old one', function () {
    const rig = new NodeRig({
      createPipelines: (config, onFlex) => {
        if (config.detectors.grinder.sustainBlocks === 7) throw new Error('grinder: sustainBlocks 7 needs a larger FFT');
        return createTestPipelines(config, onFlex);
      },
    }).start();
    rig.command('config', { id: 'g', config: { detectors: { grinder: { sustainBlocks: 7 } } } });
    assert.deepEqual([lastResult(rig).ok, lastResult(rig).error],
      [false, 'config: the pipelines refused it (grinder: sustainBlocks 7 needs a larger FFT); nothing was changed']);
    assert.equal(rig.node.config.detectors.grinder.sustainBlocks, 10);
  });

  it('replace mode puts every key it does not give back to its default', function () {
    const rig = new NodeRig().start();
    rig.command('config', { id: '1', config: { zone: 'vault', alerts: { stateHoldMs: 5000 } } });
    rig.command('config', { id: '2', mode: 'replace', config: { alerts: { corroborationWindowMs: 1000 } } });
    assert.equal(lastResult(rig).ok, true);
    assert.deepEqual([rig.node.config.zone, rig.node.config.alerts.stateHoldMs, rig.node.config.alerts.corroborationWindowMs],
      ['Galerie d\'Apollon', 30000, 1000]);
  });

  const hostile: [string, string, string | RegExp, string | null][] = [
    ['not JSON', 'config', /^payload: not JSON \(/, null],
    ['huge', 'config', 'payload: 20033 bytes; a command may have at most 8192', null],
    ['deeply nested', 'config', 'payload: nested deeper than 8 levels', null],
    ['a __proto__ key', 'config', 'payload.config.__proto__: this key is not allowed', 'p1'],
    ['a constructor key', 'walktest', 'payload.constructor: this key is not allowed', 'p2'],
    ['an array', 'config', 'payload: must be a JSON object', null],
    ['a wrong type', 'walktest', 'enable: must be true or false', 'w1'],
    ['a value out of range', 'telemetry', 'rateHz: 50 Hz is outside 0.1..5 Hz', 't1'],
    ['an unknown argument', 'relearn', 'force: unknown argument (allowed: id)', 'r1'],
    ['no id', 'reboot', 'id: must be a string of 1-64 characters', null],
    ['an unknown command', 'selfdestruct', 'topic: unknown command \'selfdestruct\' (known: config, telemetry, walktest, relearn, reboot)', 'x1'],
    ['a prototype name as command', '__proto__', 'topic: unknown command \'__proto__\' (known: config, telemetry, walktest, relearn, reboot)', 'x2'],
    ['a bad mode', 'config', 'mode: must be "merge" or "replace"', 'm1'],
  ];
  const payloads: Record<string, string> = {
    'not JSON': '{"id": "a", config: }',
    huge: JSON.stringify({ id: 'big', config: { zone: 'x'.repeat(20_000) } }),
    'deeply nested': `{"id":"deep","config":${'['.repeat(2000)}${']'.repeat(2000)}}`,
    'a __proto__ key': '{"id":"p1","config":{"__proto__":{"polluted":true}}}',
    'a constructor key': '{"id":"p2","enable":true,"constructor":{"prototype":{"polluted":true}}}',
    'an array': '[{"id":"arr"}]',
    'a wrong type': '{"id":"w1","enable":"yes"}',
    'a value out of range': '{"id":"t1","enable":true,"rateHz":50}',
    'an unknown argument': '{"id":"r1","force":true}',
    'no id': '{"reason":"x"}',
    'an unknown command': '{"id":"x1"}',
    'a prototype name as command': '{"id":"x2"}',
    'a bad mode': '{"id":"m1","config":{},"mode":"patch"}',
  };
  for (const [what, name, error, id] of hostile) {
    it(`answers a command with ${what} with a clear error and changes nothing`, function () {
      const storage = new MemoryStorage();
      const rig = new NodeRig({ storage }).start();
      rig.run(1000);
      const config = rig.node.config;
      const saved = persistedState(storage);
      rig.command(name, payloads[what]);
      const result = lastResult(rig);
      assert.equal(result.ok, false);
      assert.equal(result.id, id);
      if (typeof error === 'string') assert.equal(result.error, error);
      else assert.match(result.error!, error);
      assert.equal(rig.node.config, config);
      assert.equal(persistedState(storage), saved);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
      assert.equal(rig.system.restarts.length, 0);
      rig.micSignal = 'loud';
      rig.run(16);
      assert.equal(rig.json<AlertMessage>('alert').length, 1, 'the node still detects');
      assertAllValid(rig);
    });
  }

  it('answers a message on a topic that is not one of its commands, and ignores its own results', function () {
    const rig = new NodeRig().start();
    rig.transport.deliver('vitrine/louvre/other-node/cmd/reboot', '{"id":"z"}');
    assert.deepEqual([lastResult(rig).command, lastResult(rig).error],
      ['', 'topic: \'vitrine/louvre/other-node/cmd/reboot\' is not a command topic of this node']);
    const count = rig.json('cmd/result').length;
    rig.transport.deliver(`${BASE}cmd/result`, JSON.stringify(lastResult(rig)));
    assert.equal(rig.json('cmd/result').length, count, 'no answer to an answer');
    assert.equal(rig.system.restarts.length, 0);
  });

  it('refuses what the command verifier refuses, before running it', function () {
    const rig = new NodeRig({ commandVerifier: { verify: (r) => (r.name === 'reboot' ? 'signature missing' : undefined) } }).start();
    rig.command('reboot', { id: 'rb' });
    rig.run(10_000);
    assert.deepEqual([lastResult(rig).ok, lastResult(rig).error], [false, 'auth: signature missing']);
    assert.deepEqual(rig.system.restarts, []);
  });

  it('cmd/telemetry streams snapshots at the asked rate (at most 5/s) and switches itself off', function () {
    const rig = new NodeRig().start();
    rig.run(1000);
    rig.command('telemetry', { id: 'tl', enable: true, rateHz: 5, durationS: 3 });
    assert.deepEqual([lastResult(rig).ok, lastResult(rig).untilUptimeMs, lastResult(rig).rateHz], [true, 4000, 5]);
    rig.run(10_000);
    const messages = rig.json<TelemetryMessage>('telemetry');
    assert.equal(messages.length, 14, '5 per second for 3 s, the last tick at the deadline switches it off');
    assert.deepEqual(messages[0].pipelines.map((p) => p.kind), ['acoustic', 'vibration']);
    assert.ok(messages[0].pipelines[0].levels.rmsCounts! > 0);
    assert.ok(rig.transport.on(`${BASE}telemetry`).every((p) => p.qos === 0 && !p.retain));
    assert.ok(messages.every((m) => m.uptimeMs < 4000));
    rig.command('telemetry', { id: 't2', enable: true, durationS: 601 });
    assert.equal(lastResult(rig).error, 'durationS: 601 s is outside 1..600 s');
    rig.command('telemetry', { id: 't3', enable: true });
    assert.deepEqual([lastResult(rig).untilUptimeMs! - lastResult(rig).uptimeMs, lastResult(rig).rateHz], [60_000, 2], 'defaults: 60 s at 2/s');
    rig.command('telemetry', { id: 't4', enable: false });
    const count = rig.json('telemetry').length;
    rig.run(5000);
    assert.equal(rig.json('telemetry').length, count);
    assertAllValid(rig);
  });

  it('telemetry yields to alerts: no snapshot goes while an alert waits for its acknowledgement', function () {
    const rig = new NodeRig().start();
    rig.transport.loseAcks = true;
    rig.command('telemetry', { id: 'tl', enable: true, rateHz: 5, durationS: 10 });
    rig.micSignal = 'loud';
    rig.run(16);
    rig.micSignal = 'quiet';
    const before = rig.json('telemetry').length;
    rig.run(3000);
    assert.equal(rig.json('telemetry').length, before, 'the unacknowledged alert (and its result) hold telemetry back');
    rig.transport.loseAcks = false;
    rig.run(8000);
    const after = rig.json<TelemetryMessage>('telemetry');
    assert.ok(after.length > before);
    assert.ok(after.at(-1)!.skipped > 10, `skipped ${after.at(-1)!.skipped}`);
  });

  it('cmd/walktest flags alerts as tests until it ends or is switched off', function () {
    const rig = new NodeRig().start();
    rig.command('walktest', { id: 'wt', enable: true, durationS: 60 });
    assert.deepEqual([lastResult(rig).ok, lastResult(rig).untilUptimeMs], [true, 60_000]);
    rig.micSignal = 'loud';
    rig.run(16);
    rig.micSignal = 'quiet';
    const [test] = rig.json<AlertMessage>('alert');
    assert.deepEqual([test.test, test.severity], [true, 'info']);
    assert.deepEqual(rig.transport.on(`${BASE}state/glass_break`).map((p) => p.payload), ['OFF'], 'no alarm state in walk-test');
    rig.run(6000);
    assert.equal(JSON.parse(rig.transport.on(`${BASE}hb`).at(-1)!.payload).walkTest, true);
    rig.command('walktest', { id: 'wt2', enable: false });
    rig.micSignal = 'loud';
    rig.run(16);
    assert.deepEqual([rig.json<AlertMessage>('alert').at(-1)!.test, rig.transport.on(`${BASE}state/glass_break`).at(-1)!.payload], [false, 'ON']);
  });

  it('cmd/relearn re-learns the tilt home position on a balcony node; a node without accelerometer says why not', function () {
    const rig = new NodeRig({ role: 'balcony' }).start();
    rig.command('relearn', { id: 'rl' });
    assert.equal(lastResult(rig).ok, true);
    assert.equal((rig.lastPipelines.tilt as TestTiltPipeline).relearns, 1);
    const micOnly = new NodeRig({ accelerometer: false }).start();
    micOnly.command('relearn', { id: 'rl' });
    assert.equal(lastResult(micOnly).error, 'relearn: this node has neither a tilt detector nor an accelerometer');
  });

  it('cmd/reboot answers first, then goes offline and restarts', function () {
    const rig = new NodeRig().start();
    rig.command('reboot', { id: 'rb', reason: 'technician request' });
    assert.deepEqual(rig.system.restarts, []);
    rig.run(10);
    const [answer, offline] = rig.transport.published.slice(-2);
    assert.deepEqual([answer.topic, JSON.parse(answer.payload).id, JSON.parse(answer.payload).ok], [`${BASE}cmd/result`, 'rb', true]);
    assert.deepEqual([offline.topic, offline.payload], [`${BASE}status`, 'offline']);
    assert.deepEqual(rig.system.restarts, ['technician request']);
    assert.equal(rig.node.running, false);
  });

  it('cmd/reboot restarts after 3 s even when the answer cannot be delivered', function () {
    const rig = new NodeRig().start();
    rig.transport.disconnect('gone');
    rig.command('reboot', { id: 'rb' });
    rig.run(2900);
    assert.deepEqual(rig.system.restarts, []);
    rig.run(200);
    assert.deepEqual(rig.system.restarts, ['cmd/reboot']);
  });
});

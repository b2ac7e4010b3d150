import assert from 'node:assert/strict';
import type { AlertMessage, HeartbeatMessage } from '../../../firmware/node/protocol';
import { ALERT_TYPES } from '../../../firmware/node/protocol';
import { MemoryStorage } from '../../helpers/node-fakes';
import { NodeRig, TEST_PROVISIONING } from '../../helpers/node-rig';
import { checkMessage } from '../../helpers/protocol-schemas';
import { createTestPipelines } from '../../helpers/test-pipelines';

const BASE = 'vitrine/louvre/apollo-case-07/';

function assertAllValid(rig: NodeRig): void {
  for (const p of rig.transport.published) assert.deepEqual(checkMessage(p.topic, p.payload), [], `${p.topic}: ${p.payload.slice(0, 200)}`);
}

/** Glass breaking for one block, then quiet again. */
function breakGlass(rig: NodeRig): void {
  rig.micSignal = 'loud';
  rig.run(16);
  rig.micSignal = 'quiet';
}

describe('SensorNode: the MQTT session', function () {
  it('connects with a 5 s keepalive and an offline will, then publishes its birth, subscriptions and retained state', function () {
    const rig = new NodeRig().start(false);
    assert.deepEqual(rig.transport.options, {
      clientId: 'vt-d4c14ecb-apollo-case', keepaliveMs: 5000,
      will: { topic: `${BASE}status`, payload: 'offline', qos: 1, retain: true },
      username: 'apollo-case-07', password: 's3cret-pass',
    });
    assert.ok(rig.transport.options!.clientId.length <= 23);
    rig.transport.connect();
    const [birth] = rig.transport.published;
    assert.deepEqual(birth, { topic: `${BASE}status`, payload: 'online', qos: 1, retain: true });
    assert.deepEqual(rig.transport.subscriptions, [`${BASE}cmd/+`, 'homeassistant/status']);
    const config = rig.transport.on(`${BASE}config`);
    assert.equal(config.length, 1);
    assert.ok(config[0].retain);
    for (const type of ALERT_TYPES) assert.deepEqual(rig.transport.on(`${BASE}state/${type}`).map((p) => [p.payload, p.retain]), [['OFF', true]]);
    const discovery = rig.transport.published.filter((p) => p.topic.startsWith('homeassistant/'));
    const classes = Object.fromEntries(discovery.filter((p) => p.payload !== '').map((p) => {
      const entity = JSON.parse(p.payload) as Record<string, unknown>;
      return [p.topic, entity.device_class ?? entity.event_types];
    }));
    assert.deepEqual(classes, {
      'homeassistant/binary_sensor/vitrine_louvre_apollo-case-07_glass_break/config': 'safety',
      'homeassistant/binary_sensor/vitrine_louvre_apollo-case-07_grinder/config': 'vibration',
      'homeassistant/binary_sensor/vitrine_louvre_apollo-case-07_impact/config': 'safety',
      'homeassistant/binary_sensor/vitrine_louvre_apollo-case-07_tamper/config': 'tamper',
      'homeassistant/binary_sensor/vitrine_louvre_apollo-case-07_sensor_fault/config': 'problem',
      'homeassistant/binary_sensor/vitrine_louvre_apollo-case-07_node_fault/config': 'problem',
      'homeassistant/event/vitrine_louvre_apollo-case-07_alarm/config': [...ALERT_TYPES, 'walk_test'],
    });
    assert.deepEqual(discovery.filter((p) => p.payload === '').map((p) => p.topic),
      ['homeassistant/binary_sensor/vitrine_louvre_apollo-case-07_tilt/config'], 'the switched-off tilt entity is removed');
    assert.ok(discovery.every((p) => p.retain && p.qos === 1));
    const device = (JSON.parse(discovery[0].payload) as { device: Record<string, unknown> }).device;
    assert.deepEqual(device, {
      identifiers: ['vitrine_louvre_apollo-case-07'], name: 'Apollo Gallery, case 7 (crown jewels)', manufacturer: 'Vitrine',
      model: 'Vitrine display case node', sw_version: '0.1.0-test', suggested_area: 'Galerie d\'Apollon',
    });
    assertAllValid(rig);
  });

  it('publishes a heartbeat every 5 s with sensor health and outbox depth, and none while disconnected', function () {
    const rig = new NodeRig().start();
    rig.run(30_000);
    const beats = rig.json<HeartbeatMessage>('hb');
    assert.deepEqual(beats.map((b) => b.uptimeMs), [5000, 10_000, 15_000, 20_000, 25_000, 30_000]);
    assert.deepEqual(beats.map((b) => b.seq), [1, 2, 3, 4, 5, 6]);
    const last = beats.at(-1)!;
    assert.deepEqual([last.boot, last.intervalMs, last.heapFreeBytes, last.fw], [1, 5000, 96000, '0.1.0-test']);
    assert.equal(last.sensors.microphone.state, 'ok');
    assert.equal(last.sensors.accelerometer.lostBlocks, 0);
    assert.deepEqual(last.outbox, { depth: 0, alerts: 0, dropped: 0, evicted: 0, storageErrors: 0 });
    assert.ok(rig.transport.on(`${BASE}hb`).every((p) => p.qos === 0 && !p.retain));
    rig.transport.disconnect('wifi lost');
    rig.run(20_000);
    assert.equal(rig.json('hb').length, 6);
    assert.equal(rig.transport.refused, 0);
    rig.transport.connect();
    rig.run(5000);
    const after = rig.json<HeartbeatMessage>('hb').at(-1)!;
    assert.deepEqual(after.link, { connects: 2, disconnects: 1, lastDisconnect: 'wifi lost' });
  });

  it('publishes a located alert in the same block that decided it, then sets state ON', function () {
    const rig = new NodeRig().start();
    rig.run(3000);
    const before = rig.transport.published.length;
    breakGlass(rig);
    const sent = rig.transport.published.slice(before);
    assert.deepEqual(sent.map((p) => [p.topic, p.qos, p.retain]), [[`${BASE}alert`, 1, false], [`${BASE}state/glass_break`, 1, true]]);
    const alert = JSON.parse(sent[0].payload) as AlertMessage;
    assert.equal(alert.uptimeMs, 3008, 'raised when the block that decided it arrived');
    assert.equal(alert.decidedUptimeMs, 3008);
    assert.equal(alert.onsetUptimeMs, 2992);
    assert.deepEqual([alert.type, alert.severity, alert.zone, alert.location.element], ['glass_break', 'alarm', 'Galerie d\'Apollon', 'case 7']);
    assert.equal(sent[1].payload, 'ON');
  });

  it('with the broker down, keeps every alert and delivers the backlog in order right after the birth', function () {
    const rig = new NodeRig().start();
    rig.run(2000);
    rig.transport.disconnect('broker down');
    breakGlass(rig);
    rig.run(6000);
    rig.accelSignal = 'blow';
    rig.run(20);
    rig.run(6000);
    rig.accelSignal = 'grind';
    rig.run(1000);
    rig.accelSignal = 'rest';
    rig.micSignal = 'flat';
    rig.run(6000);
    assert.equal(rig.transport.refused, 0);
    const queued = rig.node.config; // the node is still running normally
    assert.equal(queued.node, 'apollo-case-07');
    const before = rig.transport.published.length;
    rig.transport.connect();
    rig.run(200);
    const sent = rig.transport.published.slice(before);
    assert.deepEqual(sent[0], { topic: `${BASE}status`, payload: 'online', qos: 1, retain: true });
    const alerts = sent.filter((p) => p.topic === `${BASE}alert`).map((p) => JSON.parse(p.payload) as AlertMessage);
    assert.deepEqual(alerts.map((a) => [a.seq, a.type]), [[1, 'glass_break'], [2, 'impact'], [3, 'grinder'], [4, 'sensor_fault']]);
    assert.ok(alerts.every((a, i) => i === 0 || a.uptimeMs >= alerts[i - 1].uptimeMs));
    assertAllValid(rig);
  });

  it('never gives two alerts one id when the stored counters are lost or damaged', function () {
    const queuedThenLost = (damage: (storage: MemoryStorage) => void): { second: NodeRig; delivered: AlertMessage[] } => {
      const storage = new MemoryStorage();
      const first = new NodeRig({ storage }).start();
      first.run(1000);
      first.transport.disconnect('broker down');
      breakGlass(first);
      first.run(100);
      damage(storage);
      const second = new NodeRig({ storage }).start();
      second.run(100);
      breakGlass(second);
      second.run(100);
      return { second, delivered: second.json<AlertMessage>('alert') };
    };
    // The counter gone while its alert still waits in the outbox: numbering continues after that alert.
    const gone = queuedThenLost((storage) => storage.map.delete('seq'));
    const goneIds = gone.delivered.filter((a) => a.type === 'glass_break').map((a) => a.id);
    assert.equal(new Set(goneIds).size, 2, goneIds.join(', '));
    // The counter unreadable: a new incarnation, and a storage_corrupt fault saying why.
    const garbage = queuedThenLost((storage) => storage.map.set('seq', 'garbage'));
    const ids = garbage.delivered.filter((a) => a.type === 'glass_break').map((a) => a.id);
    assert.equal(ids[0], 'apollo-case-07-e819554d-1');
    assert.ok(!ids[1].startsWith('apollo-case-07-e819554d-'), ids[1]);
    const fault = garbage.delivered.find((a) => a.type === 'node_fault');
    assert.deepEqual(fault?.fault?.codes, ['storage_corrupt']);
    assert.match(fault?.fault?.detail ?? '', /alert counter "garbage" unreadable: alert ids continue under a new incarnation/);
    // The boot counter unreadable: counted again from 1, and said.
    const boot = queuedThenLost((storage) => storage.map.set('boot', 'x'));
    const bootFault = boot.delivered.find((a) => a.type === 'node_fault');
    // The queued alert was raised in boot 1, so counting goes on from 2, not 1 again.
    assert.match(bootFault?.fault?.detail ?? '', /boot counter "x" unreadable: boots are counted again from 2/);
    assert.deepEqual(boot.delivered.filter((a) => a.type === 'glass_break').map((a) => a.boot), [1, 2]);
    assertAllValid(boot.second);
  });

  it('loses nothing over a power loss: the persisted outbox is delivered after reboot with the same ids', function () {
    const storage = new MemoryStorage();
    const first = new NodeRig({ storage }).start();
    first.run(1000);
    first.transport.disconnect('broker down');
    breakGlass(first);
    first.run(6000);
    breakGlass(first);
    first.run(100);
    // Power loss: no stop(), nothing more from this node.
    const second = new NodeRig({ storage }).start();
    second.run(100);
    const delivered = second.json<AlertMessage>('alert');
    assert.deepEqual(delivered.map((a) => [a.id, a.seq, a.boot]), [
      ['apollo-case-07-e819554d-1', 1, 1], ['apollo-case-07-e819554d-2', 2, 1],
    ]);
    breakGlass(second);
    const next = second.json<AlertMessage>('alert').at(-1)!;
    assert.deepEqual([next.id, next.seq, next.boot], ['apollo-case-07-e819554d-3', 3, 2], 'seq continues, incarnation stays, boot counts');
    second.run(100);
    assert.deepEqual(storage.keys().filter((k) => k.startsWith('ob')), [], 'nothing left once acknowledged');
  });

  it('stops gracefully: held alerts queued, offline published, session ended, sources and timers stopped', function () {
    const rig = new NodeRig().start();
    rig.run(1000);
    rig.node.stop();
    assert.deepEqual(rig.transport.published.at(-1), { topic: `${BASE}status`, payload: 'offline', qos: 1, retain: true });
    assert.deepEqual(rig.transport.stopped, { graceful: true });
    assert.equal(rig.mic!.events, undefined);
    assert.equal(rig.accel!.events, undefined);
    assert.equal(rig.node.running, false);
    const published = rig.transport.published.length;
    rig.run(20_000);
    assert.equal(rig.transport.published.length, published, 'no timer of the stopped node fires');
    rig.node.stop();
  });

  it('never publishes the MQTT credentials', function () {
    const rig = new NodeRig().start();
    rig.command('config', { id: 'c', config: { zone: 'vault' } });
    rig.run(11_000);
    assert.ok(rig.transport.published.length > 20);
    for (const p of rig.transport.published) assert.ok(!p.payload.includes(TEST_PROVISIONING.mqtt!.password!), p.topic);
  });

  it('republishes discovery and states when Home Assistant comes back online', function () {
    const rig = new NodeRig().start();
    const before = rig.transport.published.filter((p) => p.topic.startsWith('homeassistant/')).length;
    rig.transport.deliver('homeassistant/status', 'offline');
    rig.transport.deliver('homeassistant/status', 'online');
    assert.equal(rig.transport.published.filter((p) => p.topic.startsWith('homeassistant/')).length, before * 2);
  });

  it('keeps running when a pipeline throws: one node_fault, failures counted in the log', function () {
    const rig = new NodeRig({
      createPipelines: (config, onFlex) => {
        const set = createTestPipelines(config, onFlex);
        set.acoustic!.push = () => {
          throw new Error('index out of range');
        };
        return set;
      },
    }).start();
    rig.run(1000);
    rig.accelSignal = 'blow';
    rig.run(40);
    const alerts = rig.json<AlertMessage>('alert');
    assert.deepEqual(alerts.map((a) => [a.type, a.fault?.codes]), [['node_fault', ['pipeline_error']], ['impact', undefined]]);
    assert.equal(alerts[0].fault?.detail, 'acoustic pipeline: index out of range');
    const logged = rig.log.lines.filter((l) => l.includes('acoustic pipeline failed'));
    assert.deepEqual(logged.map((l) => /\((\d+) failures/.exec(l)?.[1]), ['1', '2', '3'], 'the log is not flooded (66 failed blocks)');
    rig.run(1000);
    assert.match(rig.log.lines.at(-1)!, /^error: acoustic pipeline failed on a block \(100 failures this boot\): index out of range$/);
  });

  it('falls back to the defaults and raises node_fault config_invalid when the stored configuration is unusable', function () {
    const storage = new MemoryStorage();
    storage.write('cfg#', '1');
    storage.write('cfg0', '{"health":{"heartbeatMs":"often"}}');
    const rig = new NodeRig({ storage }).start();
    assert.equal(rig.node.config.health.heartbeatMs, 5000);
    const [alert] = rig.json<AlertMessage>('alert');
    assert.deepEqual(alert.fault?.codes, ['config_invalid']);
    assert.match(alert.fault!.detail, /config\.health\.heartbeatMs: must be a finite number \(ms\)/);
    // Damaged in other ways: a piece missing, the count unreadable, every detector switched off.
    for (const [pieces, detail] of [
      [{ 'cfg#': '3', cfg0: '{"health":{"heartbeatMs":2000}}' }, /stored configuration is incomplete \(cfg# "3", a piece missing or the count unreadable\)/],
      [{ 'cfg#': 'abc', cfg0: '{}' }, /stored configuration is incomplete \(cfg# "abc"/],
      [{ 'cfg#': '1', cfg0: '{"detectors":{"glassBreak":{"enabled":false},"grinder":{"enabled":false},"impact":{"enabled":false}}}' },
        /every detector would be switched off/],
    ] as const) {
      const damaged = new MemoryStorage();
      for (const [key, value] of Object.entries(pieces)) damaged.write(key, value);
      const node = new NodeRig({ storage: damaged }).start();
      assert.equal(node.node.config.health.heartbeatMs, 5000);
      const [fault] = node.json<AlertMessage>('alert');
      assert.deepEqual(fault?.fault?.codes, ['config_invalid'], JSON.stringify(pieces));
      assert.match(fault.fault!.detail, detail);
      assert.match(fault.fault!.detail, /running with the defaults$/);
    }
  });

  it('refuses a provisioning or a spec registry that cannot work, naming what is wrong', function () {
    assert.throws(() => new NodeRig({ provisioning: { node: 'a/b' } }), /invalid provisioning: provisioning\.node: must be 1-32 letters/);
    assert.throws(() => new NodeRig({ detectorDefaults: { display_case: { grinder: { enabled: true, sustainBlocks: 0 } }, window: {}, balcony: {} } }),
      /defaults for role display_case: config\.detectors\.grinder\.sustainBlocks: 0 count is outside 1\.\.1000 count/);
  });
});

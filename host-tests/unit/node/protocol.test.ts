import assert from 'node:assert/strict';
import { COMMAND_NAMES, nodeTopics } from '../../../firmware/node/protocol';
import type { CommandName } from '../../../firmware/node/protocol';
import { parseCommand, parseCommandPayload, nestingDepth } from '../../../firmware/node/commands';
import { SCHEMA_NAMES, checkMessage, schema, schemaForTopic } from '../../helpers/protocol-schemas';

const limits = { telemetryMaxDurationS: 600, telemetryMaxRateHz: 5, walkTestMaxS: 86400 };

describe('protocol v1', function () {
  it('builds the topics of DESIGN.md under vitrine/<site>/<node>/', function () {
    const t = nodeTopics('louvre', 'apollo-case-07');
    assert.deepEqual([t.status, t.alert, t.hb, t.telemetry, t.config, t.cmdFilter, t.cmdResult, t.state.glass_break], [
      'vitrine/louvre/apollo-case-07/status', 'vitrine/louvre/apollo-case-07/alert', 'vitrine/louvre/apollo-case-07/hb',
      'vitrine/louvre/apollo-case-07/telemetry', 'vitrine/louvre/apollo-case-07/config', 'vitrine/louvre/apollo-case-07/cmd/+',
      'vitrine/louvre/apollo-case-07/cmd/result', 'vitrine/louvre/apollo-case-07/state/glass_break',
    ]);
  });

  it('has a schema for every payload, and every schema describes a topic', function () {
    const t = nodeTopics('s', 'n');
    const topics = [
      t.status, t.alert, t.hb, t.telemetry, t.config, t.cmdResult, t.state.tamper, `${t.base}safemode`, `${t.base}selfbench`,
      ...COMMAND_NAMES.map((name) => `${t.cmdPrefix}${name}`),
      'homeassistant/binary_sensor/vitrine_s_n_grinder/config', 'homeassistant/event/vitrine_s_n_alarm/config',
    ];
    const used = new Set(topics.map((topic) => schemaForTopic(topic)?.name));
    assert.deepEqual(SCHEMA_NAMES.filter((name) => name !== 'common' && !used.has(name)), []);
    assert.deepEqual([...used].filter((name) => name === undefined || !SCHEMA_NAMES.includes(name)), []);
  });

  it('knows a state/<type> topic only for the protocol\'s alert types', function () {
    const t = nodeTopics('s', 'n');
    for (const topic of Object.values(t.state)) assert.deepEqual(schemaForTopic(topic), { name: 'state', plainText: true }, topic);
    assert.equal(Object.keys(t.state).length, 7);
    for (const type of ['bogus', '', 'glass_break/x', 'GRINDER']) assert.equal(schemaForTopic(`${t.base}state/${type}`), undefined, type);
    assert.deepEqual(checkMessage(`${t.base}state/bogus`, 'ON'), [`${t.base}state/bogus: no schema for this topic`]);
  });

  // Each request: whether it is valid; the command schema and the node's parser must agree.
  const requests: [CommandName, unknown, boolean][] = [
    ['config', { id: 'c1', config: { zone: 'x' } }, true],
    ['config', { id: 'c2', config: {}, mode: 'replace', auth: { sig: 'later' } }, true],
    ['config', { id: 'c3' }, false],
    ['config', { id: 'c4', config: {}, mode: 'patch' }, false],
    ['telemetry', { id: 't1', enable: true, durationS: 30, rateHz: 5 }, true],
    ['telemetry', { id: 't2', enable: true, rateHz: 6 }, false],
    ['telemetry', { id: 't3', enable: 'on' }, false],
    ['walktest', { id: 'w1', enable: false }, true],
    ['walktest', { id: 'w2', enable: true, durationS: 0 }, false],
    ['relearn', { id: 'r1' }, true],
    ['relearn', { id: 'r2', axis: 'z' }, false],
    ['reboot', { id: 'b1', reason: 'firmware update' }, true],
    ['reboot', { reason: 'no id' }, false],
    ['reboot', { id: '', reason: 'empty id' }, false],
  ];
  for (const [name, body, valid] of requests) {
    it(`cmd/${name} ${JSON.stringify(body)}: schema and node agree that it is ${valid ? 'valid' : 'invalid'}`, function () {
      assert.equal(schema(`cmd-${name}`)(body), valid);
      const parsed = parseCommandPayload(JSON.stringify(body));
      assert.ok(parsed.ok);
      assert.equal(parseCommand(name, parsed.value, limits).ok, valid);
    });
  }

  it('measures nesting depth without parsing, ignoring brackets inside strings', function () {
    assert.equal(nestingDepth('{"a":[{"b":"[[[[{{{{"}]}', 8), 3);
    assert.equal(nestingDepth('"\\"[["', 8), 0);
    assert.equal(nestingDepth('['.repeat(100), 8), 9, 'stops counting past the limit');
  });
});

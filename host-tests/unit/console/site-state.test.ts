import assert from 'node:assert/strict';
import type { AlertMessage, HeartbeatMessage } from '../../../firmware/node/protocol';
import { CLOCK_DISAGREE_MS, MAX_TELEMETRY, NO_CONTACT_GRACE_MS, SiteState, alertLatency } from '../../../simulator/console/shared/site-state';
import type { SitePlan } from '../../../simulator/console/shared/site-plan';
import { planBounds, scaleBarM } from '../../../simulator/console/shared/site-plan';
import { CommandChannel, describeResult, parseNodeTopic } from '../../../simulator/console/shared/command-channel';

const T0 = 1_760_870_000_000;
const LOCATION = { building: 'Denon', floor: '1', room: 'Apollo', element: 'case A', label: 'Apollo case A' };
const PLAN: SitePlan = {
  id: 'louvre', name: 'Louvre',
  rooms: [{ id: 'apollo', name: 'Apollo', floor: '1', outline: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 60 }, { x: 0, y: 60 }] }],
  nodes: [
    { id: 'case-a', role: 'display_case', position: { x: 3, y: 7 }, location: LOCATION },
    { id: 'case-b', role: 'display_case', position: { x: 6, y: 13 }, location: { ...LOCATION, element: 'case B', label: 'Apollo case B' } },
  ],
};

function hb(seq: number, sensors: Partial<HeartbeatMessage['sensors']> = {}): string {
  const ok = { state: 'ok' as const, conditions: [], faults: [], blocks: 1, lostBlocks: 0, lastBlockAgeMs: 1 };
  const message: HeartbeatMessage = {
    v: 1, seq, boot: 1, uptimeMs: seq * 5000, ts: T0, intervalMs: 5000, heapFreeBytes: null, fw: 't',
    link: { connects: 1, disconnects: 0, lastDisconnect: '' }, outbox: { depth: 0, alerts: 0, dropped: 0, evicted: 0, storageErrors: 0 },
    sensors: { microphone: ok, accelerometer: ok, ...sensors }, walkTest: false, telemetry: false,
  };
  return JSON.stringify(message);
}

function alert(id: string, overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    v: 1, id, seq: 1, ts: T0 + 5000, uptimeMs: 5000, boot: 1, site: 'louvre', node: 'case-a', role: 'display_case', zone: 'Apollo',
    location: LOCATION, type: 'glass_break', severity: 'alarm', score: 0.8, test: false, corroborated: [],
    onsetUptimeMs: 4600, decidedUptimeMs: 5000, merged: 0, features: {}, ...overrides,
  };
}

describe('console site state', function () {
  it('knows every node of the plan before they speak, waits, then reports those never heard from as dead', function () {
    const s = new SiteState({ plan: PLAN, startedMs: T0 });
    assert.deepEqual([...s.nodes.keys()], ['louvre/case-a', 'louvre/case-b']);
    const node = s.nodes.get('louvre/case-a');
    assert.ok(node !== undefined);
    assert.equal(s.assess(node, T0 + 1000).liveness, 'waiting');
    assert.equal(s.assess(node, T0 + 1000).dead, false);
    const late = s.assess(node, T0 + NO_CONTACT_GRACE_MS + 1);
    assert.equal(late.liveness, 'no-contact');
    assert.equal(late.dead, true);
    assert.deepEqual(s.subscriptions(), ['status', 'hb', 'alert', 'config', 'state/+', 'safemode', 'cmd/result'].map((x) => `vitrine/louvre/+/${x}`));
  });

  it('takes offline from the retained will, and silence from missing heartbeats', function () {
    const s = new SiteState({ plan: PLAN, startedMs: T0 });
    assert.equal(s.handle('vitrine/louvre/case-a/status', 'online', T0), 'node');
    assert.equal(s.handle('vitrine/louvre/case-a/hb', hb(1), T0 + 100), 'node');
    const node = s.nodes.get('louvre/case-a');
    assert.ok(node !== undefined);
    assert.equal(s.assess(node, T0 + 5000).liveness, 'online');
    assert.equal(s.assess(node, T0 + 12_000).liveness, 'online', '2.5 intervals of 5 s are allowed');
    const silent = s.assess(node, T0 + 12_700);
    assert.equal(silent.liveness, 'silent');
    assert.equal(silent.dead, true);
    assert.match(silent.summary, /no heartbeat for 13 s \(expected every 5 s\)/);
    s.handle('vitrine/louvre/case-a/status', 'offline', T0 + 13_000);
    const offline = s.assess(node, T0 + 14_000);
    assert.equal(offline.liveness, 'offline');
    assert.match(offline.summary, /^OFFLINE since 1 s \(its will, or it shut down\)$/);
    s.handle('vitrine/louvre/case-a/status', 'online', T0 + 20_000);
    assert.equal(s.assess(node, T0 + 21_000).liveness, 'online', 'back online: the last heartbeat is old, but the birth is new');
    assert.equal(s.assess(node, T0 + 33_000).liveness, 'silent', 'and silent again without heartbeats after its birth');
  });

  it('counts a device in safe mode as dead (it does not detect), until it starts normally and removes the report', function () {
    const s = new SiteState({ plan: PLAN, startedMs: T0 });
    s.handle('vitrine/louvre/case-a/status', 'online', T0);
    s.handle('vitrine/louvre/case-a/safemode', JSON.stringify({ v: 1, safeMode: true, problems: ['config.label: missing', 'start: boom'], commands: ['reboot'] }), T0);
    const node = s.nodes.get('louvre/case-a');
    assert.ok(node !== undefined);
    const safe = s.assess(node, T0 + 100);
    assert.equal(safe.liveness, 'safe-mode');
    assert.equal(safe.dead, true);
    assert.equal(safe.summary, 'SAFE MODE, not detecting: config.label: missing; start: boom');
    s.handle('vitrine/louvre/case-a/safemode', '', T0 + 200);
    s.handle('vitrine/louvre/case-a/hb', hb(1), T0 + 300);
    assert.equal(s.assess(node, T0 + 400).liveness, 'online');
    assert.ok(s.subscriptions().includes('vitrine/louvre/+/safemode'));
  });

  it('reports sensor faults and tamper while alive, and ranks dead nodes first, then faulty ones', function () {
    const s = new SiteState({ plan: PLAN, startedMs: T0 });
    const flat = { state: 'fault' as const, conditions: ['flat'], faults: ['flat'], blocks: 1, lostBlocks: 0, lastBlockAgeMs: 1 };
    s.handle('vitrine/louvre/case-b/status', 'online', T0);
    s.handle('vitrine/louvre/case-b/hb', hb(1, { microphone: flat }), T0);
    s.handle('vitrine/louvre/case-b/state/tamper', 'ON', T0);
    s.handle('vitrine/louvre/case-c/status', 'online', T0);
    s.handle('vitrine/louvre/case-c/hb', hb(1), T0);
    const b = s.nodes.get('louvre/case-b');
    assert.ok(b !== undefined);
    assert.deepEqual(s.assess(b, T0 + 1000).faults, ['microphone: flat', 'tamper: turned away from its mounting']);
    const ranked = s.ranked(T0 + NO_CONTACT_GRACE_MS + 1).map((r) => r.node.id);
    assert.deepEqual(ranked, ['case-a', 'case-b', 'case-c'], 'never-heard case-a is dead, case-b faulty, case-c fine (not on the plan, still listed)');
    assert.equal(s.nodes.get('louvre/case-c')?.plan, undefined);
  });

  it('keeps alerts newest first, once per id, with their latency; ignores other sites and refuses junk loudly', function () {
    const s = new SiteState({ plan: PLAN, startedMs: T0 });
    const a1 = alert('case-a-1');
    assert.equal(s.handle('vitrine/louvre/case-a/alert', JSON.stringify(a1), T0 + 5030), 'alert');
    assert.equal(s.handle('vitrine/louvre/case-a/alert', JSON.stringify(a1), T0 + 5100), 'none', 'a QoS 1 retry is the same alert');
    assert.equal(s.handle('vitrine/louvre/case-a/alert', JSON.stringify(alert('case-a-2', { test: true, severity: 'info' })), T0 + 6000), 'alert');
    assert.deepEqual(s.alerts.map((e) => e.alert.id), ['case-a-2', 'case-a-1']);
    assert.deepEqual(s.alerts[1].latency, { detectMs: 400, holdMs: 0, deliveryMs: 30, totalMs: 430 });
    assert.equal(s.nodes.get('louvre/case-a')?.lastAlert?.alert.id, 'case-a-2');
    assert.equal(s.handle('vitrine/orsay/x/alert', JSON.stringify(alert('x-1')), T0), 'none');
    assert.equal(s.handle('vitrine/louvre/case-a/alert', '{not json', T0), 'none');
    assert.equal(s.handle('vitrine/louvre/case-a/alert', JSON.stringify({ id: 'x' }), T0), 'none');
    assert.equal(s.handle('vitrine/louvre/case-a/status', 'maybe', T0), 'none');
    assert.equal(s.handle('vitrine/louvre/case-a/cmd/config', '{}', T0), 'none', 'commands to nodes are not state');
    assert.equal(s.problems.length, 3);
    assert.match(s.problems[2], /alert: not JSON/);
    assert.match(s.problems[1], /alert: type: must be a string, not missing; not taken$/);
    assert.match(s.problems[0], /unexpected status "maybe"/);
  });

  it('keeps no message that is not what the protocol says: it is listed under problems and the node keeps what it had', function () {
    const s = new SiteState({ plan: PLAN, startedMs: T0 });
    s.handle('vitrine/louvre/case-a/status', 'online', T0);
    assert.equal(s.handle('vitrine/louvre/case-a/hb', hb(1), T0 + 100), 'node');
    const good = s.nodes.get('louvre/case-a')?.hb;
    const topic = (suffix: string): string => `vitrine/louvre/case-a/${suffix}`;
    const junk: Array<[string, unknown, RegExp]> = [
      ['hb', { ...JSON.parse(hb(2)) as object, sensors: { microphone: { state: 'fault' } } }, /hb: sensors\.microphone\.faults: must be a list of strings, not missing/],
      ['hb', { ...JSON.parse(hb(3)) as object, sensors: { microphone: null } }, /hb: sensors\.microphone: must be an object, not null/],
      ['hb', { ...JSON.parse(hb(4)) as object, intervalMs: 0 }, /hb: intervalMs: must be a positive number of ms, not 0/],
      ['alert', { ...alert('bad-1'), corroborated: undefined }, /alert: corroborated: must be a list of strings, not missing/],
      ['alert', { ...alert('bad-2'), location: { ...LOCATION, label: 7 } }, /alert: location\.label: must be a string, not 7/],
      ['cmd/result', { v: 1, id: 'c-1', command: 'config', uptimeMs: 1, ts: null }, /cmd\/result: ok: must be true or false, not missing/],
      ['telemetry', { pipelines: [{ kind: 'acoustic', noiseFloorDb: -50, bandsDb: [], bandEdgesHz: [], levels: {}, thresholds: [{ option: 'x' }] }] },
        /telemetry: pipelines\[0\]\.thresholds: must be a list of \{option, threshold, current, unit\}/],
      ['config', { location: 'upstairs' }, /config: location: must be an object, not "upstairs"/],
    ];
    for (const [suffix, message, problem] of junk) {
      assert.equal(s.handle(topic(suffix), JSON.stringify(message), T0 + 200), 'none', suffix);
      assert.match(s.problems[0], problem);
    }
    const node = s.nodes.get('louvre/case-a');
    assert.ok(node !== undefined);
    assert.equal(node.hb, good, 'the last good heartbeat stays');
    assert.deepEqual([s.alerts.length, node.results.length, node.telemetry.length, node.config], [0, 0, 0, undefined]);
    // And the node's health is still judged: it goes offline and is shown dead.
    assert.equal(s.assess(node, T0 + 300).liveness, 'online');
    s.handle(topic('status'), 'offline', T0 + 400);
    assert.equal(s.ranked(T0 + 500)[0].health.liveness, 'offline');
  });

  it('computes latency without a synced clock as detection and hold only', function () {
    assert.deepEqual(alertLatency(alert('x', { ts: null, uptimeMs: 5200 }), T0), { detectMs: 400, holdMs: 200, deliveryMs: undefined, totalMs: undefined });
  });

  it('leaves delivery and total out when the heartbeats show that the node clock and the console clock disagree', function () {
    const s = new SiteState({ plan: PLAN, startedMs: T0 });
    // The heartbeat stamped T0 arrives a year later by the console's clock: a node in virtual time.
    const yearMs = 365 * 86_400_000;
    s.handle('vitrine/louvre/case-a/hb', hb(1), T0 + yearMs);
    s.handle('vitrine/louvre/case-a/alert', JSON.stringify(alert('case-a-1')), T0 + yearMs + 5030);
    assert.deepEqual(s.alerts[0].latency, { detectMs: 400, holdMs: 0, deliveryMs: undefined, totalMs: undefined, clockOffsetMs: yearMs });
    // Clocks within CLOCK_DISAGREE_MS: the whole latency is shown.
    s.handle('vitrine/louvre/case-b/hb', hb(1), T0 + CLOCK_DISAGREE_MS);
    s.handle('vitrine/louvre/case-b/alert', JSON.stringify(alert('case-b-1', { node: 'case-b' })), T0 + 5030);
    assert.deepEqual(s.alerts[0].latency, { detectMs: 400, holdMs: 0, deliveryMs: 30, totalMs: 430 });
  });

  it('keeps a capped telemetry history per node and hands every message to the listeners (a baseline)', function () {
    const s = new SiteState({ plan: PLAN, startedMs: T0 });
    const heard: string[] = [];
    s.telemetryListeners.add((key, message) => heard.push(`${key}#${message.seq}`));
    for (let seq = 1; seq <= MAX_TELEMETRY + 5; seq++) {
      assert.equal(s.handle('vitrine/louvre/case-a/telemetry', JSON.stringify({ v: 1, seq, uptimeMs: seq * 200, pipelines: [] }), T0 + seq), 'telemetry');
    }
    const history = s.nodes.get('louvre/case-a')?.telemetry ?? [];
    assert.equal(history.length, MAX_TELEMETRY);
    assert.equal(history[0].message.seq, 6, 'the oldest go first');
    assert.equal(heard.length, MAX_TELEMETRY + 5, 'listeners get every message, not the capped history');
    assert.equal(heard[0], 'louvre/case-a#1');
  });

  it('watches every site without a plan', function () {
    const s = new SiteState({ startedMs: T0 });
    assert.equal(s.siteId, '+');
    s.handle('vitrine/orsay/x/status', 'online', T0);
    s.handle('vitrine/louvre/y/status', 'offline', T0);
    assert.deepEqual([...s.nodes.keys()].sort(), ['louvre/y', 'orsay/x']);
  });
});

describe('console plan geometry and commands', function () {
  it('bounds the plan with a margin and picks a round scale bar', function () {
    assert.deepEqual(planBounds(PLAN, 1), { minX: -1, minY: -1, maxX: 11, maxY: 61 });
    assert.equal(scaleBarM(62), 10);
    assert.equal(scaleBarM(12), 2);
    assert.equal(scaleBarM(30), 5);
    assert.equal(scaleBarM(0.4), 0.05);
  });

  it('describes a command\'s answer: what changed, or every problem of a refusal', function () {
    const base = { v: 1, id: 'a', command: 'config', uptimeMs: 1, ts: null };
    assert.equal(describeResult({ ...base, ok: true, changed: ['config.detectors.tilt.thresholdDeg'] }), 'ok, changed config.detectors.tilt.thresholdDeg');
    assert.equal(describeResult({ ...base, ok: true, untilUptimeMs: 65_400, rateHz: 5 }), 'ok, until node uptime 65 s, 5 Hz');
    const refused = { ...base, ok: false, error: '2 problem(s)', errors: ['config.a: bad', 'config.b: worse'] };
    assert.equal(describeResult(refused), 'REFUSED: 2 problem(s) (config.a: bad; config.b: worse)');
    assert.equal(describeResult(refused, true), 'REFUSED: 2 problem(s)\n  config.a: bad\n  config.b: worse');
  });

  it('parses node topics', function () {
    assert.deepEqual(parseNodeTopic('vitrine/louvre/case-a/state/tilt'), { site: 'louvre', node: 'case-a', suffix: 'state/tilt' });
    assert.equal(parseNodeTopic('homeassistant/status'), undefined);
  });

  it('matches answers to commands by id, ignores others, and times out naming the node', async function () {
    const sent: Array<{ topic: string; payload: string }> = [];
    const channel = new CommandChannel({ idPrefix: 'test', publish: (topic, payload) => sent.push({ topic, payload }) });
    const answer = channel.send('louvre', 'case-a', 'relearn', {}, 1000);
    assert.equal(sent[0].topic, 'vitrine/louvre/case-a/cmd/relearn');
    const { id } = JSON.parse(sent[0].payload) as { id: string };
    assert.match(id, /^test-[0-9a-f]{5}-1$/);
    assert.equal(channel.handle('vitrine/louvre/case-a/cmd/result', JSON.stringify({ id: 'other', ok: true })), false);
    assert.equal(channel.handle('vitrine/louvre/case-a/cmd/result', 'junk'), false);
    assert.equal(channel.handle('vitrine/louvre/case-a/cmd/result', JSON.stringify({ v: 1, id, command: 'relearn', ok: true, uptimeMs: 1, ts: null })), true);
    assert.equal((await answer).ok, true);
    await assert.rejects(channel.send('louvre', 'case-b', 'relearn', {}, 50), /no answer from louvre\/case-b to cmd\/relearn .* within 50 ms: is the node online\?/);
    const refused = new CommandChannel({ idPrefix: 'x', publish: () => { throw new Error('not connected to the broker'); } });
    await assert.rejects(refused.send('louvre', 'case-a', 'relearn', {}), /not connected to the broker/);
  });
});

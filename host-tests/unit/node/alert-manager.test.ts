import assert from 'node:assert/strict';
import type { Detection, ThreatType } from '../../../firmware/detect/types';
import { NO_DETECTIONS } from '../../../firmware/detect/types';
import { AlertManager } from '../../../firmware/node/alert-manager';
import type { NodeConfig } from '../../../firmware/node/config';
import { ROLE_DETECTORS_ENABLED, applyConfigChange, defaultConfig } from '../../../firmware/node/config';
import type { AlertMessage, AlertType } from '../../../firmware/node/protocol';
import { nodeTopics } from '../../../firmware/node/protocol';
import { ManualClock, MemoryLog, MemoryStorage } from '../../helpers/node-fakes';
import { TEST_DETECTOR_SPECS } from '../../helpers/test-pipelines';
import { TEST_PROVISIONING } from '../../helpers/node-rig';
import { checkMessage } from '../../helpers/protocol-schemas';
import { GLASS_BREAK_FEATURES } from '../../../firmware/detect/glass-break';

const context = { provisioning: TEST_PROVISIONING, specs: TEST_DETECTOR_SPECS, detectorDefaults: ROLE_DETECTORS_ENABLED };

function configWith(patch: Record<string, unknown>): NodeConfig {
  const change = applyConfigChange({ config: defaultConfig(context), overrides: {} }, patch, 'merge', context);
  if (!change.ok) throw new Error(change.errors.join('; '));
  return change.config;
}

function detection(type: ThreatType, atMs: number, score = 0.9, features: Record<string, number> = { levelDb: -12.3456789 }): Detection {
  return { type, onsetMs: atMs, decidedMs: atMs + 50, score, features };
}

class Bench {
  readonly clock = new ManualClock();
  readonly storage: MemoryStorage;
  readonly alerts: AlertMessage[] = [];
  readonly states: string[] = [];
  readonly manager: AlertManager;

  constructor(config: NodeConfig = defaultConfig(context), storage = new MemoryStorage()) {
    this.storage = storage;
    this.manager = new AlertManager({
      clock: this.clock, storage, log: new MemoryLog(), topics: nodeTopics('louvre', 'apollo-case-07'),
      identity: { site: 'louvre', node: 'apollo-case-07', incarnation: '0badcafe', boot: 3 },
      emit: (message) => {
        assert.deepEqual(checkMessage(message.topic, message.payload), []);
        this.alerts.push(JSON.parse(message.payload) as AlertMessage);
      },
      onState: (type: AlertType, on: boolean) => this.states.push(`${type}=${on ? 'ON' : 'OFF'}@${this.clock.uptimeMs()}`),
    });
    this.manager.configure(config);
  }

  /** Feeds `d` at its decided time. */
  feed(d: Detection): void {
    this.clock.advance(Math.max(0, d.decidedMs - this.clock.uptimeMs()));
    this.manager.onDetections([d]);
  }
}

describe('alert manager', function () {
  it('says in the overflow report whether alerts were dropped from a full outbox, lost to unreadable records, or both', function () {
    const b = new Bench();
    const detail = (dropped: number, corrupt: number): string => {
      const message = b.manager.overflowAlert({ dropped, corrupt, firstSeq: dropped > 0 ? 17 : null, lastSeq: dropped > 0 ? 16 + dropped : null, byType: {} }, undefined);
      return (JSON.parse(message.payload) as AlertMessage).fault?.detail ?? '';
    };
    assert.equal(detail(2, 0), 'outbox full of undelivered alerts: 2 alert(s) lost (seq 17..18)');
    assert.equal(detail(0, 1), 'outbox: 1 record(s) unreadable in storage at start, their alert(s) lost');
    assert.equal(detail(3, 1), 'outbox full of undelivered alerts: 3 alert(s) lost (seq 17..19); 1 record(s) unreadable in storage at start, their alert(s) lost');
  });

  it('raises one alert per cooldown and folds repeated detections into the next one', function () {
    const b = new Bench();
    for (let t = 1000; t < 1200; t += 16) b.feed(detection('glass_break', t));
    assert.equal(b.alerts.length, 1);
    for (let t = 1200; t <= 7000; t += 400) b.feed(detection('glass_break', t));
    assert.equal(b.alerts.length, 2, 'a new alert once the 5 s cooldown has passed');
    assert.equal(b.alerts[1].merged, 12 + 12, 'every folded detection is counted (12 in the burst, 12 during the cooldown)');
    assert.equal(b.alerts[1].decidedUptimeMs, 6050);
    assert.deepEqual(b.alerts.map((a) => a.seq), [1, 2]);
    assert.equal(b.alerts[0].features.levelDb, -12.3457, 'features rounded to 6 significant digits');
  });

  it('builds alerts per protocol v1: id, seq, location, onset and decision uptimes; ts null before SNTP', function () {
    const b = new Bench();
    b.feed(detection('grinder', 2000));
    b.clock.syncEpoch(1_760_870_000_000);
    b.feed(detection('impact', 9000));
    const [first, second] = b.alerts;
    assert.equal(first.id, 'apollo-case-07-0badcafe-1');
    assert.equal(first.ts, null);
    assert.equal(first.uptimeMs, 2050);
    assert.equal(first.onsetUptimeMs, 2000);
    assert.equal(first.decidedUptimeMs, 2050);
    assert.equal(first.boot, 3);
    assert.deepEqual(first.location, TEST_PROVISIONING.location);
    assert.equal(first.severity, 'alarm');
    assert.equal(second.ts, 1_760_870_000_000 + (9050 - 2050), 'epoch ms when raised (synced at uptime 2050)');
    assert.equal(second.id, 'apollo-case-07-0badcafe-2');
  });

  it('corroborates a glass break with an impact or a pane flex within 1.5 s: critical, corroborated [impact]', function () {
    const b = new Bench();
    b.feed(detection('impact', 1000));
    b.feed(detection('glass_break', 2200));
    assert.deepEqual(b.alerts.map((a) => [a.type, a.severity, a.corroborated]), [
      ['impact', 'alarm', []],
      ['glass_break', 'critical', ['impact']],
    ]);
    const flex = new Bench();
    flex.clock.advance(5000);
    flex.manager.noteFlex(5000, 0.4);
    flex.feed(detection('glass_break', 5300));
    assert.deepEqual([flex.alerts[0].severity, flex.alerts[0].corroborated], ['critical', ['impact']]);
    const late = new Bench();
    late.feed(detection('impact', 1000));
    late.feed(detection('glass_break', 2600));
    assert.deepEqual(late.alerts[1].corroborated, [], '1.6 s apart is outside the window');
  });

  it('holds a glass break that requires corroboration: released at once when an impact agrees, as a warning otherwise', function () {
    const config = configWith({ alerts: { requireCorroboration: { glassBreak: true } } });
    const b = new Bench(config);
    b.feed(detection('glass_break', 1000));
    assert.equal(b.alerts.length, 0, 'held for the corroboration window');
    b.feed(detection('impact', 1600));
    assert.deepEqual(b.alerts.map((a) => [a.type, a.severity, a.corroborated]), [
      ['glass_break', 'critical', ['impact']],
      ['impact', 'critical', ['glass_break']],
    ]);
    assert.deepEqual(b.states, ['glass_break=ON@1650', 'impact=ON@1650']);
    const alone = new Bench(config);
    alone.feed(detection('glass_break', 1000));
    alone.clock.advance(1499);
    assert.equal(alone.alerts.length, 0);
    alone.clock.advance(1);
    assert.deepEqual(alone.alerts.map((a) => [a.severity, a.uptimeMs]), [['warning', 2550]]);
    assert.deepEqual(alone.states, [], 'an unconfirmed glass break is not raised as an alarm');
  });

  it('in walk-test mode flags alerts test: true with severity info and never sets a state ON', function () {
    const b = new Bench();
    b.manager.setWalkTest(60_000);
    b.feed(detection('glass_break', 1000));
    b.feed(detection('impact', 1200));
    assert.ok(b.alerts.every((a) => a.test && a.severity === 'info'));
    assert.deepEqual(b.states, []);
    b.manager.tick(60_000);
    assert.equal(b.manager.walkTestUntilMs, undefined, 'walk-test mode ends by itself');
    b.feed(detection('grinder', 61_000));
    assert.deepEqual([b.alerts[2].test, b.alerts[2].severity], [false, 'alarm']);
  });

  it('sets state/<type> ON with the first alarm and OFF stateHoldMs after the last detection', function () {
    const b = new Bench(configWith({ alerts: { stateHoldMs: 10_000 } }));
    b.feed(detection('grinder', 1000));
    b.feed(detection('grinder', 4000)); // folded, but refreshes the hold
    for (let t = 5000; t <= 14_000; t += 1000) b.manager.tick(t);
    assert.deepEqual(b.states, ['grinder=ON@1050']);
    b.manager.tick(14_050);
    assert.deepEqual(b.states, ['grinder=ON@1050', 'grinder=OFF@4050']);
  });

  it('ignores detections of detectors that are switched off', function () {
    const b = new Bench(configWith({ detectors: { grinder: { enabled: false } } }));
    b.feed(detection('grinder', 1000));
    b.manager.onDetections(NO_DETECTIONS);
    assert.equal(b.alerts.length, 0);
  });

  it('keeps the sequence across reboots, so ids stay unique', function () {
    const storage = new MemoryStorage();
    const first = new Bench(undefined, storage);
    first.feed(detection('glass_break', 1000));
    first.feed(detection('impact', 1100));
    const second = new Bench(undefined, storage);
    second.feed(detection('glass_break', 1000));
    assert.deepEqual([...first.alerts, ...second.alerts].map((a) => a.id), [
      'apollo-case-07-0badcafe-1', 'apollo-case-07-0badcafe-2', 'apollo-case-07-0badcafe-3',
    ]);
  });

  it('keeps only finite features, at most 16', function () {
    const b = new Bench();
    const features: Record<string, number> = { bad: Number.NaN, inf: Infinity };
    for (let i = 0; i < 20; i++) features[`f${i}`] = i;
    b.feed(detection('impact', 1000, 1.7, features));
    assert.deepEqual(Object.keys(b.alerts[0].features), Array.from({ length: 16 }, (_, i) => `f${i}`));
    assert.equal(b.alerts[0].score, 1, 'score clamped to 0..1');
  });

  it('a glass-break alert carries the verdict and whether the pane flexed among its 16 features', function () {
    const b = new Bench();
    const features: Record<string, number> = {};
    GLASS_BREAK_FEATURES.forEach((name, i) => { features[name] = i; });
    b.feed(detection('glass_break', 1000, 0.9, features));
    const carried = Object.keys(b.alerts[0].features);
    assert.equal(carried.length, 16);
    for (const name of ['acousticScore', 'flex', 'flexPeakG', 'levelDb', 'durationMs']) assert.ok(carried.includes(name), `${name} in ${carried.join()}`);
  });

  it('raises held detections when the node stops, so none is lost', function () {
    const b = new Bench(configWith({ alerts: { requireCorroboration: { glassBreak: true } } }));
    b.feed(detection('glass_break', 1000));
    b.manager.stop();
    assert.deepEqual(b.alerts.map((a) => a.severity), ['warning']);
  });
});

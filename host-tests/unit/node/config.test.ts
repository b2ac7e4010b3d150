import assert from 'node:assert/strict';
import type { ConfigContext, JsonObject, NodeConfig } from '../../../firmware/node/config';
import {
  ALERT_TIMING_SPECS, COOLDOWN_SPECS, CORROBORATION_SPECS, HEALTH_SPECS, ROLE_DETECTORS_ENABLED, TELEMETRY_SPECS, applyConfigChange, checkConfigContext, checkProvisioning,
  NOTHING_ENABLED, clientIdFor, defaultConfig, effectiveConfig, mergePatch, validateConfig,
} from '../../../firmware/node/config';
import type { MountSurface } from '../../../firmware/node/config';
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../../../firmware/node/detector-registry';
import { NODE_ROLES } from '../../../firmware/detect/types';
import { TEST_DETECTOR_SPECS } from '../../helpers/test-pipelines';
import { TEST_PROVISIONING } from '../../helpers/node-rig';
import { readChunked, splitUtf8, utf8Length, writeChunked } from '../../../firmware/node/stored-text';
import { MemoryStorage } from '../../helpers/node-fakes';

const context = (role: NodeConfig['role'] = 'display_case'): ConfigContext => ({
  provisioning: { ...TEST_PROVISIONING, role },
  specs: TEST_DETECTOR_SPECS,
  detectorDefaults: ROLE_DETECTORS_ENABLED,
});

function current(ctx = context()): { config: NodeConfig; overrides: JsonObject } {
  return { config: defaultConfig(ctx), overrides: {} };
}

describe('node configuration', function () {
  it('gives every role valid defaults: which detectors run, the mounting, and the spec defaults', function () {
    const enabled = (role: NodeConfig['role']): string[] => {
      const config = defaultConfig(context(role));
      assert.deepEqual(validateConfig(config, context(role)), []);
      return Object.entries(config.detectors).filter(([, d]) => d.enabled).map(([k]) => k);
    };
    assert.deepEqual(enabled('display_case'), ['glassBreak', 'grinder', 'impact']);
    assert.deepEqual(enabled('window'), ['glassBreak', 'grinder', 'impact']);
    assert.deepEqual(enabled('balcony'), ['grinder', 'impact', 'tilt']);
    const balcony = defaultConfig(context('balcony'));
    assert.equal(balcony.mounting.surface, 'railing');
    assert.equal(balcony.detectors.grinder.rmsThresholdCounts, 4000);
    assert.equal(balcony.health.heartbeatMs, 5000);
    assert.equal(balcony.health.keepaliveS, 5);
    assert.equal(balcony.alerts.corroborationWindowMs, 1500);
    assert.equal(balcony.zone, 'Galerie d\'Apollon', 'zone defaults to the room');
    assert.deepEqual(checkConfigContext(context()), []);
  });

  it('requires the pane\'s flex for glass break on a window mounted on its glass, and follows the mounting a configuration sets', function () {
    const real = (role: NodeConfig['role'], surface?: MountSurface): ConfigContext => ({
      provisioning: { ...TEST_PROVISIONING, role, ...(surface === undefined ? {} : { mounting: { surface } }) },
      specs: DETECTOR_SPECS,
      detectorDefaults: ROLE_DETECTOR_DEFAULTS,
    });
    const requireFlex = (config: NodeConfig): unknown => config.detectors.glassBreak.requireFlex;
    assert.equal(requireFlex(defaultConfig(real('window'))), true, 'a window node sits on its pane by default');
    assert.equal(requireFlex(defaultConfig(real('window', 'frame'))), false, 'on the frame the flex only adds its bonus');
    assert.equal(requireFlex(defaultConfig(real('display_case'))), false, 'a case node may sit on another pane than the one struck');
    const onGlass = real('window');
    const moved = applyConfigChange({ config: defaultConfig(onGlass), overrides: {} }, { mounting: { surface: 'frame' } }, 'merge', onGlass);
    assert.ok(moved.ok);
    assert.equal(requireFlex(moved.config), false, 'moved to the frame by a command: the default follows');
    assert.ok(moved.changed.includes('config.detectors.glassBreak.requireFlex'), moved.changed.join(', '));
    const pinned = applyConfigChange({ config: defaultConfig(onGlass), overrides: {} }, { mounting: { surface: 'frame' }, detectors: { glassBreak: { requireFlex: true } } }, 'merge', onGlass);
    assert.ok(pinned.ok);
    assert.equal(requireFlex(pinned.config), true, 'a value the technician set stays');
    const back = applyConfigChange({ config: moved.config, overrides: moved.overrides }, { mounting: null }, 'merge', onGlass);
    assert.ok(back.ok);
    assert.equal(requireFlex(back.config), true, 'back on the glass');
    const invalid = effectiveConfig({ mounting: { surface: 'ceiling' } }, onGlass);
    assert.ok(!invalid.ok && invalid.errors.some((e) => e.includes('config.mounting.surface')), JSON.stringify(invalid));
    // On a balcony's railing, which sings in the wind, the grinder's pause rule is off; off the railing it is on.
    const pauses = (config: NodeConfig): unknown => config.detectors.grinder.pausesWithoutWander;
    assert.equal(pauses(defaultConfig(real('balcony'))), 0, 'a balcony node on its railing');
    assert.equal(pauses(defaultConfig(real('balcony', 'wall'))), 1, 'a balcony node on the wall');
    assert.equal(pauses(defaultConfig(real('window'))), 1, 'a window node on its pane');
    // Test specs without the option: the rule adds nothing.
    assert.equal(defaultConfig(context('window')).detectors.glassBreak.requireFlex, undefined);
  });

  it('takes per-role detector defaults as a parameter and checks them against the specs', function () {
    const ctx: ConfigContext = {
      ...context('window'),
      detectorDefaults: { ...ROLE_DETECTORS_ENABLED, window: { glassBreak: { enabled: true, rmsThresholdCounts: 6000 } } },
    };
    assert.equal(defaultConfig(ctx).detectors.glassBreak.rmsThresholdCounts, 6000);
    const bad: ConfigContext = { ...ctx, detectorDefaults: { ...ROLE_DETECTORS_ENABLED, balcony: { tilt: { enabled: true, offsetThresholdCounts: -1 } } } };
    assert.deepEqual(checkConfigContext(bad), [
      'defaults for role balcony: config.detectors.tilt.offsetThresholdCounts: -1 count is outside 1..32767 count',
    ]);
    const reserved: ConfigContext = { ...ctx, specs: { ...TEST_DETECTOR_SPECS, tilt: { enabled: { kind: 'boolean', default: true, doc: '' } } } };
    assert.match(checkConfigContext(reserved).join(), /detectorSpecs\.tilt\.enabled: the name 'enabled' is reserved/);
  });

  it('reports every problem of an invalid configuration, each with its path', function () {
    const config = JSON.parse(JSON.stringify(defaultConfig(context()))) as Record<string, Record<string, unknown>>;
    config.detectors.glassBreak = { enabled: 'yes', rmsThresholdCounts: 0, colour: 3 };
    (config.alerts.cooldownMs as Record<string, unknown>).grinder = 1.5;
    config.health.heartbeatMs = 100;
    config.location.label = '';
    config.mounting.surface = 'ceiling';
    (config as Record<string, unknown>).extra = true;
    config.telemetry.defaultDurationS = 601;
    assert.deepEqual(validateConfig(config, context()), [
      'config.extra: unknown key (allowed: v, site, node, role, zone, location, mounting, detectors, alerts, health, telemetry)',
      'config.location.label: must not be empty',
      'config.mounting.surface: must be one of glass, frame, wall, railing, plinth, not "ceiling"',
      'config.detectors.glassBreak.enabled: must be true or false, not "yes"',
      'config.detectors.glassBreak.rmsThresholdCounts: 0 count is outside 1..32767 count',
      'config.detectors.glassBreak.colour: unknown option',
      'config.alerts.cooldownMs.grinder: must be a whole number (ms)',
      'config.health.heartbeatMs: 100 ms is outside 1000..60000 ms',
      'config.telemetry.defaultDurationS: 601 s is outside 1..600 s',
      'config.telemetry.defaultDurationS: 601 s exceeds config.telemetry.maxDurationS (600 s)',
    ]);
    assert.deepEqual(validateConfig(null, context()), ['config: must be an object, not null']);
  });

  it('merges a patch onto the configuration in force; null resets a key to its default', function () {
    const ctx = context();
    const first = applyConfigChange(current(ctx), { zone: 'vault', detectors: { glassBreak: { rmsThresholdCounts: 9000 } } }, 'merge', ctx);
    assert.ok(first.ok);
    assert.equal(first.config.zone, 'vault');
    assert.equal(first.config.detectors.glassBreak.rmsThresholdCounts, 9000);
    assert.equal(first.config.detectors.glassBreak.enabled, true, 'untouched keys keep their value');
    assert.deepEqual(first.changed, ['config.zone', 'config.detectors.glassBreak.rmsThresholdCounts']);
    assert.ok(Object.isFrozen(first.config.detectors.glassBreak), 'the configuration in force is frozen');
    const second = applyConfigChange(first, { detectors: { glassBreak: { rmsThresholdCounts: null } } }, 'merge', ctx);
    assert.ok(second.ok);
    assert.equal(second.config.detectors.glassBreak.rmsThresholdCounts, 8000);
    assert.equal(second.config.zone, 'vault');
    assert.deepEqual(second.overrides, { zone: 'vault', detectors: { glassBreak: {} } });
  });

  it('replaces all overrides in replace mode: what is not given returns to its default', function () {
    const ctx = context();
    const first = applyConfigChange(current(ctx), { zone: 'vault', health: { heartbeatMs: 2000 } }, 'merge', ctx);
    assert.ok(first.ok);
    const replaced = applyConfigChange(first, { health: { faultAfterMs: 1000 } }, 'replace', ctx);
    assert.ok(replaced.ok);
    assert.equal(replaced.config.zone, 'Galerie d\'Apollon');
    assert.equal(replaced.config.health.heartbeatMs, 5000);
    assert.equal(replaced.config.health.faultAfterMs, 1000);
  });

  it('accepts identity keys repeated unchanged (a whole config sent back) and refuses changing them', function () {
    const ctx = context();
    const whole = JSON.parse(JSON.stringify(defaultConfig(ctx))) as Record<string, unknown>;
    whole.zone = 'east wing';
    const ok = applyConfigChange(current(ctx), whole, 'replace', ctx);
    assert.ok(ok.ok);
    assert.equal(ok.overrides.node, undefined, 'identity is never persisted as an override');
    const refused = applyConfigChange(current(ctx), { node: 'other', role: 'balcony', v: 2 }, 'merge', ctx);
    assert.ok(!refused.ok);
    assert.deepEqual(refused.errors, [
      'config.v: must be 1, not 2',
      'config.node: is "apollo-case-07", set at provisioning; a command cannot change it (got "other")',
      'config.role: is "display_case", set at provisioning; a command cannot change it (got "balcony")',
    ]);
    assert.deepEqual(applyConfigChange(current(ctx), [1], 'merge', ctx), { ok: false, errors: ['config: must be an object, not an array'] });
  });

  it('never lets a __proto__ key of a patch reach an object prototype', function () {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "zone": "x"}') as unknown;
    const merged = mergePatch({ a: 1 }, patch) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(merged.zone, 'x');
  });

  it('validates the installer\'s provisioning with paths', function () {
    assert.deepEqual(checkProvisioning(TEST_PROVISIONING), []);
    const bad = { ...TEST_PROVISIONING, site: 'has/slash', node: '', role: 'roof', location: { building: 'A' }, mqtt: { password: 5 } };
    assert.deepEqual(checkProvisioning(bad as never), [
      'provisioning.site: must be 1-32 letters, digits, \'_\' or \'-\', not "has/slash"',
      'provisioning.node: must be 1-32 letters, digits, \'_\' or \'-\', not ""',
      'provisioning.role: must be one of display_case, window, balcony, not "roof"',
      'provisioning.location.floor: missing',
      'provisioning.location.room: missing',
      'provisioning.location.element: missing',
      'provisioning.location.label: missing',
      'provisioning.mqtt.password: must be a string, not 5',
    ]);
  });

  it('refuses a configuration, sent or stored, that would switch every detector off (the node would look alive and detect nothing)', function () {
    const ctx = context('display_case');
    const allOff = { detectors: { glassBreak: { enabled: false }, grinder: { enabled: false }, impact: { enabled: false }, tilt: { enabled: false } } };
    assert.deepEqual(applyConfigChange(current(ctx), allOff, 'merge', ctx), { ok: false, errors: [NOTHING_ENABLED] });
    assert.match(NOTHING_ENABLED, /^config\.detectors: every detector would be switched off/);
    // One left on is a change like any other; a replace that keeps the role's defaults on is too.
    const oneOn = applyConfigChange(current(ctx), { detectors: { glassBreak: { enabled: false }, grinder: { enabled: false } } }, 'merge', ctx);
    assert.ok(oneOn.ok && oneOn.config.detectors.impact.enabled);
    assert.ok(applyConfigChange(oneOn, {}, 'replace', ctx).ok);
    // Stored, it is refused too: the node runs on its defaults and raises config_invalid (sensor-node.test.ts).
    assert.deepEqual(effectiveConfig(allOff, ctx), { ok: false, errors: [NOTHING_ENABLED] });
  });

  it('loads persisted overrides through effectiveConfig and refuses invalid ones', function () {
    const ctx = context('balcony');
    const loaded = effectiveConfig({ detectors: { tilt: { offsetThresholdCounts: 700 } } }, ctx);
    assert.ok(loaded.ok);
    assert.equal(loaded.config.detectors.tilt.offsetThresholdCounts, 700);
    const invalid = effectiveConfig({ detectors: { tilt: { offsetThresholdCounts: 'high' } } }, ctx);
    assert.ok(!invalid.ok);
  });

  it('makes MQTT client ids of at most 23 characters that keep distinct nodes distinct', function () {
    assert.equal(clientIdFor({ ...TEST_PROVISIONING, site: 'lv', node: 'case-7' }), 'vt-lv-case-7');
    const a = clientIdFor({ ...TEST_PROVISIONING, node: 'apollo-case-07' });
    const b = clientIdFor({ ...TEST_PROVISIONING, node: 'apollo-case-08' });
    assert.ok(a.length <= 23 && b.length <= 23, `${a} ${b}`);
    assert.notEqual(a, b);
    assert.equal(clientIdFor({ ...TEST_PROVISIONING, mqtt: { clientId: 'fixed' } }), 'fixed');
  });

  it('documents every alert, health and telemetry key with its default in docs/configuration.md', async function () {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    const groups = [
      ['alerts', ALERT_TIMING_SPECS], ['alerts.cooldownMs', COOLDOWN_SPECS], ['alerts.requireCorroboration', CORROBORATION_SPECS],
      ['health', HEALTH_SPECS], ['telemetry', TELEMETRY_SPECS],
    ] as const;
    for (const [group, specs] of groups) {
      for (const [key, spec] of Object.entries(specs)) {
        const row = doc.split('\n').find((line) => line.startsWith(`| \`${group}.${key}\``));
        assert.ok(row !== undefined, `docs/configuration.md has no row for ${group}.${key}`);
        assert.ok(row.includes(` ${String(spec.default)} `), `docs row of ${group}.${key} shows the default ${String(spec.default)}: ${row}`);
      }
    }
    for (const role of NODE_ROLES) assert.ok(doc.includes(`\`${role}\``), `docs/configuration.md mentions role ${role}`);
  });
});

describe('stored text (NVS limits)', function () {
  it('counts UTF-8 bytes and splits long texts without breaking characters', function () {
    assert.equal(utf8Length('aé€😀'), 1 + 2 + 3 + 4);
    const text = 'É'.repeat(3000) + '😀'.repeat(1000);
    const pieces = splitUtf8(text, 4000);
    assert.equal(pieces.join(''), text);
    for (const piece of pieces) assert.ok(utf8Length(piece) <= 4000);
  });

  it('writes a long text over numbered keys and reads it back; a shorter rewrite removes stale pieces', function () {
    const storage = new MemoryStorage();
    const long = JSON.stringify({ big: 'x'.repeat(9000) });
    writeChunked(storage, 'cfg', long);
    assert.deepEqual(storage.keys().sort(), ['cfg#', 'cfg0', 'cfg1', 'cfg2']);
    assert.equal(readChunked(storage, 'cfg'), long);
    writeChunked(storage, 'cfg', '{}');
    assert.deepEqual(storage.keys().sort(), ['cfg#', 'cfg0']);
    assert.equal(readChunked(storage, 'cfg'), '{}');
    storage.remove('cfg0');
    assert.equal(readChunked(storage, 'cfg'), undefined, 'a missing piece reads as nothing, not as a truncated text');
  });
});

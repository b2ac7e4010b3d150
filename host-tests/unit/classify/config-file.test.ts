import assert from 'node:assert/strict';
import { loadConfig } from '../../../simulator/classify/config-file';

describe('classify --config: loading a node configuration', function () {
  it('takes a merge patch onto the default configuration of the sensor\'s role', function () {
    const loaded = loadConfig(JSON.stringify({ detectors: { impact: { blowCount: 4 } } }), 'vibration');
    assert.ok(loaded.ok);
    assert.equal(loaded.config.role, 'window');
    assert.equal(loaded.config.detectors.impact.blowCount, 4);
    assert.equal(loaded.config.detectors.grinder.enabled, true);
  });

  it('takes the role, site and node of a configuration read from a node, with the role\'s own defaults', function () {
    const loaded = loadConfig(JSON.stringify({ v: 1, site: 'louvre', node: 'apollo-case-07', role: 'display_case' }), 'acoustic');
    assert.ok(loaded.ok);
    assert.deepEqual([loaded.config.site, loaded.config.node, loaded.config.role], ['louvre', 'apollo-case-07', 'display_case']);
    assert.equal(loaded.config.detectors.impact.blowCount, 2, 'display_case override');
    assert.equal(loaded.config.detectors.glassBreak.minScoreWithoutFlex, 0.9, 'display_case on its glass');
  });

  it('takes a cmd/config request, merge or replace', function () {
    const merged = loadConfig(JSON.stringify({ id: 'cfg-7', config: { alerts: { cooldownMs: { tilt: 1000 } } } }), 'tilt');
    assert.ok(merged.ok);
    assert.equal(merged.config.role, 'balcony');
    assert.equal(merged.config.alerts.cooldownMs.tilt, 1000);
    const replaced = loadConfig(JSON.stringify({ id: 'cfg-8', mode: 'replace', config: { zone: 'Balcon' } }), 'tilt');
    assert.ok(replaced.ok);
    assert.equal(replaced.config.zone, 'Balcon');
  });

  it('reports every problem with its path', function () {
    assert.deepEqual(loadConfig(JSON.stringify({ id: 'x', mode: 'patch', extra: 1, config: {} }), 'tilt'), {
      ok: false, errors: ['extra: unknown key of a cmd/config request (id, auth, mode, config)', 'mode: must be merge or replace, not "patch"'],
    });
    assert.deepEqual(loadConfig(JSON.stringify({ role: 'garage', site: 'bad site' }), 'tilt'), {
      ok: false, errors: ['config.role: must be one of display_case, window, balcony, not "garage"', 'config.site: must be 1-32 letters, digits, \'_\' or \'-\', not "bad site"'],
    });
    assert.deepEqual(loadConfig('[1, 2]', 'tilt'), { ok: false, errors: ['config: must be a JSON object (a configuration, a patch or a cmd/config request)'] });
    const invalid = loadConfig(JSON.stringify({ v: 2, detectors: { tilt: { thresholdDeg: 'high' } } }), 'tilt');
    assert.ok(!invalid.ok);
    assert.deepEqual(invalid.errors.map((e) => e.split(':')[0]), ['config.v', 'config.detectors.tilt.thresholdDeg']);
  });
});

import assert from 'node:assert/strict';
import { defaultConfig, validateConfig, type ConfigContext, type NodeProvisioning } from '../../../firmware/node/config';
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../../../firmware/node/detector-registry';
import { rolePipelineFactory } from '../../../firmware/node/pipeline-factory';
import type { NodeRole } from '../../../firmware/detect/types';
import { Rng } from '../../../simulator/signals/rng';
import { ambient, drawAmbientParams } from '../../../simulator/signals/acoustic/ambient';
import { drawGlassBreakParams, glassBreak } from '../../../simulator/signals/acoustic/glass-break';
import { dbToGain, mixInto, rms } from '../../../simulator/signals/signal';
import { replay } from '../../../simulator/eval/replay';

function context(role: NodeRole): ConfigContext {
  const provisioning: NodeProvisioning = {
    site: 'louvre', node: `test-${role}`, role,
    location: { building: 'Denon', floor: '1', room: 'Galerie d\'Apollon', element: 'element', label: 'label' },
  };
  return { provisioning, specs: DETECTOR_SPECS, detectorDefaults: ROLE_DETECTOR_DEFAULTS };
}

const factory = rolePipelineFactory({ accelerometerRateHz: 1600, hasMicrophone: true, hasAccelerometer: true });
const noFlex = (): void => {};

describe('detector registry and the role pipeline factory', function () {
  it('gives every role a valid default configuration built from the detectors\' specs and role overrides', function () {
    for (const role of ['display_case', 'window', 'balcony'] as const) {
      const config = defaultConfig(context(role));
      assert.deepEqual(validateConfig(config, context(role)), [], role);
    }
    const caseConfig = defaultConfig(context('display_case'));
    assert.equal(caseConfig.detectors.glassBreak.enabled, true);
    assert.equal(caseConfig.detectors.tilt.enabled, false);
    assert.equal(caseConfig.detectors.impact.blowCount, 2, 'the display-case override of blowCount');
    assert.equal(caseConfig.detectors.glassBreak.minScoreWithoutFlex, 0.9, 'on its glass, the sound alone is held to 0.9');
    assert.equal(defaultConfig(context('display_case'), 'frame').detectors.glassBreak.minScoreWithoutFlex, 0.5, 'on its frame, to minScore');
    assert.equal(defaultConfig(context('window')).detectors.glassBreak.minScoreWithoutFlex, 0.5, 'a window requires the flex instead');
    const balcony = defaultConfig(context('balcony'));
    assert.equal(balcony.detectors.glassBreak.enabled, false);
    assert.equal(balcony.detectors.tilt.enabled, true);
  });

  it('refuses a detector option outside its spec, naming the path', function () {
    const config = defaultConfig(context('window'));
    const broken = { ...config, detectors: { ...config.detectors, grinder: { ...config.detectors.grinder, minFundamentalSnrDb: -500 } } };
    const problems = validateConfig(broken, context('window'));
    assert.ok(problems.some((p) => p.includes('detectors.grinder.minFundamentalSnrDb')), problems.join('; '));
  });

  it('builds the pipelines each role runs', function () {
    const kinds = (role: NodeRole): string[] => Object.keys(factory(defaultConfig(context(role)), noFlex)).sort();
    assert.deepEqual(kinds('display_case'), ['acoustic', 'vibration']);
    assert.deepEqual(kinds('window'), ['acoustic', 'vibration']);
    assert.deepEqual(kinds('balcony'), ['tilt', 'vibration']);
    const micOnly = rolePipelineFactory({ accelerometerRateHz: 1600, hasMicrophone: true, hasAccelerometer: false });
    assert.deepEqual(Object.keys(micOnly(defaultConfig(context('window')), noFlex)), ['acoustic']);
  });

  it('turns a detector off when its configuration disables it', function () {
    const config = defaultConfig(context('window'));
    config.detectors.grinder.enabled = false;
    config.detectors.impact.enabled = false;
    assert.deepEqual(Object.keys(factory(config, noFlex)), ['acoustic']);
  });

  it('detects a real glass break with the pipeline it builds from the default configuration, once the pane flexed (a window requires it)', function () {
    const rng = new Rng(7);
    const scene = ambient(rng, drawAmbientParams(rng, 'default', 'quiet_gallery', 4));
    const breakSignal = glassBreak(rng, drawGlassBreakParams(rng, 'default', 'tempered'));
    mixInto(scene, breakSignal, 2, (rms(scene) * dbToGain(30)) / rms(breakSignal));
    const { acoustic } = factory(defaultConfig(context('window')), noFlex);
    assert.ok(acoustic !== undefined);
    const feed = { unitsPerCount: 1 / 32768, blockFrames: 256 };
    assert.deepEqual(replay(acoustic, scene, feed), [], 'no flex, no glass break on a window');
    acoustic.reset();
    const found = replay(acoustic, scene, feed, { flexAtMs: 2010 });
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]?.type, 'glass_break');
    assert.ok((found[0]?.publishS ?? 0) > 2 && (found[0]?.publishS ?? 0) < 2.8);
  });
});

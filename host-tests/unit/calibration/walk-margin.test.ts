import assert from 'node:assert/strict';
import { describeMargin, walkTestMargin } from '../../../simulator/calibration/walk-margin';
import { specLookup } from '../../../simulator/calibration/recommend';
import { TEST_DETECTOR_SPECS } from '../../helpers/test-pipelines';

describe('walk-test margins', function () {
  it('pairs a level threshold with its feature (<a>Threshold<B> ↔ <a><B>) and gives the margin in the unit and in dB', function () {
    const m = walkTestMargin({ type: 'glass_break', features: { rmsCounts: 16000 } },
      { glassBreak: { enabled: true, rmsThresholdCounts: 8000 } }, specLookup(TEST_DETECTOR_SPECS));
    assert.equal(m.detector, 'glassBreak');
    assert.equal(m.criteria.length, 1);
    assert.equal(m.weakest?.margin, 8000);
    assert.equal(m.weakest?.unit, 'count');
    assert.equal(describeMargin(m), '+8000 count, +6 dB on glassBreak.rmsThresholdCounts (rmsCounts 16000 count vs 8000 count)');
  });

  it('pairs min…/max… options with their features, and the headline is the weakest criterion that passed', function () {
    const m = walkTestMargin({ type: 'glass_break', features: { hfRatioDb: 4, tonality: 0.25, durationMs: 400, transientCount: 9 } },
      { glassBreak: { enabled: true, minHfRatioDb: 0, maxTonality: 0.3, minDurationMs: 100, minTransients: 4, onsetDb: 12, requireFlex: false } });
    const byOption = Object.fromEntries(m.criteria.map((c) => [c.option, c]));
    assert.equal(byOption['glassBreak.minHfRatioDb'].margin, 4);
    assert.equal(byOption['glassBreak.minHfRatioDb'].unit, 'dB', 'unit guessed from the name without a spec');
    assert.ok(Math.abs(byOption['glassBreak.maxTonality'].margin - 0.05) < 1e-12);
    assert.equal(byOption['glassBreak.maxTonality'].bound, 'below');
    assert.equal(byOption['glassBreak.minTransients'].margin, 5);
    assert.equal(byOption['glassBreak.onsetDb'], undefined, 'no feature to pair with');
    // relative margins: hfRatio 4/6 dB = 0.67, tonality 0.05/0.3 = 0.17, duration 300/100 = 3, transients 5/4
    assert.equal(m.weakest?.option, 'glassBreak.maxTonality');
  });

  it('lists a criterion that did not pass but never makes it the headline (impact: one shock, no blow count)', function () {
    const m = walkTestMargin({ type: 'impact', features: { blowCount: 1, peakG: 4, spanMs: 0, shock: 1 } },
      { impact: { enabled: true, blowThresholdG: 0.3, blowCount: 3, shockThresholdG: 3 } });
    const count = m.criteria.find((c) => c.option === 'impact.blowCount');
    assert.equal(count?.passed, false);
    assert.equal(m.weakest?.option, 'impact.shockThresholdG');
    assert.equal(m.weakest?.margin, 1);
    // A count of blows is no amplitude: no dB beside it.
    const series = walkTestMargin({ type: 'impact', features: { blowCount: 2, peakG: 0.8 } }, { impact: { enabled: true, blowCount: 2, blowThresholdG: 0.3 } });
    assert.equal(series.weakest?.option, 'impact.blowCount');
    assert.equal(describeMargin(series), '+0 count on impact.blowCount (blowCount 2 count vs 2 count)');
  });

  it('lists times but never heads with one: the grinder decides when its evidence reaches integrationMs', function () {
    const m = walkTestMargin({ type: 'grinder', features: { evidenceMs: 800, harmonicCount: 3, textureDb: 6 } },
      { grinder: { enabled: true, integrationMs: 800, minHarmonics: 1, minTextureDb: 2 } });
    assert.equal(m.criteria.find((c) => c.option === 'grinder.integrationMs')?.margin, 0, 'listed, margin 0 by construction');
    assert.equal(m.weakest?.option, 'grinder.minTextureDb');
    assert.equal(describeMargin(m), '+4 dB on grinder.minTextureDb (textureDb 6 dB vs 2 dB)');
    const tilt = walkTestMargin({ type: 'tilt', features: { angleDeg: 1.2 } }, { tilt: { enabled: true, thresholdDeg: 0.4 } });
    assert.equal(describeMargin(tilt), '+0.8 deg on tilt.thresholdDeg (angleDeg 1.2 deg vs 0.4 deg)', 'an angle is not an amplitude: no dB');
  });

  it('says so when nothing can be paired, or the type has no detector', function () {
    const none = walkTestMargin({ type: 'tilt', features: { other: 1 } }, { tilt: { enabled: true, thresholdDeg: 0.4 } });
    assert.equal(none.weakest, undefined);
    assert.match(describeMargin(none), /could be paired/);
    const fault = walkTestMargin({ type: 'sensor_fault', features: {} }, { tilt: { enabled: true } });
    assert.equal(fault.detector, undefined);
    const tilt = walkTestMargin({ type: 'tilt', features: { angleDeg: 1.2, thresholdDeg: 0.5 } }, { tilt: { enabled: true, thresholdDeg: 0.4 } });
    assert.ok(Math.abs((tilt.weakest?.margin ?? 0) - 0.8) < 1e-12, 'tilt pairs with angleDeg, not its effective threshold');
  });
});

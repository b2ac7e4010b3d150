import assert from 'node:assert/strict';
import type { NumberOptionSpec } from '../../../firmware/detect/options';
import type { ThresholdSeries } from '../../../simulator/calibration/recommend';
import {
  DEFAULT_POLICY, configPatch, isSignatureCriterion, marginFor, quantile, recommendAll, recommendThreshold, roundUp, specLookup,
} from '../../../simulator/calibration/recommend';
import { BaselineRecorder } from '../../../simulator/calibration/baseline';
import { formatDuration, parseDuration } from '../../../simulator/calibration/duration';
import { TEST_DETECTOR_SPECS } from '../../helpers/test-pipelines';
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../../../firmware/node/detector-registry';
import { IMPACT_OPTION_SPECS } from '../../../firmware/detect/impact';

const dbSpec: NumberOptionSpec = { kind: 'number', default: 12, unit: 'dB', min: 4, max: 40, doc: 'onset' };
const gSpec: NumberOptionSpec = { kind: 'number', default: 0.3, unit: 'g', min: 0.05, max: 8, doc: 'blow' };
const countSpec: NumberOptionSpec = { kind: 'number', default: 8000, unit: 'count', min: 1, max: 32767, integer: true, doc: 'rms' };

/** `n` values spread evenly over lo..hi. */
function ramp(n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

function series(option: string, unit: string, threshold: number, values: number[], nulls = 0): ThresholdSeries {
  return { option, unit, threshold, values, nulls };
}

describe('calibration arithmetic', function () {
  it('takes quantiles by linear interpolation between order statistics', function () {
    assert.equal(quantile([5], 0.99), 5);
    assert.equal(quantile([1, 2, 3, 4, 5], 0.5), 3);
    assert.equal(quantile([1, 2, 3, 4, 5], 0.9), 4.6);
    assert.equal(quantile([0, 10], 0.25), 2.5);
    assert.throws(() => quantile([], 0.5), /no values/);
    assert.throws(() => quantile([1], 1.5), /outside 0..1/);
  });

  it('sizes the margin by unit: 3 dB, 50 % of g and counts with a floor, 25 % for an unknown unit', function () {
    assert.equal(marginFor('dB', -40), 3);
    assert.equal(marginFor('dB', 20), 3);
    assert.equal(marginFor('g', 0.2), 0.1);
    assert.equal(marginFor('g', 0.001), 0.002, 'a tiny ambient still gets the floor');
    assert.equal(marginFor('count', 100), 50);
    assert.equal(marginFor('deg', 0.1), 0.1);
    assert.equal(marginFor('furlong', 8), 2);
  });

  it('rounds up to three significant digits, never below the computed value', function () {
    assert.equal(roundUp(0.12345), 0.124);
    assert.equal(roundUp(15.01), 15.1);
    assert.equal(roundUp(1234.5), 1240);
    assert.equal(roundUp(-3.456), -3.45);
    assert.equal(roundUp(7), 7);
  });

  it('raises a dB threshold to the 99th percentile plus 3 dB when the room is loud, with its reasons', function () {
    const r = recommendThreshold(series('glassBreak.onsetDb', 'dB', 12, ramp(101, 5, 15)), dbSpec);
    assert.equal(r.action, 'raise');
    assert.equal(r.ambientQuantile, 14.9);
    assert.equal(r.margin, 3);
    assert.equal(r.recommended, 17.9);
    assert.equal(r.configPath, 'detectors.glassBreak.onsetDb');
    assert.equal(r.samples, 101);
    assert.match(r.reasons.join('\n'), /101 finite samples/);
    assert.match(r.reasons.join('\n'), /99th percentile 14\.9 dB/);
    assert.match(r.reasons.join('\n'), /14\.9 \+ 3 = 17\.9 dB/);
    assert.match(r.reasons.at(-1) ?? '', /raise 12 → 17\.9 dB/);
  });

  it('keeps a threshold when the ambient stays well below it', function () {
    const r = recommendThreshold(series('impact.blowThresholdG', 'g', 0.3, ramp(50, 0.001, 0.02)), gSpec);
    assert.equal(r.action, 'keep');
    assert.equal(r.recommended, 0.3);
    assert.match(r.reasons.join('\n'), /never makes a detector more sensitive/);
  });

  it('never lowers below the default, but brings a raised threshold back towards it (a threshold moving the wrong way)', function () {
    const raised = recommendThreshold(series('impact.blowThresholdG', 'g', 1.5, ramp(50, 0.05, 0.1)), gSpec);
    assert.equal(raised.action, 'lower');
    assert.equal(raised.recommended, 0.3, 'back to the default, not to ambient + margin (0.15 g)');
    assert.match(raised.reasons.join('\n'), /below the default \(0\.3 g\)/);
    const partly = recommendThreshold(series('impact.blowThresholdG', 'g', 1.5, ramp(50, 0.2, 0.4)), gSpec);
    assert.equal(partly.action, 'lower');
    assert.ok(partly.recommended !== undefined && partly.recommended > 0.3 && partly.recommended < 1.5);
  });

  it('respects a threshold set below its default: calibration does not make it even more sensitive, nor undo it', function () {
    const r = recommendThreshold(series('impact.blowThresholdG', 'g', 0.1, ramp(50, 0.001, 0.01)), gSpec);
    assert.equal(r.action, 'keep');
    assert.equal(r.recommended, 0.1);
  });

  it('clamps to the option\'s range and rounds whole-number options up', function () {
    const loud = recommendThreshold(series('glassBreak.onsetDb', 'dB', 12, ramp(40, 30, 45)), dbSpec);
    assert.equal(loud.recommended, 40);
    assert.match(loud.reasons.join('\n'), /clamped to the option's maximum 40 dB/);
    const counts = recommendThreshold(series('glassBreak.rmsThresholdCounts', 'count', 8000, ramp(40, 4000, 7001)), countSpec);
    assert.ok(Number.isInteger(counts.recommended));
    assert.equal(counts.recommended, Math.ceil(quantile(ramp(40, 4000, 7001), 0.99) * 1.5));
  });

  it('gives no recommendation with too few samples, and leaves out samples that are not finite', function () {
    const r = recommendThreshold(series('glassBreak.onsetDb', 'dB', 12, ramp(10, 5, 30), 4), dbSpec);
    assert.equal(r.action, 'too-few-samples');
    assert.equal(r.recommended, undefined);
    assert.match(r.reasons.join('\n'), /10 finite samples \(4 not finite, left out\)/);
    assert.match(r.reasons.join('\n'), /fewer than 20/);
    const enough = recommendThreshold(series('glassBreak.onsetDb', 'dB', 12, ramp(10, 5, 30)), dbSpec, { ...DEFAULT_POLICY, minSamples: 5 });
    assert.equal(enough.action, 'raise');
  });

  it('calibrates nothing from a value that never changed: the detector did not measure it in this ambient', function () {
    const idle = recommendThreshold(series('grinder.gateDb', 'dB', 2, new Array<number>(40).fill(0)), undefined);
    assert.equal(idle.action, 'not-measured');
    assert.equal(idle.recommended, undefined);
    assert.match(idle.reasons.join('\n'), /stayed at 0 dB for the whole baseline/);
  });

  it('leaves the criteria on an event\'s shape (min…, max…, times) alone: the room says how loud, not how a break looks', function () {
    for (const [option, unit] of [['glassBreak.maxTonality', 'ratio'], ['glassBreak.minHfRatioDb', 'dB'], ['glassBreak.minScore', 'ratio'],
      ['grinder.minHarmonics', 'count'], ['grinder.integrationMs', 'ms']]) assert.ok(isSignatureCriterion(option, unit), option);
    for (const [option, unit] of [['glassBreak.onsetDb', 'dB'], ['glassBreak.onsetRiseDb', 'dB'], ['grinder.gateDb', 'dB'],
      ['impact.blowThresholdG', 'g'], ['tilt.thresholdDeg', 'deg'], ['glassBreak.maximalDb', 'dB'], ['x.minimumG', 'g']]) assert.ok(!isSignatureCriterion(option, unit), option);
    // Ambient candidates well above the minimum: still no recommendation.
    const r = recommendThreshold(series('glassBreak.minHfRatioDb', 'dB', -8, ramp(50, 0, 12)), undefined);
    assert.equal(r.action, 'signature');
    assert.equal(r.recommended, undefined);
    assert.match(r.reasons.join('\n'), /shape of a candidate event.*miss the real event/);
  });

  it('without a spec it never lowers and says the range was not checked', function () {
    const low = recommendThreshold(series('x.levelDb', 'dB', 20, ramp(30, 0, 5)), undefined);
    assert.equal(low.action, 'keep');
    const high = recommendThreshold(series('x.levelDb', 'dB', 20, ramp(30, 20, 30)), undefined);
    assert.equal(high.action, 'raise');
    assert.match(high.reasons.join('\n'), /no spec for x\.levelDb/);
  });

  it('takes the default of the node\'s role: a balcony\'s blow threshold is not lowered to a display case\'s', function () {
    const balcony = specLookup(DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS, 'balcony');
    const displayCase = specLookup(DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS, 'display_case');
    assert.equal(balcony('impact.blowThresholdG')?.default, 0.5);
    assert.equal(displayCase('impact.blowThresholdG')?.default, IMPACT_OPTION_SPECS.blowThresholdG.default);
    assert.equal(balcony('impact.blowThresholdG')?.max, IMPACT_OPTION_SPECS.blowThresholdG.max, 'only the default changes');
    const quiet = series('impact.blowThresholdG', 'g', 0.5, ramp(40, 0.001, 0.01));
    assert.equal(recommendThreshold(quiet, balcony('impact.blowThresholdG')).action, 'keep');
    assert.equal(recommendThreshold(quiet, specLookup(DETECTOR_SPECS)('impact.blowThresholdG')).recommended, 0.3,
      'without the role, the spec default applies');
  });

  it('looks specs up in a registry and builds the merge patch of the changes only', function () {
    const lookup = specLookup(TEST_DETECTOR_SPECS);
    assert.equal(lookup('glassBreak.rmsThresholdCounts')?.default, 8000);
    assert.equal(lookup('impact.strictMode'), undefined, 'a boolean option has no threshold');
    assert.equal(lookup('nothing'), undefined);
    const recs = recommendAll([
      series('glassBreak.rmsThresholdCounts', 'count', 8000, ramp(30, 6000, 7000)),
      series('grinder.rmsThresholdCounts', 'count', 4000, ramp(30, 10, 20)),
      series('tilt.offsetThresholdCounts', 'count', 400, ramp(3, 10, 20)),
    ], lookup);
    assert.deepEqual(recs.map((r) => r.action), ['raise', 'keep', 'too-few-samples']);
    assert.deepEqual(configPatch(recs), { detectors: { glassBreak: { rmsThresholdCounts: recs[0].recommended } } });
    assert.equal(configPatch(recs.slice(1)), undefined);
  });
});

describe('baseline recorder', function () {
  const message = (uptimeMs: number, current: number | null, floor: number | null = -60): unknown => ({
    v: 1, seq: 1, uptimeMs,
    pipelines: [
      { kind: 'acoustic', noiseFloorDb: floor, bandsDb: [], bandEdgesHz: [], levels: {},
        thresholds: [{ option: 'glassBreak.onsetDb', threshold: 12, current, unit: 'dB' }] },
      { kind: 'tilt', noiseFloorDb: -80, bandsDb: [], bandEdgesHz: [], levels: {},
        thresholds: [{ option: 'tilt.thresholdDeg', threshold: 0.4, current: 0.01, unit: 'deg' }] },
    ],
  });

  it('collects one series per threshold, counts nulls, summarises noise floors, ignores junk', function () {
    const b = new BaselineRecorder();
    assert.equal(b.add(message(1000, 3)), true);
    assert.equal(b.add(message(1200, null, null)), true);
    assert.equal(b.add(message(1400, 5, -50)), true);
    assert.equal(b.add('not telemetry'), false);
    assert.equal(b.add({ pipelines: 'nope' }), false);
    assert.equal(b.add({ pipelines: [null, { kind: 'x', thresholds: [{ option: 7 }] }] }), true);
    assert.equal(b.messages, 4);
    assert.equal(b.ignored, 2);
    assert.equal(b.spanMs, 400);
    const onset = b.series().find((s) => s.option === 'glassBreak.onsetDb');
    assert.deepEqual(onset, { option: 'glassBreak.onsetDb', unit: 'dB', threshold: 12, values: [3, 5], nulls: 1 });
    const acoustic = b.pipelines().find((p) => p.kind === 'acoustic');
    assert.deepEqual(acoustic, { kind: 'acoustic', messages: 3, noiseFloorDb: { min: -60, median: -60, max: -50 } });
  });
});

describe('durations', function () {
  it('reads 30s, 2m, 1m30s, 500ms, 1h and bare seconds, and refuses anything else naming it', function () {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('45'), 45_000);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.throws(() => parseDuration('soon', '--baseline'), /--baseline: "soon" is not a duration/);
    assert.throws(() => parseDuration('3 days'), /not a duration/);
    assert.equal(formatDuration(90_000), '1 min 30 s');
    assert.equal(formatDuration(120_000), '2 min');
    assert.equal(formatDuration(250), '250 ms');
  });
});

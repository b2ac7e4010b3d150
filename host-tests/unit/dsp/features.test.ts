import assert from 'node:assert/strict';
import { RealFft } from '../../../firmware/dsp/fft';
import { fillHann } from '../../../firmware/dsp/window';
import {
  HARMONIC_FULL_SUPPORT_DB, PeakTracker, emptyHarmonicPeak, findHarmonicPeak, spectralCentroidHz, spectralFlatness, spectralRolloffHz,
} from '../../../firmware/dsp/features';
import { tone, whiteNoise } from '../../helpers/tones';

/** Hann-windowed power spectrum of the first n samples. */
function spectrum(x: Float64Array, n: number): Float64Array {
  const window = new Float64Array(n);
  fillHann(window);
  const frame = new Float64Array(n);
  for (let i = 0; i < n; i++) frame[i] = x[i] * window[i];
  const fft = new RealFft(n);
  const power = new Float64Array(fft.bins);
  fft.power(frame, power, new Float64Array(fft.bins), new Float64Array(fft.bins));
  return power;
}

/** Fundamental with 2nd and 3rd harmonics (a grinder-like partial series) plus white noise. */
function harmonicSignal(length: number, fundamentalHz: number, rateHz: number, seed: number, noise: number, partials = [1, 0.6, 0.4]): Float64Array {
  const x = whiteNoise(length, seed, noise);
  partials.forEach((amplitude, i) => {
    const partial = tone(length, fundamentalHz * (i + 1), rateHz, amplitude, i);
    for (let t = 0; t < length; t++) x[t] += partial[t];
  });
  return x;
}

describe('dsp/features', function () {
  const rateHz = 16000;
  const n = 512;
  const binHz = rateHz / n;

  it('spectralCentroidHz: a tone at bin k gives k·binHz; two equal tones give the midpoint', function () {
    const power = spectrum(tone(n, 40 * binHz, rateHz), n);
    assert.ok(Math.abs(spectralCentroidHz(power, binHz) - 40 * binHz) < 1e-6 * binHz);
    const two = tone(n, 20 * binHz, rateHz);
    const upper = tone(n, 100 * binHz, rateHz);
    for (let i = 0; i < n; i++) two[i] += upper[i];
    assert.ok(Math.abs(spectralCentroidHz(spectrum(two, n), binHz) - 60 * binHz) < 1e-6 * binHz);
    assert.equal(spectralCentroidHz(new Float64Array(257), binHz), 0);
    // A range that excludes the tone at bin 20 sees only the one at bin 100.
    assert.ok(Math.abs(spectralCentroidHz(spectrum(two, n), binHz, 50, 257) - 100 * binHz) < 1e-6 * binHz);
  });

  it('spectralFlatness: a pure tone is near 0, white noise near 1 once frames are averaged (≈0.56 for one periodogram)', function () {
    const toneFlatness = spectralFlatness(spectrum(tone(n, 37.3 * binHz, rateHz), n), 1, 256);
    assert.ok(toneFlatness < 0.01, `tone: ${toneFlatness}`);
    const single = spectralFlatness(spectrum(whiteNoise(n, 7), n), 1, 256);
    assert.ok(single > 0.45 && single < 0.7, `one noise frame: ${single}`);
    const averaged = new Float64Array(257);
    for (let frame = 0; frame < 64; frame++) {
      const power = spectrum(whiteNoise(n, 100 + frame), n);
      for (let k = 0; k < 257; k++) averaged[k] += power[k];
    }
    const flat = spectralFlatness(averaged, 1, 256);
    assert.ok(flat > 0.95 && flat <= 1, `64 noise frames averaged: ${flat}`);
    assert.equal(spectralFlatness(new Float64Array(257), 1, 256), 0);
    assert.throws(() => spectralFlatness(averaged, 10, 10), /bins 10..10 \(end excluded\) are not a range within 0..257/);
  });

  it('spectralRolloffHz: the fraction point of a flat spectrum, and a tone’s own frequency', function () {
    const flat = new Float64Array(101).fill(1);
    assert.ok(Math.abs(spectralRolloffHz(flat, 10, 0.5) - 500) < 1e-9, `${spectralRolloffHz(flat, 10, 0.5)}`); // 50.5 of 101 bins
    assert.ok(Math.abs(spectralRolloffHz(flat, 10, 0.85) - 853.5) < 1e-9);
    const power = spectrum(tone(n, 80 * binHz, rateHz), n);
    const rolloff = spectralRolloffHz(power, binHz, 0.95);
    assert.ok(Math.abs(rolloff - 80 * binHz) < 1.5 * binHz, `${rolloff}`); // within the Hann main lobe
    assert.equal(spectralRolloffHz(new Float64Array(10), 10, 0.9), 0);
    assert.throws(() => spectralRolloffHz(flat, 10, 1.5), /fraction must be in 0..1, got 1.5/);
  });

  describe('findHarmonicPeak', function () {
    const vibRateHz = 1600;
    const size = 512;
    const vibBinHz = vibRateHz / size;

    it('finds a grinder-like fundamental to a fraction of a bin, with strong harmonic support', function () {
      for (const [i, f0] of [173.3, 121.9, 208.77].entries()) {
        const power = spectrum(harmonicSignal(size, f0, vibRateHz, i, 0.05), size);
        const peak = emptyHarmonicPeak();
        assert.equal(findHarmonicPeak(power, vibBinHz, 90, 240, 3, peak), true);
        assert.ok(Math.abs(peak.frequencyHz - f0) < 0.1 * vibBinHz, `${f0} Hz found at ${peak.frequencyHz}`);
        assert.ok(peak.harmonicRatio > 0.8, `harmonic ratio ${peak.harmonicRatio}`);
        assert.ok(peak.prominenceDb > 30, `prominence ${peak.prominenceDb}`);
        // Hann-windowed sine of amplitude 1: peak power (n/4)² whatever the fractional bin (within a dB).
        assert.ok(Math.abs(10 * Math.log10(peak.peakPower / (size / 4) ** 2)) < 1, `peak power ${peak.peakPower}`);
      }
    });

    it('gives a pure tone a low harmonic ratio and noise alone a low one too', function () {
      const peak = emptyHarmonicPeak();
      findHarmonicPeak(spectrum(harmonicSignal(size, 150, vibRateHz, 3, 0.05, [1]), size), vibBinHz, 90, 240, 3, peak);
      assert.ok(Math.abs(peak.frequencyHz - 150) < 0.3, `${peak.frequencyHz}`);
      assert.ok(peak.harmonicRatio < 0.35, `pure tone: ${peak.harmonicRatio}`);
      let noiseRatio = 0;
      for (let seed = 0; seed < 20; seed++) {
        findHarmonicPeak(spectrum(whiteNoise(size, 50 + seed), size), vibBinHz, 90, 240, 3, peak);
        noiseRatio += peak.harmonicRatio / 20;
      }
      assert.ok(noiseRatio < 0.35, `white noise: ${noiseRatio} on average`);
      assert.equal(HARMONIC_FULL_SUPPORT_DB, 20);
    });

    it('ignores a stronger peak outside the range and reports none where the range has no local maximum', function () {
      const x = harmonicSignal(size, 150, vibRateHz, 4, 0.01, [1]);
      const strong = tone(size, 400, vibRateHz, 10);
      for (let i = 0; i < size; i++) x[i] += strong[i];
      const power = spectrum(x, size);
      const peak = emptyHarmonicPeak();
      findHarmonicPeak(power, vibBinHz, 90, 240, 2, peak);
      assert.ok(Math.abs(peak.frequencyHz - 150) < 0.3, `${peak.frequencyHz}`);
      const rising = new Float64Array(257);
      for (let k = 0; k < 257; k++) rising[k] = k + 1;
      assert.equal(findHarmonicPeak(rising, vibBinHz, 90, 240, 3, peak), false);
      assert.deepEqual(peak, emptyHarmonicPeak());
    });
  });

  describe('PeakTracker', function () {
    it('follows a steady peak, reporting how long it has lasted and how little it wanders', function () {
      const tracker = new PeakTracker();
      for (let t = 0; t <= 1000; t += 32) tracker.update(100 + 1e-3 * Math.sin(t), 0.9, t);
      assert.ok(Math.abs(tracker.trackedHz - 100) < 0.01);
      assert.equal(tracker.stableMs, 992);
      assert.ok(tracker.wanderHz < 0.01, `${tracker.wanderHz}`);
    });

    it('follows a wandering grinder-like peak and measures the wander', function () {
      const tracker = new PeakTracker({ maxStepHz: 25 });
      for (let t = 0; t <= 2000; t += 32) tracker.update(180 + 8 * Math.sin(t / 150) + (t % 96 === 0 ? 4 : -2), 0.8, t);
      assert.ok(tracker.stableMs >= 1984, `${tracker.stableMs}`);
      assert.ok(tracker.trackedHz > 165 && tracker.trackedHz < 195, `${tracker.trackedHz}`);
      assert.ok(tracker.wanderHz > 2, `${tracker.wanderHz}`);
    });

    it('bridges short gaps, restarts on a jump and drops the track after a long gap', function () {
      const tracker = new PeakTracker({ holdMs: 200, maxStepHz: 20 });
      for (let t = 0; t <= 500; t += 50) tracker.update(200, 1, t);
      tracker.update(200, 0.1, 600); // low confidence: a gap, not a new value
      tracker.update(0, 1, 650); // no peak: a gap
      tracker.update(201, 1, 700); // 200 ms after the last accepted update: still the same track
      assert.equal(tracker.stableMs, 700);
      tracker.update(260, 1, 750); // a jump: a new track
      assert.equal(tracker.trackedHz, 260);
      assert.equal(tracker.stableMs, 0);
      tracker.update(260, 1, 800);
      tracker.update(0, 0, 1100); // 300 ms with nothing: lost
      assert.equal(tracker.trackedHz, 0);
      assert.equal(tracker.stableMs, 0);
      tracker.update(150, 1, 1200);
      tracker.reset();
      assert.equal(tracker.trackedHz, 0);
      assert.throws(() => new PeakTracker({ maxStepHz: 0 }), /maxStepHz must be positive/);
    });
  });
});

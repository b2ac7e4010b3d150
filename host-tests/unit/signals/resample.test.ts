import assert from 'node:assert/strict';
import { resample } from '../../../simulator/signals/resample';
import type { Signal } from '../../../simulator/signals/signal';
import { amplitudeAt, toDb } from '../../helpers/tones';

/** `seconds` of sines, one per channel: channel c gets frequenciesHz[c] at amplitudes[c]. */
function tones(rateHz: number, seconds: number, frequenciesHz: number[], amplitudes: number[]): Signal {
  const channels = frequenciesHz.length;
  const frames = Math.round(rateHz * seconds);
  const data = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) data[i * channels + c] = amplitudes[c] * Math.sin((2 * Math.PI * frequenciesHz[c] * i) / rateHz + c);
  }
  return { rateHz, channels, data };
}

function channel(signal: Signal, c: number): Float64Array {
  const frames = signal.data.length / signal.channels;
  return Float64Array.from({ length: frames }, (_, i) => signal.data[i * signal.channels + c]);
}

/** RMS of one channel away from the edges (where the kernel runs off the signal). */
function innerRms(signal: Signal, c: number): number {
  const x = channel(signal, c);
  const margin = Math.round(x.length / 10);
  let sum = 0;
  for (let i = margin; i < x.length - margin; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / (x.length - 2 * margin));
}

describe('simulator/signals/resample', function () {
  const inBand: { from: number; to: number; hz: number[] }[] = [
    { from: 16000, to: 8000, hz: [1000] },
    { from: 44100, to: 16000, hz: [3000, 6000] },
    { from: 48000, to: 16000, hz: [440, 5000] },
    { from: 1600, to: 16000, hz: [173.3, 20, 600] },
    { from: 1600, to: 50, hz: [3, 0.7, 15] },
    { from: 16000, to: 11025, hz: [4000] },
  ];
  for (const { from, to, hz } of inBand) {
    it(`${from} → ${to} Hz keeps ${hz.join(', ')} Hz (${hz.length} channel(s)) at their frequency and amplitude within 0.2 dB`, function () {
      const amplitudes = hz.map((_, c) => 0.8 / (c + 1));
      const seconds = to <= 50 ? 40 : 1;
      const out = resample(tones(from, seconds, hz, amplitudes), to);
      assert.equal(out.rateHz, to);
      assert.equal(out.channels, hz.length);
      assert.equal(out.data.length, Math.round(seconds * to) * hz.length);
      for (let c = 0; c < hz.length; c++) {
        const x = channel(out, c);
        const margin = Math.round(x.length / 10);
        const gainDb = toDb(amplitudeAt(x, hz[c], to, margin, x.length - margin) / amplitudes[c]);
        assert.ok(Math.abs(gainDb) < 0.2, `channel ${c} (${hz[c]} Hz): ${gainDb.toFixed(3)} dB`);
        const rmsDb = toDb(innerRms(out, c) / (amplitudes[c] / Math.SQRT2));
        assert.ok(Math.abs(rmsDb) < 0.2, `channel ${c}: nothing else appears (${rmsDb.toFixed(3)} dB overall)`);
      }
    });
  }

  const aliasing: { from: number; to: number; hz: number }[] = [
    { from: 16000, to: 8000, hz: 5000 },
    { from: 16000, to: 8000, hz: 4100 },
    { from: 44100, to: 16000, hz: 9000 },
    { from: 48000, to: 16000, hz: 15000 },
    { from: 1600, to: 50, hz: 40 },
    { from: 1600, to: 50, hz: 173 },
  ];
  const suppressions: string[] = [];
  after(function () {
    if (suppressions.length > 0) console.log(`      suppression above the new Nyquist: ${suppressions.join(', ')}`);
  });
  for (const { from, to, hz } of aliasing) {
    it(`${from} → ${to} Hz suppresses a ${hz} Hz tone (above the new Nyquist) by at least 40 dB`, function () {
      const out = resample(tones(from, to <= 50 ? 20 : 1, [hz], [0.9]), to);
      const suppressionDb = toDb(innerRms(out, 0) / (0.9 / Math.SQRT2));
      assert.ok(suppressionDb < -40, `${suppressionDb.toFixed(1)} dB`);
      suppressions.push(`${hz} Hz ${from}→${to}: ${suppressionDb.toFixed(1)} dB`);
    });
  }

  it('passes DC exactly, to the very first and last samples', function () {
    const out = resample({ rateHz: 1600, channels: 3, data: new Float32Array(3 * 1600).fill(0.25) }, 50);
    assert.ok(out.data.every((v) => Math.abs(v - 0.25) < 1e-6));
  });

  it('copies at equal rates and refuses bad rates and ragged data', function () {
    const signal: Signal = { rateHz: 100, channels: 1, data: new Float32Array([1, 2, 3]) };
    const copy = resample(signal, 100);
    assert.deepEqual(copy, signal);
    assert.notEqual(copy.data, signal.data);
    assert.throws(() => resample(signal, 0), /targetRateHz must be a positive number, got 0/);
    assert.throws(() => resample({ ...signal, rateHz: NaN }, 50), /rateHz must be a positive number, got NaN/);
    assert.throws(() => resample({ rateHz: 100, channels: 2, data: new Float32Array(3) }, 50), /3 samples are not whole frames of 2 channels/);
  });
});

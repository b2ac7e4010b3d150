import assert from 'node:assert/strict';
import { Biquad, DcBlocker, OnePole } from '../../../firmware/dsp/filters';
import type { BiquadDesign } from '../../../firmware/dsp/filters';
import { amplitudeAt, toDb, tone } from '../../helpers/tones';

/** Gain in dB of a sine at frequencyHz through `filter`, measured after the transient has died. */
function measuredGainDb(filter: { processBlock(input: Float64Array, output: Float64Array, length: number): void }, frequencyHz: number, rateHz: number): number {
  const length = Math.round(rateHz * 1.5);
  const input = tone(length, frequencyHz, rateHz);
  const output = new Float64Array(length);
  filter.processBlock(input, output, length);
  const from = Math.round(rateHz * 0.5);
  return toDb(amplitudeAt(output, frequencyHz, rateHz, from) / amplitudeAt(input, frequencyHz, rateHz, from));
}

/**
 * Analytic responses of the cookbook's analog prototypes, mapped through the bilinear transform
 * pre-warped at the design frequency: the digital response at f is the analog one at
 * Ω = tan(πf/fs) / tan(πf0/fs).
 */
const PROTOTYPES: Record<'lowpass' | 'highpass' | 'bandpass' | 'notch', (w: number, q: number) => number> = {
  lowpass: (w, q) => 1 / Math.hypot(1 - w * w, w / q),
  highpass: (w, q) => (w * w) / Math.hypot(1 - w * w, w / q),
  bandpass: (w, q) => w / q / Math.hypot(1 - w * w, w / q),
  notch: (w, q) => Math.abs(1 - w * w) / Math.hypot(1 - w * w, w / q),
};

function analyticGainDb(kind: keyof typeof PROTOTYPES, design: BiquadDesign, frequencyHz: number): number {
  const w = Math.tan((Math.PI * frequencyHz) / design.rateHz) / Math.tan((Math.PI * design.frequencyHz) / design.rateHz);
  return toDb(PROTOTYPES[kind](w, design.q));
}

describe('dsp/filters', function () {
  describe('Biquad (RBJ cookbook)', function () {
    const cases: { kind: keyof typeof PROTOTYPES; design: BiquadDesign; probesHz: number[] }[] = [
      { kind: 'lowpass', design: { rateHz: 16000, frequencyHz: 1000, q: Math.SQRT1_2 }, probesHz: [100, 700, 1000, 2000, 5000] },
      { kind: 'highpass', design: { rateHz: 16000, frequencyHz: 2500, q: Math.SQRT1_2 }, probesHz: [600, 1500, 2500, 4000, 7000] },
      { kind: 'bandpass', design: { rateHz: 1600, frequencyHz: 180, q: 4 }, probesHz: [60, 150, 180, 210, 500] },
      { kind: 'notch', design: { rateHz: 1600, frequencyHz: 100, q: 10 }, probesHz: [30, 90, 110, 300] },
    ];
    for (const { kind, design, probesHz } of cases) {
      it(`${kind} ${design.frequencyHz} Hz Q ${design.q.toFixed(2)} at ${design.rateHz} Hz is within 0.5 dB of the analytic response`, function () {
        for (const f of probesHz) {
          const measured = measuredGainDb(Biquad[kind](design), f, design.rateHz);
          const expected = analyticGainDb(kind, design, f);
          assert.ok(Math.abs(measured - expected) < 0.5, `${kind} at ${f} Hz: ${measured.toFixed(2)} dB, analytic ${expected.toFixed(2)} dB`);
        }
      });
    }

    it('has the textbook landmarks: −3 dB at a Butterworth corner, 0 dB bandpass peak, a deep notch', function () {
      const rateHz = 16000;
      assert.ok(Math.abs(measuredGainDb(Biquad.lowpass({ rateHz, frequencyHz: 1000, q: Math.SQRT1_2 }), 1000, rateHz) + 3.01) < 0.1);
      assert.ok(Math.abs(measuredGainDb(Biquad.bandpass({ rateHz, frequencyHz: 3000, q: 2 }), 3000, rateHz)) < 0.1);
      assert.ok(measuredGainDb(Biquad.notch({ rateHz, frequencyHz: 1000, q: 5 }), 1000, rateHz) < -40);
    });

    it('gives the same output sample by sample and by block, from Int16 input too', function () {
      const design = { rateHz: 16000, frequencyHz: 3000, q: 1.2 };
      const input = new Int16Array(300);
      for (let i = 0; i < input.length; i++) input[i] = Math.round(8000 * Math.sin(i * 0.9) + 3000 * Math.cos(i * 2.1));
      const a = Biquad.bandpass(design);
      const b = Biquad.bandpass(design);
      const block = new Float32Array(300);
      b.processBlock(input.subarray(0, 100), block, 100);
      b.processBlock(input.subarray(100), block.subarray(100), 200);
      for (let i = 0; i < input.length; i++) assert.ok(Math.abs(a.process(input[i]) - block[i]) < 1e-2, `sample ${i}`);
      b.reset();
      const again = new Float32Array(300);
      b.processBlock(input, again, 300);
      assert.deepEqual(again, block);
    });

    it('refuses designs at or above Nyquist and non-positive parameters, naming them', function () {
      assert.throws(() => Biquad.lowpass({ rateHz: 1600, frequencyHz: 800, q: 1 }), /lowpass: frequencyHz 800 must be below the Nyquist frequency 800/);
      assert.throws(() => Biquad.notch({ rateHz: 1600, frequencyHz: 100, q: 0 }), /notch: q must be a positive number, got 0/);
      assert.throws(() => Biquad.highpass({ rateHz: -1, frequencyHz: 100, q: 1 }), /rateHz/);
    });
  });

  describe('OnePole', function () {
    it('fromTimeConstant: the step response reaches 1 − 1/e after tauMs', function () {
      const rateHz = 1000;
      const smoother = OnePole.fromTimeConstant(50, rateHz);
      for (let i = 0; i < 50; i++) smoother.process(1);
      assert.ok(Math.abs(smoother.value - (1 - Math.exp(-1))) < 1e-9, `${smoother.value}`);
      smoother.reset(2);
      assert.equal(smoother.value, 2);
      assert.equal(smoother.process(2), 2);
    });

    it('fromCutoff: −3 dB at the cutoff and flat well below it (within 0.5 dB of the RC response)', function () {
      const rateHz = 1600;
      for (const [f, expected] of [[10, -3.01], [2, toDb(1 / Math.hypot(1, 0.2))], [50, toDb(1 / Math.hypot(1, 5))]] as const) {
        const filter = OnePole.fromCutoff(10, rateHz);
        const input = tone(rateHz * 3, f, rateHz);
        const output = new Float64Array(input.length);
        for (let i = 0; i < input.length; i++) output[i] = filter.process(input[i]);
        const gain = toDb(amplitudeAt(output, f, rateHz, rateHz) / amplitudeAt(input, f, rateHz, rateHz));
        assert.ok(Math.abs(gain - expected) < 0.5, `${f} Hz: ${gain.toFixed(2)} dB, RC ${expected.toFixed(2)} dB`);
      }
    });

    it('refuses a coefficient outside (0, 1] and non-positive times', function () {
      assert.throws(() => new OnePole(0), /coefficient must be in \(0, 1\], got 0/);
      assert.throws(() => new OnePole(1.5), RangeError);
      assert.throws(() => OnePole.fromTimeConstant(0, 100), /tauMs must be a positive number, got 0/);
    });
  });

  describe('DcBlocker', function () {
    it('removes a constant offset and keeps the band above its corner (within 0.5 dB of its analytic response)', function () {
      const rateHz = 16000;
      const cutoffHz = 20;
      const blocker = new DcBlocker({ rateHz, cutoffHz });
      const pole = blocker.pole;
      const analytic = (f: number): number => {
        const w = (2 * Math.PI * f) / rateHz;
        return toDb(Math.hypot(1 - Math.cos(w), Math.sin(w)) / Math.hypot(1 - pole * Math.cos(w), pole * Math.sin(w)));
      };
      for (const f of [10, 20, 100, 1000]) {
        const measured = measuredGainDb(new DcBlocker({ rateHz, cutoffHz }), f, rateHz);
        assert.ok(Math.abs(measured - analytic(f)) < 0.5, `${f} Hz: ${measured.toFixed(2)} dB vs ${analytic(f).toFixed(2)} dB`);
      }
      assert.ok(Math.abs(analytic(cutoffHz) + 3) < 0.1, 'the pole puts −3 dB at the cutoff');
      const offset = new Float64Array(rateHz).fill(0.3);
      const out = new Float64Array(rateHz);
      blocker.processBlock(offset, out, rateHz);
      assert.ok(Math.abs(out[rateHz - 1]) < 1e-6, `DC left after 1 s: ${out[rateHz - 1]}`);
      blocker.reset();
      assert.equal(blocker.process(0.3), 0.3);
    });

    it('refuses a corner too high for the rate', function () {
      assert.throws(() => new DcBlocker({ rateHz: 100, cutoffHz: 20 }), /cutoffHz 20 is too high for rateHz 100/);
    });
  });
});

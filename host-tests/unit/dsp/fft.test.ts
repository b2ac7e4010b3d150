import assert from 'node:assert/strict';
import FFT from 'fft.js';
import { FFT_MAX_SIZE, FFT_MIN_SIZE, RealFft } from '../../../firmware/dsp/fft';
import { whiteNoise } from '../../helpers/tones';

/** Largest deviation from the reference, relative to the largest reference magnitude. */
function relativeError(re: Float64Array, im: Float64Array, refRe: ArrayLike<number>, refIm: ArrayLike<number>, bins: number): number {
  let error = 0;
  let scale = 0;
  for (let k = 0; k < bins; k++) {
    error = Math.max(error, Math.hypot(re[k] - refRe[k], im[k] - refIm[k]));
    scale = Math.max(scale, Math.hypot(refRe[k], refIm[k]));
  }
  return error / scale;
}

function directDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * ((k * t) % n)) / n;
      re[k] += x[t] * Math.cos(angle);
      im[k] += x[t] * Math.sin(angle);
    }
  }
  return { re, im };
}

const SIZES = [64, 128, 256, 512, 1024, 2048];

describe('dsp/fft RealFft', function () {
  for (const n of SIZES) {
    it(`n=${n} matches a direct DFT and fft.js within 1e-4 relative`, function () {
      const x = whiteNoise(n, n);
      for (let i = 0; i < n; i++) x[i] += 3 * Math.sin(0.37 * i) + 0.5; // a tone and DC on top of noise
      const fft = new RealFft(n);
      assert.equal(fft.size, n);
      assert.equal(fft.bins, n / 2 + 1);
      const re = new Float64Array(fft.bins);
      const im = new Float64Array(fft.bins);
      fft.forward(x, re, im);

      const direct = directDft(x);
      const vsDirect = relativeError(re, im, direct.re, direct.im, fft.bins);
      assert.ok(vsDirect < 1e-4, `n=${n}: ${vsDirect} relative to the direct DFT`);

      const reference = new FFT(n);
      const out = reference.createComplexArray() as number[];
      reference.realTransform(out, Array.from(x));
      const jsRe = Array.from({ length: fft.bins }, (_, k) => out[2 * k]);
      const jsIm = Array.from({ length: fft.bins }, (_, k) => out[2 * k + 1]);
      const vsFftJs = relativeError(re, im, jsRe, jsIm, fft.bins);
      assert.ok(vsFftJs < 1e-4, `n=${n}: ${vsFftJs} relative to fft.js`);
      // Far tighter in practice: double precision throughout.
      assert.ok(vsDirect < 1e-12, `n=${n}: ${vsDirect}`);
    });
  }

  it('puts a cosine at bin k into bins k (real, n/2 each) and nothing elsewhere', function () {
    const n = 256;
    const k0 = 17;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Math.cos((2 * Math.PI * k0 * i) / n);
    const fft = new RealFft(n);
    const power = new Float64Array(fft.bins);
    fft.power(x, power, new Float64Array(fft.bins), new Float64Array(fft.bins));
    for (let k = 0; k < fft.bins; k++) {
      const expected = k === k0 ? (n / 2) ** 2 : 0;
      assert.ok(Math.abs(power[k] - expected) < 1e-6 * (n / 2) ** 2, `bin ${k}: ${power[k]} instead of ${expected}`);
    }
  });

  it('gives DC and Nyquist bins with zero imaginary part', function () {
    const n = 64;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = 2 + (i % 2 === 0 ? 1 : -1);
    const fft = new RealFft(n);
    const re = new Float64Array(fft.bins).fill(NaN);
    const im = new Float64Array(fft.bins).fill(NaN);
    fft.forward(x, re, im);
    assert.equal(re[0], 2 * n);
    assert.equal(im[0], 0);
    assert.equal(re[n / 2], n);
    assert.equal(im[n / 2], 0);
  });

  it('refuses sizes outside 64..2048 or not powers of two with a RangeError naming the size', function () {
    for (const size of [0, 32, FFT_MIN_SIZE / 2, 100, 511, FFT_MAX_SIZE * 2, 4096, 1.5, NaN]) {
      assert.throws(() => new RealFft(size), (error: unknown) => error instanceof RangeError && error.message.includes(`got ${size}`), `size ${size}`);
    }
  });

  it('refuses buffers that are too short', function () {
    const fft = new RealFft(128);
    assert.throws(() => fft.forward(new Float64Array(127), new Float64Array(65), new Float64Array(65)), RangeError);
    assert.throws(() => fft.forward(new Float64Array(128), new Float64Array(64), new Float64Array(65)), RangeError);
  });
});

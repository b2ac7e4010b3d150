import assert from 'node:assert/strict';
import { BandLayout, bandEnergies, logBandEdgesHz } from '../../../firmware/dsp/bands';
import { fillHann } from '../../../firmware/dsp/window';
import { RealFft } from '../../../firmware/dsp/fft';
import { Rng } from '../../../simulator/signals/rng';
import { tone } from '../../helpers/tones';

function randomPower(bins: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const power = new Float64Array(bins);
  for (let k = 0; k < bins; k++) power[k] = rng.next() * 10;
  return power;
}

function sum(values: ArrayLike<number>, from = 0, end = values.length): number {
  let total = 0;
  for (let i = from; i < end; i++) total += values[i];
  return total;
}

describe('dsp/bands', function () {
  it('bands that tile 0..Nyquist hold all the power exactly once, with edges anywhere in a bin', function () {
    const rateHz = 16000;
    const fftSize = 512; // 31.25 Hz per bin
    const power = randomPower(fftSize / 2 + 1, 1);
    for (const edgesHz of [[0, 8000], [0, 100, 1000.3, 3017, 7999, 8000], [0, 15.625, 46.875, 8000], logBandEdgesHz(1, 8000, 32).map((e, i) => (i === 0 ? 0 : e))]) {
      const layout = new BandLayout({ edgesHz, rateHz, fftSize });
      const out = new Float64Array(layout.count);
      bandEnergies(power, layout, out);
      assert.ok(Math.abs(sum(out) - sum(power)) < 1e-9 * sum(power), `edges ${edgesHz.length}: ${sum(out)} vs ${sum(power)}`);
      assert.ok(Math.abs(sum(layout.widthBins) - (fftSize / 2 + 1)) < 1e-9, 'widths add up to the number of bins');
    }
  });

  it('edges on bin boundaries take whole bins; an edge at a bin centre splits that bin in halves', function () {
    const layout = new BandLayout({ edgesHz: [15.625, 78.125, 93.75], rateHz: 16000, fftSize: 512 });
    // 15.625 Hz = boundary between bins 0 and 1; 78.125 Hz = boundary between bins 2 and 3; 93.75 Hz = centre of bin 3.
    assert.deepEqual([...layout.firstBin], [1, 3]);
    assert.deepEqual([...layout.lastBin], [2, 3]);
    const power = new Float64Array(257);
    power[1] = 1;
    power[2] = 10;
    power[3] = 100;
    const out = new Float64Array(2);
    bandEnergies(power, layout, out);
    assert.deepEqual([...out], [11, 50]);
    assert.deepEqual([...layout.widthBins], [2, 0.5]);
  });

  it('a band narrower than a bin gets its share of that bin', function () {
    const binHz = 1600 / 256;
    const layout = new BandLayout({ edgesHz: [10 * binHz, 10.2 * binHz], rateHz: 1600, fftSize: 256 });
    const power = new Float64Array(129);
    power[10] = 5;
    const out = new Float64Array(1);
    bandEnergies(power, layout, out);
    assert.ok(Math.abs(out[0] - 1) < 1e-12, `${out[0]}`);
  });

  it('the DC and Nyquist bins are shared out over their half-width intervals (0..binHz/2, Nyquist − binHz/2..Nyquist)', function () {
    const layout = new BandLayout({ edgesHz: [0, 1, 799, 800], rateHz: 1600, fftSize: 256 });
    const power = new Float64Array(129).fill(1);
    const out = new Float64Array(3);
    bandEnergies(power, layout, out);
    assert.ok(Math.abs(out[0] - 1 / 3.125) < 1e-12, `${out[0]}`); // 1 Hz of bin 0's 0..3.125 Hz
    assert.ok(Math.abs(out[2] - 1 / 3.125) < 1e-12, `${out[2]}`);
  });

  it('a windowed tone lands in its band', function () {
    const rateHz = 16000;
    const n = 512;
    const window = new Float64Array(n);
    fillHann(window);
    const x = tone(n, 4000, rateHz);
    for (let i = 0; i < n; i++) x[i] *= window[i];
    const fft = new RealFft(n);
    const power = new Float64Array(fft.bins);
    fft.power(x, power, new Float64Array(fft.bins), new Float64Array(fft.bins));
    const edges = logBandEdgesHz(100, 8000, 8);
    const layout = new BandLayout({ edgesHz: edges, rateHz, fftSize: n });
    const out = new Float64Array(layout.count);
    bandEnergies(power, layout, out);
    const band = edges.findIndex((e, i) => e <= 4000 && edges[i + 1] > 4000);
    assert.ok(out[band] > 0.99 * sum(out), `band ${band} holds ${out[band]} of ${sum(out)}`);
  });

  it('logBandEdgesHz spaces edges with a constant ratio from low to high', function () {
    const edges = logBandEdgesHz(50, 8000, 32);
    assert.equal(edges.length, 33);
    assert.equal(edges[0], 50);
    assert.equal(edges[32], 8000);
    const ratio = (8000 / 50) ** (1 / 32);
    for (let i = 1; i < edges.length; i++) assert.ok(Math.abs(edges[i] / edges[i - 1] - ratio) < 1e-9);
    assert.throws(() => logBandEdgesHz(0, 8000, 32), /0 < lowHz < highHz, got 0..8000/);
    assert.throws(() => logBandEdgesHz(50, 8000, 0), /count must be a positive integer, got 0/);
  });

  it('refuses edges that are not ascending or lie beyond Nyquist, naming the edge', function () {
    assert.throws(() => new BandLayout({ edgesHz: [0, 500, 400], rateHz: 1600, fftSize: 256 }), /edgesHz\[2\] = 400 follows 500/);
    assert.throws(() => new BandLayout({ edgesHz: [0, 900], rateHz: 1600, fftSize: 256 }), /edgesHz\[1\] = 900 is outside 0..800 Hz/);
    assert.throws(() => new BandLayout({ edgesHz: [0], rateHz: 1600, fftSize: 256 }), /at least 2 edges/);
    assert.throws(() => new BandLayout({ edgesHz: [0, 100], rateHz: 1600, fftSize: 300 }), /fftSize must be a power of two, got 300/);
    const layout = new BandLayout({ edgesHz: [0, 800], rateHz: 1600, fftSize: 256 });
    assert.throws(() => bandEnergies(new Float64Array(100), layout, new Float64Array(1)), /power has 100 bins, the layout reads bin 128/);
  });
});

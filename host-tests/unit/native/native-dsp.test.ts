import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BandLayout, bandEnergies, logBandEdgesHz } from '../../../firmware/dsp/bands';
import { RealFft } from '../../../firmware/dsp/fft';
import { Rng } from '../../../simulator/signals/rng';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const nativeDir = path.join(root, 'firmware/native');
const fixtures = path.join(root, 'host-tests/fixtures/native');
const SIZES = [64, 128, 256, 512, 1024, 2048];

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error !== undefined) throw result.error;
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** Builds the driver with vitrine_dsp.c (and optionally a stand-in ESP-DSP header) into `dir`. */
function buildDriver(dir: string, name: string, extra: string[] = []): string {
  const out = path.join(dir, name);
  run('cc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-I', nativeDir, ...extra,
    path.join(nativeDir, 'vitrine_dsp.c'), path.join(fixtures, 'driver.c'), '-lm', '-o', out]);
  return out;
}

interface Golden {
  size: number;
  input: Float64Array;
  re: Float64Array;
  im: Float64Array;
}

/** The TypeScript RealFft's spectra of float32-exact inputs: the reference the C kernel must match. */
function goldenSpectra(): Golden[] {
  return SIZES.map((size) => {
    const rng = new Rng(size);
    const input = new Float64Array(size);
    for (let i = 0; i < size; i++) input[i] = Math.fround(rng.uniform(-1, 1) + 2 * Math.sin(0.21 * i) + 0.3);
    const fft = new RealFft(size);
    const re = new Float64Array(fft.bins);
    const im = new Float64Array(fft.bins);
    fft.forward(input, re, im);
    return { size, input, re, im };
  });
}

function parseFftLine(line: string, bins: number): { re: number[]; im: number[]; power: number[]; espDsp: number } {
  const words = line.trim().split(/\s+/);
  const take = (label: string): number[] => {
    const at = words.indexOf(label);
    assert.ok(at >= 0, `driver output has ${label}`);
    return words.slice(at + 1, at + 1 + bins).map(Number);
  };
  return { re: take('re'), im: take('im'), power: take('power'), espDsp: take('esp_dsp')[0] };
}

/** Largest deviation relative to the spectrum's largest magnitude (float32 rounding is relative to that scale). */
function spectrumError(re: number[], im: number[], golden: Golden): number {
  let error = 0;
  let scale = 0;
  for (let k = 0; k < golden.re.length; k++) {
    error = Math.max(error, Math.hypot(re[k] - golden.re[k], im[k] - golden.im[k]));
    scale = Math.max(scale, Math.hypot(golden.re[k], golden.im[k]));
  }
  return error / scale;
}

function checkSpectra(driver: string, goldens: Golden[], expectEspDsp: number): number {
  const commands = goldens.map((g) => `fft ${g.size} ${Array.from(g.input).join(' ')}`).join('\n');
  const lines = run(driver, [], commands).trim().split('\n');
  assert.equal(lines.length, goldens.length);
  let worst = 0;
  goldens.forEach((golden, i) => {
    const got = parseFftLine(lines[i], golden.re.length);
    const error = spectrumError(got.re, got.im, golden);
    assert.ok(error < 1e-4, `size ${golden.size}: ${error} relative to the TypeScript RealFft`);
    for (let k = 0; k < golden.re.length; k++) {
      const expected = golden.re[k] ** 2 + golden.im[k] ** 2;
      assert.ok(Math.abs(got.power[k] - expected) <= 1e-4 * (expected + 1e-3 * golden.size ** 2), `size ${golden.size} power[${k}]`);
    }
    assert.equal(got.espDsp, expectEspDsp, `size ${golden.size}: ESP-DSP path ${expectEspDsp === 1 ? 'used' : 'not used'}`);
    worst = Math.max(worst, error);
  });
  return worst;
}

describe('native C kernels (firmware/native/vitrine_dsp.c) against the TypeScript kernels', function () {
  this.timeout(30_000);
  let dir = '';
  let driver = '';

  before(function () {
    const probe = spawnSync('cc', ['--version'], { encoding: 'utf8' });
    if (probe.error !== undefined || probe.status !== 0) {
      throw new Error('No C compiler: `cc` is missing from PATH, so firmware/native/vitrine_dsp.c cannot be built and checked. ' +
        'Install one (Debian: apt-get install gcc) — this test does not skip.');
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'vitrine-native-'));
    driver = buildDriver(dir, 'driver');
  });

  after(function () {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('the portable real FFT matches RealFft within 1e-4 of the spectrum scale at every size 64..2048', function () {
    const worst = checkSpectra(driver, goldenSpectra(), 0);
    console.log(`      worst deviation from RealFft (float32 C vs float64 TS): ${worst.toExponential(2)} of the largest bin`);
  });

  it('band energies match bandEnergies within 1e-4 relative', function () {
    const layout = new BandLayout({ edgesHz: logBandEdgesHz(50, 8000, 32), rateHz: 16000, fftSize: 512 });
    const rng = new Rng(5);
    const power = new Float64Array(257).map(() => Math.fround(rng.uniform(0, 100)));
    const expected = new Float64Array(layout.count);
    bandEnergies(power, layout, expected);
    const fields = [layout.count, power.length, ...power, ...layout.firstBin, ...layout.lastBin, ...layout.firstWeight, ...layout.lastWeight];
    const words = run(driver, [], `bands ${fields.join(' ')}\n`).trim().split(/\s+/);
    assert.equal(words[0], 'bands');
    const got = words.slice(1).map(Number);
    assert.equal(got.length, layout.count);
    got.forEach((v, b) => assert.ok(Math.abs(v - expected[b]) <= 1e-4 * expected[b], `band ${b}: ${v} vs ${expected[b]}`));
  });

  it('refuses sizes that are not powers of two from 64 to 2048', function () {
    const sizes = [0, 32, 63, 64, 100, 2048, 4096];
    const out = run(driver, [], sizes.map((s) => `create ${s}`).join('\n')).trim().split('\n');
    assert.deepEqual(out, sizes.map((s) => (s === 64 || s === 2048 ? 'created' : 'refused')));
  });

  it('uses ESP-DSP when it is built in and agrees, and falls back to the portable code when it does not', function () {
    const fake = ['-DESP_PLATFORM', '-I', path.join(fixtures, 'esp-dsp-fake')];
    const goldens = goldenSpectra().filter((g) => g.size <= 512); // the stand-in is a slow direct DFT
    checkSpectra(buildDriver(dir, 'driver-esp', fake), goldens, 1);
    checkSpectra(buildDriver(dir, 'driver-esp-conjugate', [...fake, '-DFAKE_ESP_DSP_SIGN=1']), goldens, 0);
  });

  it('the xsmc binding compiles against the XS headers (xs.h, xsmc.h of @agoric/xsnap)', function () {
    const require = createRequire(import.meta.url);
    const includes = path.join(path.dirname(require.resolve('@agoric/xsnap/package.json')), 'moddable/xs/includes');
    // mcconfig generates xsID_* for every property name of the build; these four are XS built-ins.
    const ids = ['BYTES_PER_ELEMENT', 'byteOffset', 'length', 'buffer'].map((name, i) => `-DxsID_${name}=${-32000 - i}`);
    run('cc', ['-std=gnu99', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-include', 'stddef.h', '-include', 'stdint.h',
      '-I', includes, '-I', nativeDir, ...ids, path.join(nativeDir, 'vitrine_dsp_xs.c')]);
  });
});

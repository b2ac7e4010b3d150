// Shared by the Node and XS sides of the dsp kernel test: the same kernels fed the same inputs.
// Inputs use only integer arithmetic and sin (no Math.random), so both engines see the same numbers
// up to the last bit of libm's sin.
import { BandLayout, bandEnergies, logBandEdgesHz } from '../../../firmware/dsp/bands';
import { BlockAverager } from '../../../firmware/dsp/decimate';
import { RealFft } from '../../../firmware/dsp/fft';
import { PeakTracker, emptyHarmonicPeak, findHarmonicPeak, spectralCentroidHz, spectralFlatness, spectralRolloffHz } from '../../../firmware/dsp/features';
import { Biquad, DcBlocker, OnePole } from '../../../firmware/dsp/filters';
import { NoiseFloorTracker } from '../../../firmware/dsp/noise-floor';
import { applyWindow, fillHann } from '../../../firmware/dsp/window';

const FFT_SIZE = 512;
const MIC_RATE_HZ = 16000;
const VIB_RATE_HZ = 1600;

/** Deterministic pseudo-noise in −1..1 from a linear congruential generator (integer math only). */
function fillNoise(out: Float64Array | Int16Array, scale: number, seed: number): void {
  let state = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = Math.round(scale * (state / 2147483648 - 1));
  }
}

export interface DspKernels {
  /** One steady-state call of each kernel on preallocated buffers; each returns a checksum. */
  run: Record<string, () => number>;
  /** Full outputs of the kernels after one call each (allocates; for comparing engines). */
  outputs(): Record<string, number[]>;
}

export function createDspKernels(): DspKernels {
  const mic = new Int16Array(FFT_SIZE);
  fillNoise(mic, 2000, 1);
  for (let i = 0; i < FFT_SIZE; i++) mic[i] += Math.round(9000 * Math.sin((2 * Math.PI * 3000 * i) / MIC_RATE_HZ));
  const vib = new Float64Array(FFT_SIZE);
  fillNoise(vib, 300, 2);
  for (let i = 0; i < FFT_SIZE; i++) {
    for (let h = 1; h <= 3; h++) vib[i] += (4000 / h) * Math.sin((2 * Math.PI * 173.3 * h * i) / VIB_RATE_HZ);
  }
  const accel = new Int16Array(32 * 3);
  fillNoise(accel, 500, 3);

  const window = new Float64Array(FFT_SIZE);
  fillHann(window);
  const frame = new Float64Array(FFT_SIZE);
  const fft = new RealFft(FFT_SIZE);
  const re = new Float64Array(fft.bins);
  const im = new Float64Array(fft.bins);
  const power = new Float64Array(fft.bins);
  const vibPower = new Float64Array(fft.bins);
  for (let i = 0; i < FFT_SIZE; i++) frame[i] = mic[i] * window[i];
  fft.power(frame, power, re, im);
  const vibFrame = new Float64Array(FFT_SIZE);
  applyWindow(vib, window, vibFrame);
  fft.power(vibFrame, vibPower, re, im);

  const layout = new BandLayout({ edgesHz: logBandEdgesHz(50, 8000, 32), rateHz: MIC_RATE_HZ, fftSize: FFT_SIZE });
  const bands = new Float64Array(layout.count);
  const peak = emptyHarmonicPeak();
  const tracker = new PeakTracker();
  let trackerMs = 0;
  const smoother = OnePole.fromTimeConstant(20, MIC_RATE_HZ);
  const bandpass = Biquad.bandpass({ rateHz: MIC_RATE_HZ, frequencyHz: 3000, q: 2 });
  const dcBlocker = new DcBlocker({ rateHz: MIC_RATE_HZ, cutoffHz: 20 });
  const filtered = new Float64Array(FFT_SIZE);
  const floor = new NoiseFloorTracker();
  let floorStep = 0;
  const averager = new BlockAverager({ channels: 3, inRateHz: VIB_RATE_HZ, outRateHz: 50 });
  const triangleAverager = new BlockAverager({ channels: 3, inRateHz: VIB_RATE_HZ, outRateHz: 50, stages: 2 });
  const averaged = new Float64Array(3);
  const micBinHz = MIC_RATE_HZ / FFT_SIZE;
  const vibBinHz = VIB_RATE_HZ / FFT_SIZE;

  const run: Record<string, () => number> = {
    noop: () => 0,
    window512: () => {
      applyWindow(vib, window, frame);
      return frame[100];
    },
    fft512: () => {
      fft.forward(vibFrame, re, im);
      return re[5] + im[7];
    },
    power512: () => {
      fft.power(vibFrame, vibPower, re, im);
      return vibPower[55];
    },
    bands32: () => {
      bandEnergies(power, layout, bands);
      return bands[20];
    },
    centroid: () => spectralCentroidHz(power, micBinHz),
    flatness: () => spectralFlatness(power, 1, fft.bins - 1),
    rolloff: () => spectralRolloffHz(power, micBinHz, 0.85),
    harmonicPeak: () => (findHarmonicPeak(vibPower, vibBinHz, 90, 240, 3, peak) ? peak.frequencyHz + peak.harmonicRatio : -1),
    peakTracker: () => {
      trackerMs += 32;
      tracker.update(173 + (trackerMs % 96) / 32, 0.9, trackerMs);
      return tracker.trackedHz + tracker.stableMs;
    },
    onePole512: () => {
      for (let i = 0; i < FFT_SIZE; i++) smoother.process(mic[i] * mic[i]);
      return smoother.value;
    },
    biquad512: () => {
      bandpass.processBlock(mic, filtered, FFT_SIZE);
      return filtered[FFT_SIZE - 1];
    },
    dcBlocker512: () => {
      dcBlocker.processBlock(mic, filtered, FFT_SIZE);
      return filtered[FFT_SIZE - 1];
    },
    noiseFloor: () => floor.update(-60 + (floorStep++ % 7), 32),
    averager32x3: () => averager.process(accel, 32, averaged) + averaged[2],
    triangle32x3: () => triangleAverager.process(accel, 32, averaged) + averaged[2],
  };

  return {
    run,
    outputs: () => {
      const result: Record<string, number[]> = {};
      for (const name of Object.keys(run)) {
        const value = run[name]();
        result[name] = [value];
      }
      fft.forward(vibFrame, re, im);
      // Relative to the largest bin: the twiddle tables come from libm, whose last bit differs between
      // engines, so small bins differ by ~1e-12 of the spectrum's scale, not of their own size.
      let largest = 0;
      for (let k = 0; k < fft.bins; k++) largest = Math.max(largest, Math.abs(re[k]), Math.abs(im[k]));
      result.fftRe = Array.from(re, (v) => v / largest);
      result.fftIm = Array.from(im, (v) => v / largest);
      result.bands = Array.from(bands);
      result.filtered = Array.from(filtered);
      result.peak = [peak.frequencyHz, peak.peakPower, peak.harmonicRatio, peak.prominenceDb];
      return result;
    },
  };
}

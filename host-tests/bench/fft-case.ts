// The FFT comparison of the bench, shared by Node and XS: RealFft.forward against fft.js realTransform
// (its real-input entry point), both at n = 512 on the same frame.
import FFT from 'fft.js';
import { RealFft } from '../../firmware/dsp/fft';

export const FFT_BENCH_SIZE = 512;

export interface FftCase {
  realFft(): number;
  fftJs(): number;
}

export function createFftCase(n = FFT_BENCH_SIZE): FftCase {
  const input = new Float64Array(n);
  for (let i = 0; i < n; i++) input[i] = Math.sin(0.3 * i) + 0.25 * Math.cos(1.7 * i) + ((i * 7919) % 13) / 13;
  const fft = new RealFft(n);
  const re = new Float64Array(fft.bins);
  const im = new Float64Array(fft.bins);
  const reference = new FFT(n);
  const samples = Array.from(input);
  const out = reference.createComplexArray() as number[];
  return {
    realFft: () => {
      fft.forward(input, re, im);
      return re[7];
    },
    fftJs: () => {
      reference.realTransform(out, samples);
      return out[14];
    },
  };
}

/**
 * Where the node's FFTs come from: RealFft, unless the host installs a faster implementation at
 * start-up (the device installs NativeRealFft when its manifest provides it; docs/native.md).
 * Detectors and pipelines call createFft at construction instead of `new RealFft`.
 */
import { RealFft } from './fft';
import type { Fft } from './fft';

export type FftFactory = (size: number) => Fft;

const typescriptFft: FftFactory = (size) => new RealFft(size);
let current: FftFactory = typescriptFft;

export function createFft(size: number): Fft {
  return current(size);
}

/** Makes FFTs created from now on come from `factory`; no argument restores RealFft. Call before building pipelines. */
export function useFftFactory(factory?: FftFactory): void {
  current = factory ?? typescriptFft;
}

/**
 * The simulated sensor parts: what a node's microphone and accelerometer deliver (rate, block size,
 * counts) and their own noise. Blocks are what the device's drivers hand the node: the microphone in
 * 16 ms DMA blocks, the accelerometer's FIFO drained every 20 ms.
 */
import type { SensorKind } from '../../firmware/ports';

export interface SensorModel {
  kind: SensorKind;
  rateHz: number;
  channels: 1 | 3;
  /** Frames per delivered block. */
  blockFrames: number;
  /** Physical units per 16-bit count (full-scale fraction, or g). */
  unitsPerCount: number;
  /** The part's own white noise, RMS per channel, physical units. */
  noiseRms: number;
}

/**
 * I2S MEMS microphone (INMP441 / ICS-43434 class): 16 kHz, 16-bit. Its self-noise: 61 dB SNR re
 * 94 dB SPL, which such parts read at −26 dBFS, puts the noise at about −87 dBFS.
 */
export const MICROPHONE: SensorModel = {
  kind: 'microphone', rateHz: 16_000, channels: 1, blockFrames: 256, unitsPerCount: 1 / 32768, noiseRms: 10 ** (-87 / 20),
};

/**
 * Accelerometer on the glass or frame: 1600 Hz, 3 axes, ±8 g in 16-bit counts (8/32768 g per count, as a
 * left-justified LIS3DH/ADXL345 reading is scaled). Noise density 220 µg/√Hz (LIS3DH) over 800 Hz of
 * bandwidth: about 6.2 mg RMS per axis.
 */
export const ACCELEROMETER: SensorModel = {
  kind: 'accelerometer', rateHz: 1600, channels: 3, blockFrames: 32, unitsPerCount: 8 / 32768, noiseRms: 220e-6 * Math.sqrt(800),
};

export function sensorModelOf(kind: SensorKind): SensorModel {
  return kind === 'microphone' ? MICROPHONE : ACCELEROMETER;
}

export function blockMs(model: SensorModel): number {
  return (model.blockFrames * 1000) / model.rateHz;
}

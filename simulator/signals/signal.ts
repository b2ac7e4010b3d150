/**
 * A sampled signal in physical units, as the signal library produces it and the WAV reader returns it:
 * microphone signals as a fraction of the microphone's full scale (±1), accelerometer signals in g.
 */
import type { SampleBlock } from '../../firmware/ports';

export interface Signal {
  rateHz: number;
  /** Interleaved channels: 1 for audio, 3 (x, y, z) for acceleration. */
  channels: number;
  /** frames × channels values. */
  data: Float32Array;
}

export function frameCount(signal: Signal): number {
  return signal.data.length / signal.channels;
}

export function durationS(signal: Signal): number {
  return frameCount(signal) / signal.rateHz;
}

export function silence(rateHz: number, channels: number, seconds: number): Signal {
  return { rateHz, channels, data: new Float32Array(Math.round(seconds * rateHz) * channels) };
}

/** Adds `source` × `gain` into `target` starting at `atS` seconds (both at the same rate and channel count). */
export function mixInto(target: Signal, source: Signal, atS: number, gain = 1): void {
  if (target.rateHz !== source.rateHz || target.channels !== source.channels) {
    throw new Error(`mixInto: ${source.rateHz} Hz × ${source.channels} into ${target.rateHz} Hz × ${target.channels}`);
  }
  const offset = Math.round(atS * target.rateHz) * target.channels;
  const n = Math.min(source.data.length, target.data.length - offset);
  for (let i = 0; i < n; i++) {
    if (offset + i >= 0) target.data[offset + i] += source.data[i] * gain;
  }
}

/** Root-mean-square level of one channel (or all channels together when channel is undefined). */
export function rms(signal: Signal, channel?: number): number {
  let sum = 0;
  let count = 0;
  for (let i = channel ?? 0; i < signal.data.length; i += channel === undefined ? 1 : signal.channels) {
    sum += signal.data[i] * signal.data[i];
    count++;
  }
  return count === 0 ? 0 : Math.sqrt(sum / count);
}

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

export function gainToDb(gain: number): number {
  return 20 * Math.log10(gain);
}

export interface BlockFeedOptions {
  /** Physical units per count: 1/32768 for a 16-bit microphone, e.g. 1/16384 g for an accelerometer at ±2 g. */
  unitsPerCount: number;
  /** Frames per block, as the device would deliver them (e.g. 256 for the microphone, 32 from a FIFO). */
  blockFrames: number;
  /** Uptime of the first sample. */
  t0Ms?: number;
}

/**
 * Quantises a signal to 16-bit counts (saturating, as a sensor does) and delivers it as a sequence of
 * SampleBlocks, reusing one block object and buffer as a real source does.
 */
export function feedBlocks(signal: Signal, options: BlockFeedOptions, onBlock: (block: SampleBlock) => void): void {
  const { unitsPerCount, blockFrames } = options;
  const channels = signal.channels;
  const total = frameCount(signal);
  const block: SampleBlock = {
    t0Ms: options.t0Ms ?? 0,
    rateHz: signal.rateHz,
    channels,
    frames: 0,
    samples: new Int16Array(blockFrames * channels),
    unitsPerCount,
    sequence: 0,
  };
  const scale = 1 / unitsPerCount;
  for (let start = 0; start < total; start += blockFrames) {
    const frames = Math.min(blockFrames, total - start);
    const base = start * channels;
    for (let i = 0; i < frames * channels; i++) {
      const v = Math.round(signal.data[base + i] * scale);
      block.samples[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    block.frames = frames;
    block.t0Ms = (options.t0Ms ?? 0) + (start * 1000) / signal.rateHz;
    onBlock(block);
    block.sequence++;
  }
}

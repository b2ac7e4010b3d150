/**
 * A recording made ready for a sensor's pipeline, as the node's sensor would deliver it:
 * - acoustic: a mono WAV at 16 kHz or more, resampled to 16 kHz, in full-scale units;
 * - vibration and tilt: a 3-channel WAV (x, y, z in g, any orientation, gravity included) at 400–6400 Hz.
 *   Float samples are g; integer PCM needs the full scale (±1 full scale = ±fullScaleG g). Vibration is
 *   resampled to the pipeline's 1600 Hz; tilt keeps its rate (the pipeline averages it down to 50 Hz).
 * Anything else is refused with a RecordingError that names the file and says why.
 */
import type { SensorChannel } from '../signals/corpus';
import { resample } from '../signals/resample';
import type { BlockFeedOptions, Signal } from '../signals/signal';
import { readWav } from '../signals/wav';
import { MIC_BLOCK_FRAMES, MIC_RATE_HZ, MIC_UNITS_PER_COUNT, VIBRATION_RATE_HZ, accelerometerBlockFrames } from '../eval/sensor-pipeline';

export const ACCEL_MIN_RATE_HZ = 400;
export const ACCEL_MAX_RATE_HZ = 6400;
/**
 * Float recordings are quantised as by an accelerometer at ±16 g (the widest range of the parts in use)
 * over 16 bits: 0.49 mg per count, finer than any of them, so the recording's own resolution prevails.
 */
export const FLOAT_RANGE_G = 16;

export class RecordingError extends Error {
  constructor(name: string, problem: string) {
    super(`${name}: ${problem}`);
    this.name = 'RecordingError';
  }
}

export interface Recording {
  /** At the rate the pipeline takes it. */
  signal: Signal;
  /** Counts and blocks, as the sensor delivers them. */
  feed: BlockFeedOptions;
  /** The file's own rate, before any resampling. */
  fileRateHz: number;
}

export interface RecordingOptions {
  /** Integer-PCM accelerometer recordings: ±1 full scale is ±fullScaleG g. */
  fullScaleG?: number;
}

/** Decodes `bytes` (the WAV file `name`) for `sensor`'s pipeline. */
export function prepareRecording(bytes: Uint8Array, name: string, sensor: SensorChannel, options: RecordingOptions = {}): Recording {
  const wav = readWav(bytes, name);
  const fileRateHz = wav.rateHz;
  if (wav.data.length === 0) throw new RecordingError(name, 'holds no samples');
  if (sensor === 'acoustic') {
    if (wav.channels !== 1) throw new RecordingError(name, `has ${wav.channels} channels; the acoustic pipeline takes a mono microphone recording`);
    if (fileRateHz < MIC_RATE_HZ) throw new RecordingError(name, `is sampled at ${fileRateHz} Hz; the acoustic pipeline needs ${MIC_RATE_HZ} Hz or more (glass break reaches 8 kHz)`);
    const signal = fileRateHz === MIC_RATE_HZ ? wav : resample(wav, MIC_RATE_HZ);
    return { signal, feed: { unitsPerCount: MIC_UNITS_PER_COUNT, blockFrames: MIC_BLOCK_FRAMES }, fileRateHz };
  }
  if (wav.channels !== 3) throw new RecordingError(name, `has ${wav.channels} channel(s); an accelerometer recording has 3 (x, y, z in g)`);
  if (fileRateHz < ACCEL_MIN_RATE_HZ || fileRateHz > ACCEL_MAX_RATE_HZ) {
    throw new RecordingError(name, `is sampled at ${fileRateHz} Hz; accelerometer recordings must be ${ACCEL_MIN_RATE_HZ}–${ACCEL_MAX_RATE_HZ} Hz`);
  }
  let rangeG = FLOAT_RANGE_G;
  if (wav.wav.formatCode !== 3) {
    if (options.fullScaleG === undefined) {
      throw new RecordingError(name, `is ${wav.wav.bitsPerSample}-bit integer PCM: give --full-scale-g N (the g that ±1 full scale stands for)`);
    }
    rangeG = options.fullScaleG;
    for (let i = 0; i < wav.data.length; i++) wav.data[i] *= rangeG;
  }
  const signal = sensor === 'vibration' && fileRateHz !== VIBRATION_RATE_HZ ? resample(wav, VIBRATION_RATE_HZ) : wav;
  return { signal, feed: { unitsPerCount: rangeG / 32768, blockFrames: accelerometerBlockFrames(signal.rateHz) }, fileRateHz };
}

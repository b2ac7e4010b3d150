/**
 * Accelerometer models: white noise density per axis, resolution (LSB) and range. Figures from
 * reference/detectors.md (LIS3DH ≈ 220 µg/√Hz; ADXL345 coarser, 3.9 mg/LSB at full resolution;
 * ADXL345 datasheet: 0.75 LSB rms on x/y and 1.1 LSB rms on z at 100 Hz ODR, i.e. ≈ 410 and 600 µg/√Hz).
 */
import type { Rng } from '../rng';

export interface AccelSensorModel {
  name: string;
  /** Noise density per axis (x, y, z), µg/√Hz. */
  noiseUgPerRootHz: readonly [number, number, number];
  /** Resolution: g per count. */
  lsbG: number;
  /** Full scale ±rangeG; readings saturate there. */
  rangeG: number;
}

export const SENSOR_MODELS = {
  /** ADXL345 at full resolution (±16 g, 3.9 mg/LSB). */
  adxl345: { name: 'adxl345', noiseUgPerRootHz: [410, 410, 600], lsbG: 0.0039, rangeG: 16 },
  /** LIS3DH high-resolution mode at ±8 g (4 mg/digit). */
  lis3dh_8g: { name: 'lis3dh_8g', noiseUgPerRootHz: [220, 220, 220], lsbG: 0.004, rangeG: 8 },
  /** LIS3DH high-resolution mode at ±2 g (1 mg/digit): the balcony tilt setting. */
  lis3dh_2g: { name: 'lis3dh_2g', noiseUgPerRootHz: [220, 220, 220], lsbG: 0.001, rangeG: 2 },
} as const satisfies Record<string, AccelSensorModel>;

export type SensorName = keyof typeof SENSOR_MODELS;

export const SENSOR_NAMES = Object.keys(SENSOR_MODELS) as SensorName[];

export function sensorModel(name: string): AccelSensorModel {
  const model = (SENSOR_MODELS as Record<string, AccelSensorModel>)[name];
  if (model === undefined) throw new Error(`unknown accelerometer model '${name}' (known: ${SENSOR_NAMES.join(', ')})`);
  return model;
}

/**
 * g per count of the blocks a source delivers for this sensor: left-justified 16-bit counts, full scale
 * at ±32768 whatever the resolution (firmware/moddable/adxl345.ts; the health monitor and the tilt
 * pipeline recognise saturation by it). The model's own resolution (lsbG) is applied to the signal
 * before; each value then lands on the nearest count.
 */
export function sourceUnitsPerCount(model: AccelSensorModel): number {
  return model.rangeG / 32768;
}

/** RMS noise per axis at a data rate (bandwidth ODR/2), in g. */
export function noiseRmsG(model: AccelSensorModel, rateHz: number): [number, number, number] {
  const root = Math.sqrt(rateHz / 2) * 1e-6;
  return [model.noiseUgPerRootHz[0] * root, model.noiseUgPerRootHz[1] * root, model.noiseUgPerRootHz[2] * root];
}

/** Adds the sensor's white noise to interleaved x, y, z values (g), then quantises and saturates in place. */
export function applySensor(rng: Rng, model: AccelSensorModel, rateHz: number, data: Float64Array): void {
  const sigma = noiseRmsG(model, rateHz);
  const lsb = model.lsbG;
  const limit = model.rangeG;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] + sigma[i % 3] * rng.normal();
    const clipped = v > limit ? limit : v < -limit ? -limit : v;
    data[i] = Math.round(clipped / lsb) * lsb;
  }
}

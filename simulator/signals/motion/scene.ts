/**
 * A motion scene: what the structure (pane, frame, plinth, balcony) does in its own frame, then the
 * accelerometer's view of it. The structure frame has z up; the sensor is mounted with an arbitrary
 * rotation, sees gravity as +1 g along the structure's "up" (its specific force), adds its own noise
 * and quantises to its LSB.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { apply, quaternionToMatrix, randomQuaternion } from './geometry';
import type { Matrix3, Quaternion, Vec3 } from './geometry';
import { bandNoise } from './noise';
import { applySensor, noiseRmsG, sensorModel } from './sensor';
import type { SensorName } from './sensor';

/** Scene parameters, flat so that they can be listed with a labelled case and replayed. */
export interface SceneParams {
  rateHz: number;
  durationS: number;
  sensor: SensorName;
  /** Mounting (structure frame → sensor frame) as a unit quaternion. */
  mountW: number;
  mountX: number;
  mountY: number;
  mountZ: number;
  /** Building vibration (2–80 Hz, mostly vertical) as a vector RMS in g. */
  ambientRmsG: number;
}

export interface SceneRanges {
  sensors: readonly SensorName[];
  ambientRmsG: readonly [number, number];
}

export const MOTION_RATE_HZ = 1600;

export function drawScene(rng: Rng, ranges: SceneRanges, rateHz: number, durationS: number): SceneParams {
  const q = randomQuaternion(rng);
  return {
    rateHz,
    durationS,
    sensor: rng.pick(ranges.sensors),
    mountW: q[0],
    mountX: q[1],
    mountY: q[2],
    mountZ: q[3],
    ambientRmsG: logUniform(rng, ranges.ambientRmsG),
  };
}

/** Uniform on a logarithmic scale (levels, distances). */
export function logUniform(rng: Rng, range: readonly [number, number]): number {
  return Math.exp(rng.uniform(Math.log(range[0]), Math.log(range[1])));
}

export function mountingMatrix(params: SceneParams): Matrix3 {
  const q: Quaternion = [params.mountW, params.mountX, params.mountY, params.mountZ];
  return quaternionToMatrix(q);
}

export class MotionScene {
  readonly params: SceneParams;
  readonly rateHz: number;
  readonly frames: number;
  /** Dynamic acceleration of the structure in its own frame, g, interleaved x, y, z. */
  readonly motion: Float64Array;
  /** Gravity's specific force in the structure frame, g, interleaved; (0, 0, 1) unless a tilt turns it. */
  readonly gravity: Float64Array;
  readonly #ambientRmsG: number;

  constructor(rng: Rng, params: SceneParams) {
    if (!(params.rateHz >= 25 && params.rateHz <= 6400)) throw new RangeError(`MotionScene: rateHz ${params.rateHz} outside 25..6400`);
    this.params = params;
    this.rateHz = params.rateHz;
    this.frames = Math.round(params.durationS * params.rateHz);
    this.motion = new Float64Array(this.frames * 3);
    this.gravity = new Float64Array(this.frames * 3);
    for (let i = 0; i < this.frames; i++) this.gravity[i * 3 + 2] = 1;
    // Building vibration: 80 % of the power vertical, 10 % on each horizontal axis.
    const share = [0.1, 0.1, 0.8];
    for (let axis = 0; axis < 3; axis++) {
      const wave = bandNoise(rng, this.frames, this.rateHz, 2, Math.min(80, this.rateHz * 0.4));
      const gain = params.ambientRmsG * Math.sqrt(share[axis]);
      for (let i = 0; i < this.frames; i++) this.motion[i * 3 + axis] += gain * wave[i];
    }
    this.#ambientRmsG = params.ambientRmsG;
  }

  /** Vector RMS of everything that is not an event: building vibration plus the sensor's noise (g). */
  get floorRmsG(): number {
    const sigma = noiseRmsG(sensorModel(this.params.sensor), this.rateHz);
    return Math.sqrt(this.#ambientRmsG ** 2 + sigma[0] ** 2 + sigma[1] ** 2 + sigma[2] ** 2);
  }

  /** A new zeroed event buffer (interleaved x, y, z) the size of the scene. */
  eventBuffer(): Float64Array {
    return new Float64Array(this.frames * 3);
  }

  /** Adds a scalar waveform (one value per frame) along a unit direction into `target`. */
  static addAlong(target: Float64Array, wave: Float64Array, direction: Readonly<Vec3>, gain = 1): void {
    const frames = Math.min(wave.length, target.length / 3);
    for (let i = 0; i < frames; i++) {
      const v = wave[i] * gain;
      target[i * 3] += v * direction[0];
      target[i * 3 + 1] += v * direction[1];
      target[i * 3 + 2] += v * direction[2];
    }
  }

  addEvent(event: Float64Array, gain = 1): void {
    for (let i = 0; i < this.motion.length; i++) this.motion[i] += event[i] * gain;
  }

  frameOf(seconds: number): number {
    return Math.max(0, Math.min(this.frames, Math.round(seconds * this.rateHz)));
  }

  /** What the accelerometer reports: mounting rotation, gravity, noise, quantisation and saturation. */
  render(rng: Rng): Signal {
    const m = mountingMatrix(this.params);
    const out = new Float64Array(this.frames * 3);
    const v: Vec3 = [0, 0, 0];
    for (let i = 0; i < this.frames; i++) {
      v[0] = this.motion[i * 3] + this.gravity[i * 3];
      v[1] = this.motion[i * 3 + 1] + this.gravity[i * 3 + 1];
      v[2] = this.motion[i * 3 + 2] + this.gravity[i * 3 + 2];
      const s = apply(m, v);
      out[i * 3] = s[0];
      out[i * 3 + 1] = s[1];
      out[i * 3 + 2] = s[2];
    }
    applySensor(rng, sensorModel(this.params.sensor), this.rateHz, out);
    return { rateHz: this.rateHz, channels: 3, data: Float32Array.from(out) };
  }
}

/** Vector RMS of an interleaved event over the frames where `mask` (one value per frame) is above 0.5. */
export function maskedVectorRms(event: Float64Array, mask: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] > 0.5) {
      sum += event[i * 3] ** 2 + event[i * 3 + 1] ** 2 + event[i * 3 + 2] ** 2;
      count++;
    }
  }
  return count === 0 ? 0 : Math.sqrt(sum / count);
}

/** Gain that puts an event's RMS (over its active frames) `levelDb` above the scene's floor. */
export function gainForLevel(scene: MotionScene, event: Float64Array, active: Float64Array, levelDb: number): number {
  const rmsG = maskedVectorRms(event, active);
  if (rmsG === 0) throw new Error('gainForLevel: the event is silent over its active frames');
  return (scene.floorRmsG * 10 ** (levelDb / 20)) / rmsG;
}

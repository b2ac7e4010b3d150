/**
 * Where gravity and motion appear on a node's accelerometer. Signals of the structure (pane, frame,
 * railing) are rendered in the structure's frame: x along the surface, y across it (its normal for an
 * upright surface), z up. The sensor is either flat on a horizontal surface (its axes are the
 * structure's) or on an upright one with its y axis up (scenario `mounting.orientation`).
 */
import type { UpAxis } from '../../firmware/node/config';
import type { Orientation } from '../scenario/types';

/** Row-major 3×3 rotation from the structure frame to the sensor frame. */
export type Rotation = readonly [number, number, number, number, number, number, number, number, number];

const HORIZONTAL: Rotation = [1, 0, 0, 0, 1, 0, 0, 0, 1];
/** Sensor x = structure x, sensor y = structure z (up), sensor z = −structure y: a proper rotation about x. */
const VERTICAL: Rotation = [1, 0, 0, 0, 0, 1, 0, -1, 0];

export function mountingRotation(orientation: Orientation): Rotation {
  return orientation === 'horizontal' ? HORIZONTAL : VERTICAL;
}

/** The accelerometer axis that points up, as the node's provisioning names it. */
export function upAxisOf(orientation: Orientation): UpAxis {
  return orientation === 'horizontal' ? '+z' : '+y';
}

/** Rotates interleaved x, y, z frames of `data` in place. */
export function rotateFrames(rotation: Rotation, data: Float32Array): void {
  const [a, b, c, d, e, f, g, h, i] = rotation;
  for (let k = 0; k + 2 < data.length; k += 3) {
    const x = data[k];
    const y = data[k + 1];
    const z = data[k + 2];
    data[k] = a * x + b * y + c * z;
    data[k + 1] = d * x + e * y + f * z;
    data[k + 2] = g * x + h * y + i * z;
  }
}

/**
 * Small 3-D helpers for accelerometer signals: vectors, rotations (row-major 3×3 matrices) and uniformly
 * random orientations, so a sensor can be mounted any way round.
 */
import type { Rng } from '../rng';

export type Vec3 = [number, number, number];
/** Row-major 3×3 rotation matrix. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];
/** Unit quaternion (w, x, y, z). */
export type Quaternion = [number, number, number, number];

export const IDENTITY: Readonly<Matrix3> = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function dot(a: Readonly<Vec3>, b: Readonly<Vec3>): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Readonly<Vec3>, b: Readonly<Vec3>): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm(a: Readonly<Vec3>): number {
  return Math.sqrt(dot(a, a));
}

export function normalize(a: Readonly<Vec3>): Vec3 {
  const n = norm(a);
  if (n === 0) throw new RangeError('normalize: zero vector');
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** Angle between two vectors in degrees. */
export function angleBetweenDeg(a: Readonly<Vec3>, b: Readonly<Vec3>): number {
  return (Math.atan2(norm(cross(a, b)), dot(a, b)) * 180) / Math.PI;
}

/** Uniform random orientation (Shoemake's method): every mounting equally likely. */
export function randomQuaternion(rng: Rng): Quaternion {
  const u1 = rng.next();
  const u2 = rng.next() * 2 * Math.PI;
  const u3 = rng.next() * 2 * Math.PI;
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  return [a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3)];
}

export function quaternionToMatrix(q: Readonly<Quaternion>): Matrix3 {
  const [w, x, y, z] = q;
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

/** Rotation by `angleRad` about the unit vector `axis` (Rodrigues). */
export function axisAngleMatrix(axis: Readonly<Vec3>, angleRad: number): Matrix3 {
  const [x, y, z] = normalize(axis);
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const t = 1 - c;
  return [
    t * x * x + c, t * x * y - s * z, t * x * z + s * y,
    t * x * y + s * z, t * y * y + c, t * y * z - s * x,
    t * x * z - s * y, t * y * z + s * x, t * z * z + c,
  ];
}

export function multiply(a: Readonly<Matrix3>, b: Readonly<Matrix3>): Matrix3 {
  const out = new Array<number>(9).fill(0) as Matrix3;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  }
  return out;
}

export function apply(m: Readonly<Matrix3>, v: Readonly<Vec3>): Vec3 {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

/** Uniform random direction on the unit sphere. */
export function randomUnitVector(rng: Rng): Vec3 {
  for (;;) {
    const v: Vec3 = [rng.normal(), rng.normal(), rng.normal()];
    const n = norm(v);
    if (n > 1e-6) return [v[0] / n, v[1] / n, v[2] / n];
  }
}

/** Random horizontal unit vector (structure frame: z is up). */
export function randomHorizontal(rng: Rng): Vec3 {
  const a = rng.uniform(0, 2 * Math.PI);
  return [Math.cos(a), Math.sin(a), 0];
}

/**
 * A direction close to `main`: `spread` 0 gives `main`, 1 a fully random direction. Used for vibration
 * that is mostly normal to a pane but leaks into the other axes.
 */
export function jitterDirection(rng: Rng, main: Readonly<Vec3>, spread: number): Vec3 {
  const r = randomUnitVector(rng);
  return normalize([main[0] + spread * r[0], main[1] + spread * r[1], main[2] + spread * r[2]]);
}

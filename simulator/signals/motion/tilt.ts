/**
 * Balcony tilt: a ladder or a lift basket against the balcony turns the gravity vector the sensor feels
 * by a fraction of a degree to a few degrees, and it stays (with the vibration of people climbing).
 * Around it: wind sway (0.3–3 Hz, in gusts; part real rotation, part horizontal acceleration, which an
 * accelerometer cannot tell apart), slow thermal drift (fractions of a degree per hour) and sensor noise.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { randomUnitVector } from './geometry';
import type { Vec3 } from './geometry';
import { wander } from './noise';
import { MotionScene, drawScene } from './scene';
import type { SceneParams, SceneRanges } from './scene';
import { addStrike } from './strike';

export interface TiltParams extends SceneParams {
  /** Lasting tilt from the ladder or lift, degrees (0: none). */
  angleDeg: number;
  onsetS: number;
  /** Time the tilt takes to build up, s. */
  rampS: number;
  /** Horizontal direction of the tilt axis, degrees. */
  azimuthDeg: number;
  /** Peak of each climbing step or basket knock, g, and how long the climbing goes on, s. */
  climbPeakG: number;
  climbS: number;
  /** Largest apparent sway amplitude over the case, degrees, and the sway frequency, Hz. */
  swayDeg: number;
  swayHz: number;
  /** How gusty the wind is: 0 steady, 1 strongly varying sway amplitude. */
  gustDepth: number;
  /** Share of the sway that is real rotation (the rest is horizontal acceleration). */
  swayRotationShare: number;
  swayAzimuthDeg: number;
  /** Thermal drift of the apparent vertical, degrees per hour, and its direction. */
  driftDegPerHour: number;
  driftAzimuthDeg: number;
}

export interface TiltRanges {
  scene: SceneRanges;
  rampS: readonly [number, number];
  climbPeakG: readonly [number, number];
  climbS: readonly [number, number];
  swayDeg: readonly [number, number];
  swayHz: readonly [number, number];
  gustDepth: readonly [number, number];
  swayRotationShare: readonly [number, number];
  driftDegPerHour: readonly [number, number];
}

export interface TiltDrawOptions {
  rateHz: number;
  durationS: number;
  onsetS: number;
  angleDeg: number;
  /** Override the sway range (wind-sway confusers use stronger wind than the ladder cases). */
  swayDeg?: readonly [number, number];
  driftDegPerHour?: readonly [number, number];
  climb?: boolean;
}

export function drawTilt(rng: Rng, ranges: TiltRanges, options: TiltDrawOptions): TiltParams {
  const scene = drawScene(rng, ranges.scene, options.rateHz, options.durationS);
  const u = (r: readonly [number, number]): number => rng.uniform(r[0], r[1]);
  return {
    ...scene,
    angleDeg: options.angleDeg,
    onsetS: options.onsetS,
    rampS: u(ranges.rampS),
    azimuthDeg: rng.uniform(0, 360),
    climbPeakG: options.climb === false ? 0 : u(ranges.climbPeakG),
    climbS: u(ranges.climbS),
    swayDeg: u(options.swayDeg ?? ranges.swayDeg),
    swayHz: u(ranges.swayHz),
    gustDepth: u(ranges.gustDepth),
    swayRotationShare: u(ranges.swayRotationShare),
    swayAzimuthDeg: rng.uniform(0, 360),
    driftDegPerHour: u(options.driftDegPerHour ?? ranges.driftDegPerHour) * (rng.next() < 0.5 ? -1 : 1),
    driftAzimuthDeg: rng.uniform(0, 360),
  };
}

function horizontal(azimuthDeg: number): Vec3 {
  const a = (azimuthDeg * Math.PI) / 180;
  return [Math.cos(a), Math.sin(a), 0];
}

/** Raised-cosine step from 0 to 1 over `rampS` starting at `onsetS`. */
function step(t: number, onsetS: number, rampS: number): number {
  if (t <= onsetS) return 0;
  if (t >= onsetS + rampS) return 1;
  return 0.5 - 0.5 * Math.cos((Math.PI * (t - onsetS)) / rampS);
}

export function tiltSignal(rng: Rng, params: TiltParams): Signal {
  const scene = new MotionScene(rng, params);
  addTilt(rng, params, scene);
  return scene.render(rng);
}

/** Adds a tilt case (the lean, sway, drift and climbing) to a scene's gravity and motion; the simulator mixes it with other events. */
export function addTilt(rng: Rng, params: TiltParams, scene: MotionScene): void {
  const { frames, rateHz } = scene;
  const deg = Math.PI / 180;
  const ladderAxis = horizontal(params.azimuthDeg);
  const driftAxis = horizontal(params.driftAzimuthDeg);
  const swayAxis = horizontal(params.swayAzimuthDeg);
  // Sway: a slightly wandering resonance whose amplitude follows the gusts; peak amplitude = swayDeg.
  const gust = wander(rng, frames, rateHz, 0.08);
  const freqWander = wander(rng, frames, rateHz, 0.05);
  const envelope = new Float64Array(frames);
  let envelopeMax = 0;
  for (let i = 0; i < frames; i++) {
    envelope[i] = Math.max(0, 1 + params.gustDepth * 0.8 * gust[i]);
    envelopeMax = Math.max(envelopeMax, envelope[i]);
  }
  let phase = rng.uniform(0, 2 * Math.PI);
  for (let i = 0; i < frames; i++) {
    const t = i / rateHz;
    phase += (2 * Math.PI * params.swayHz * (1 + 0.05 * freqWander[i])) / rateHz;
    const sway = envelopeMax > 0 ? (params.swayDeg * deg * envelope[i] * Math.sin(phase)) / envelopeMax : 0;
    const ladder = params.angleDeg * deg * step(t, params.onsetS, params.rampS);
    const drift = ((params.driftDegPerHour * t) / 3600) * deg;
    // Small rotation vector (horizontal): ladder, drift and the rotating share of the sway.
    const rotationShare = params.swayRotationShare;
    const wx = ladder * ladderAxis[0] + drift * driftAxis[0] + rotationShare * sway * swayAxis[0];
    const wy = ladder * ladderAxis[1] + drift * driftAxis[1] + rotationShare * sway * swayAxis[1];
    const angle = Math.hypot(wx, wy);
    // ẑ rotated by |w| about w/|w|: (sin|w|·wy/|w|, −sin|w|·wx/|w|, cos|w|).
    const k = angle > 0 ? Math.sin(angle) / angle : 1;
    scene.gravity[i * 3] = k * wy;
    scene.gravity[i * 3 + 1] = -k * wx;
    scene.gravity[i * 3 + 2] = Math.cos(angle);
    // The rest of the sway is horizontal acceleration along the same apparent direction (axis × ẑ).
    const linear = (1 - rotationShare) * sway;
    scene.motion[i * 3] += linear * swayAxis[1];
    scene.motion[i * 3 + 1] += -linear * swayAxis[0];
  }
  if (params.angleDeg > 0 && params.climbPeakG > 0) {
    const wave = new Float64Array(frames);
    for (let t = params.onsetS + rng.uniform(0, 0.3); t < Math.min(params.onsetS + params.climbS, params.durationS); t += rng.uniform(0.5, 1.1)) {
      addStrike(rng, wave, rateHz, t, params.climbPeakG * rng.uniform(0.5, 1), {
        contactMs: 20, modeLoHz: 6, modeHiHz: Math.min(40, rateHz * 0.4), modeCount: 3, dampingRatio: 0.08, pulseWeight: 0.3,
      });
    }
    MotionScene.addAlong(scene.motion, wave, randomUnitVector(rng));
  }
}

/**
 * Fixed accelerometer inputs for pipeline tests (Node and XS alike): generated from the motion signal
 * library with fixed seeds and quantised to the sensor's counts, as the FIFO would deliver them.
 */
import { Rng } from '../../simulator/signals/rng';
import type { Signal } from '../../simulator/signals/signal';
import { drawGrinder, grinderSignal } from '../../simulator/signals/motion/grinder';
import { drawImpact, impactSignal } from '../../simulator/signals/motion/impacts';
import { DEFAULT_MOTION_RANGES } from '../../simulator/signals/motion/ranges';
import { MotionScene, drawScene } from '../../simulator/signals/motion/scene';
import { sensorModel, sourceUnitsPerCount } from '../../simulator/signals/motion/sensor';
import { drawTilt, tiltSignal } from '../../simulator/signals/motion/tilt';
import type { MotionInput } from '../xs/cases/motion-case';
import { accelerometerBlockFrames } from '../../simulator/eval/sensor-pipeline';

export function toCounts(signal: Signal, unitsPerCount: number): number[] {
  return Array.from(signal.data, (v) => Math.max(-32768, Math.min(32767, Math.round(v / unitsPerCount))));
}

function input(kind: MotionInput['kind'], signal: Signal, sensor: string, blockFrames: number): MotionInput {
  const unitsPerCount = sourceUnitsPerCount(sensorModel(sensor));
  return { kind, rateHz: signal.rateHz, unitsPerCount, blockFrames, samples: toCounts(signal, unitsPerCount) };
}

/**
 * 8 s: the grinder bites at 4 s at +20 dB, with its drawn pattern of cuts and pauses, or with one
 * continuous cut from 4 s to the end when `continuous` (every analysis frame then runs in full).
 */
export function grinderInput(seed = 11, continuous = false): MotionInput {
  const rng = new Rng(seed);
  const params = drawGrinder(rng, DEFAULT_MOTION_RANGES.grinder, { rateHz: 1600, durationS: 8, onsetS: 4, activeS: 4, levelDb: 20 });
  if (continuous) params.contactS = '4.000-8.000';
  return input('vibration', grinderSignal(rng, params), params.sensor, 32);
}

/** 7 s: a series of medium blows on glass from 2 s. */
export function impactInput(seed = 12): MotionInput {
  const rng = new Rng(seed);
  const params = drawImpact(rng, DEFAULT_MOTION_RANGES.impact, { rateHz: 1600, durationS: 7, onsetS: 2, kind: 'series', part: 'glass', grade: 'medium' });
  return input('vibration', impactSignal(rng, params), params.sensor, 32);
}

/** Ambient only (building vibration and sensor noise). */
export function ambientInput(seconds: number, rateHz = 1600, seed = 13): MotionInput {
  const rng = new Rng(seed);
  const params = drawScene(rng, DEFAULT_MOTION_RANGES.grinder.scene, rateHz, seconds);
  return input('vibration', new MotionScene(rng, params).render(rng), params.sensor, 32);
}

/** 12 s: a ladder tilts the balcony by `angleDeg` at 8 s; the accelerometer runs at `rateHz`. */
export function tiltInput(rateHz: number, angleDeg = 0.8, seed = 14): MotionInput {
  const rng = new Rng(seed);
  const params = drawTilt(rng, DEFAULT_MOTION_RANGES.tilt, { rateHz, durationS: 12, onsetS: 8, angleDeg });
  return input('tilt', tiltSignal(rng, params), params.sensor, accelerometerBlockFrames(rateHz));
}

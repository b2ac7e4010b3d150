/**
 * Hammer blows on glass or a frame: short strong shocks followed by the ringing of the pane or frame,
 * in a series (counted by the detector) or as one very strong shock (alarm at once). Strength is given
 * as the peak acceleration at the sensor, which depends on the hammer, the blow and the distance.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { jitterDirection, randomUnitVector } from './geometry';
import { MotionScene, drawScene, logUniform } from './scene';
import type { SceneParams, SceneRanges } from './scene';
import { addStrike } from './strike';
import { formatInstants, parseInstants } from './timing';

export type ImpactKind = 'series' | 'shock';
export type StruckPart = 'glass' | 'frame';

export interface ImpactParams extends SceneParams {
  kind: ImpactKind;
  part: StruckPart;
  /** When each blow lands, s ("1.200,2.050"). */
  blowTimesS: string;
  /** Peak acceleration of each blow at the sensor, g, in the same order. */
  blowPeaksG: string;
  contactMs: number;
  modeLoHz: number;
  modeHiHz: number;
  modeCount: number;
  dampingRatio: number;
  directionSpread: number;
}

export interface StruckPartRanges {
  contactMs: readonly [number, number];
  modeLoHz: readonly [number, number];
  modeHiHz: readonly [number, number];
  modeCount: readonly [number, number];
  dampingRatio: readonly [number, number];
}

export interface ImpactRanges {
  scene: SceneRanges;
  parts: Record<StruckPart, StruckPartRanges>;
  /** Peak of a blow by strength grade, g. */
  blowPeakG: Record<'light' | 'medium' | 'heavy', readonly [number, number]>;
  shockPeakG: readonly [number, number];
  blowCount: readonly [number, number];
  intervalS: readonly [number, number];
  directionSpread: readonly [number, number];
}

export type BlowGrade = keyof ImpactRanges['blowPeakG'];

export function drawImpact(
  rng: Rng, ranges: ImpactRanges,
  options: { rateHz: number; durationS: number; onsetS: number; kind: ImpactKind; part: StruckPart; grade: BlowGrade },
): ImpactParams {
  const scene = drawScene(rng, ranges.scene, options.rateHz, options.durationS);
  const part = ranges.parts[options.part];
  const u = (r: readonly [number, number]): number => rng.uniform(r[0], r[1]);
  const times: number[] = [];
  const peaks: number[] = [];
  if (options.kind === 'shock') {
    times.push(options.onsetS);
    peaks.push(logUniform(rng, ranges.shockPeakG));
  } else {
    const count = rng.int(ranges.blowCount[0], ranges.blowCount[1]);
    const grade = ranges.blowPeakG[options.grade];
    let t = options.onsetS;
    for (let i = 0; i < count && t < options.durationS - 0.5; i++) {
      times.push(t);
      peaks.push(logUniform(rng, grade));
      t += u(ranges.intervalS);
    }
  }
  return {
    ...scene,
    kind: options.kind,
    part: options.part,
    blowTimesS: formatInstants(times),
    blowPeaksG: peaks.map((p) => p.toFixed(4)).join(','),
    contactMs: u(part.contactMs),
    modeLoHz: u(part.modeLoHz),
    modeHiHz: u(part.modeHiHz),
    modeCount: rng.int(part.modeCount[0], part.modeCount[1]),
    dampingRatio: logUniform(rng, part.dampingRatio),
    directionSpread: u(ranges.directionSpread),
  };
}

export function impactSignal(rng: Rng, params: ImpactParams): Signal {
  const scene = new MotionScene(rng, params);
  addImpacts(rng, params, scene);
  return scene.render(rng);
}

/** Adds an impact case's blows to a scene; the simulator mixes them with other events before the scene is rendered. */
export function addImpacts(rng: Rng, params: ImpactParams, scene: MotionScene): void {
  const times = parseInstants(params.blowTimesS);
  const peaks = parseInstants(params.blowPeaksG);
  if (times.length === 0 || times.length !== peaks.length) {
    throw new Error(`impactSignal: ${times.length} blow times and ${peaks.length} peaks`);
  }
  const normal = randomUnitVector(rng);
  for (let b = 0; b < times.length; b++) {
    const wave = new Float64Array(scene.frames);
    addStrike(rng, wave, scene.rateHz, times[b], peaks[b], {
      contactMs: params.contactMs, modeLoHz: params.modeLoHz, modeHiHz: params.modeHiHz,
      modeCount: params.modeCount, dampingRatio: params.dampingRatio, pulseWeight: 0.35,
    });
    // Each blow lands a little differently: the direction varies around the part's normal.
    const event = scene.eventBuffer();
    MotionScene.addAlong(event, wave, jitterDirection(rng, normal, params.directionSpread));
    scene.addEvent(event);
  }
}

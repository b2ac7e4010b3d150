/**
 * A balcony railing singing in the wind, as an accelerometer on the railing feels it. Wind across a
 * baluster sheds vortices at f = St·U/d; when that comes near the baluster's bending mode the shedding
 * locks to the mode and the baluster hums at the mode's frequency, loud enough for occupants to complain,
 * sometimes with a metallic rattle at a loose joint (Temelkoski, Singh and Fraser, "Wind induced
 * vibration of balcony railings", Acoustics 2016; Samman, "Designing balcony railings for windy
 * vibrations", Construction Specifier 2013: seen from 32–40 km/h). A 22 mm aluminium tube 1.1 m long,
 * welded at both ends, has its first mode near 100 Hz and locks at about 11 m/s: inside the grinder's
 * 80–250 Hz. Gusts move the shedding in and out of lock, so the hum comes and goes; rain adds broadband
 * patter. A steady tone with harmonics and broadband texture that pauses and resumes: what the grinder's
 * pause rule (round 15) takes for a tacho-regulated grinder (docs/detectors-motion.md, round 16).
 *
 * Model: the baluster's mode is a resonator driven by the shedding force (∝ U², at St·U/d, or at the mode
 * once locked) plus the part of it that the baluster's own motion synchronises, at the mode and `lockDb`
 * stronger in all once locked; that part builds up and fades over `lockCycles` cycles (an assumption: no
 * measured onset was found). The drag force at twice the shedding frequency reaches the sensor `inlineDb`
 * under the hum; a loose joint knocks once the swing passes `rattleGap` of the case's largest. `levelDb` is
 * the locked hum at the mean wind, over the scene's floor, so a case whose wind seldom locks is mostly the
 * weak forced response.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { jitterDirection, randomUnitVector } from './geometry';
import { addSegment, bandNoise, highPass, wander } from './noise';
import { MotionScene, drawScene, logUniform } from './scene';
import type { SceneParams, SceneRanges } from './scene';

type Range = readonly [number, number];

export interface RailingWindParams extends SceneParams {
  startS: number;
  endS: number;
  /** The baluster's bending mode, Hz, and its damping ratio. */
  modeHz: number;
  dampingRatio: number;
  /** Mean shedding frequency over the mode's (1: the mean wind locks it). */
  meanRatio: number;
  /** Gust strength (RMS, % of the mean wind) and how fast gusts change (bandwidth, Hz). */
  gustPct: number;
  gustHz: number;
  /** Half-width of the lock-in range, as a fraction of the mode. */
  lockWidth: number;
  /** How much stronger the shedding force is once locked, dB, and how many cycles locking takes. */
  lockDb: number;
  lockCycles: number;
  /** The in-line (drag) vibration at twice the shedding frequency, dB under the hum. */
  inlineDb: number;
  /** Whether a loose joint knocks, and above what share of the case's largest swing. */
  rattle: boolean;
  rattleGap: number;
  /** The locked hum at the mean wind, dB over the scene's floor. */
  levelDb: number;
  /** Whether it rains, and the patter on the railing, dB over the scene's floor. */
  rain: boolean;
  rainDb: number;
}

export interface RailingWindRanges {
  scene: SceneRanges;
  modeHz: Range;
  dampingRatio: Range;
  meanRatio: Range;
  gustPct: Range;
  gustHz: Range;
  lockWidth: Range;
  lockDb: Range;
  lockCycles: Range;
  inlineDb: Range;
  /** Share of cases with a loose joint, and its gap. */
  rattleShare: number;
  rattleGap: Range;
  levelDb: Range;
  /** Share of cases in rain, and its level. */
  rainShare: number;
  rainDb: Range;
}

export function drawRailingWind(
  rng: Rng, ranges: RailingWindRanges, options: { rateHz: number; durationS: number; startS: number; endS: number },
): RailingWindParams {
  const scene = drawScene(rng, ranges.scene, options.rateHz, options.durationS);
  const u = (r: Range): number => rng.uniform(r[0], r[1]);
  return {
    ...scene,
    startS: options.startS,
    endS: options.endS,
    modeHz: u(ranges.modeHz),
    dampingRatio: logUniform(rng, ranges.dampingRatio),
    meanRatio: u(ranges.meanRatio),
    gustPct: u(ranges.gustPct),
    gustHz: u(ranges.gustHz),
    lockWidth: u(ranges.lockWidth),
    lockDb: u(ranges.lockDb),
    lockCycles: u(ranges.lockCycles),
    inlineDb: u(ranges.inlineDb),
    rattle: rng.uniform(0, 1) < ranges.rattleShare,
    rattleGap: u(ranges.rattleGap),
    levelDb: u(ranges.levelDb),
    rain: rng.uniform(0, 1) < ranges.rainShare,
    rainDb: u(ranges.rainDb),
  };
}

export function railingWindSignal(rng: Rng, params: RailingWindParams): Signal {
  const scene = new MotionScene(rng, params);
  addRailingWind(rng, params, scene);
  return scene.render(rng);
}

/** Force scale of the resonator (its steady response is 1/(2ζ) of this at resonance): keeps figures near 1. */
const FORCE = 0.02;
/** Sub-steps per sample of the resonator's integration (semi-implicit Euler: 0.06 % frequency error at 250 Hz, 1600 Hz). */
const SUBSTEPS = 8;
/** How far past the gap the knocks reach, per unit of swing over it, and how ragged they are. */
const KNOCK_GAIN = 3;
const KNOCK_SPREAD = 0.5;
/** The railing's structure rings from here up when knocked, Hz. */
const KNOCK_LOW_HZ = 40;

/** Adds a singing railing's motion between startS and endS to a scene. */
export function addRailingWind(rng: Rng, params: RailingWindParams, scene: MotionScene): void {
  const { frames, rateHz } = scene;
  // An accelerometer's own filter takes out a mode this high: nothing to draw, and the resonator would not be stable.
  if (!(params.modeHz < rateHz * 0.45)) throw new RangeError(`railing: mode ${params.modeHz} Hz is above 45 % of the rate ${rateHz} Hz`);
  const active = new Float64Array(frames);
  addSegment(active, rateHz, params.startS, params.endS, 1);
  const gust = wander(rng, frames, rateHz, params.gustHz);
  const w = 2 * Math.PI * params.modeHz;
  const zeta = params.dampingRatio;
  const lockGain = 10 ** (params.lockDb / 20);
  const lockStep = 1 - Math.exp(-params.modeHz / (params.lockCycles * rateHz));
  const dt = 1 / (rateHz * SUBSTEPS);
  const nyquistSafeHz = rateHz * 0.45;
  const hum = new Float64Array(frames);
  const inline = new Float64Array(frames);
  let y = 0;
  let v = 0;
  let sheddingPhase = rng.uniform(0, 2 * Math.PI);
  let modePhase = sheddingPhase;
  let lock = 0;
  let largest = 0;
  for (let i = 0; i < frames; i++) {
    const windRatio = Math.max(0, 1 + (params.gustPct / 100) * gust[i]);
    const sheddingHz = params.modeHz * params.meanRatio * windRatio;
    const locked = Math.abs(sheddingHz / params.modeHz - 1) < params.lockWidth;
    lock += ((locked ? 1 : 0) - lock) * lockStep;
    // The shedding at St·U/d, and the part of it synchronised by the baluster's own motion, which is at the
    // mode whatever the wind does and fades as the synchronisation is lost.
    const shedding = active[i] * windRatio * windRatio * FORCE * w * w;
    const synchronised = shedding * (lockGain - 1) * lock;
    for (let s = 0; s < SUBSTEPS; s++) {
      modePhase += w * dt;
      // Locked, the shedding follows the baluster; unlocked it runs at its own frequency.
      sheddingPhase = locked ? modePhase : sheddingPhase + 2 * Math.PI * sheddingHz * dt;
      const force = shedding * Math.sin(sheddingPhase) + synchronised * Math.sin(modePhase);
      v += (force - 2 * zeta * w * v - w * w * y) * dt;
      y += v * dt;
    }
    hum[i] = -w * w * y;
    if (Math.abs(hum[i]) > largest) largest = Math.abs(hum[i]);
    // Above 45 % of the rate the sensor's own filter takes the drag's vibration out (no aliases).
    const sheddingDrag = 2 * sheddingHz < nyquistSafeHz ? shedding * Math.sin(2 * sheddingPhase + 1) : 0;
    inline[i] = sheddingDrag + synchronised * Math.sin(2 * modePhase + 1);
  }
  // Scale so that the locked hum at the mean wind has an RMS of 1: its peak is lockGain·FORCE·w²/(2ζ).
  const unit = (2 * zeta * Math.SQRT2) / (lockGain * FORCE * w * w);
  // Locked at the mode the hum is 1/(2ζ) of the force that drives it; the drag's vibration follows the force.
  const inlineGain = 10 ** (params.inlineDb / 20) / (2 * zeta);
  // Drawn with or without a rattle, so that what follows draws the same either way.
  const ragged = bandNoise(rng, frames, rateHz, 200, rateHz * 0.45);
  const knocks = new Float64Array(frames);
  if (params.rattle) {
    const gap = params.rattleGap * largest;
    for (let i = 0; i < frames; i++) {
      const over = Math.abs(hum[i]) - gap;
      if (over > 0) knocks[i] = Math.sign(hum[i]) * over * KNOCK_GAIN * (1 + KNOCK_SPREAD * ragged[i]);
    }
    // The knocks shake the railing at its own modes: nothing of them reaches the sensor as a slow drift (they
    // would otherwise pass into the tilt band as they wax and wane).
    highPass(knocks, rateHz, KNOCK_LOW_HZ);
  }
  const wave = new Float64Array(frames);
  for (let i = 0; i < frames; i++) wave[i] = (hum[i] + inlineGain * inline[i] + knocks[i]) * unit;
  const event = scene.eventBuffer();
  MotionScene.addAlong(event, wave, jitterDirection(rng, randomUnitVector(rng), 0.4));
  scene.addEvent(event, scene.floorRmsG * 10 ** (params.levelDb / 20));

  if (params.rain) {
    // Hundreds of drops a second on the handrail: broadband patter that swells with the gusts.
    const rain = bandNoise(rng, frames, rateHz, 150, rateHz * 0.45);
    for (let i = 0; i < frames; i++) rain[i] *= active[i] * Math.max(0.2, 1 + 0.3 * gust[i]);
    const rainEvent = scene.eventBuffer();
    MotionScene.addAlong(rainEvent, rain, randomUnitVector(rng));
    scene.addEvent(rainEvent, scene.floorRmsG * 10 ** (params.rainDb / 20));
  }
}

/**
 * What the accelerometer on the pane records while the microphone hears an acoustic case: the second
 * channel of a dual-technology window or display-case node, 3 axes at 1600 Hz, gravity included.
 *
 * - Every case: the building's vibration and the sensor's noise (the motion scene of the parameter set),
 *   and the pane driven by the sound in the room. Below its coincidence frequency (≈ 12.6 kHz·mm / h: 1–4 kHz
 *   for 3–12 mm glass, above the accelerometer's band) a pane follows the sound pressure by its mass, a = p / m″ with m″ = ρ·h (the mass law); the
 *   pressure is the microphone's (−26 dBFS = 94 dB SPL = 1 Pa rms, an INMP441-class MEMS microphone), so
 *   a kick drum at 105 dB SPL drives a 4 mm pane at about 0.4 m/s² rms. The pane's own resonances, which
 *   would raise this near its modes, are not modelled.
 * - A glass break: the blow that breaks the pane, a strike on the glass at the onset ringing at the
 *   pane's lowest flexural modes (the break's own pane) and damped as it breaks; its peak at the sensor
 *   from a medium blow to a shock (the impact ranges of the set).
 * - Knocks on a pane that stays whole (the acoustic corpus's pane_knock): each a strike on the glass from a
 *   tap to a light blow (the tapping and impact ranges of the set), ringing at the pane's modes.
 * - A door slam: the slam through the wall (the vibration library's door slam) at the onset.
 * Other confusers touch no pane: only their sound reaches it.
 *
 * With a joint loss (`jointLossDb` over 0) the node sits on another pane of the case than the one struck:
 * every strike (the break's blow, the knocks) reaches the node's pane that much weaker through the case's
 * joints, still ringing at the struck pane's modes; the sound drives the node's pane as before. How much a
 * case's joints take is not known here (bonded or framed glass, the distance around the corner): the loss is
 * what `eval --joint-loss-db` sweeps.
 */
import type { ParamSet } from './acoustic/ranges';
import { paneModesHz } from './acoustic/glass-break';
import type { LabelledCase } from './corpus';
import { drawConfuser, addConfuser } from './motion/confusers';
import { randomUnitVector } from './motion/geometry';
import { DEFAULT_MOTION_RANGES, HOLDOUT_MOTION_RANGES, type MotionRanges } from './motion/ranges';
import { MOTION_RATE_HZ, MotionScene, drawScene, logUniform } from './motion/scene';
import { addStrike } from './motion/strike';
import { resample } from './resample';
import type { Rng } from './rng';
import type { Signal } from './signal';

/** Sound pressure of a full-scale microphone sample, Pa (−26 dBFS sensitivity at 1 Pa). */
export const PA_PER_FULL_SCALE = 10 ** (26 / 20);
const GLASS_DENSITY_KG_M3 = 2500;
const G_MPS2 = 9.80665;
/** Pane thickness of a case without a break's own pane (a window's or a display case's glass), mm. */
const PANE_THICKNESS_MM: readonly [number, number] = [4, 12];

export interface PaneMotion {
  signal: Signal;
  /** Peaks at the node: `blowPeakG` and `knockPeakG` after the joint loss, if any. */
  params: {
    sensor: string; thicknessMm: number; jointLossDb: number; blowPeakG: number; knockPeakG: number; doorSlamPeakG: number; airbornePeakG: number;
  };
}

/** Largest joint loss `paneMotion` takes, dB (60 dB leaves a shock of 16 g at 16 mg, under any sensor's noise). */
export const MAX_JOINT_LOSS_DB = 60;

export function paneMotion(rng: Rng, set: ParamSet, c: LabelledCase, jointLossDb = 0): PaneMotion {
  if (c.sensor !== 'acoustic') throw new Error(`paneMotion: ${c.id} is a ${c.sensor} case, not an acoustic one`);
  if (!(jointLossDb >= 0 && jointLossDb <= MAX_JOINT_LOSS_DB)) {
    throw new RangeError(`paneMotion: jointLossDb must lie in 0..${MAX_JOINT_LOSS_DB} dB, not ${jointLossDb}`);
  }
  // Applied after every draw, so a case's motion differs between losses only by the strikes' strength.
  const jointGain = 10 ** (-jointLossDb / 20);
  const ranges: MotionRanges = set === 'holdout' ? HOLDOUT_MOTION_RANGES : DEFAULT_MOTION_RANGES;
  const durationS = c.signal.data.length / c.signal.rateHz;
  const scene = new MotionScene(rng, drawScene(rng, ranges.impact.scene, MOTION_RATE_HZ, durationS));
  const normal = randomUnitVector(rng);
  const isBreak = c.threat === 'glass_break';
  const ownPane = isBreak ? c.params.thicknessMm : c.params['pane.thicknessMm'];
  const thicknessMm = typeof ownPane === 'number' ? ownPane : rng.uniform(PANE_THICKNESS_MM[0], PANE_THICKNESS_MM[1]);

  // The sound drives the pane: acceleration from pressure by the pane's mass per area.
  const pressure = resample(c.signal, MOTION_RATE_HZ).data;
  const gPerFullScale = PA_PER_FULL_SCALE / (GLASS_DENSITY_KG_M3 * (thicknessMm / 1000)) / G_MPS2;
  const airborne = new Float64Array(scene.frames);
  let airbornePeakG = 0;
  for (let i = 0; i < airborne.length && i < pressure.length; i++) {
    airborne[i] = pressure[i] * gPerFullScale;
    airbornePeakG = Math.max(airbornePeakG, Math.abs(airborne[i]));
  }
  const sound = scene.eventBuffer();
  MotionScene.addAlong(sound, airborne, normal);
  scene.addEvent(sound);

  let blowPeakG = 0;
  if (isBreak && c.onsetS !== null) {
    blowPeakG = jointGain * logUniform(rng, [ranges.impact.blowPeakG.medium[0], ranges.impact.shockPeakG[1]]);
    strikePane(rng, scene, normal, paneModesOf(c, ''), c.onsetS, blowPeakG, rng.uniform(0.5, 3), rng.uniform(0.05, 0.2));
  }

  // Knocks on the whole pane: knuckle raps from a tap to a light blow, ringing longer (the pane holds).
  let knockPeakG = 0;
  if (c.group === 'pane_knock' && c.onsetS !== null) {
    const modes = paneModesOf(c, 'pane.');
    for (let k = 0; k < Number(c.params.knocks); k++) {
      const peakG = jointGain * logUniform(rng, [ranges.confusers.tapping.peakG[0], ranges.impact.blowPeakG.light[1]]);
      knockPeakG = Math.max(knockPeakG, peakG);
      strikePane(rng, scene, normal, modes, c.onsetS + k * Number(c.params.gapS), peakG, rng.uniform(1, 5), rng.uniform(0.01, 0.05));
    }
  }

  let doorSlamPeakG = 0;
  if (c.group === 'door_slam' && c.onsetS !== null) {
    const slam = drawConfuser(rng, ranges.confusers, 'door_slam', { rateHz: MOTION_RATE_HZ, durationS, startS: c.onsetS, endS: c.endS ?? durationS });
    doorSlamPeakG = Number(slam.peakG);
    addConfuser(rng, slam, scene);
  }
  return {
    signal: scene.render(rng),
    params: { sensor: scene.params.sensor, thicknessMm, jointLossDb, blowPeakG, knockPeakG, doorSlamPeakG, airbornePeakG },
  };
}

/** The lowest flexural modes of the case's pane (its parameters under `prefix`), Hz. */
function paneModesOf(c: LabelledCase, prefix: string): number[] {
  return paneModesHz({
    paneWidthM: Number(c.params[`${prefix}paneWidthM`]), paneHeightM: Number(c.params[`${prefix}paneHeightM`]),
    thicknessMm: Number(c.params[`${prefix}thicknessMm`]),
  });
}

/** A strike on the glass at `atS` along the pane's normal, ringing at its four lowest modes. */
function strikePane(
  rng: Rng, scene: MotionScene, normal: Readonly<[number, number, number]>, modesHz: readonly number[],
  atS: number, peakG: number, contactMs: number, dampingRatio: number,
): void {
  const wave = new Float64Array(scene.frames);
  addStrike(rng, wave, MOTION_RATE_HZ, atS, peakG, {
    contactMs, modeLoHz: Math.max(5, modesHz[0]), modeHiHz: Math.max(modesHz[0] * 1.5, modesHz[3]), modeCount: 4, dampingRatio, pulseWeight: 0.35,
  });
  const event = scene.eventBuffer();
  MotionScene.addAlong(event, wave, normal);
  scene.addEvent(event);
}

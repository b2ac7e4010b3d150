/**
 * Angle grinder cutting glass or a frame, as an accelerometer on the workpiece feels it
 * (reference/detectors.md §3): disc unbalance at the spindle speed (10,000–13,300 rpm unloaded,
 * 167–222 Hz) with harmonics at 2× and 3×, the speed sagging under feed pressure (towards ~100 Hz) and
 * wandering with it, broadband cutting texture while the disc touches, and a pattern of cuts and pauses.
 * During pauses the disc spins back up and only a weak tone reaches the sensor.
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { jitterDirection, randomUnitVector } from './geometry';
import { addSegment, bandNoise, wander } from './noise';
import { MotionScene, drawScene, gainForLevel, logUniform } from './scene';
import type { SceneParams, SceneRanges } from './scene';
import { formatSegments, parseSegments } from './timing';
import type { Segment } from './timing';

export interface GrinderParams extends SceneParams {
  /** Cutting pattern: contact segments in seconds ("start-end,..."); the first starts at the onset. */
  contactS: string;
  /** Spinning (audible through the handle and air) before the first contact, s. */
  approachS: number;
  /** RMS of the event while in contact, dB above the scene's floor. */
  levelDb: number;
  rpmUnloaded: number;
  /** Fractional speed drop under load (0.4: to 60 % of the unloaded speed). */
  loadDrop: number;
  /** Speed wander with feed pressure, RMS percent of the speed. */
  wanderPct: number;
  /** How fast the feed pressure changes (bandwidth of the wander), Hz. */
  wanderHz: number;
  /** Spindle's time constant for following load changes, s. */
  spindleTauS: number;
  /** Amplitude of the 2nd and 3rd harmonics relative to the fundamental at the source. */
  harmonic2: number;
  harmonic3: number;
  /** Extra attenuation with frequency on the way to the sensor (distance, joints), dB per kHz. */
  couplingDbPerKHz: number;
  /** Share of the contact power in broadband cutting texture (0..1). */
  textureShare: number;
  /** Lower edge of the cutting texture, Hz. */
  textureLoHz: number;
  /** Tone level during pauses relative to contact, dB (negative). */
  pauseDb: number;
  /** How far the vibration direction strays from the workpiece's normal (0 pure normal, 1 random). */
  directionSpread: number;
}

export interface GrinderRanges {
  scene: SceneRanges;
  rpmUnloaded: readonly [number, number];
  loadDrop: readonly [number, number];
  wanderPct: readonly [number, number];
  wanderHz: readonly [number, number];
  spindleTauS: readonly [number, number];
  harmonic2: readonly [number, number];
  harmonic3: readonly [number, number];
  couplingDbPerKHz: readonly [number, number];
  textureShare: readonly [number, number];
  textureLoHz: readonly [number, number];
  pauseDb: readonly [number, number];
  directionSpread: readonly [number, number];
  firstCutS: readonly [number, number];
  cutS: readonly [number, number];
  pauseS: readonly [number, number];
  approachS: readonly [number, number];
}

/** Draws a grinder case: `activeS` of cutting from `onsetS` at `levelDb` above the floor. */
export function drawGrinder(
  rng: Rng, ranges: GrinderRanges, options: { rateHz: number; durationS: number; onsetS: number; activeS: number; levelDb: number },
): GrinderParams {
  const scene = drawScene(rng, ranges.scene, options.rateHz, options.durationS);
  const u = (r: readonly [number, number]): number => rng.uniform(r[0], r[1]);
  const end = Math.min(options.onsetS + options.activeS, options.durationS);
  const segments: Segment[] = [];
  let t = options.onsetS;
  let cut = u(ranges.firstCutS);
  // Contacts shorter than 50 ms (a sliver cut off by the end of the case) are left out.
  while (t < end - 0.05) {
    const stop = Math.min(end, t + cut);
    segments.push([t, stop]);
    t = stop + u(ranges.pauseS);
    cut = u(ranges.cutS);
  }
  return {
    ...scene,
    contactS: formatSegments(segments),
    approachS: u(ranges.approachS),
    levelDb: options.levelDb,
    rpmUnloaded: u(ranges.rpmUnloaded),
    loadDrop: u(ranges.loadDrop),
    wanderPct: u(ranges.wanderPct),
    wanderHz: u(ranges.wanderHz),
    spindleTauS: u(ranges.spindleTauS),
    harmonic2: u(ranges.harmonic2),
    harmonic3: u(ranges.harmonic3),
    couplingDbPerKHz: u(ranges.couplingDbPerKHz),
    textureShare: u(ranges.textureShare),
    textureLoHz: logUniform(rng, ranges.textureLoHz),
    pauseDb: u(ranges.pauseDb),
    directionSpread: u(ranges.directionSpread),
  };
}

/** Instantaneous spindle frequency (Hz) of a grinder case, frame by frame. */
export function grinderSpeedHz(rng: Rng, params: GrinderParams, frames: number, contact: Float64Array): Float64Array {
  const rateHz = params.rateHz;
  const unloadedHz = params.rpmUnloaded / 60;
  const feed = wander(rng, frames, rateHz, params.wanderHz);
  const pressure = wander(rng, frames, rateHz, params.wanderHz * 0.5);
  const speed = new Float64Array(frames);
  const a = Math.exp(-1 / (params.spindleTauS * rateHz));
  let f = unloadedHz;
  for (let i = 0; i < frames; i++) {
    // Feed pressure varies the load; even a heavy push does not stall the disc below ~55 % of its speed.
    const load = Math.min(0.45, params.loadDrop * contact[i] * Math.max(0, 1 + 0.3 * pressure[i]));
    const target = unloadedHz * (1 - load) * (1 + (params.wanderPct / 100) * feed[i]);
    f = a * f + (1 - a) * target;
    speed[i] = f;
  }
  return speed;
}

export function grinderSignal(rng: Rng, params: GrinderParams): Signal {
  const scene = new MotionScene(rng, params);
  addGrinder(rng, params, scene);
  return scene.render(rng);
}

/** Adds a grinder case's motion to a scene; the simulator mixes it with other events before the scene is rendered. */
export function addGrinder(rng: Rng, params: GrinderParams, scene: MotionScene): void {
  const { frames, rateHz } = scene;
  const segments = parseSegments(params.contactS);
  if (segments.length === 0) throw new Error('grinderSignal: contactS lists no contact');
  const contact = new Float64Array(frames);
  for (const [a, b] of segments) addSegment(contact, rateHz, a, b, 0.03);
  const spinning = new Float64Array(frames);
  const lastContact = segments[segments.length - 1][1];
  addSegment(spinning, rateHz, Math.max(0, segments[0][0] - params.approachS), lastContact + 0.4, 0.2);

  const speed = grinderSpeedHz(rng, params, frames, contact);
  const pressure = wander(rng, frames, rateHz, 2);
  const pauseGain = 10 ** (params.pauseDb / 20);
  const nyquistHz = rateHz / 2;
  const theta2 = rng.uniform(0, 2 * Math.PI);
  const theta3 = rng.uniform(0, 2 * Math.PI);
  const tone = new Float64Array(frames);
  let phase = rng.uniform(0, 2 * Math.PI);
  for (let i = 0; i < frames; i++) {
    const f = speed[i];
    phase += (2 * Math.PI * f) / rateHz;
    if (spinning[i] === 0) continue;
    const coupling = (h: number): number => (h * f < nyquistHz * 0.95 ? 10 ** ((-params.couplingDbPerKHz * h * f) / 20000) : 0);
    const level = spinning[i] * (pauseGain + (1 - pauseGain) * contact[i]) * (1 + 0.15 * pressure[i]);
    tone[i] = level * (coupling(1) * Math.sin(phase) + params.harmonic2 * coupling(2) * Math.sin(2 * phase + theta2) +
      params.harmonic3 * coupling(3) * Math.sin(3 * phase + theta3));
  }

  const texture = bandNoise(rng, frames, rateHz, params.textureLoHz, rateHz * 0.45);
  const grit = wander(rng, frames, rateHz, 6);
  for (let i = 0; i < frames; i++) texture[i] *= contact[i] * Math.max(0.2, 1 + 0.4 * grit[i]);
  // Scale the texture to its share of the contact power.
  let toneSq = 0, textureSq = 0;
  for (let i = 0; i < frames; i++) {
    if (contact[i] > 0.5) {
      toneSq += tone[i] * tone[i];
      textureSq += texture[i] * texture[i];
    }
  }
  const share = params.textureShare;
  const textureGain = textureSq > 0 ? Math.sqrt((share / (1 - share)) * (toneSq / textureSq)) : 0;

  const normal = randomUnitVector(rng);
  const toneDirection = jitterDirection(rng, normal, params.directionSpread);
  const textureDirection = jitterDirection(rng, normal, params.directionSpread + 0.3);
  const event = scene.eventBuffer();
  MotionScene.addAlong(event, tone, toneDirection);
  MotionScene.addAlong(event, texture, textureDirection, textureGain);
  scene.addEvent(event, gainForLevel(scene, event, contact, params.levelDb));
}

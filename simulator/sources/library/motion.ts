/**
 * The accelerometer's side of the scenario, from the motion signal library: the building's vibration
 * under every node and a generator for every event kind an accelerometer feels. Each event is added to
 * a scene of its own (the motion library's `add*` functions) with no ambient, an unrotated sensor and
 * the LIS3DH model, and handed over as what it adds in the structure's frame: dynamic acceleration
 * plus the change of gravity (tilt, wind sway); the source adds gravity, the mounting, the part's noise
 * and the quantisation once for everything. Strengths follow the scenario: `peakG` is an impact's or a
 * tap's peak, a grinder's amplitude while cutting (its RMS is peakG/√2), a vacuum's or traffic's
 * rumble (likewise), all reduced by distance (gainDb). Parameters the scenario does not give are drawn
 * from the library's default ranges with the event's own seed.
 */
import type { EventKind } from '../../scenario/catalogue';
import { Rng } from '../../signals/rng';
import type { Signal } from '../../signals/signal';
import { addConfuser, drawConfuser } from '../../signals/motion/confusers';
import type { ConfuserKind, ConfuserParams } from '../../signals/motion/confusers';
import { addGrinder, drawGrinder } from '../../signals/motion/grinder';
import { addImpacts, drawImpact } from '../../signals/motion/impacts';
import { DEFAULT_MOTION_RANGES } from '../../signals/motion/ranges';
import { MotionScene } from '../../signals/motion/scene';
import type { SceneParams } from '../../signals/motion/scene';
import { addTilt, drawTilt } from '../../signals/motion/tilt';
import { formatInstants, formatSegments } from '../../signals/motion/timing';
import type { Segment } from '../../signals/motion/timing';
import type { AmbientGenerator, EventGenerator, EventRenderRequest, RenderedEvent } from '../generators';

const RANGES = DEFAULT_MOTION_RANGES;
/** Ringing and release after an event's stated end. */
const TAIL_S = 1;
/**
 * Peak of the shock that breaks a pane, as the node on it feels it, g: the lower quartile of the breaks the
 * evaluation's pane model renders at the sensor (default seeds 1–12; median 3.1 g), and over the
 * glass-break detector's flexFullG (0.8 g), so a scenario's break gets the whole flex bonus as most do.
 */
const GLASS_BREAK_FLEX_G = 1.6;
/** Building vibration (2–80 Hz, mostly vertical) under a gallery, vector RMS, g, by ambient profile. */
const BUILDING_RMS_G = { quiet_gallery: 0.0008, busy_gallery: 0.0015, closed_night: 0.0005 } as const;

type Params = Record<string, number | string>;

function param(request: EventRenderRequest, name: string): number {
  return (request.event.params as Params)[name] as number;
}

function gainOf(request: EventRenderRequest): number {
  return 10 ** (request.gainDb / 20);
}

/** A scene that holds only what is added to it: no building vibration, the sensor unrotated. */
function bareScene(rateHz: number, durationS: number): SceneParams {
  return { rateHz, durationS, sensor: 'lis3dh_8g', mountW: 1, mountX: 0, mountY: 0, mountZ: 0, ambientRmsG: 0 };
}

/** What a scene's events add, in the structure frame: motion plus the change of gravity from straight down. */
function added(scene: MotionScene): Signal {
  const out = new Float32Array(scene.frames * 3);
  for (let i = 0; i < out.length; i++) out[i] = scene.motion[i] + scene.gravity[i] - (i % 3 === 2 ? 1 : 0);
  return { rateHz: scene.rateHz, channels: 3, data: out };
}

function render<P extends SceneParams>(request: EventRenderRequest, params: P, add: (rng: Rng, params: P, scene: MotionScene) => void): RenderedEvent {
  const scene = new MotionScene(request.rng, params);
  add(request.rng, params, scene);
  return { offsetS: 0, signal: added(scene) };
}

/** The level over the bare scene's floor (the sensor model's noise) that gives an active RMS of `rmsG`. */
function levelFor(rateHz: number, rmsG: number): number {
  const floor = new MotionScene(new Rng(0), bareScene(rateHz, 0.01)).floorRmsG;
  return 20 * Math.log10(Math.max(1e-6, rmsG) / floor);
}

function lengthS(request: EventRenderRequest): number {
  return request.event.durationS + TAIL_S;
}

function confuser(kind: ConfuserKind, figures: (request: EventRenderRequest) => Partial<ConfuserParams>): (request: EventRenderRequest) => RenderedEvent {
  return (request) => {
    const durationS = lengthS(request);
    const drawn = drawConfuser(request.rng, RANGES.confusers, kind, {
      rateHz: request.rateHz, durationS, startS: 0, endS: Math.max(0.1, request.event.durationS),
    });
    return render(request, { ...drawn, ...bareScene(request.rateHz, durationS), ...figures(request) } as ConfuserParams, addConfuser);
  };
}

/** Cuts of `cutS` separated by `pauseS`, from 0 to `durationS`. */
function cuts(durationS: number, cutS: number, pauseS: number): Segment[] {
  const segments: Segment[] = [];
  for (let t = 0; t < durationS; t += cutS + pauseS) segments.push([t, Math.min(durationS, t + cutS)]);
  return segments.filter(([a, b]) => b - a > 0.05);
}

function grinder(request: EventRenderRequest): RenderedEvent {
  const durationS = lengthS(request);
  const active = request.event.durationS;
  const drawn = drawGrinder(request.rng, RANGES.grinder, { rateHz: request.rateHz, durationS, onsetS: 0, activeS: active, levelDb: 20 });
  return render(request, {
    ...drawn, ...bareScene(request.rateHz, durationS),
    contactS: formatSegments(cuts(active, param(request, 'cutS'), param(request, 'pauseS'))),
    approachS: 0,
    rpmUnloaded: param(request, 'rpm'),
    loadDrop: param(request, 'loadDropPct') / 100,
    levelDb: levelFor(request.rateHz, (param(request, 'peakG') * gainOf(request)) / Math.SQRT2),
  }, addGrinder);
}

/** `count` blows `intervalS` apart on the node's glass or frame, each peaking at `peakG` at the node. */
function blowsOn(request: EventRenderRequest, count: number, intervalS: number, peakG: number): RenderedEvent {
  const durationS = (count - 1) * intervalS + TAIL_S + 1;
  const part = request.node.surface === 'glass' ? 'glass' : 'frame';
  const drawn = drawImpact(request.rng, RANGES.impact, { rateHz: request.rateHz, durationS, onsetS: 0, kind: 'series', part, grade: 'medium' });
  const times = Array.from({ length: count }, (_, i) => i * intervalS);
  return render(request, {
    ...drawn, ...bareScene(request.rateHz, durationS),
    blowTimesS: formatInstants(times),
    blowPeaksG: times.map(() => peakG.toFixed(4)).join(','),
  }, addImpacts);
}

/** A lean of `angleDeg` (ladder or lift) or sway alone (wind), released when the event ends. */
function leaning(request: EventRenderRequest, angleDeg: number, rampS: number, sway: { deg: number; hz: number } | undefined): RenderedEvent {
  const active = request.event.durationS;
  const releaseS = Math.max(0.2, rampS);
  const durationS = active + releaseS + TAIL_S;
  const drawn = drawTilt(request.rng, RANGES.tilt, {
    rateHz: request.rateHz, durationS, onsetS: 0, angleDeg, climb: sway === undefined,
    swayDeg: sway === undefined ? undefined : [sway.deg, sway.deg],
  });
  const rendered = render(request, {
    ...drawn, ...bareScene(request.rateHz, durationS), rampS,
    ...(sway === undefined ? {} : { swayHz: sway.hz, gustDepth: 0.6 }),
  }, addTilt);
  // The load comes off when the event ends: what it added fades back to nothing (raised cosine).
  const data = rendered.signal.data;
  const frames = data.length / 3;
  const endFrame = Math.round(active * request.rateHz);
  const releaseFrames = Math.max(1, Math.round(releaseS * request.rateHz));
  for (let f = endFrame; f < frames; f++) {
    const g = f - endFrame >= releaseFrames ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * (f - endFrame)) / releaseFrames);
    for (let ch = 0; ch < 3; ch++) data[f * 3 + ch] *= g;
  }
  return rendered;
}

export const ACCELEROMETER_EVENTS: { readonly [K in EventKind]?: EventGenerator } = {
  grinder,
  impact: (request) => blowsOn(request, param(request, 'blows'), param(request, 'intervalS'), param(request, 'peakG') * gainOf(request)),
  // The blow that breaks the pane shakes it once: a flex the vibration pipeline reports for corroboration.
  glass_break: (request) => blowsOn(request, 1, 1, GLASS_BREAK_FLEX_G * gainOf(request)),
  tilt: (request) => leaning(request, param(request, 'angleDeg'), param(request, 'rampS'), undefined),
  wind: (request) => leaning(request, 0, 0, { deg: param(request, 'swayDeg'), hz: 1 / param(request, 'periodS') }),
  tap: confuser('tapping', (r) => ({
    tapTimesS: formatInstants(Array.from({ length: param(r, 'taps') }, (_, i) => i * 0.35)), peakG: param(r, 'peakG') * gainOf(r),
  })),
  footsteps: confuser('footsteps', (r) => ({ peakG: param(r, 'peakG') * gainOf(r) })),
  // Visitors walking by: their steps reach the node faintly (10 mg for a group of 20).
  visitors: confuser('footsteps', (r) => ({ peakG: 0.01 * Math.sqrt(param(r, 'count') / 20) * gainOf(r) })),
  door_slam: confuser('door_slam', (r) => ({ peakG: param(r, 'peakG') * gainOf(r) })),
  // A dropped object thumps the floor the case stands on: a door slam's dead thump at its own strength.
  dropped_object: confuser('door_slam', (r) => ({ peakG: param(r, 'peakG') * gainOf(r), rattleShare: 0.05 })),
  vacuum: confuser('vacuum', (r) => ({
    motorHz: Math.min(r.rateHz * 0.45, param(r, 'motorHz')), levelDb: levelFor(r.rateHz, (param(r, 'peakG') * gainOf(r)) / Math.SQRT2),
  })),
  traffic: confuser('traffic', (r) => ({ rmsG: (param(r, 'peakG') * gainOf(r)) / Math.SQRT2 })),
};

/** The building's vibration under a node (the motion library's scene ambient), without gravity or sensor noise. */
export const ACCELEROMETER_AMBIENT: Pick<AmbientGenerator, 'render' | 'floorRms'> = {
  render(request) {
    const scene = new MotionScene(request.rng, {
      ...bareScene(request.rateHz, request.durationS), ambientRmsG: BUILDING_RMS_G[request.ambient.profile],
    });
    return { rateHz: request.rateHz, channels: 3, data: Float32Array.from(scene.motion) };
  },
  floorRms(ambient) {
    return BUILDING_RMS_G[ambient.profile];
  },
};

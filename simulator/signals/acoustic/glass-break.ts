/**
 * Glass break of a framed pane, as a microphone in the room hears it (16 kHz, full-scale units).
 *
 * Physics modelled, in time order from the onset at t = 0:
 * - impact: a broadband click from the blow plus the pane's first flexural modes (simply supported
 *   plate, f_mn = (π/2)·√(D/ρh)·((m/a)² + (n/b)²)), damped within ≤ 0.2 s because the pane breaks;
 * - cracks: a short broadband burst per ply as cracks run through the glass;
 * - shatter: many shard transients, each a click plus one to three short-ringing fragment modes, with
 *   Poisson arrivals whose rate and amplitude decay over 0.1–1.5 s; fragment size (glass type) sets
 *   the mode frequencies, mostly 3–8 kHz;
 * - tinkle: falling fragments hitting the floor after the fall time √(2h/g): sparse, high-Q rings
 *   near 6.5 kHz at the end of the event;
 * - the room: distance, air absorption and reverberation (room.ts).
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { type ParamSet, type Range, checkIn, drawIn, drawLog, range } from './ranges';
import { type RoomParams, propagate } from './room';
import { MIC_RATE_HZ, addInto, addMode, energy, noiseBurst, samplesOf } from './synth';

export type GlassType = 'float' | 'tempered' | 'laminated' | 'wired';
export const GLASS_TYPES: readonly GlassType[] = ['float', 'tempered', 'laminated', 'wired'];

export interface GlassBreakParams {
  glass: GlassType;
  paneWidthM: number;
  paneHeightM: number;
  thicknessMm: number;
  /** How long shards keep arriving: 0.1–1.5 s. */
  shatterS: number;
  /** Energy of the low-frequency impact (pane modes) relative to the shatter, dB. */
  thumpDb: number;
  /** Height the fragments fall before they hit the floor or sill (sets the tinkle's delay). */
  fallHeightM: number;
  room: RoomParams;
}

/** What each glass type does when it fails. */
interface GlassBehaviour {
  /** Micro-fragments per square metre in the fracture crash (a dense, noise-like burst). */
  crashShardsPerM2: number;
  /** Fragments per square metre that detach, fall and hit the frame, the sill and each other. */
  fragmentsPerM2: number;
  /** Median fragment-mode frequency; smaller fragments ring higher. */
  fragmentHz: number;
  /** Quality factor range of fragment modes (laminated fragments are damped by the interlayer). */
  fragmentQ: Range;
  /** Plies that crack separately (laminated: two, each with its own crack burst). */
  plies: number;
  /** Share of fragments that fall clear and tinkle on the floor (laminated and wired glass hold theirs). */
  fallingShare: number;
  thicknessMm: Range;
  shatterS: Range;
}

const BEHAVIOUR: Record<GlassType, GlassBehaviour> = {
  float: { crashShardsPerM2: 300, fragmentsPerM2: 80, fragmentHz: 4800, fragmentQ: range(25, 80), plies: 1, fallingShare: 1, thicknessMm: range(3, 8), shatterS: range(0.3, 1.2) },
  tempered: { crashShardsPerM2: 1500, fragmentsPerM2: 400, fragmentHz: 6000, fragmentQ: range(30, 90), plies: 1, fallingShare: 1, thicknessMm: range(4, 10), shatterS: range(0.4, 1.5) },
  laminated: { crashShardsPerM2: 250, fragmentsPerM2: 30, fragmentHz: 4000, fragmentQ: range(8, 30), plies: 2, fallingShare: 0.15, thicknessMm: range(6.4, 12), shatterS: range(0.1, 0.5) },
  wired: { crashShardsPerM2: 250, fragmentsPerM2: 40, fragmentHz: 4400, fragmentQ: range(15, 60), plies: 1, fallingShare: 0.35, thicknessMm: range(6, 7), shatterS: range(0.2, 0.8) },
};

export interface GlassBreakRanges {
  paneSideM: Range;
  /** Multiplies the glass type's own shatter duration range. */
  shatterScale: Range;
  thumpDb: Range;
  fallHeightM: Range;
  distanceM: Range;
  rt60S: Range;
  roomVolumeM3: Range;
}

/** Default ranges (tuned on) and holdout ranges (never tuned on): other pane sizes, distances, rooms. */
export const GLASS_BREAK_RANGES: Record<ParamSet, GlassBreakRanges> = {
  default: {
    paneSideM: range(0.35, 1.2),
    shatterScale: range(0.85, 1),
    thumpDb: range(-12, -3),
    fallHeightM: range(0.6, 1.5),
    distanceM: range(1, 5),
    rt60S: range(0.4, 1.1),
    roomVolumeM3: range(80, 600),
  },
  holdout: {
    paneSideM: range(0.28, 2.2),
    shatterScale: range(0.7, 1),
    thumpDb: range(-15, 0),
    fallHeightM: range(0.3, 2.5),
    distanceM: range(0.6, 7.5),
    rt60S: range(1.1, 1.8),
    roomVolumeM3: range(600, 2500),
  },
};

/** Limits accepted by the generator (wider than either set of ranges). */
const LIMITS = {
  paneSideM: range(0.2, 3),
  thicknessMm: range(2, 20),
  shatterS: range(0.1, 1.5),
  thumpDb: range(-30, 6),
  fallHeightM: range(0.1, 4),
  distanceM: range(0.3, 15),
  rt60S: range(0.2, 3),
  roomVolumeM3: range(20, 10000),
};

export function drawGlassBreakParams(rng: Rng, set: ParamSet, glass: GlassType = rng.pick(GLASS_TYPES)): GlassBreakParams {
  const r = GLASS_BREAK_RANGES[set];
  const behaviour = BEHAVIOUR[glass];
  const shatterS = Math.min(LIMITS.shatterS.max, Math.max(LIMITS.shatterS.min, drawIn(rng, behaviour.shatterS) * drawIn(rng, r.shatterScale)));
  return {
    glass,
    paneWidthM: drawLog(rng, r.paneSideM),
    paneHeightM: drawLog(rng, r.paneSideM),
    thicknessMm: drawIn(rng, behaviour.thicknessMm),
    shatterS,
    thumpDb: drawIn(rng, r.thumpDb),
    fallHeightM: drawIn(rng, r.fallHeightM),
    room: { distanceM: drawLog(rng, r.distanceM), rt60S: drawIn(rng, r.rt60S), roomVolumeM3: drawLog(rng, r.roomVolumeM3) },
  };
}

export function checkGlassBreakParams(p: GlassBreakParams): void {
  if (!GLASS_TYPES.includes(p.glass)) throw new RangeError(`glassBreak.glass: unknown glass type '${String(p.glass)}'`);
  checkIn('glassBreak.paneWidthM', p.paneWidthM, LIMITS.paneSideM);
  checkIn('glassBreak.paneHeightM', p.paneHeightM, LIMITS.paneSideM);
  checkIn('glassBreak.thicknessMm', p.thicknessMm, LIMITS.thicknessMm);
  checkIn('glassBreak.shatterS', p.shatterS, LIMITS.shatterS);
  checkIn('glassBreak.thumpDb', p.thumpDb, LIMITS.thumpDb);
  checkIn('glassBreak.fallHeightM', p.fallHeightM, LIMITS.fallHeightM);
  checkIn('glassBreak.room.distanceM', p.room.distanceM, LIMITS.distanceM);
  checkIn('glassBreak.room.rt60S', p.room.rt60S, LIMITS.rt60S);
  checkIn('glassBreak.room.roomVolumeM3', p.room.roomVolumeM3, LIMITS.roomVolumeM3);
}

const GLASS_YOUNG_PA = 70e9;
const GLASS_POISSON = 0.22;
const GLASS_DENSITY_KG_M3 = 2500;
const GRAVITY_MPS2 = 9.81;
/** Highest mode frequency synthesised: keeps every partial below the 8 kHz Nyquist limit. */
const MAX_MODE_HZ = 7800;
/** Cap on synthesised shards (dense tempered panes would otherwise cost seconds to build). */
const MAX_SHARDS = 2500;

/** Lowest flexural modes of the pane as a simply supported plate, Hz. */
export function paneModesHz(p: Pick<GlassBreakParams, 'paneWidthM' | 'paneHeightM' | 'thicknessMm'>): number[] {
  const h = p.thicknessMm / 1000;
  const stiffness = (GLASS_YOUNG_PA * h ** 3) / (12 * (1 - GLASS_POISSON ** 2));
  const k = (Math.PI / 2) * Math.sqrt(stiffness / (GLASS_DENSITY_KG_M3 * h));
  const modes: number[] = [];
  for (const [m, n] of [[1, 1], [1, 2], [2, 1], [2, 2], [1, 3], [3, 1]]) {
    modes.push(k * ((m / p.paneWidthM) ** 2 + (n / p.paneHeightM) ** 2));
  }
  return modes.sort((a, b) => a - b);
}

/** The glass break at the microphone; the impact (onset) is at sample 0. */
export function glassBreak(rng: Rng, p: GlassBreakParams): Signal {
  checkGlassBreakParams(p);
  const behaviour = BEHAVIOUR[p.glass];
  const area = p.paneWidthM * p.paneHeightM;
  const fallS = Math.sqrt((2 * p.fallHeightM) / GRAVITY_MPS2);
  const dry = new Float32Array(samplesOf(p.shatterS + fallS + 0.15));

  // Shatter first, so the impact can be scaled against it.
  const shatter = new Float32Array(dry.length);
  // The fracture crash: micro-fragments flying off within the first tens of milliseconds.
  const crashS = Math.min(p.shatterS, rng.uniform(0.03, 0.12));
  const crashShards = Math.min(MAX_SHARDS, Math.max(20, Math.round(behaviour.crashShardsPerM2 * area)));
  for (let i = 0; i < crashShards; i++) {
    const t = -(crashS / 3) * Math.log(1 - rng.next() * (1 - Math.exp(-3)));
    addShard(rng, shatter, samplesOf(t), 0.5 * Math.exp(-t / crashS + 0.6 * rng.normal()), behaviour);
  }
  // The fall: fragments hitting the frame, the sill and each other, Poisson arrivals thinning out.
  const fragments = Math.min(MAX_SHARDS, Math.max(12, Math.round(behaviour.fragmentsPerM2 * area)));
  const rateDecayS = p.shatterS / 2.5;
  const spread = 1 - Math.exp(-p.shatterS / rateDecayS);
  for (let i = 0; i < fragments; i++) {
    const t = -rateDecayS * Math.log(1 - rng.next() * spread);
    addShard(rng, shatter, samplesOf(t), Math.exp(-t / p.shatterS + 1.0 * rng.normal()), behaviour);
  }
  // Crack bursts: one per ply, the second ply a few ms to tens of ms later.
  let crackS = 0;
  for (let ply = 0; ply < behaviour.plies; ply++) {
    const burst = noiseBurst(rng, 0.04, 0.0005, rng.uniform(0.004, 0.012), [{ kind: 'highpass', freqHz: 1500, q: 0.7 }]);
    addInto(shatter, burst, samplesOf(crackS), rng.uniform(2, 4));
    crackS += rng.uniform(0.01, 0.08);
  }
  // Tinkle: fragments released during the shatter land after the fall time.
  const falling = Math.round(behaviour.fallingShare * rng.uniform(6, 14) * Math.sqrt(area * 4));
  for (let i = 0; i < falling; i++) {
    const landS = rng.uniform(0.05, p.shatterS) + fallS * rng.uniform(0.9, 1.1);
    const freq = Math.min(MAX_MODE_HZ, 6500 * Math.exp(0.08 * rng.normal()));
    const q = rng.uniform(150, 400);
    addMode(shatter, samplesOf(landS), freq, 0.5 * Math.exp(0.5 * rng.normal()), q / (Math.PI * freq), rng.uniform(0, 2 * Math.PI));
  }

  // Impact: the blow's click and the pane's low modes, damped as the pane loses its stiffness.
  const thump = paneThump(rng, p, rng.uniform(0.025, 0.055), 0.25);
  const thumpGain = Math.sqrt((energy(shatter) * 10 ** (p.thumpDb / 10)) / Math.max(1e-30, energy(thump)));
  addInto(dry, thump, 0, thumpGain);
  addInto(dry, shatter, 0);
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}

/**
 * A blow on the pane that does not break it (a thief's first strikes, a knock): the pane's low modes and
 * the blow's click, ringing for 50–150 ms because the pane keeps its stiffness, through the same room.
 */
export function paneKnock(rng: Rng, p: GlassBreakParams): Signal {
  checkGlassBreakParams(p);
  const dry = paneThump(rng, p, rng.uniform(0.05, 0.15), 0.6);
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}

/** Knuckle knocks on a pane that stays whole (a visitor knocking on a display case): how many, how far apart. */
export interface PaneKnockParams {
  pane: GlassBreakParams;
  knocks: number;
  gapS: number;
}

const PANE_KNOCK_RANGES: Record<ParamSet, { knocks: readonly [number, number]; gapS: Range }> = {
  default: { knocks: [1, 3], gapS: range(0.15, 0.4) },
  holdout: { knocks: [2, 5], gapS: range(0.1, 0.3) },
};

export function drawPaneKnockParams(rng: Rng, set: ParamSet): PaneKnockParams {
  const r = PANE_KNOCK_RANGES[set];
  return { pane: drawGlassBreakParams(rng, set), knocks: rng.int(r.knocks[0], r.knocks[1]), gapS: drawIn(rng, r.gapS) };
}

/** `knocks` knocks on the whole pane, `gapS` apart from t = 0, through the pane's room. */
export function paneKnocks(rng: Rng, p: PaneKnockParams): Signal {
  checkGlassBreakParams(p.pane);
  if (!Number.isInteger(p.knocks) || p.knocks < 1 || p.knocks > 10) throw new RangeError(`paneKnocks.knocks: ${p.knocks} is not a whole number 1..10`);
  checkIn('paneKnocks.gapS', p.gapS, range(0.05, 2));
  const dry = new Float32Array(samplesOf((p.knocks - 1) * p.gapS + 0.6));
  for (let k = 0; k < p.knocks; k++) {
    addInto(dry, paneThump(rng, p.pane, rng.uniform(0.05, 0.15), 0.6), samplesOf(k * p.gapS), Math.exp(0.3 * rng.normal()));
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.pane.room) };
}

/** The pane's first four flexural modes (decay time constant about `decayS`) and the blow's click, `lengthS` long. */
function paneThump(rng: Rng, p: GlassBreakParams, decayS: number, lengthS: number): Float32Array {
  const thump = new Float32Array(samplesOf(lengthS));
  paneModesHz(p).slice(0, 4).forEach((f, i) => addMode(thump, 0, f, 1 / (i + 1), decayS * rng.uniform(0.7, 1.2), rng.uniform(0, 2 * Math.PI)));
  const click = noiseBurst(rng, 0.006, 0.0002, 0.0015, [{ kind: 'highpass', freqHz: 200, q: 0.7 }]);
  addInto(thump, click, 0, 0.3);
  return thump;
}

/** One shard hitting and ringing: a broadband click plus one to three fragment modes. */
function addShard(rng: Rng, out: Float32Array, start: number, amplitude: number, behaviour: GlassBehaviour): void {
  // The click of the hit: a second difference (no DC), since a fragment a few mm across radiates
  // almost nothing at low frequencies.
  const sign = rng.next() < 0.5 ? -1 : 1;
  if (start + 3 < out.length) {
    out[start] -= sign * amplitude * 0.3;
    out[start + 1] += sign * amplitude * 0.6;
    out[start + 2] -= sign * amplitude * 0.3;
  }
  const modes = rng.int(1, 3);
  for (let m = 0; m < modes; m++) {
    const freq = Math.min(MAX_MODE_HZ, Math.max(1500, behaviour.fragmentHz * Math.exp(0.35 * rng.normal())));
    const q = drawIn(rng, behaviour.fragmentQ);
    addMode(out, start, freq, (0.7 * amplitude) / modes, q / (Math.PI * freq), rng.uniform(0, 2 * Math.PI));
  }
}

/**
 * Impact confusers: hand claps (one short transient each), door slams and dropped objects (heavy in
 * low frequencies, with a latch click, a rattle or a few bounces).
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { type ParamSet, type Range, checkIn, drawLog, range } from './ranges';
import { type RoomParams, drawRoom, propagate } from './room';
import { MIC_RATE_HZ, addInto, addMode, noiseBurst, samplesOf } from './synth';

const MAX_MODE_HZ = 7800;

// ---------------------------------------------------------------------------------------------
// Hand claps
// ---------------------------------------------------------------------------------------------

/** single or double clap (default); a walk-tester's clap series and finger snaps (holdout). */
export type ClapKind = 'single' | 'double' | 'series' | 'snap';
export const CLAP_KINDS: Record<ParamSet, readonly ClapKind[]> = { default: ['single', 'double'], holdout: ['series', 'snap'] };

export interface ClapParams {
  kind: ClapKind;
  claps: number;
  /** Time between claps. */
  intervalS: number;
  /** Resonance of the air cavity between the palms: 1–2.5 kHz for claps, higher for snaps. */
  resonanceHz: number;
  q: number;
  room: RoomParams;
}

export function drawClapParams(rng: Rng, set: ParamSet): ClapParams {
  const kind = rng.pick(CLAP_KINDS[set]);
  const claps = kind === 'single' || kind === 'snap' ? 1 : kind === 'double' ? 2 : rng.int(3, 6);
  return {
    kind,
    claps,
    intervalS: rng.uniform(0.25, 0.6),
    resonanceHz: kind === 'snap' ? rng.uniform(2000, 3500) : drawLog(rng, range(900, 2500)),
    q: rng.uniform(1, 3),
    room: drawRoom(rng, set),
  };
}

export function clap(rng: Rng, p: ClapParams): Signal {
  checkIn('clap.claps', p.claps, range(1, 20));
  checkIn('clap.intervalS', p.intervalS, range(0.05, 3));
  checkIn('clap.resonanceHz', p.resonanceHz, range(300, 6000));
  checkIn('clap.q', p.q, range(0.3, 10));
  const dry = new Float32Array(samplesOf((p.claps - 1) * p.intervalS + 0.1));
  for (let c = 0; c < p.claps; c++) {
    const burst = noiseBurst(rng, 0.03, 0.0005, rng.uniform(0.002, 0.005), [
      { kind: 'bandpass', freqHz: p.resonanceHz * rng.uniform(0.9, 1.1), q: p.q },
      { kind: 'highpass', freqHz: 300, q: 0.7 },
    ]);
    addInto(dry, burst, samplesOf(c * p.intervalS * rng.uniform(0.95, 1.05)), Math.exp(0.2 * rng.normal()));
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}

// ---------------------------------------------------------------------------------------------
// Door slams
// ---------------------------------------------------------------------------------------------

/** wooden door (default), fire door with a panic bar (default), glazed door whose glass rattles (holdout). */
export type DoorKind = 'wooden' | 'fire' | 'glazed';
export const DOOR_KINDS: Record<ParamSet, readonly DoorKind[]> = { default: ['wooden', 'fire'], holdout: ['glazed', 'fire'] };

export interface DoorSlamParams {
  kind: DoorKind;
  /** Lowest panel mode of the door leaf. */
  panelHz: number;
  thumpDecayS: number;
  /** Hardware rattles after the slam (hinges, latch, glass in its frame). */
  rattles: number;
  room: RoomParams;
}

export function drawDoorSlamParams(rng: Rng, set: ParamSet): DoorSlamParams {
  return {
    kind: rng.pick(DOOR_KINDS[set]),
    panelHz: drawLog(rng, range(45, 140)),
    thumpDecayS: rng.uniform(0.04, 0.15),
    rattles: rng.int(1, set === 'holdout' ? 6 : 4),
    room: drawRoom(rng, set),
  };
}

export function doorSlam(rng: Rng, p: DoorSlamParams): Signal {
  checkIn('doorSlam.panelHz', p.panelHz, range(20, 400));
  checkIn('doorSlam.thumpDecayS', p.thumpDecayS, range(0.01, 0.5));
  checkIn('doorSlam.rattles', p.rattles, range(0, 20));
  const dry = new Float32Array(samplesOf(0.6 + p.thumpDecayS * 3));
  // The leaf hitting the frame: its low panel modes plus the broadband knock of the contact.
  for (const [ratio, gain] of [[1, 1], [1.6, 0.6], [2.3, 0.4], [3.1, 0.25]]) {
    addMode(dry, 0, p.panelHz * ratio, gain, p.thumpDecayS * rng.uniform(0.7, 1.2), rng.uniform(0, 2 * Math.PI));
  }
  addInto(dry, noiseBurst(rng, 0.03, 0.0005, 0.006, [{ kind: 'lowpass', freqHz: 1500, q: 0.7 }]), 0, 0.5);
  // The latch: a sharp click and a ringing strike plate.
  const latch = samplesOf(rng.uniform(0.003, 0.02));
  addInto(dry, noiseBurst(rng, 0.005, 0.0002, 0.001, [{ kind: 'highpass', freqHz: 1500, q: 0.7 }]), latch, 0.15);
  addMode(dry, latch, rng.uniform(1800, 4500), 0.06, rng.uniform(0.005, 0.02));
  for (let r = 0; r < p.rattles; r++) {
    const at = samplesOf(rng.uniform(0.02, 0.3));
    if (p.kind === 'glazed') {
      // Glass loose in its frame: a knock and the pane's ring, short and of a fixed pitch.
      addMode(dry, at, rng.uniform(2500, 5500), 0.05 * Math.exp(0.5 * rng.normal()), rng.uniform(0.003, 0.012));
    } else if (p.kind === 'fire') {
      addMode(dry, at, rng.uniform(700, 2500), 0.06 * Math.exp(0.5 * rng.normal()), rng.uniform(0.01, 0.04));
    }
    addInto(dry, noiseBurst(rng, 0.01, 0.0003, 0.002, [{ kind: 'bandpass', freqHz: rng.uniform(400, 1800), q: 1.5 }]), at, 0.08);
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}

// ---------------------------------------------------------------------------------------------
// Dropped objects
// ---------------------------------------------------------------------------------------------

/** book, bag, metal tray and phone (default); coins and cutlery (holdout). */
export type DroppedKind = 'book' | 'bag' | 'tray' | 'phone' | 'coins' | 'cutlery';
export const DROPPED_KINDS: Record<ParamSet, readonly DroppedKind[]> = {
  default: ['book', 'bag', 'tray', 'phone'],
  holdout: ['coins', 'cutlery', 'tray'],
};

export interface DroppedObjectParams {
  kind: DroppedKind;
  /** Pieces that fall together (coins, cutlery); 1 otherwise. */
  pieces: number;
  /** Height the object falls from: sets the impact strength and the bounce timing. */
  dropHeightM: number;
  /** Energy kept per bounce (coefficient of restitution squared). */
  restitution: number;
  room: RoomParams;
}

interface DroppedBody {
  /** Low "thump" frequency of the impact on the floor. */
  thumpHz: Range;
  thumpGain: number;
  /** Ringing modes of the object itself (none for soft objects). */
  ringHz: Range | null;
  ringQ: Range;
  ringGain: number;
  /** Bounces are possible only for hard objects. */
  bounces: boolean;
}

const DROPPED_BODY: Record<DroppedKind, DroppedBody> = {
  book: { thumpHz: range(80, 250), thumpGain: 1, ringHz: null, ringQ: range(1, 1), ringGain: 0, bounces: false },
  bag: { thumpHz: range(60, 180), thumpGain: 1, ringHz: null, ringQ: range(1, 1), ringGain: 0, bounces: false },
  tray: { thumpHz: range(100, 300), thumpGain: 0.6, ringHz: range(400, 3000), ringQ: range(200, 800), ringGain: 0.3, bounces: true },
  phone: { thumpHz: range(150, 400), thumpGain: 0.5, ringHz: range(1500, 4000), ringQ: range(10, 40), ringGain: 0.2, bounces: true },
  coins: { thumpHz: range(200, 500), thumpGain: 0.1, ringHz: range(4000, 7500), ringQ: range(300, 1000), ringGain: 0.25, bounces: true },
  cutlery: { thumpHz: range(150, 400), thumpGain: 0.2, ringHz: range(1000, 5000), ringQ: range(150, 600), ringGain: 0.25, bounces: true },
};

export function drawDroppedObjectParams(rng: Rng, set: ParamSet): DroppedObjectParams {
  const kind = rng.pick(DROPPED_KINDS[set]);
  return {
    kind,
    pieces: kind === 'coins' ? rng.int(3, 10) : kind === 'cutlery' ? rng.int(2, 5) : 1,
    dropHeightM: rng.uniform(0.4, 1.5),
    restitution: rng.uniform(0.2, 0.5),
    room: drawRoom(rng, set),
  };
}

const GRAVITY_MPS2 = 9.81;

export function droppedObject(rng: Rng, p: DroppedObjectParams): Signal {
  checkIn('droppedObject.pieces', p.pieces, range(1, 30));
  checkIn('droppedObject.dropHeightM', p.dropHeightM, range(0.05, 5));
  checkIn('droppedObject.restitution', p.restitution, range(0, 0.9));
  const body = DROPPED_BODY[p.kind];
  const dry = new Float32Array(samplesOf(2.5));
  for (let piece = 0; piece < p.pieces; piece++) {
    const ringHz = body.ringHz === null ? [] : [0, 1, 2].map(() => Math.min(MAX_MODE_HZ, drawLog(rng, body.ringHz as Range)));
    const thumpHz = drawLog(rng, body.thumpHz);
    // Bounces: each flight lasts 2·v/g with the speed reduced by √restitution per bounce.
    let speed = Math.sqrt(2 * GRAVITY_MPS2 * p.dropHeightM);
    let atS = piece === 0 ? 0 : rng.uniform(0, 0.06);
    let strength = 1;
    for (let bounce = 0; bounce < (body.bounces ? 8 : 1) && atS < 2.2 && strength > 0.02; bounce++) {
      const start = samplesOf(atS);
      addMode(dry, start, thumpHz, body.thumpGain * strength, rng.uniform(0.02, 0.06), rng.uniform(0, 2 * Math.PI));
      addInto(dry, noiseBurst(rng, 0.02, 0.0003, 0.003, [{ kind: 'lowpass', freqHz: 2500, q: 0.7 }]), start, 0.3 * strength * body.thumpGain);
      for (const f of ringHz) {
        const q = drawLog(rng, body.ringQ);
        addMode(dry, start, f, body.ringGain * strength * Math.exp(0.3 * rng.normal()), q / (Math.PI * f), rng.uniform(0, 2 * Math.PI));
      }
      speed *= Math.sqrt(p.restitution);
      strength *= Math.sqrt(p.restitution);
      atS += (2 * speed) / GRAVITY_MPS2;
    }
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: propagate(rng, dry, p.room) };
}

/**
 * The microphone's side of the scenario, from the acoustic signal library: the ambient of each node and
 * a generator for every event kind a microphone hears. Levels follow the scenario's contract: an
 * event's active level (simulator/signals/acoustic/level.ts) is `levelDb` above the node's ambient
 * floor, less the distance loss (gainDb), at most −10 dBFS (about 110 dB SPL); kinds without a
 * `levelDb` (blows, taps, wind) take one from their strength, as noted below. Parameters the scenario
 * does not give are drawn from the library's default ranges with the event's own seed. Every event is
 * heard in the node's room: its volume from the floor plan, a gallery's reverberation time, the
 * source 0.5 m from the microphone for an event on the node's own glass, its distance for a point
 * source. Steady events (a crowd, a voice, music, a grinder, engines, wind) are rendered piece by piece.
 */
import type { Ambient } from '../../scenario/types';
import type { EventKind } from '../../scenario/catalogue';
import { Rng } from '../../signals/rng';
import type { Signal } from '../../signals/signal';
import { ambient } from '../../signals/acoustic/ambient';
import type { AmbientParams } from '../../signals/acoustic/ambient';
import { drawGlassBreakParams, glassBreak } from '../../signals/acoustic/glass-break';
import type { GlassType } from '../../signals/acoustic/glass-break';
import { hvac } from '../../signals/acoustic/hvac';
import { clap, doorSlam, drawClapParams, drawDoorSlamParams, drawDroppedObjectParams, droppedObject } from '../../signals/acoustic/impacts';
import { MIC_SELF_NOISE_DBFS, activeRms, micHighpass } from '../../signals/acoustic/level';
import { bell, cymbal, drawBellParams, drawCymbalParams, drawKeysParams, keys } from '../../signals/acoustic/metal';
import { drawMusicParams, music } from '../../signals/acoustic/music';
import type { RoomParams } from '../../signals/acoustic/room';
import { MIC_RATE_HZ } from '../../signals/acoustic/synth';
import { blows, drawBlowParams, drawGrinderNoiseParams, grinderNoise } from '../../signals/acoustic/tools';
import { crowd, drawCrowdParams, drawSpeechParams, speech } from '../../signals/acoustic/voice';
import type { AmbientGenerator, EventGenerator, EventRenderRequest, NodeContext, RenderedEvent, TextureRenderer } from '../generators';

/** Loudest active level an event may have: about 110 dB SPL on a −26 dBFS / 94 dB SPL MEMS microphone. */
const MAX_EVENT_DBFS = -10;
/** Reverberation time of a gallery (hard floor and walls) at mid frequencies, s. */
const GALLERY_RT60_S = 1.0;
/** Source to microphone for an event on the node's own glass or frame, m. */
const ON_NODE_DISTANCE_M = 0.5;
/** Above this many talkers a crowd is babble either way; more would only cost time. */
const MAX_TALKERS = 30;

type Params = Record<string, number | string>;

function param(request: EventRenderRequest, name: string): number {
  return (request.event.params as Params)[name] as number;
}

function roomFor(node: NodeContext, distanceM: number): RoomParams {
  return {
    distanceM: Math.min(15, Math.max(0.3, distanceM)),
    rt60S: GALLERY_RT60_S,
    roomVolumeM3: Math.min(10_000, Math.max(20, node.roomVolumeM3 ?? 500)),
  };
}

function eventRoom(request: EventRenderRequest): RoomParams {
  return roomFor(request.node, request.distanceM > 0 ? request.distanceM : ON_NODE_DISTANCE_M);
}

/** Scales an event in place to `levelDb` over this node's floor, after the microphone's low-frequency roll-off. */
function atLevel(data: Float32Array, request: EventRenderRequest, levelDb: number): Float32Array {
  micHighpass(data);
  const target = Math.min(request.floorRms * 10 ** ((levelDb + request.gainDb) / 20), 10 ** (MAX_EVENT_DBFS / 20));
  const current = activeRms(data);
  if (current > 0) for (let i = 0; i < data.length; i++) data[i] *= target / current;
  return data;
}

/** A generator rendering the whole event at once. */
function whole(make: (request: EventRenderRequest) => { signal: Signal; levelDb: number }): (request: EventRenderRequest) => RenderedEvent {
  return (request) => {
    const { signal, levelDb } = make(request);
    return { offsetS: 0, signal: { ...signal, data: atLevel(signal.data.slice(), request, levelDb) } };
  };
}

/** A steady event rendered piece by piece; `eventRng` draws what stays the same over the event. */
function texture(make: (request: EventRenderRequest, eventRng: Rng, fromS: number, durationS: number) => Float32Array,
  levelDb: (request: EventRenderRequest) => number): TextureRenderer {
  return {
    texture(request, fromS, durationS) {
      const data = make(request, new Rng(request.eventSeed), fromS, durationS).slice(0, Math.round(durationS * MIC_RATE_HZ));
      return { rateHz: MIC_RATE_HZ, channels: 1, data: atLevel(data, request, levelDb(request)) };
    },
  };
}

const GLASS: Readonly<Record<string, GlassType>> = { annealed: 'float', tempered: 'tempered', laminated: 'laminated' };

/** Steady low rumble without tones (traffic outside; wind on the microphone). */
function rumble(request: EventRenderRequest, durationS: number): Float32Array {
  return hvac(request.rng, { durationS, bladePassHz: 50, mainsHz: 50, toneDb: -40, hissDb: -60 });
}

const levelOf = (request: EventRenderRequest): number => param(request, 'levelDb');

export const MICROPHONE_EVENTS: { readonly [K in EventKind]?: EventGenerator } = {
  glass_break: whole((r) => {
    const p = drawGlassBreakParams(r.rng, 'default', GLASS[(r.event.params as Params).glass as string]);
    return { signal: glassBreak(r.rng, { ...p, room: eventRoom(r) }), levelDb: levelOf(r) };
  }),
  grinder: texture((r, eventRng, fromS, durationS) =>
    grinderNoise(r.rng, drawGrinderNoiseParams(eventRng, param(r, 'rpm'), param(r, 'loadDropPct'), param(r, 'cutS'), param(r, 'pauseS')), fromS, durationS).data,
  levelOf),
  // A hammer blow: 25 dB over the floor for a 2 g shock at the pane, with the shock's strength.
  impact: whole((r) => ({
    signal: blows(r.rng, drawBlowParams(r.rng, param(r, 'blows'), param(r, 'intervalS'), true)),
    levelDb: Math.max(0, 25 + 20 * Math.log10(param(r, 'peakG') / 2)),
  })),
  // A knuckle tap: 10 dB over the floor for 0.2 g.
  tap: whole((r) => ({
    signal: blows(r.rng, drawBlowParams(r.rng, param(r, 'taps'), 0.35, false)),
    levelDb: Math.max(0, 10 + 20 * Math.log10(param(r, 'peakG') / 0.2)),
  })),
  visitors: texture((r, eventRng, _fromS, durationS) => {
    const p = drawCrowdParams(eventRng, 'default', durationS);
    const count = param(r, 'count');
    return crowd(r.rng, { ...p, talkers: Math.min(MAX_TALKERS, count), walkers: Math.ceil(count / 4), durationS, room: roomFor(r.node, 3) }).data;
  }, levelOf),
  speech: texture((r, eventRng, _fromS, durationS) => speech(r.rng, { ...drawSpeechParams(eventRng, 'default', durationS), room: eventRoom(r) }).data, levelOf),
  music: texture((r, eventRng, _fromS, durationS) => music(r.rng, { ...drawMusicParams(eventRng, 'default'), durationS, room: roomFor(r.node, 8) }).data, levelOf),
  clap: whole((r) => {
    const claps = param(r, 'claps');
    const p = drawClapParams(r.rng, 'default');
    return { signal: clap(r.rng, { ...p, claps, kind: claps === 1 ? 'single' : p.kind, room: eventRoom(r) }), levelDb: levelOf(r) };
  }),
  keys: whole((r) => ({ signal: keys(r.rng, { ...drawKeysParams(r.rng, 'default'), room: eventRoom(r) }), levelDb: levelOf(r) })),
  door_slam: whole((r) => ({ signal: doorSlam(r.rng, { ...drawDoorSlamParams(r.rng, 'default'), room: eventRoom(r) }), levelDb: levelOf(r) })),
  dropped_object: whole((r) => ({ signal: droppedObject(r.rng, { ...drawDroppedObjectParams(r.rng, 'default'), room: eventRoom(r) }), levelDb: levelOf(r) })),
  cymbal: whole((r) => ({ signal: cymbal(r.rng, { ...drawCymbalParams(r.rng, 'default'), room: eventRoom(r) }), levelDb: levelOf(r) })),
  bell: texture((r, eventRng, _fromS, durationS) => {
    const p = drawBellParams(eventRng, 'default');
    return bell(r.rng, { ...p, fundamentalHz: param(r, 'pitchHz'), strikes: Math.max(1, Math.round(durationS * p.strikeRateHz)), room: eventRoom(r) }).data;
  }, levelOf),
  vacuum: texture((r, _eventRng, _fromS, durationS) => hvac(r.rng, { durationS, bladePassHz: param(r, 'motorHz'), mainsHz: 50, toneDb: 0, hissDb: -8 }), levelOf),
  traffic: texture((r, _eventRng, _fromS, durationS) => rumble(r, durationS), levelOf),
  // Wind on the microphone: low rumble, 6 dB over the floor at the default 0.3° of sway, with the sway.
  wind: texture((r, _eventRng, _fromS, durationS) => rumble(r, durationS), (r) => Math.max(0, 6 + 20 * Math.log10(param(r, 'swayDeg') / 0.3))),
};

/**
 * The ambient at a microphone: the library's ambient with the scenario's ventilation and visitors. The
 * floor adds, in power, the ventilation (ambient.hvac.levelDbfs), the visitors' murmur (crowd 0..1: up
 * to 14 talkers, 12 dB over the ventilation when packed) and the microphone's self-noise.
 */
export const MICROPHONE_AMBIENT: Pick<AmbientGenerator, 'render' | 'floorRms'> = {
  render(request) {
    return ambient(request.rng, ambientParams(request.ambient, request.node, new Rng(request.nodeSeed), request.durationS));
  },
  floorRms(scene) {
    return 10 ** (floorDbfs(scene) / 20);
  },
};

/** The visitors' level relative to the ventilation, dB. */
function peopleDb(scene: Ambient): number {
  return 12 + 20 * Math.log10(scene.crowd);
}

function floorDbfs(scene: Ambient): number {
  const hvacDb = scene.hvac === null ? -90 : scene.hvac.levelDbfs;
  const hvacPower = scene.hvac === null ? 0 : 10 ** (hvacDb / 10);
  const people = scene.crowd > 0 ? 10 ** ((hvacDb + peopleDb(scene)) / 10) : 0;
  return 10 * Math.log10(hvacPower + people + 10 ** (MIC_SELF_NOISE_DBFS / 10));
}

function ambientParams(scene: Ambient, node: NodeContext, rng: Rng, durationS: number): AmbientParams {
  const talkers = Math.round(14 * scene.crowd);
  const crowdParams = drawCrowdParams(rng, 'default', durationS);
  return {
    profile: scene.profile === 'busy_gallery' ? 'busy_gallery' : 'quiet_gallery',
    durationS,
    floorDbfs: floorDbfs(scene),
    hvac: { durationS, bladePassHz: Math.max(10, scene.hvac?.blowerHz ?? 25), mainsHz: scene.mainsHz, toneDb: -6, hissDb: -24 },
    crowd: talkers > 0 ? { ...crowdParams, talkers, walkers: Math.ceil(talkers / 3), room: roomFor(node, 6) } : null,
    // Without ventilation the visitors are all there is: the ventilation 30 dB under them.
    peopleDb: scene.hvac === null ? 30 : Math.max(-60, Math.min(40, peopleDb(scene))),
  };
}

/**
 * What a scenario may contain: the kinds of timeline events with their parameters (unit, range,
 * default, meaning) and the kinds of faults. The validator reads these tables and docs/scenarios.md
 * describes them; a unit test keeps the two in step.
 */
import type { ThreatType } from '../../firmware/detect/types';
import type { NumberRule } from './numbers';

export interface NumberParam extends NumberRule {
  type: 'number';
  default: number;
  doc: string;
}
export interface EnumParam<V extends string = string> {
  type: 'enum';
  values: readonly V[];
  default: V;
  doc: string;
}
export interface BooleanParam {
  type: 'boolean';
  default: boolean;
  doc: string;
}
export type ParamSpec = NumberParam | EnumParam | BooleanParam;

export interface EventSpec {
  /** The threat the event is, or null for ambient activity and confusers that must not alarm. */
  threat: ThreatType | null;
  /** Which sensors of a node pick it up. */
  heardBy: readonly ('microphone' | 'accelerometer')[];
  /** `required`: sustained events; `optional`: default is until the scenario ends; `none`: a single event. */
  duration: 'required' | 'optional' | 'none';
  doc: string;
  params: Readonly<Record<string, ParamSpec>>;
}

const levelDb = (defaultDb: number, doc = 'acoustic level above the ambient floor where the node is'): NumberParam => ({
  type: 'number', unit: 'dB', min: 0, max: 60, default: defaultDb, doc,
});
const peakG = (defaultG: number, max: number, doc: string): NumberParam => ({ type: 'number', unit: 'g', above: 0, max, default: defaultG, doc });

export const EVENT_SPECS = {
  glass_break: {
    threat: 'glass_break', heardBy: ['microphone', 'accelerometer'], duration: 'none',
    doc: 'A pane breaks: broadband onset, then 0.1–1.5 s of high-frequency shatter with shard transients.',
    params: {
      glass: { type: 'enum', values: ['annealed', 'tempered', 'laminated'], default: 'tempered', doc: 'glass type; laminated glass cracks but holds, with little shatter' },
      levelDb: levelDb(30),
    },
  },
  grinder: {
    threat: 'grinder', heardBy: ['accelerometer', 'microphone'], duration: 'required',
    doc: 'An angle grinder cutting the glass or frame the node is on, in cuts separated by pauses.',
    params: {
      rpm: { type: 'number', unit: 'rpm', min: 5000, max: 13300, default: 11000, doc: 'unloaded disc speed (fundamental rpm/60 Hz)' },
      loadDropPct: { type: 'number', unit: '%', min: 0, max: 60, default: 30, doc: 'speed lost under feed pressure' },
      cutS: { type: 'number', unit: 'seconds', above: 0, max: 120, default: 8, doc: 'length of each cut' },
      pauseS: { type: 'number', unit: 'seconds', min: 0, max: 60, default: 2, doc: 'pause between cuts' },
      peakG: peakG(0.3, 8, 'vibration amplitude at the node while cutting'),
      levelDb: levelDb(35),
    },
  },
  impact: {
    threat: 'impact', heardBy: ['accelerometer', 'microphone'], duration: 'none',
    doc: 'Blows with a hammer or tool on the glass or frame.',
    params: {
      blows: { type: 'number', unit: 'blows', integer: true, min: 1, max: 50, default: 3, doc: 'number of blows' },
      intervalS: { type: 'number', unit: 'seconds', min: 0.1, max: 10, default: 0.8, doc: 'time between blows' },
      peakG: peakG(2, 16, 'peak shock at the node'),
    },
  },
  tilt: {
    threat: 'tilt', heardBy: ['accelerometer'], duration: 'optional',
    doc: 'A ladder or lift leans on the structure: the gravity vector turns and stays turned.',
    params: {
      angleDeg: { type: 'number', unit: 'degrees', above: 0, max: 20, default: 1.5, doc: 'tilt once the load is on' },
      rampS: { type: 'number', unit: 'seconds', min: 0, max: 30, default: 2, doc: 'time to reach the angle' },
    },
  },
  visitors: {
    threat: null, heardBy: ['microphone', 'accelerometer'], duration: 'required',
    doc: 'A group of visitors: chatter, footsteps, the odd touch of a case.',
    params: {
      count: { type: 'number', unit: 'people', integer: true, min: 1, max: 200, default: 20, doc: 'group size' },
      levelDb: levelDb(12, 'chatter level above the ambient floor'),
    },
  },
  speech: {
    threat: null, heardBy: ['microphone'], duration: 'required',
    doc: 'One voice close to the node (a guide, a phone call).',
    params: { levelDb: levelDb(15) },
  },
  music: {
    threat: null, heardBy: ['microphone'], duration: 'required',
    doc: 'Music from a phone or an event in the next room.',
    params: { levelDb: levelDb(20) },
  },
  clap: {
    threat: null, heardBy: ['microphone'], duration: 'none',
    doc: 'Hand claps: single sharp transients.',
    params: {
      claps: { type: 'number', unit: 'claps', integer: true, min: 1, max: 20, default: 1, doc: 'number of claps' },
      levelDb: levelDb(30),
    },
  },
  keys: {
    threat: null, heardBy: ['microphone'], duration: 'none',
    doc: 'A bunch of keys jingling or dropped: short metallic high-frequency bursts.',
    params: { levelDb: levelDb(20) },
  },
  door_slam: {
    threat: null, heardBy: ['microphone', 'accelerometer'], duration: 'none',
    doc: 'A door slams: low-frequency heavy thump.',
    params: { levelDb: levelDb(35), peakG: peakG(0.2, 4, 'structure-borne shock at the node') },
  },
  dropped_object: {
    threat: null, heardBy: ['microphone', 'accelerometer'], duration: 'none',
    doc: 'Something dropped on the floor near the node.',
    params: { levelDb: levelDb(30), peakG: peakG(0.3, 4, 'structure-borne shock at the node') },
  },
  cymbal: {
    threat: null, heardBy: ['microphone'], duration: 'none',
    doc: 'A cymbal crash: broadband, but a smooth, long tonal decay.',
    params: { levelDb: levelDb(35) },
  },
  bell: {
    threat: null, heardBy: ['microphone'], duration: 'optional',
    doc: 'A ringing bell or alarm sounder: tonal.',
    params: {
      pitchHz: { type: 'number', unit: 'Hz', min: 200, max: 5000, default: 880, doc: 'fundamental' },
      levelDb: levelDb(25),
    },
  },
  tap: {
    threat: null, heardBy: ['accelerometer', 'microphone'], duration: 'none',
    doc: 'A visitor taps or knocks on the glass.',
    params: {
      taps: { type: 'number', unit: 'taps', integer: true, min: 1, max: 20, default: 3, doc: 'number of taps' },
      peakG: peakG(0.2, 2, 'peak shock at the node'),
    },
  },
  footsteps: {
    threat: null, heardBy: ['accelerometer'], duration: 'required',
    doc: 'Footsteps on the floor the case stands on.',
    params: { peakG: peakG(0.02, 0.5, 'peak of each step at the node') },
  },
  vacuum: {
    threat: null, heardBy: ['accelerometer', 'microphone'], duration: 'required',
    doc: 'A vacuum cleaner or floor machine bumping the plinth: motor tone and broadband noise.',
    params: {
      motorHz: { type: 'number', unit: 'Hz', min: 50, max: 600, default: 300, doc: 'motor fundamental' },
      peakG: peakG(0.05, 1, 'vibration at the node'),
      levelDb: levelDb(25),
    },
  },
  wind: {
    threat: null, heardBy: ['accelerometer', 'microphone'], duration: 'required',
    doc: 'Gusts swaying a balcony or window: slow oscillating tilt that returns.',
    params: {
      swayDeg: { type: 'number', unit: 'degrees', above: 0, max: 3, default: 0.3, doc: 'sway amplitude' },
      periodS: { type: 'number', unit: 'seconds', min: 0.5, max: 20, default: 3, doc: 'sway period' },
    },
  },
  traffic: {
    threat: null, heardBy: ['accelerometer', 'microphone'], duration: 'required',
    doc: 'Heavy traffic or a passing bus: rumble below 30 Hz.',
    params: { peakG: peakG(0.01, 0.5, 'rumble at the node'), levelDb: levelDb(10) },
  },
} as const satisfies Record<string, EventSpec>;

export type EventKind = keyof typeof EVENT_SPECS;
export const EVENT_KINDS = Object.keys(EVENT_SPECS) as EventKind[];

type ParamValue<S> = S extends { type: 'number' } ? number : S extends { type: 'enum'; values: readonly (infer V)[] } ? V : boolean;
/** The parameters of one event kind, every one present after validation (defaults filled in). */
export type EventParams<K extends EventKind> = {
  -readonly [P in keyof (typeof EVENT_SPECS)[K]['params']]: ParamValue<(typeof EVENT_SPECS)[K]['params'][P]>;
};

export const FAULT_KINDS = [
  'broker_stop', 'broker_start', 'power_loss', 'reboot', 'network_drop',
  'sensor_stuck', 'sensor_flat', 'sensor_saturated', 'sensor_missing',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_DOCS: Readonly<Record<FaultKind, string>> = {
  broker_stop: 'The broker goes down (every client loses its session).',
  broker_start: 'The broker comes back on the same address.',
  power_loss: 'The node loses power: no DISCONNECT, the broker publishes its will; it boots again after durationS (null: stays off).',
  reboot: 'The node restarts cleanly (DISCONNECT, then boot).',
  network_drop: 'The node\'s link goes silent for durationS: packets are held, not refused, as when Wi-Fi drops.',
  sensor_stuck: 'The sensor repeats one reading.',
  sensor_flat: 'The sensor returns zeros (dead element, cut wire).',
  sensor_saturated: 'The sensor reads full scale.',
  sensor_missing: 'The sensor stops delivering blocks (chip gone from the bus).',
};

export const SENSORS = ['microphone', 'accelerometer'] as const;
export const SURFACES = ['glass', 'frame', 'railing', 'wall', 'plinth'] as const;
export const ORIENTATIONS = ['horizontal', 'vertical'] as const;
export const AMBIENT_PROFILES = ['quiet_gallery', 'busy_gallery', 'closed_night'] as const;

/** Crowd level (0 empty … 1 packed) each ambient profile implies unless the scenario sets one. */
export const DEFAULT_CROWD: Readonly<Record<(typeof AMBIENT_PROFILES)[number], number>> = {
  quiet_gallery: 0.2,
  busy_gallery: 0.7,
  closed_night: 0,
};

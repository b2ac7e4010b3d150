/**
 * A scenario as the simulator uses it: validated, with every default filled in. The JSON format is
 * described in docs/scenarios.md; `validateScenario` turns untrusted JSON into this.
 */
import type { NodeRole } from '../../firmware/detect/types';
import type { AMBIENT_PROFILES, EventKind, EventParams, FaultKind, ORIENTATIONS, SENSORS, SURFACES } from './catalogue';

export const SCENARIO_FORMAT = 'vitrine-scenario/1';

/** A point on the floor plan, metres. */
export interface PlanPoint {
  x: number;
  y: number;
}

export interface RectShape {
  x: number;
  y: number;
  widthM: number;
  heightM: number;
}

export interface Room {
  id: string;
  name: string;
  floor: string;
  /** Exactly one of rect and polygon is given. */
  rect?: RectShape;
  polygon?: PlanPoint[];
}

export interface Site {
  /** MQTT topic level: `vitrine/<site.id>/<node.id>/…`. */
  id: string;
  name: string;
  plan: { rooms: Room[] };
}

export interface NodeLocation {
  building: string;
  floor: string;
  room: string;
  element: string;
  label: string;
}

export type Sensor = (typeof SENSORS)[number];
export type Surface = (typeof SURFACES)[number];
export type Orientation = (typeof ORIENTATIONS)[number];

export interface ScenarioNode {
  id: string;
  role: NodeRole;
  /** Alarm zone published with each alert; defaults to the id of the room the node stands in. */
  zone: string;
  location: NodeLocation;
  position: PlanPoint;
  /** `horizontal`: the sensor lies flat, z up. `vertical`: on an upright surface, y up. */
  mounting: { surface: Surface; orientation: Orientation };
}

export interface Ambient {
  profile: (typeof AMBIENT_PROFILES)[number];
  /** 0 empty … 1 packed. */
  crowd: number;
  /** Ventilation hum and rumble at the microphones, or null when off. */
  hvac: { levelDbfs: number; blowerHz: number } | null;
  /** Mains frequency of lighting and transformer hum. */
  mainsHz: 50 | 60;
  /** Mean wind outside (balconies and windows sway with it). */
  windMps: number;
}

/** Where an event happens: at a node (on its glass or frame), at a point of the plan, or across a room. */
export type EventPlace = { node: string } | { x: number; y: number } | { room: string };

interface EventCommon {
  /** Start, seconds from the scenario start. */
  at: number;
  where: EventPlace;
  /** Seconds; 0 for single events (glass_break, impact, …). */
  durationS: number;
  /** Shown on the demo's timeline; defaults to the kind. */
  label: string;
}

export type TimelineEvent = { [K in EventKind]: EventCommon & { what: K; params: EventParams<K> } }[EventKind];

interface FaultCommon {
  at: number;
  label: string;
}
export type Fault = FaultCommon &
  (
    | { kind: Extract<FaultKind, 'broker_stop' | 'broker_start'> }
    | { kind: 'reboot'; node: string }
    | { kind: 'network_drop'; node: string; durationS: number }
    | { kind: 'power_loss'; node: string; durationS: number | null }
    | {
        kind: Extract<FaultKind, 'sensor_stuck' | 'sensor_flat' | 'sensor_saturated' | 'sensor_missing'>;
        node: string;
        sensor: Sensor;
        /** null: until the scenario ends. */
        durationS: number | null;
      }
  );

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  name: string;
  description: string;
  seed: number;
  durationS: number;
  /** ISO 8601 with offset: the wall-clock time at t = 0. */
  startTime: string;
  startEpochMs: number;
  site: Site;
  nodes: ScenarioNode[];
  ambient: Ambient;
  timeline: TimelineEvent[];
  faults: Fault[];
}

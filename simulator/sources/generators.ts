/**
 * The contract between the scenario's sensor sources and the signal library: a registry says, for each
 * event kind and each sensor that hears it (EVENT_SPECS[kind].heardBy), which generator renders it, and
 * how the ambient is rendered. A scenario that uses a kind with no generator for a sensor that hears it
 * is refused at start-up with the kind, the sensor and the timeline entry named: never silence.
 *
 * Units: microphone signals are fractions of the microphone's full scale (1 channel); accelerometer
 * signals are in g, 3 channels, in the STRUCTURE frame (x along the surface, y across it, z up) and
 * hold only what the event adds: dynamic acceleration, plus the change of gravity for a tilt. The
 * source adds gravity, turns everything into the sensor's frame (mounting), adds the sensor's own noise
 * and quantises.
 */
import type { SensorKind } from '../../firmware/ports';
import type { NodeRole } from '../../firmware/detect/types';
import { EVENT_SPECS } from '../scenario/catalogue';
import type { EventKind } from '../scenario/catalogue';
import type { Ambient, Scenario, ScenarioNode, Surface, TimelineEvent } from '../scenario/types';
import { polygonAreaM2, roomAt, roomOutline } from '../scenario/plan';
import type { Rng } from '../signals/rng';
import type { Signal } from '../signals/signal';
import { reachOf } from './reach';

/** The node as generators see it: its role, what it is mounted on, and the room it stands in. */
export interface NodeContext {
  id: string;
  role: NodeRole;
  surface: Surface;
  /** Volume of the node's room (plan area × 5 m), for reverberation; undefined for a node outside every room. */
  roomVolumeM3: number | undefined;
}

/** Everything a generator needs to render one event as one node's sensor receives it. */
export interface EventRenderRequest {
  event: TimelineEvent;
  sensor: SensorKind;
  rateHz: number;
  node: NodeContext;
  /** Level change at the node relative to the event's stated levels (distance), dB; 0 for node and room events. */
  gainDb: number;
  /** Distance from a point source to the node, metres; 0 for node and room events. */
  distanceM: number;
  /** RMS of the node's ambient on this sensor (microphone: full-scale units; accelerometer: g, vector RMS): levels in dB are above this. */
  floorRms: number;
  /** Seeded for this event, node and sensor (and piece, for a TextureRenderer): the same scenario renders the same signal. */
  rng: Rng;
  /** The same for every piece of the event at this node and sensor: for what must not change from piece to piece. */
  eventSeed: number;
}

/** What a generator returns: the signal and where it starts relative to the event's `at`. */
export interface RenderedEvent {
  /** Seconds from the event's `at` to the first frame of `signal` (may be negative for a run-up). */
  offsetS: number;
  signal: Signal;
}

/** Renders a whole event at once (single events, and sustained ones with a shape in time). */
export type EventRenderer = (request: EventRenderRequest) => RenderedEvent;

/**
 * Renders a steady sustained event (a crowd, a voice, music, an engine) piece by piece: `durationS` of it
 * starting `fromS` after the event's start, at the event's level. The source cross-fades consecutive
 * pieces as it does the ambient's and shapes the event's start and end, so a long event costs what its
 * pieces cost, spread over the run.
 */
export interface TextureRenderer {
  texture(request: EventRenderRequest, fromS: number, durationS: number): Signal;
}

export type EventGenerator = EventRenderer | TextureRenderer;

export interface AmbientRenderRequest {
  ambient: Ambient;
  sensor: SensorKind;
  rateHz: number;
  node: NodeContext;
  /** Length of the piece to render, seconds (the source cross-fades consecutive pieces). */
  durationS: number;
  /** Seeded for this piece. */
  rng: Rng;
  /** The same for every piece of this node's ambient (its voices, its ventilation). */
  nodeSeed: number;
}

export interface AmbientGenerator {
  /** A piece of ambient (same units and frames as events; accelerometer: dynamic part only, no gravity). */
  render(request: AmbientRenderRequest): Signal;
  /** The ambient floor (RMS) the pieces have at a node: what event levels in dB are relative to. */
  floorRms(ambient: Ambient, sensor: SensorKind, node: NodeContext): number;
  /** True when the pieces already hold the part's own noise (then the source adds none). */
  includesPartNoise(sensor: SensorKind): boolean;
}

export interface GeneratorRegistry {
  /** Per event kind, per sensor that hears it. */
  readonly events: { readonly [K in EventKind]?: Partial<Readonly<Record<SensorKind, EventGenerator>>> };
  readonly ambient: AmbientGenerator;
}

/** Rooms are taken to be this high when their volume is needed. */
const ROOM_HEIGHT_M = 5;

export function nodeContext(scenario: Scenario, node: ScenarioNode): NodeContext {
  const room = roomAt(scenario.site, node.position);
  return {
    id: node.id, role: node.role, surface: node.mounting.surface,
    roomVolumeM3: room === undefined ? undefined : Math.abs(polygonAreaM2(roomOutline(room))) * ROOM_HEIGHT_M,
  };
}

/** Why a scenario cannot be rendered with a registry: one line per missing generator. */
export function missingGenerators(scenario: Scenario, registry: GeneratorRegistry): string[] {
  const problems: string[] = [];
  scenario.timeline.forEach((event, index) => {
    const reached = scenario.nodes.filter((node: ScenarioNode) => reachOf(scenario, event, node) !== undefined);
    if (reached.length === 0) return;
    for (const sensor of EVENT_SPECS[event.what].heardBy) {
      if (registry.events[event.what]?.[sensor] === undefined) {
        problems.push(`timeline[${index}] (${event.what} at ${event.at} s, "${event.label}"): ` +
          `the signal library has no ${sensor} generator for '${event.what}' yet`);
      }
    }
  });
  return problems;
}

export class MissingGeneratorError extends Error {
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    super(`${source}: cannot render ${problems.length} event${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`);
    this.name = 'MissingGeneratorError';
    this.problems = problems;
  }
}

/** Throws MissingGeneratorError naming every event the registry cannot render. */
export function assertRenderable(scenario: Scenario, registry: GeneratorRegistry, source = scenario.name): void {
  const problems = missingGenerators(scenario, registry);
  if (problems.length > 0) throw new MissingGeneratorError(source, problems);
}

/**
 * Plain generators for testing the simulator's plumbing (sources, runner) with exact, predictable
 * signals: white-noise ambient, noise bursts for sound (visitors as a noise texture rendered in pieces),
 * a sine for grinding, single-frame spikes for blows and a turned gravity vector for tilt. Levels follow the scenario contract (levelDb above the
 * floor, peakG at the node, both reduced by the request's gainDb), so a test can compute the counts.
 */
import type { SensorKind } from '../../firmware/ports';
import { EVENT_KINDS, EVENT_SPECS } from '../../simulator/scenario/catalogue';
import type { EventKind } from '../../simulator/scenario/catalogue';
import type {
  AmbientGenerator, EventGenerator, EventRenderRequest, EventRenderer, GeneratorRegistry, RenderedEvent, TextureRenderer,
} from '../../simulator/sources/generators';
import type { RegistryModule } from '../../simulator/sources/off-thread';

export const TEST_MIC_FLOOR_RMS = 10 ** (-60 / 20);
export const TEST_ACCEL_FLOOR_RMS_G = 0.002;
const BURST_S = 0.4;

function silence(request: EventRenderRequest, seconds: number): RenderedEvent {
  const channels = request.sensor === 'microphone' ? 1 : 3;
  return { offsetS: 0, signal: { rateHz: request.rateHz, channels, data: new Float32Array(Math.round(seconds * request.rateHz) * channels) } };
}

function param(request: EventRenderRequest, name: string, fallback: number): number {
  const value = (request.event.params as Record<string, unknown>)[name];
  return typeof value === 'number' ? value : fallback;
}

function lengthS(request: EventRenderRequest): number {
  return request.event.durationS > 0 ? request.event.durationS : BURST_S;
}

/** Microphone: white noise of the event's levelDb above the floor for its duration (or 0.4 s). */
const noiseBurst: EventRenderer = (request) => {
  const out = silence(request, lengthS(request));
  const rms = request.floorRms * 10 ** ((param(request, 'levelDb', 20) + request.gainDb) / 20);
  for (let i = 0; i < out.signal.data.length; i++) out.signal.data[i] = rms * request.rng.normal();
  return out;
};

/** Accelerometer: a sine of peakG along the structure's x axis at rpm/60 Hz (or 180 Hz). */
const shaking: EventRenderer = (request) => {
  const out = silence(request, lengthS(request));
  const peak = param(request, 'peakG', 0.1) * 10 ** (request.gainDb / 20);
  const hz = param(request, 'rpm', 10_800) / 60;
  for (let f = 0; f * 3 < out.signal.data.length; f++) out.signal.data[f * 3] = peak * Math.sin((2 * Math.PI * hz * f) / request.rateHz);
  return out;
};

/** Accelerometer: one frame of peakG along x per blow (blows, taps or 1), intervalS apart. */
const spikes: EventRenderer = (request) => {
  const count = param(request, 'blows', param(request, 'taps', 1));
  const intervalS = param(request, 'intervalS', 0.5);
  const out = silence(request, count * intervalS + 0.1);
  const peak = param(request, 'peakG', 1) * 10 ** (request.gainDb / 20);
  for (let b = 0; b < count; b++) out.signal.data[Math.round(b * intervalS * request.rateHz) * 3] = peak;
  return out;
};

/** Accelerometer: gravity turned by angleDeg about the structure's x axis, ramped over rampS, held to the end. */
const leaning: EventRenderer = (request) => {
  const out = silence(request, request.event.durationS);
  const angle = (param(request, 'angleDeg', 1.5) * Math.PI) / 180;
  const rampFrames = Math.max(1, param(request, 'rampS', 0) * request.rateHz);
  for (let f = 0; f * 3 < out.signal.data.length; f++) {
    const a = angle * Math.min(1, f / rampFrames);
    out.signal.data[f * 3 + 1] = Math.sin(a);
    out.signal.data[f * 3 + 2] = Math.cos(a) - 1;
  }
  return out;
};

const quiet: EventRenderer = (request) => silence(request, lengthS(request));

/** Microphone, in pieces: white noise of the event's levelDb above the floor (visitors: a steady crowd). */
const noiseTexture: TextureRenderer = {
  texture(request, _fromS, durationS) {
    const data = new Float32Array(Math.round(durationS * request.rateHz));
    const rms = request.floorRms * 10 ** ((param(request, 'levelDb', 20) + request.gainDb) / 20);
    for (let i = 0; i < data.length; i++) data[i] = rms * request.rng.normal();
    return { rateHz: request.rateHz, channels: 1, data };
  },
};

function rendererFor(kind: EventKind, sensor: SensorKind): EventGenerator {
  if (sensor === 'microphone' && kind === 'visitors') return noiseTexture;
  if (sensor === 'microphone') return kind === 'glass_break' || kind === 'grinder' ? noiseBurst : quiet;
  if (kind === 'grinder') return shaking;
  if (kind === 'impact' || kind === 'tap') return spikes;
  if (kind === 'tilt') return leaning;
  return quiet;
}

export const TEST_AMBIENT: AmbientGenerator = {
  render(request) {
    const channels = request.sensor === 'microphone' ? 1 : 3;
    const frames = Math.round(request.durationS * request.rateHz);
    const data = new Float32Array(frames * channels);
    const rms = request.sensor === 'microphone' ? TEST_MIC_FLOOR_RMS : TEST_ACCEL_FLOOR_RMS_G / Math.sqrt(3);
    for (let i = 0; i < data.length; i++) data[i] = rms * request.rng.normal();
    return { rateHz: request.rateHz, channels, data };
  },
  floorRms: (_ambient, sensor) => (sensor === 'microphone' ? TEST_MIC_FLOOR_RMS : TEST_ACCEL_FLOOR_RMS_G),
  includesPartNoise: () => false,
};

/** Every kind, for every sensor that hears it. */
export function testRegistry(options: { without?: readonly EventKind[] } = {}): GeneratorRegistry {
  const events: Record<string, Partial<Record<SensorKind, EventGenerator>>> = {};
  for (const kind of EVENT_KINDS) {
    if (options.without?.includes(kind)) continue;
    events[kind] = Object.fromEntries(EVENT_SPECS[kind].heardBy.map((sensor) => [sensor, rendererFor(kind, sensor)]));
  }
  return { events, ambient: TEST_AMBIENT };
}

/** The registry for a rendering worker to import (see simulator/sources/off-thread.ts). */
export const TEST_REGISTRY = testRegistry();
export const TEST_REGISTRY_MODULE: RegistryModule = { url: import.meta.url, name: 'TEST_REGISTRY' };

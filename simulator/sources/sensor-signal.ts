/**
 * What one sensor of one node picks up over the whole scenario, rendered ahead in chunks: the ambient
 * (pieces cross-faded into each other) plus every timeline event that reaches the node, from the
 * generators of the signal library; then, as the part would: gravity and the mounting for the
 * accelerometer, the part's own noise, and quantisation to saturating 16-bit counts (feedBlocks rules).
 *
 * Frames are counted on the scenario's timeline (frame n is at n / rateHz seconds), so the signal
 * goes on while the node is off and a rebooted node hears the world where it is. Chunks behind the
 * reader are dropped; an event's rendering is kept from its first chunk to its last.
 */
import type { SensorKind } from '../../firmware/ports';
import { EVENT_SPECS } from '../scenario/catalogue';
import type { Scenario, ScenarioNode, TimelineEvent } from '../scenario/types';
import type { Signal } from '../signals/signal';
import { frameCount } from '../signals/signal';
import type { EventGenerator, EventRenderRequest, GeneratorRegistry, RenderedEvent, TextureRenderer } from './generators';
import { assertRenderable, nodeContext } from './generators';
import type { NodeContext } from './generators';
import { mountingRotation, rotateFrames } from './mounting';
import type { Rotation } from './mounting';
import { reachOf } from './reach';
import { derivedRng, derivedSeed } from './seed';
import type { SensorModel } from './sensors';

export interface SensorSignalOptions {
  scenario: Scenario;
  node: ScenarioNode;
  model: SensorModel;
  registry: GeneratorRegistry;
  /** Chunk length, seconds; default 1. */
  chunkS?: number;
  /** Cross-fade between consecutive ambient pieces, seconds; default 0.05. */
  fadeS?: number;
}

/** Render cost, for the real-time factor (render time / signal time). */
export interface RenderStats {
  renderedS: number;
  renderMs: number;
  /** The longest single chunk render, including any event rendered for it, ms. */
  worstChunkMs: number;
  /** Chunks a reader needed before they had been rendered ahead (rendered in the block path). */
  misses: number;
}

interface Contribution {
  index: number;
  event: TimelineEvent;
  gainDb: number;
  distanceM: number;
  generator: EventGenerator;
  /** First frame the event may touch (its `at` minus a possible run-up is known only once rendered). */
  atFrame: number;
  /** Last frame (exclusive) it may touch before rendering: the end of the event plus a generous tail. */
  untilFrame: number;
  rendered: { startFrame: number; signal: Signal } | undefined;
}

/** A layer rendered piece by piece: the ambient, or a steady event (TextureRenderer). */
interface Layer {
  /** The piece of a chunk (its frames plus the fade into the next chunk), or undefined if silent there. */
  piece(chunk: number): Float32Array | undefined;
  tail: { chunk: number; data: Float32Array } | undefined;
}

/** A steady event's start and end are shaped over this long. */
const EDGE_S = 0.02;
/** Generators may ring on past an event's end (reverberation, a ringing pane): keep them this long. */
const TAIL_S = 5;
/** A run-up before `at` longer than this is cut: a chunk already delivered cannot take it. */
const MAX_RUN_UP_S = 5;

export class SensorSignal {
  readonly model: SensorModel;
  readonly kind: SensorKind;
  readonly #scenario: Scenario;
  readonly #node: ScenarioNode;
  readonly #registry: GeneratorRegistry;
  readonly #chunkFrames: number;
  readonly #fadeFrames: number;
  readonly #rotation: Rotation;
  readonly #floorRms: number;
  readonly #contributions: Contribution[];
  readonly #chunks = new Map<number, Int16Array>();
  readonly #ambient: Layer;
  /** Steady events rendered in pieces, by timeline index. */
  readonly #textures = new Map<number, Layer>();
  readonly #partNoise: boolean;
  readonly #context: NodeContext;
  /** The chunk of the last frame read. */
  #readChunk = 0;
  readonly stats: RenderStats = { renderedS: 0, renderMs: 0, worstChunkMs: 0, misses: 0 };

  constructor(options: SensorSignalOptions) {
    const { scenario, node, model, registry } = options;
    assertRenderable(scenario, registry);
    this.model = model;
    this.kind = model.kind;
    this.#scenario = scenario;
    this.#node = node;
    this.#registry = registry;
    const chunkS = options.chunkS ?? 1;
    this.#chunkFrames = Math.round(chunkS * model.rateHz);
    this.#fadeFrames = Math.min(this.#chunkFrames, Math.round((options.fadeS ?? 0.05) * model.rateHz));
    this.#rotation = mountingRotation(node.mounting.orientation);
    this.#context = nodeContext(scenario, node);
    this.#floorRms = registry.ambient.floorRms(scenario.ambient, model.kind, this.#context);
    this.#partNoise = !registry.ambient.includesPartNoise(model.kind);
    this.#ambient = { piece: (chunk) => this.#ambientPiece(chunk), tail: undefined };
    this.#contributions = [];
    scenario.timeline.forEach((event, index) => {
      if (!(EVENT_SPECS[event.what].heardBy as readonly SensorKind[]).includes(model.kind)) return;
      const reach = reachOf(scenario, event, node);
      const generator = registry.events[event.what]?.[model.kind];
      if (reach === undefined || generator === undefined) return; // assertRenderable: no generator, no reach
      const contribution: Contribution = {
        index, event, gainDb: reach.gainDb, distanceM: reach.distanceM, generator,
        atFrame: Math.round((event.at - MAX_RUN_UP_S) * model.rateHz),
        untilFrame: Math.round((event.at + event.durationS + TAIL_S) * model.rateHz),
        rendered: undefined,
      };
      if (typeof generator === 'function') this.#contributions.push(contribution);
      else this.#textures.set(index, { piece: (chunk) => this.#texturePiece(contribution, generator, chunk), tail: undefined });
    });
  }

  /** The ambient floor (RMS) this sensor hears: event levels in dB are relative to it. */
  get floorRms(): number {
    return this.#floorRms;
  }

  /**
   * Copies counts of frames [startFrame, startFrame + frames) into `out` (interleaved), rendering any
   * chunk that is missing (renderAhead() normally has rendered it already).
   */
  read(startFrame: number, frames: number, out: Int16Array): void {
    const channels = this.model.channels;
    let frame = startFrame;
    let written = 0;
    while (written < frames) {
      const chunk = Math.floor(frame / this.#chunkFrames);
      if (!this.#chunks.has(chunk)) this.stats.misses++;
      const data = this.#chunk(chunk);
      const offset = frame - chunk * this.#chunkFrames;
      const n = Math.min(frames - written, this.#chunkFrames - offset);
      out.set(data.subarray(offset * channels, (offset + n) * channels), written * channels);
      written += n;
      frame += n;
    }
    this.#readChunk = Math.floor((frame - 1) / this.#chunkFrames);
    this.#forgetBefore(Math.floor(startFrame / this.#chunkFrames));
  }

  /**
   * Renders the first missing chunk from `nowFrame` (or the reader, if ahead) to `untilFrame`, if any;
   * true if it rendered one. Real-time runs call this between clock ticks, one chunk at a time, so that
   * rendering seldom stalls a block.
   */
  renderAhead(nowFrame: number, untilFrame: number): boolean {
    const chunk = this.nextMissing(nowFrame, untilFrame);
    if (chunk === undefined) return false;
    this.#chunk(chunk);
    return true;
  }

  /** The first chunk from `nowFrame` (or the reader, if ahead) to `untilFrame` not rendered yet. */
  nextMissing(nowFrame: number, untilFrame: number, skip?: (chunk: number) => boolean): number | undefined {
    const last = Math.floor(untilFrame / this.#chunkFrames);
    for (let chunk = Math.max(this.#readChunk, Math.floor(nowFrame / this.#chunkFrames)); chunk <= last; chunk++) {
      if (!this.#chunks.has(chunk) && skip?.(chunk) !== true) return chunk;
    }
    return undefined;
  }

  /** Renders a chunk for another thread (render-worker.ts): not kept here; events that ended before it are let go. */
  renderDetached(chunk: number): { counts: Int16Array; renderMs: number } {
    const started = performance.now();
    const counts = this.#render(chunk);
    this.#forgetEventsBefore(chunk * this.#chunkFrames);
    return { counts, renderMs: performance.now() - started };
  }

  /** A chunk rendered elsewhere (a worker with the same scenario and generators renders the same counts). */
  offer(chunk: number, counts: Int16Array, renderMs: number): void {
    if (this.#chunks.has(chunk) || chunk < this.#readChunk - 1) return;
    this.#chunks.set(chunk, counts);
    this.stats.renderMs += renderMs;
    this.stats.renderedS += this.#chunkFrames / this.model.rateHz;
    this.stats.worstChunkMs = Math.max(this.stats.worstChunkMs, renderMs);
  }

  #chunk(chunk: number): Int16Array {
    const cached = this.#chunks.get(chunk);
    if (cached !== undefined) return cached;
    const started = performance.now();
    const data = this.#render(chunk);
    const ms = performance.now() - started;
    this.stats.renderMs += ms;
    this.stats.renderedS += this.#chunkFrames / this.model.rateHz;
    this.stats.worstChunkMs = Math.max(this.stats.worstChunkMs, ms);
    this.#chunks.set(chunk, data);
    return data;
  }

  #forgetBefore(chunk: number): void {
    for (const key of this.#chunks.keys()) if (key < chunk - 1) this.#chunks.delete(key);
    this.#forgetEventsBefore(chunk * this.#chunkFrames);
  }

  #forgetEventsBefore(firstFrame: number): void {
    for (const c of this.#contributions) {
      if (c.rendered !== undefined && c.rendered.startFrame + frameCount(c.rendered.signal) < firstFrame) c.rendered = undefined;
    }
  }

  #render(chunk: number): Int16Array {
    const channels = this.model.channels;
    const n = this.#chunkFrames;
    const first = chunk * n;
    const mix = new Float32Array(n * channels);
    this.#addLayer(this.#ambient, chunk, mix);
    for (const layer of this.#textures.values()) this.#addLayer(layer, chunk, mix);
    for (const c of this.#contributions) {
      if (c.untilFrame <= first || c.atFrame >= first + n) continue;
      const rendered = this.#rendered(c);
      const source = rendered.signal.data;
      const from = Math.max(first, rendered.startFrame);
      const to = Math.min(first + n, rendered.startFrame + frameCount(rendered.signal));
      for (let f = from; f < to; f++) {
        const s = (f - rendered.startFrame) * channels;
        const d = (f - first) * channels;
        for (let ch = 0; ch < channels; ch++) mix[d + ch] += source[s + ch];
      }
    }
    const rng = derivedRng(this.#scenario.seed, this.#node.id, this.kind, 'noise', chunk);
    if (channels === 3) {
      for (let k = 2; k < mix.length; k += 3) mix[k] += 1; // gravity: +1 g up in the structure frame
      rotateFrames(this.#rotation, mix);
    }
    const noise = this.#partNoise ? this.model.noiseRms : 0;
    const scale = 1 / this.model.unitsPerCount;
    const counts = new Int16Array(n * channels);
    for (let i = 0; i < mix.length; i++) {
      const v = Math.round((mix[i] + noise * rng.normal()) * scale);
      counts[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return counts;
  }

  /** Adds a layer's piece of this chunk into `mix`, fading the previous piece's tail into its head. */
  #addLayer(layer: Layer, chunk: number, mix: Float32Array): void {
    const channels = this.model.channels;
    const n = this.#chunkFrames;
    const fade = this.#fadeFrames;
    const data = layer.piece(chunk);
    // The previous piece's tail: kept from rendering it, or rendered again when chunks are read out of order.
    const tail = chunk === 0 ? undefined
      : layer.tail?.chunk === chunk - 1 ? layer.tail.data : layer.piece(chunk - 1)?.subarray(n * channels);
    layer.tail = data === undefined ? undefined : { chunk, data: data.slice(n * channels) };
    if (data === undefined && tail === undefined) return;
    for (let f = 0; f < n; f++) {
      // Equal-power fade: consecutive pieces are independent renderings, so their powers add.
      const fading = tail !== undefined && f < fade;
      const inGain = !fading ? 1 : data === undefined ? 0 : Math.sin((Math.PI / 2) * ((f + 0.5) / fade));
      const outGain = fading ? Math.cos((Math.PI / 2) * ((f + 0.5) / fade)) : 0;
      if (data === undefined && !fading) break;
      for (let ch = 0; ch < channels; ch++) {
        const i = f * channels + ch;
        mix[i] += (data === undefined ? 0 : inGain * data[i]) + (fading ? outGain * (tail as Float32Array)[i] : 0);
      }
    }
  }

  /** A steady event's piece of a chunk, shaped at the event's start and end; undefined outside the event. */
  #texturePiece(c: Contribution, generator: TextureRenderer, chunk: number): Float32Array | undefined {
    const { channels, rateHz } = this.model;
    const frames = this.#chunkFrames + this.#fadeFrames;
    const first = chunk * this.#chunkFrames;
    const startFrame = Math.round(c.event.at * rateHz);
    const endFrame = Math.round((c.event.at + c.event.durationS) * rateHz);
    if (first >= endFrame || first + frames <= startFrame) return undefined;
    const piece = generator.texture(this.#request(c, chunk), (first - startFrame) / rateHz, frames / rateHz);
    this.#check(piece, c.event.what, frames);
    const data = piece.data.slice(0, frames * channels);
    const edge = Math.max(1, Math.round(EDGE_S * rateHz));
    for (let f = 0; f < frames; f++) {
      const at = first + f;
      const inside = Math.min(at - startFrame, endFrame - 1 - at);
      if (inside >= edge) continue;
      const gain = inside < 0 ? 0 : 0.5 - 0.5 * Math.cos((Math.PI * (inside + 0.5)) / edge);
      for (let ch = 0; ch < channels; ch++) data[f * channels + ch] *= gain;
    }
    return data;
  }

  #request(c: Contribution, piece?: number): EventRenderRequest {
    return {
      event: c.event,
      sensor: this.kind,
      rateHz: this.model.rateHz,
      node: this.#context,
      gainDb: c.gainDb,
      distanceM: c.distanceM,
      floorRms: this.#floorRms,
      rng: piece === undefined
        ? derivedRng(this.#scenario.seed, this.#node.id, this.kind, 'event', c.index)
        : derivedRng(this.#scenario.seed, this.#node.id, this.kind, 'event', c.index, piece),
      eventSeed: derivedSeed(this.#scenario.seed, this.#node.id, this.kind, 'event', c.index),
    };
  }

  /** Refuses a generator's signal of the wrong shape, naming the generator. */
  #check(signal: Signal, what: string, minFrames = 0): void {
    const { rateHz, channels } = this.model;
    if (signal.rateHz !== rateHz || signal.channels !== channels || frameCount(signal) < minFrames) {
      throw new Error(`the ${this.kind} generator for '${what}' returned ${frameCount(signal)} frames of ${signal.channels} channel(s) at ` +
        `${signal.rateHz} Hz; expected ${minFrames > 0 ? `${minFrames} frames of ` : ''}${channels} channel(s) at ${rateHz} Hz`);
    }
  }

  /** The ambient piece of a chunk: the chunk plus the fade into the next one. */
  #ambientPiece(chunk: number): Float32Array {
    const { channels, rateHz } = this.model;
    const frames = this.#chunkFrames + this.#fadeFrames;
    const piece = this.#registry.ambient.render({
      ambient: this.#scenario.ambient,
      sensor: this.kind,
      rateHz,
      node: this.#context,
      durationS: frames / rateHz,
      rng: derivedRng(this.#scenario.seed, this.#node.id, this.kind, 'ambient', chunk),
      nodeSeed: derivedSeed(this.#scenario.seed, this.#node.id, this.kind, 'ambient'),
    });
    this.#check(piece, 'the ambient', frames);
    return piece.data.subarray(0, frames * channels);
  }

  #rendered(c: Contribution): { startFrame: number; signal: Signal } {
    if (c.rendered !== undefined) return c.rendered;
    if (typeof c.generator !== 'function') throw new Error(`'${c.event.what}' is rendered in pieces, not whole`);
    const result: RenderedEvent = c.generator(this.#request(c));
    this.#check(result.signal, c.event.what);
    const offsetS = Math.max(-MAX_RUN_UP_S, result.offsetS);
    const startFrame = Math.round((c.event.at + offsetS) * this.model.rateHz);
    c.rendered = { startFrame, signal: result.signal };
    c.untilFrame = startFrame + frameCount(result.signal);
    return c.rendered;
  }
}

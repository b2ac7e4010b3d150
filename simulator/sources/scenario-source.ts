/**
 * A node's SensorSource in the simulator: delivers blocks of its SensorSignal on the node's clock, as
 * the device's drivers do (one 16 ms microphone block, one 20 ms FIFO drain), with the sensor faults
 * of the scenario applied to what the part delivers:
 *   stuck      every sample repeats the last good frame;
 *   flat       zeros (dead element, cut wire);
 *   saturated  every sample at the rail of its sign (+32767 or −32768), as an overdriven part reads;
 *   missing    no blocks; the driver reports `missing_chip` once, and blocks flow again when it ends.
 * Faults apply per block, from the first block that starts at or after the fault's start.
 */
import type { Clock, SampleBlock, SensorKind, SensorSource, SensorSourceEvents, TimerHandle } from '../../firmware/ports';
import type { SensorSignal } from './sensor-signal';

export type SensorFaultKind = 'stuck' | 'flat' | 'saturated' | 'missing';

/** One sensor fault on the scenario's timeline, ms. */
export interface SensorFaultWindow {
  kind: SensorFaultKind;
  startMs: number;
  /** Infinity: until the scenario ends. */
  endMs: number;
}

export interface ScenarioSourceOptions {
  signal: SensorSignal;
  /** The node's clock (its uptime counts from its boot). */
  clock: Clock;
  /** Scenario time at which the node booted, ms: uptime 0 is this instant. */
  bootAtMs: number;
  faults?: readonly SensorFaultWindow[];
}

/** Frames are counted with this slack so that float time never drops a block that is due. */
const FRAME_EPSILON = 1e-6;

export class ScenarioSource implements SensorSource {
  readonly kind: SensorKind;
  readonly rateHz: number;
  readonly channels: number;
  readonly #signal: SensorSignal;
  readonly #clock: Clock;
  readonly #bootAtMs: number;
  readonly #faults: readonly SensorFaultWindow[];
  readonly #block: SampleBlock;
  readonly #blockMs: number;
  #nextFrame = 0;
  #timer: TimerHandle | undefined;
  #events: SensorSourceEvents | undefined;
  /** The last frame delivered without a fault, repeated by `stuck`. */
  readonly #lastGood: Int16Array;
  #missingReported = false;

  constructor(options: ScenarioSourceOptions) {
    const model = options.signal.model;
    this.kind = model.kind;
    this.rateHz = model.rateHz;
    this.channels = model.channels;
    this.#signal = options.signal;
    this.#clock = options.clock;
    this.#bootAtMs = options.bootAtMs;
    this.#faults = options.faults ?? [];
    this.#blockMs = (model.blockFrames * 1000) / model.rateHz;
    this.#block = {
      t0Ms: 0, rateHz: model.rateHz, channels: model.channels, frames: model.blockFrames,
      samples: new Int16Array(model.blockFrames * model.channels), unitsPerCount: model.unitsPerCount, sequence: 0,
    };
    this.#lastGood = new Int16Array(model.channels);
  }

  start(events: SensorSourceEvents): void {
    if (this.#timer !== undefined) throw new Error(`${this.kind} source: already started`);
    this.#events = events;
    // The first block starts at the first frame at or after the boot, on the scenario's sample grid.
    this.#nextFrame = Math.ceil((this.#bootAtMs * this.rateHz) / 1000 - FRAME_EPSILON);
    const firstDueMs = this.#frameMs(this.#nextFrame + this.#block.frames) - this.#bootAtMs;
    const delayMs = Math.max(0, firstDueMs - this.#clock.uptimeMs());
    this.#timer = this.#clock.setTimer(() => this.#deliverDue(), delayMs, this.#blockMs);
  }

  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#events = undefined;
  }

  #frameMs(frame: number): number {
    return (frame * 1000) / this.rateHz;
  }

  /** Delivers every block that is complete by now (more than one if the clock jumped). */
  #deliverDue(): void {
    const nowMs = this.#bootAtMs + this.#clock.uptimeMs();
    const dueFrame = Math.floor((nowMs * this.rateHz) / 1000 + FRAME_EPSILON);
    const frames = this.#block.frames;
    while (this.#events !== undefined && this.#nextFrame + frames <= dueFrame) {
      this.#deliver(this.#nextFrame);
      this.#nextFrame += frames;
    }
  }

  #deliver(frame: number): void {
    const events = this.#events as SensorSourceEvents;
    const block = this.#block;
    const startMs = this.#frameMs(frame);
    const fault = this.#faultAt(startMs);
    if (fault === 'missing') {
      if (!this.#missingReported) {
        this.#missingReported = true;
        events.onFault({ code: 'missing_chip', message: `${this.kind} does not answer on its bus (simulated sensor_missing fault)` });
      }
      return;
    }
    this.#missingReported = false;
    this.#signal.read(frame, block.frames, block.samples);
    if (fault === undefined) this.#lastGood.set(block.samples.subarray(block.samples.length - this.channels));
    else this.#applyFault(fault, block.samples);
    block.t0Ms = startMs - this.#bootAtMs;
    events.onBlock(block);
    block.sequence++;
  }

  #faultAt(ms: number): SensorFaultKind | undefined {
    for (const fault of this.#faults) if (ms >= fault.startMs && ms < fault.endMs) return fault.kind;
    return undefined;
  }

  #applyFault(kind: Exclude<SensorFaultKind, 'missing'>, samples: Int16Array): void {
    const channels = this.channels;
    for (let i = 0; i < samples.length; i++) {
      if (kind === 'flat') samples[i] = 0;
      else if (kind === 'saturated') samples[i] = samples[i] >= 0 ? 32767 : -32768;
      else samples[i] = this.#lastGood[i % channels];
    }
  }
}

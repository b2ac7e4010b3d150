/**
 * A SensorSource that replays a recorded signal (a 16-bit PCM WAV image) in real time. On the lin
 * simulator build there is no I2C or I2S, so the manifests embed WAV resources (manifests/resources/)
 * and main.ts replays them through this class; the pipelines cannot tell it from a sensor.
 *
 * Resources are named `*.wave` on purpose: mcconfig converts `*.wav` resources to Moddable's MAUD audio
 * format (1–2 channels, resampled), which would destroy 3-axis accelerometer recordings.
 */
import type { Clock, SensorKind, SensorSource, SensorSourceEvents, TimerHandle } from '../ports';
import { BlockAssembler } from './block-assembler';
import { parseWav, type WavLayout } from './wav';

export interface ReplaySourceOptions {
  kind: SensorKind;
  /** The WAV image: an ArrayBuffer, or a Moddable Resource (a HostBuffer, which XS typed arrays accept). */
  wav: ArrayBuffer | { readonly byteLength: number };
  /** Names the recording in errors (e.g. the resource path). */
  name: string;
  clock: Clock;
  /** Physical units per count: 1/32768 for audio; the recording's g per count for acceleration. */
  unitsPerCount: number;
  blockFrames?: number;
  /** Start again at the end (default), or stop delivering. */
  loop?: boolean;
}

const CHANNELS: Record<SensorKind, number> = { microphone: 1, accelerometer: 3 };

export class ReplaySource implements SensorSource {
  readonly kind: SensorKind;
  readonly rateHz: number;
  readonly channels: number;
  readonly #options: ReplaySourceOptions;
  readonly #layout: WavLayout;
  readonly #pcm: Int16Array;
  readonly #assembler: BlockAssembler;
  readonly #blockFrames: number;
  readonly #tick = (): void => this.#deliverDue();
  #timer: TimerHandle | undefined;
  #events: SensorSourceEvents | undefined;
  #startMs = 0;
  #delivered = 0;
  #position = 0;

  constructor(options: ReplaySourceOptions) {
    this.#options = options;
    this.kind = options.kind;
    const bytes = new Uint8Array(options.wav as ArrayBuffer);
    const layout = parseWav(bytes, options.name);
    const channels = CHANNELS[options.kind];
    if (layout.channels !== channels) {
      throw new Error(`${options.name}: ${layout.channels} channel(s); a ${options.kind} recording has ${channels}`);
    }
    if (layout.frames === 0) throw new Error(`${options.name}: no samples`);
    this.#layout = layout;
    this.rateHz = layout.rateHz;
    this.channels = channels;
    if ((bytes.byteOffset + layout.dataOffset) % 2 !== 0) throw new Error(`${options.name}: samples start at an odd byte offset`);
    this.#pcm = new Int16Array(bytes.buffer, bytes.byteOffset + layout.dataOffset, layout.frames * channels);
    this.#blockFrames = options.blockFrames ?? (options.kind === 'microphone' ? 256 : 32);
    this.#assembler = new BlockAssembler({ rateHz: layout.rateHz, channels, blockFrames: this.#blockFrames,
      unitsPerCount: options.unitsPerCount, jumpToleranceMs: 1000 });
  }

  start(events: SensorSourceEvents): void {
    this.stop();
    this.#events = events;
    this.#assembler.reset();
    this.#startMs = this.#options.clock.uptimeMs();
    this.#delivered = 0;
    this.#position = 0;
    const blockMs = (this.#blockFrames * 1000) / this.rateHz;
    this.#timer = this.#options.clock.setTimer(this.#tick, Math.max(1, Math.floor(blockMs)), Math.max(1, Math.floor(blockMs)));
  }

  stop(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#events = undefined;
  }

  /** Delivers every block whose last frame is due by now (catching up if the timer ran late). */
  #deliverDue(): void {
    const events = this.#events;
    if (events === undefined) return;
    const elapsedFrames = ((this.#options.clock.uptimeMs() - this.#startMs) * this.rateHz) / 1000;
    const channels = this.channels;
    const block = this.#assembler.block;
    while ((this.#delivered + 1) * this.#blockFrames <= elapsedFrames) {
      for (let k = 0; k < this.#blockFrames; k++) {
        if (this.#position === this.#layout.frames) {
          if (this.#options.loop === false) {
            this.stop();
            return;
          }
          this.#position = 0;
        }
        const from = this.#position * channels;
        const to = k * channels;
        for (let c = 0; c < channels; c++) block.samples[to + c] = this.#pcm[from + c];
        this.#position++;
      }
      this.#delivered++;
      const lastFrameMs = this.#startMs + (this.#delivered * this.#blockFrames * 1000) / this.rateHz;
      this.#assembler.deliverWhole(lastFrameMs, events);
    }
  }
}

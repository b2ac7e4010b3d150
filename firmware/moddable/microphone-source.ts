/**
 * The I2S MEMS microphone (INMP441, ICS-43434) as a SensorSource, over Moddable's ECMA-419
 * `embedded:io/audio/in` (reference/moddable.md §3): 16 kHz, 16-bit mono LPCM. On ESP32 a driver task
 * fills a ring buffer (16 KB) and posts onReadable(byteCount); each callback reads whole blocks straight
 * into the SampleBlock's buffer (no copy, no allocation). A full ring means the driver dropped audio:
 * reported as an overrun with a sequence gap, as is a jump in the sample timeline.
 */
import type { Clock, SensorSource, SensorSourceEvents, SensorSourceFault } from '../ports';
import { BlockAssembler } from './block-assembler';

/** The part of Moddable's AudioIn (embedded:io/audio/in) used here. */
export interface AudioInIo {
  start(): void;
  stop(): void;
  /** Reads up to buffer.byteLength bytes into `buffer`; returns the byte count (undefined when none). */
  read(buffer: Uint8Array): number | undefined;
  close(): void;
}

export interface AudioInIoOptions {
  sampleRate: number;
  bitsPerSample: 16;
  channels: 1;
  audioType: 'LPCM';
  onReadable: (byteLength: number) => void;
}

export type AudioInIoConstructor = new (options: AudioInIoOptions) => AudioInIo;

export interface MicrophoneSourceOptions {
  /** `{io: AudioIn}` with AudioIn from "embedded:io/audio/in"; pins come from the manifest's defines. */
  audio: { io: AudioInIoConstructor };
  clock: Clock;
  rateHz?: number;
  /** Frames per delivered block (16 ms at 16 kHz by default). */
  blockFrames?: number;
  /** The driver's ring buffer: when onReadable reports this much, audio was dropped (ESP32: 16384). */
  ringBytes?: number;
  /** A block's measured start further than this from the continued timeline counts as a jump. */
  jumpToleranceMs?: number;
}

const BYTES_PER_FRAME = 2;

export class MicrophoneSource implements SensorSource {
  readonly kind = 'microphone' as const;
  readonly channels = 1;
  readonly rateHz: number;
  readonly #options: MicrophoneSourceOptions;
  readonly #assembler: BlockAssembler;
  readonly #blockFrames: number;
  readonly #blockBytes: Uint8Array;
  readonly #ringBytes: number;
  readonly #periodMs: number;
  readonly #overrunFault: SensorSourceFault;
  readonly #onReadable = (byteLength: number): void => this.#read(byteLength);
  #io: AudioInIo | undefined;
  #events: SensorSourceEvents | undefined;

  constructor(options: MicrophoneSourceOptions) {
    this.#options = options;
    this.rateHz = options.rateHz ?? 16000;
    this.#blockFrames = options.blockFrames ?? 256;
    this.#ringBytes = options.ringBytes ?? 16384;
    this.#periodMs = 1000 / this.rateHz;
    this.#assembler = new BlockAssembler({
      rateHz: this.rateHz,
      channels: 1,
      blockFrames: this.#blockFrames,
      unitsPerCount: 1 / 32768,
      // ESP32's driver task moves audio in chunks of up to 2048 bytes (64 ms), and a late callback sees
      // old audio at a later "now": measurements are that coarse, so only gross jumps count, and the
      // timeline follows the measurements slowly (the I2S clock drifts by ppm, not by milliseconds).
      jumpToleranceMs: options.jumpToleranceMs ?? 150,
      driftCorrection: 1 / 256,
    });
    const samples = this.#assembler.block.samples;
    this.#blockBytes = new Uint8Array(samples.buffer, samples.byteOffset, this.#blockFrames * BYTES_PER_FRAME);
    this.#overrunFault = { code: 'overrun', message: 'microphone: audio input buffer overran, samples were lost' };
  }

  start(events: SensorSourceEvents): void {
    this.stop();
    this.#events = events;
    this.#assembler.reset();
    try {
      const AudioIn = this.#options.audio.io;
      this.#io = new AudioIn({ sampleRate: this.rateHz, bitsPerSample: 16, channels: 1, audioType: 'LPCM',
        onReadable: this.#onReadable });
      this.#io.start();
    } catch (error) {
      this.#io = undefined;
      const message = error instanceof Error ? error.message : String(error);
      events.onFault({ code: 'bus_error', message: `microphone: audio input did not start: ${message}` });
    }
  }

  stop(): void {
    const io = this.#io;
    this.#io = undefined;
    this.#events = undefined;
    if (io !== undefined) {
      io.stop();
      io.close();
    }
  }

  /** `available` bytes are waiting; the newest was sampled about now. Reads whole blocks only. */
  #read(available: number): void {
    const io = this.#io;
    const events = this.#events;
    if (io === undefined || events === undefined) return;
    const nowMs = this.#options.clock.uptimeMs();
    // A full ring dropped the audio that came after what it holds: the loss is at its end.
    const overran = available >= this.#ringBytes;
    const blockBytes = this.#blockBytes.byteLength;
    let waitingFrames = Math.floor(available / BYTES_PER_FRAME);
    while (waitingFrames >= this.#blockFrames) {
      const got = io.read(this.#blockBytes);
      if (got !== blockBytes) {
        // Fewer bytes than announced: the block is incomplete, so drop it and mark the loss.
        this.#assembler.markGap();
        events.onFault(this.#overrunFault);
        return;
      }
      waitingFrames -= this.#blockFrames;
      // The newest frame of this block is `waitingFrames` frames older than the newest one available;
      // after an overrun the ring holds old audio and "now" says nothing about it: just continue.
      const readMs = overran ? undefined : nowMs - waitingFrames * this.#periodMs;
      if (this.#assembler.deliverWhole(readMs, events)) events.onFault(this.#overrunFault);
    }
    if (overran) {
      // The partial block before the loss cannot be completed: discard it, then mark the gap.
      if (waitingFrames > 0) io.read(this.#blockBytes.subarray(0, waitingFrames * BYTES_PER_FRAME));
      this.#assembler.markGap();
      events.onFault(this.#overrunFault);
    }
  }
}

/**
 * A fake of Moddable's ESP32 `embedded:io/audio/in` driver: a task moves I2S audio into a 16 KB ring
 * buffer in chunks of 2048 bytes (64 ms at 16 kHz mono 16-bit) and posts onReadable(bytes available);
 * a chunk that does not fit is dropped. Sample n has the value (n % 65536) - 32768.
 */
import type { AudioInIo, AudioInIoConstructor, AudioInIoOptions } from '../../../firmware/moddable/microphone-source';
import { constructorOf } from './fake-accelerometers';

const CHUNK_BYTES = 2048;

export class FakeAudioDriver {
  options: AudioInIoOptions | undefined;
  started = false;
  closed = false;
  /** While held (the JS thread is busy) onReadable waits, as Moddable's posted messages do. */
  held = false;
  droppedChunks = 0;
  /** Make read() return fewer bytes than asked, once. */
  shortRead = false;
  readonly #ring: number[] = [];
  #produced = 0;
  #pending = false;

  constructor(readonly ringBytes = 16384) {}

  static valueOf(index: number): number {
    return (index % 65536) - 32768;
  }

  static indexOf(value: number): number {
    return value + 32768;
  }

  io(): AudioInIoConstructor {
    return constructorOf((options: AudioInIoOptions): AudioInIo => {
      this.options = options;
      this.closed = false;
      return {
        start: () => {
          this.started = true;
        },
        stop: () => {
          this.started = false;
        },
        read: (buffer: Uint8Array) => this.#read(buffer),
        close: () => {
          this.closed = true;
        },
      };
    });
  }

  #read(buffer: Uint8Array): number | undefined {
    if (this.#ring.length === 0) return undefined;
    let n = Math.min(buffer.length, this.#ring.length);
    if (this.shortRead) {
      this.shortRead = false;
      n = Math.floor(n / 2);
    }
    const bytes = this.#ring.splice(0, n);
    for (let i = 0; i < n; i++) buffer[i] = bytes[i] ?? 0;
    return n;
  }

  /** Runs the I2S task up to `ms` since start: 16 frames per ms at 16 kHz. */
  advanceTo(ms: number): void {
    if (!this.started || this.options === undefined) return;
    const framesDue = Math.floor((ms * this.options.sampleRate) / 1000);
    while (framesDue - this.#produced >= CHUNK_BYTES / 2) {
      const chunk: number[] = [];
      for (let k = 0; k < CHUNK_BYTES / 2; k++) {
        const value = FakeAudioDriver.valueOf(this.#produced + k) & 0xffff;
        chunk.push(value & 0xff, value >> 8);
      }
      this.#produced += CHUNK_BYTES / 2;
      if (this.#ring.length + CHUNK_BYTES > this.ringBytes) {
        this.droppedChunks++;
      } else {
        this.#ring.push(...chunk);
      }
      this.#post();
    }
  }

  release(): void {
    this.held = false;
    if (this.#pending) {
      this.#pending = false;
      this.options?.onReadable(this.#ring.length);
    }
  }

  /** Time (ms since the driver started) at which frame `index` was sampled. */
  frameTimeMs(index: number): number {
    return (index * 1000) / (this.options?.sampleRate ?? 16000);
  }

  #post(): void {
    if (this.held) this.#pending = true;
    else this.options?.onReadable(this.#ring.length);
  }
}

/**
 * ECMA-419 audio input (Moddable modules/io/audioin; reference/moddable.md §3). @moddable/typings 5.6
 * declares it in embedded_io/audioin.d.ts, which the tsconfig pattern "embedded:io/*" →
 * embedded_io/*.d.ts cannot reach (it would look for embedded_io/audio/in.d.ts).
 */
declare module 'embedded:io/audio/in' {
  interface AudioInOptions {
    sampleRate?: number;
    bitsPerSample?: 8 | 16;
    channels?: 1 | 2;
    audioType?: 'LPCM';
    onReadable?: (this: AudioIn, byteLength: number) => void;
    format?: 'buffer';
  }

  class AudioIn {
    constructor(options: AudioInOptions);
    start(): void;
    stop(): void;
    /** Bytes read into `buffer`, or undefined when nothing is waiting. */
    read(buffer: ArrayBuffer | ArrayBufferView): number | undefined;
    read(byteLength: number): ArrayBuffer | undefined;
    close(): void;
    /** ESP32 only: the level of the samples in `buffer`. */
    level?(buffer: ArrayBuffer | ArrayBufferView): number;
    readonly sampleRate: number;
    readonly bitsPerSample: 8 | 16;
    readonly channels: 1 | 2;
  }

  export { AudioIn as default };
}

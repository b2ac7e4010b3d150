/**
 * Moddable's legacy audio input, built as module "audioin" (modules/pins/audioin/manifest.json maps
 * "*"), although @moddable/typings declares it as 'pins/audioin' (reference/moddable.md §1, §3).
 * Everything (rate, pins) is set with the manifest's `defines.audioIn`; ESP32 read() blocks.
 * On the simulator it plays a WAV resource (config.audioInWave).
 */
declare module 'audioin' {
  class AudioIn {
    constructor();
    read(sampleCount: number, buffer?: ArrayBuffer, offset?: number): ArrayBuffer;
    close(): void;
    readonly sampleRate: number;
    readonly bitsPerSample: number;
    readonly numChannels: number;
  }
  export { AudioIn as default };
}

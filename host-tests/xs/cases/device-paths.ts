/**
 * The device adapters' per-block paths with allocation-free stand-ins for the hardware, so XS's meter
 * sees only the adapter: an LIS3DH drained at the watermark (16 frames, as its interrupt would call it)
 * and the microphone reading 256-frame blocks. Shared by the XS entry; plain-JSON results.
 */
import type { Clock, SampleBlock, SensorSourceEvents, TimerHandle } from '../../../firmware/ports';
import { Lis3dhSource } from '../../../firmware/moddable/lis3dh';
import { MicrophoneSource } from '../../../firmware/moddable/microphone-source';
import type { SmbusIo } from '../../../firmware/moddable/register-bus';

const HANDLE: TimerHandle = { timerId: 1 };

/** A clock that advances by one service period per reading and never fires timers. */
class SteppingClock implements Clock {
  nowMs = 0;
  constructor(readonly stepMs: number) {}
  uptimeMs(): number {
    this.nowMs += this.stepMs;
    return this.nowMs;
  }
  epochMs(): number | undefined {
    return undefined;
  }
  setTimer(): TimerHandle {
    return HANDLE;
  }
  clearTimer(): void {}
}

class CountingSink implements SensorSourceEvents {
  blocks = 0;
  faults = 0;
  lastSequence = -1;
  onBlock(block: SampleBlock): void {
    this.blocks++;
    this.lastSequence = block.sequence;
  }
  onFault(): void {
    this.faults++;
  }
}

/**
 * SMBus stand-in: WHO_AM_I and a FIFO level of `frames`. The data is left as it is: on the device the
 * bytes arrive by native code, so the meter should count only the adapter's own work.
 */
class StillSmbus implements SmbusIo {
  reads = 0;
  constructor(readonly frames: number) {}
  readUint8(register: number): number {
    if (register === 0x0f) return 0x33;
    if (register === 0x2f) return this.frames;
    return 0;
  }
  writeUint8(): void {}
  readBuffer(): void {
    this.reads++;
  }
  close(): void {}
}

export interface DevicePaths {
  drainAccelerometer(services: number): { blocks: number; faults: number; reads: number };
  readMicrophone(callbacks: number): { blocks: number; faults: number };
}

export function setUpDevicePaths(): DevicePaths {
  const periodMs = 16 / 1344 * 1000;
  const accelClock = new SteppingClock(periodMs);
  const accelSink = new CountingSink();
  const smbus = new StillSmbus(16);
  let service: () => void = () => {};
  const accel = new Lis3dhSource({
    sensor: { bus: 'i2c', io: class { constructor() { return smbus; } } as unknown as new () => SmbusIo, data: 21,
      clock: 22, hz: 400000, address: 0x18 },
    interrupt: {
      io: Object.assign(class {
        constructor(options: { onReadable: () => void }) {
          service = options.onReadable;
        }
        close(): void {}
      }, { Input: 'input', Rising: 1 }),
      pin: 4,
    },
    clock: accelClock,
  });
  accel.start(accelSink);

  const micClock = new SteppingClock(16);
  const micSink = new CountingSink();
  let onReadable: (bytes: number) => void = () => {};
  const mic = new MicrophoneSource({
    audio: {
      io: class {
        constructor(options: { onReadable: (bytes: number) => void }) {
          onReadable = options.onReadable;
        }
        start(): void {}
        stop(): void {}
        read(buffer: Uint8Array): number {
          return buffer.length; // native code fills it on the device
        }
        close(): void {}
      },
    },
    clock: micClock,
  });
  mic.start(micSink);

  return {
    drainAccelerometer(services) {
      for (let i = 0; i < services; i++) service();
      return { blocks: accelSink.blocks, faults: accelSink.faults, reads: smbus.reads };
    },
    readMicrophone(callbacks) {
      for (let i = 0; i < callbacks; i++) onReadable(512);
      return { blocks: micSink.blocks, faults: micSink.faults };
    },
  };
}

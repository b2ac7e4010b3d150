/**
 * Moddable's ECMA-419 sensor drivers (modules/drivers/sensors/*, reference/moddable.md §2), which
 * @moddable/typings lacks. Each polls one sample per call; none uses a FIFO, so Vitrine streams the
 * accelerometers with its own drivers (firmware/moddable/lis3dh.ts, adxl345.ts). The polled LIS3DH is
 * declared for one-shot reads (installer checks, a tilt reading without streaming).
 */
declare module 'embedded:sensor/Accelerometer/LIS3DH' {
  interface SensorBusOptions {
    io: new (options: Record<string, unknown>) => object;
    data?: number;
    clock?: number;
    hz?: number;
    address?: number;
    [option: string]: unknown;
  }

  interface Lis3dhConfiguration {
    /** One of the driver's rate codes (1, 10, 25, 50, 100, 200, 400 Hz; LOWPOWER_1K6HZ, 5KHZ). */
    rate?: number;
    /** One of the driver's range codes (±2, 4, 8, 16 g). */
    range?: number;
    enable?: number;
    lowPower?: boolean;
    alert?: { mode?: number; threshold?: number; duration?: number };
  }

  class LIS3DH {
    constructor(options: { sensor: SensorBusOptions; alert?: Record<string, unknown>; onAlert?: () => void });
    configure(options: Lis3dhConfiguration): void;
    /** Acceleration in m/s². */
    sample(): { x: number; y: number; z: number };
    close(): void;
  }

  export { LIS3DH as default };
}

/**
 * Streams an accelerometer driver against its register-level fake for a while, optionally with a period
 * where the JS thread is busy (the FIFO overflows), and checks every delivered frame against what the
 * fake sampled. Shared by the Node tests and the XS entry: same code, same inputs, plain-JSON output.
 */
import type { SampleBlock, SensorSourceFault } from '../../../firmware/ports';
import { Adxl345Source } from '../../../firmware/moddable/adxl345';
import { Lis3dhSource } from '../../../firmware/moddable/lis3dh';
import type { FifoAccelerometerSource } from '../../../firmware/moddable/fifo-accelerometer';
import type { SensorBusOptions } from '../../../firmware/moddable/register-bus';
import { FakeAdxl345, FakeLis3dh, rampIndexOf, rampSamples } from './fake-accelerometers';
import { ManualClock } from './manual-clock';

export interface AccelScenario {
  chip: 'lis3dh' | 'adxl345';
  bus: 'i2c' | 'spi';
  interrupt: boolean;
  rateHz?: number;
  rangeG?: number;
  durationMs: number;
  /** A busy period (no timers, interrupts held) starting here. */
  stallAtMs?: number;
  stallMs?: number;
  /** Identity register content to fake (default: the right one). */
  identity?: number;
  /** Make the chip right after this time (for the missing-chip retry). */
  fixIdentityAtMs?: number;
}

export interface AccelScenarioResult {
  rateHz: number;
  unitsPerCount: number;
  blocks: number;
  frames: number;
  sequences: number[];
  firstIndices: number[];
  /** Frames whose values differ from what the chip sampled at their place in the stream. */
  mismatchedFrames: number;
  maxT0ErrorMs: number;
  faults: string[];
  lostFrames: number;
  registers: number[];
  interruptEdges: number;
  transactions: number;
}

export const LIS3DH_I2C_ADDRESS = 0x18;
export const ADXL345_I2C_ADDRESS = 0x53;

export function busOptions(scenario: Pick<AccelScenario, 'bus' | 'chip'>, chip: FakeLis3dh | FakeAdxl345): SensorBusOptions {
  const address = scenario.chip === 'lis3dh' ? LIS3DH_I2C_ADDRESS : ADXL345_I2C_ADDRESS;
  return scenario.bus === 'i2c'
    ? { bus: 'i2c', io: chip.smbus(address), data: 21, clock: 22, hz: 400_000, address }
    : { bus: 'spi', io: chip.spi(), clock: 18, in: 19, out: 23, select: 5, hz: 5_000_000, port: 2 };
}

export function runAccelScenario(scenario: AccelScenario): AccelScenarioResult {
  const clock = new ManualClock(1000);
  const chip = scenario.chip === 'lis3dh' ? new FakeLis3dh(rampSamples) : new FakeAdxl345(rampSamples);
  if (scenario.identity !== undefined) {
    if (chip instanceof FakeLis3dh) chip.whoAmI = scenario.identity;
    else chip.devId = scenario.identity;
  }
  const options = {
    sensor: busOptions(scenario, chip),
    interrupt: scenario.interrupt ? { io: chip.interrupt.digitalConstructor({ pins: [] }), pin: 4 } : undefined,
    clock,
    rateHz: scenario.rateHz,
    rangeG: scenario.rangeG,
    retryMs: 1000,
  };
  const source: FifoAccelerometerSource = scenario.chip === 'lis3dh' ? new Lis3dhSource(options) : new Adxl345Source(options);

  const result: AccelScenarioResult = {
    rateHz: source.rateHz, unitsPerCount: 0, blocks: 0, frames: 0, sequences: [], firstIndices: [],
    mismatchedFrames: 0, maxT0ErrorMs: 0, faults: [], lostFrames: 0, registers: [], interruptEdges: 0, transactions: 0,
  };
  const expected = new Int16Array(3);
  source.start({
    onBlock(block: SampleBlock): void {
      result.blocks++;
      result.frames += block.frames;
      result.unitsPerCount = block.unitsPerCount;
      result.sequences.push(block.sequence);
      const first = rampIndexOf(block.samples[0]);
      result.firstIndices.push(first);
      const error = Math.abs(block.t0Ms - chip.sampleTimeMs(first));
      if (error > result.maxT0ErrorMs) result.maxT0ErrorMs = error;
      for (let k = 0; k < block.frames; k++) {
        rampSamples(first + k, expected);
        const at = k * 3;
        if (block.samples[at] !== expected[0] || block.samples[at + 1] !== expected[1] ||
          block.samples[at + 2] !== expected[2]) result.mismatchedFrames++;
      }
    },
    onFault(fault: SensorSourceFault): void {
      result.faults.push(`${fault.code}: ${fault.message}`);
    },
  });

  const start = clock.nowMs;
  const stallFrom = scenario.stallAtMs === undefined ? Infinity : start + scenario.stallAtMs;
  const stallTo = stallFrom + (scenario.stallMs ?? 0);
  for (let t = start + 1; t <= start + scenario.durationMs; t++) {
    if (scenario.fixIdentityAtMs !== undefined && t === start + scenario.fixIdentityAtMs) {
      if (chip instanceof FakeLis3dh) chip.whoAmI = 0x33;
      else chip.devId = 0xe5;
    }
    const stalled = t >= stallFrom && t < stallTo;
    if (stalled) {
      // Time passes but the JS thread is busy: timers and interrupts run late, at the release.
      clock.nowMs = t;
      chip.interrupt.held = true;
    } else {
      clock.advanceTo(t);
      if (chip.interrupt.held) chip.interrupt.release();
    }
    chip.advanceTo(t);
  }
  result.registers = Array.from(chip.registers.subarray(0x20, 0x3a));
  source.stop();
  result.lostFrames = chip.lostFrames;
  result.interruptEdges = chip.interrupt.edges;
  result.transactions = chip.transactions;
  return result;
}

import assert from 'node:assert/strict';
import { Lis3dhSource, lis3dhUnitsPerCount } from '../../../firmware/moddable/lis3dh';
import { Adxl345Source, adxl345UnitsPerCount } from '../../../firmware/moddable/adxl345';
import { SensorIdentityError } from '../../../firmware/moddable/fifo-accelerometer';
import { runAccelScenario, type AccelScenario } from '../../helpers/device/accel-scenario';
import { FakeAdxl345, FakeLis3dh } from '../../helpers/device/fake-accelerometers';
import { ManualClock } from '../../helpers/device/manual-clock';

/** Register r of the 0x20..0x39 window the scenario returns. */
function reg(registers: number[], address: number): number {
  const value = registers[address - 0x20];
  assert.ok(value !== undefined, `register 0x${address.toString(16)}`);
  return value;
}

function assertContinuous(result: ReturnType<typeof runAccelScenario>, blockFrames = 32): void {
  assert.equal(result.mismatchedFrames, 0, 'every frame equals what the chip sampled');
  for (let i = 1; i < result.sequences.length; i++) {
    assert.equal(result.sequences[i], (result.sequences[i - 1] ?? -1) + 1, `no sequence gap at block ${i}`);
    assert.equal(result.firstIndices[i], (result.firstIndices[i - 1] ?? 0) + blockFrames, `no lost frames at block ${i}`);
  }
}

describe('device: LIS3DH FIFO source (register-level fake)', function () {
  const cases: AccelScenario[] = [
    { chip: 'lis3dh', bus: 'i2c', interrupt: true, durationMs: 1000 },
    { chip: 'lis3dh', bus: 'i2c', interrupt: false, durationMs: 1000 },
    { chip: 'lis3dh', bus: 'spi', interrupt: true, durationMs: 1000 },
  ];
  for (const scenario of cases) {
    it(`streams every sample in order with timestamps (${scenario.bus}, ${scenario.interrupt ? 'watermark interrupt' : 'polling'})`, function () {
      const result = runAccelScenario(scenario);
      assert.equal(result.rateHz, 1344);
      assert.deepEqual(result.faults, []);
      assert.equal(result.lostFrames, 0);
      // 1 s at 1344 Hz: 42 blocks of 32, give or take the last partial one.
      assert.ok(result.blocks >= 40 && result.blocks <= 42, `${result.blocks} blocks`);
      assert.equal(result.firstIndices[0], 0, 'the first block starts with the first sample');
      assertContinuous(result);
      assert.ok(result.maxT0ErrorMs <= 2 * (1000 / 1344) + 1, `t0 within 2 sample periods + 1 ms: ${result.maxT0ErrorMs}`);
      assert.equal(result.unitsPerCount, 0.001 / 16);
      assert.equal(reg(result.registers, 0x2e), 0x80 | 16, 'stream mode, default watermark half the FIFO');
      if (scenario.interrupt) assert.ok(result.interruptEdges >= 40, `${result.interruptEdges} watermark edges`);
    });
  }

  it('programs rate, range, high resolution, FIFO stream mode with the watermark and INT1', function () {
    const chip = new FakeLis3dh();
    const clock = new ManualClock();
    const source = new Lis3dhSource({ sensor: { bus: 'i2c', io: chip.smbus(0x19), data: 21, clock: 22, hz: 400_000,
      address: 0x19 }, clock, rangeG: 8, watermarkFrames: 20 });
    source.start({ onBlock() {}, onFault(f) { assert.fail(f.message); } });
    assert.equal(chip.registers[0x20], 0x97, 'CTRL_REG1: ODR 1001 (1.344 kHz), LPen 0, X/Y/Z on');
    assert.equal(chip.registers[0x23], 0x80 | 0x20 | 0x08, 'CTRL_REG4: BDU, FS ±8 g, HR');
    assert.equal(chip.registers[0x24], 0x40, 'CTRL_REG5: FIFO_EN');
    assert.equal(chip.registers[0x2e], 0x80 | 20, 'FIFO_CTRL_REG: stream mode, FTH 20');
    assert.equal(chip.registers[0x22], 0x04, 'CTRL_REG3: I1_WTM');
    source.stop();
    assert.equal(chip.registers[0x20], 0x00, 'powered down');
  });

  it('low-power rates set LPen and clear HR; the units per count follow the range', function () {
    const chip = new FakeLis3dh();
    const source = new Lis3dhSource({ sensor: { bus: 'spi', io: chip.spi(), clock: 18, in: 19, out: 23, select: 5,
      hz: 8_000_000, port: 2 }, clock: new ManualClock(), rateHz: 5376, rangeG: 16 });
    source.start({ onBlock() {}, onFault(f) { assert.fail(f.message); } });
    assert.equal(chip.registers[0x20], 0x9f);
    assert.equal(chip.registers[0x23], 0x80 | 0x30);
    assert.equal(source.rateHz, 5376);
    source.stop();
    assert.equal(lis3dhUnitsPerCount(2), 0.0000625);
    assert.equal(lis3dhUnitsPerCount(16), 0.00075);
    assert.throws(() => new Lis3dhSource({ sensor: { bus: 'i2c', io: chip.smbus(0x18), data: 21, clock: 22,
      hz: 400_000, address: 0x18 }, clock: new ManualClock(), rateHz: 1000 }), /LIS3DH rate 1000 Hz is not one of/);
  });

  it('reports a FIFO overrun as a fault and a sequence gap, then streams on', function () {
    const result = runAccelScenario({ chip: 'lis3dh', bus: 'i2c', interrupt: true, durationMs: 600,
      stallAtMs: 200, stallMs: 80 });
    assert.ok(result.lostFrames > 0, 'the fake FIFO overflowed');
    assert.ok(result.faults.some((f) => f.startsWith('overrun: LIS3DH FIFO overrun')), result.faults.join('\n'));
    assert.equal(result.mismatchedFrames, 0);
    const gaps = result.sequences.flatMap((s, i) => (i > 0 && s !== (result.sequences[i - 1] ?? 0) + 1 ? [i] : []));
    assert.equal(gaps.length, 1, `one sequence gap: ${result.sequences.join(',')}`);
    const at = gaps[0] ?? 0;
    assert.ok((result.firstIndices[at] ?? 0) - (result.firstIndices[at - 1] ?? 0) > 32, 'frames were skipped there');
    assert.ok(result.maxT0ErrorMs <= 2 * (1000 / 1344) + 1, `timestamps re-anchored after the gap: ${result.maxT0ErrorMs}`);
  });

  it('a wrong WHO_AM_I is a missing_chip fault naming chip, address and value; it recovers on retry', function () {
    const result = runAccelScenario({ chip: 'lis3dh', bus: 'i2c', interrupt: false, durationMs: 3000,
      identity: 0x32, fixIdentityAtMs: 1500 });
    assert.equal(result.faults[0], 'missing_chip: LIS3DH not found at I2C address 0x18: WHO_AM_I (0x0F) read 0x32, expected 0x33');
    assert.equal(result.faults.length, 2, 'one fault per failed attempt (t = 0 s and 1 s)');
    assert.ok(result.blocks > 30, 'streams after the chip answers');
    assertContinuous(result);
  });

  it('probe() throws a SensorIdentityError; no chip at the address is missing_chip too', function () {
    const chip = new FakeLis3dh();
    chip.whoAmI = 0x00;
    const sensor = { bus: 'i2c' as const, io: chip.smbus(0x18), data: 21, clock: 22, hz: 400_000, address: 0x18 };
    const source = new Lis3dhSource({ sensor, clock: new ManualClock() });
    assert.throws(() => source.probe(), (error: unknown) => error instanceof SensorIdentityError &&
      error.message === 'LIS3DH not found at I2C address 0x18: WHO_AM_I (0x0F) read 0x00, expected 0x33');
    const elsewhere = new Lis3dhSource({ sensor: { ...sensor, address: 0x19 }, clock: new ManualClock() });
    const faults: string[] = [];
    elsewhere.start({ onBlock() {}, onFault(f) { faults.push(`${f.code}: ${f.message}`); } });
    elsewhere.stop();
    assert.deepEqual(faults, ['missing_chip: LIS3DH at I2C address 0x19: I2C NACK at address 0x19']);
  });

  it('a bus that stops answering is reported once as bus_error, and streaming resumes when it answers', function () {
    const chip = new FakeLis3dh();
    const clock = new ManualClock();
    const faults: string[] = [];
    let blocks = 0;
    const source = new Lis3dhSource({ sensor: { bus: 'i2c', io: chip.smbus(0x18), data: 21, clock: 22,
      hz: 400_000, address: 0x18 }, clock });
    source.start({ onBlock() { blocks++; }, onFault(f) { faults.push(`${f.code}: ${f.message}`); } });
    const step = (to: number): void => {
      for (let t = clock.nowMs + 1; t <= to; t++) {
        clock.advanceTo(t);
        chip.advanceTo(t);
      }
    };
    step(200);
    chip.failing = true;
    step(400);
    chip.failing = false;
    const before = blocks;
    step(600);
    source.stop();
    assert.equal(faults.filter((f) => f.startsWith('bus_error')).length, 1, faults.join('\n'));
    assert.match(faults[0] ?? '', /^bus_error: LIS3DH at I2C address 0x18: I2C NACK$/);
    assert.ok(blocks > before, 'blocks flow again');
  });
});

describe('device: ADXL345 FIFO source (register-level fake)', function () {
  it('streams every sample at 1600 Hz over SPI with the watermark interrupt', function () {
    const result = runAccelScenario({ chip: 'adxl345', bus: 'spi', interrupt: true, durationMs: 1000 });
    assert.equal(result.rateHz, 1600);
    assert.deepEqual(result.faults, []);
    assert.ok(result.blocks >= 48 && result.blocks <= 50, `${result.blocks} blocks`);
    assertContinuous(result);
    assert.ok(result.maxT0ErrorMs <= 2 * (1000 / 1600) + 1, `${result.maxT0ErrorMs}`);
    assert.equal(result.unitsPerCount, 2 / 32768);
  });

  it('streams at 800 Hz over I2C by polling, one burst per FIFO entry', function () {
    const result = runAccelScenario({ chip: 'adxl345', bus: 'i2c', interrupt: false, durationMs: 1000, rangeG: 4 });
    assert.equal(result.rateHz, 800);
    assertContinuous(result);
    assert.equal(result.unitsPerCount, 4 / 32768);
    // 800 entries read one burst each, plus two status reads per poll.
    assert.ok(result.transactions >= 800 && result.transactions < 800 + 3 * 80, `${result.transactions} transactions`);
  });

  it('programs BW_RATE, DATA_FORMAT (full resolution, left-justified), FIFO_CTL, interrupts and measure mode', function () {
    const chip = new FakeAdxl345();
    const source = new Adxl345Source({ sensor: { bus: 'spi', io: chip.spi(), clock: 18, in: 19, out: 23, select: 5,
      hz: 5_000_000, port: 2 }, clock: new ManualClock(), rangeG: 16, watermarkFrames: 24 });
    source.start({ onBlock() {}, onFault(f) { assert.fail(f.message); } });
    assert.equal(chip.registers[0x2c], 0x0e, 'BW_RATE 1600 Hz');
    assert.equal(chip.registers[0x31], 0x08 | 0x04 | 0x03, 'DATA_FORMAT FULL_RES, Justify, ±16 g');
    assert.equal(chip.registers[0x38], 0x80 | 24, 'FIFO_CTL stream, 24 samples');
    assert.equal(chip.registers[0x2e], 0x03, 'INT_ENABLE watermark + overrun');
    assert.equal(chip.registers[0x2f], 0x00, 'INT_MAP: INT1');
    assert.equal(chip.registers[0x2d], 0x08, 'POWER_CTL measure');
    source.stop();
    assert.equal(chip.registers[0x2d], 0x00, 'standby after stop');
    assert.equal(adxl345UnitsPerCount(16), 16 / 32768);
  });

  it('refuses rates the data sheet does not support on the chosen bus', function () {
    const chip = new FakeAdxl345();
    const i2c = { bus: 'i2c' as const, io: chip.smbus(0x53), data: 21, clock: 22, hz: 400_000, address: 0x53 };
    assert.throws(() => new Adxl345Source({ sensor: i2c, clock: new ManualClock(), rateHz: 1600 }),
      /ADXL345 at 1600 Hz needs SPI at 2 MHz or more \(data sheet, BW_RATE\); over I2C use at most 800 Hz/);
    assert.throws(() => new Adxl345Source({ sensor: { bus: 'spi', io: chip.spi(), clock: 18, in: 19, out: 23,
      select: 5, hz: 1_000_000, port: 2 }, clock: new ManualClock(), rateHz: 3200 }), /at least 2 MHz, got 1000000 Hz/);
    assert.throws(() => new Adxl345Source({ sensor: i2c, clock: new ManualClock(), rateHz: 500 }), /ADXL345 rate 500 Hz/);
  });

  it('reports an overrun with a sequence gap', function () {
    const result = runAccelScenario({ chip: 'adxl345', bus: 'spi', interrupt: true, durationMs: 600,
      stallAtMs: 250, stallMs: 60 });
    assert.ok(result.lostFrames > 0);
    assert.ok(result.faults.some((f) => f.startsWith('overrun: ADXL345 FIFO overrun')), result.faults.join('\n'));
    assert.equal(result.mismatchedFrames, 0);
    const gaps = result.sequences.filter((s, i) => i > 0 && s !== (result.sequences[i - 1] ?? 0) + 1);
    assert.equal(gaps.length, 1);
  });

  it('a wrong DEVID is a missing_chip fault naming the SPI select pin and the value read', function () {
    const result = runAccelScenario({ chip: 'adxl345', bus: 'spi', interrupt: false, durationMs: 100, identity: 0xff });
    assert.deepEqual(result.faults, ['missing_chip: ADXL345 not found at SPI select pin 5: DEVID (0x00) read 0xff, expected 0xe5']);
    assert.equal(result.blocks, 0);
  });
});

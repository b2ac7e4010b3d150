import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runInXs, type XsCommandResult } from '../helpers/xs/harness';
import { runAccelScenario, type AccelScenario } from '../helpers/device/accel-scenario';

const entry = fileURLToPath(new URL('./entries/device.entry.ts', import.meta.url));

function result(results: XsCommandResult[], index: number): XsCommandResult {
  const r = results[index];
  assert.ok(r !== undefined, `result ${index}`);
  return r;
}

describe('XS engine: device drivers and block paths', function () {
  this.timeout(60_000);

  it('streams the LIS3DH and ADXL345 drivers against their fakes with the same results as under Node', async function () {
    const scenarios: AccelScenario[] = [
      { chip: 'lis3dh', bus: 'i2c', interrupt: true, durationMs: 300, stallAtMs: 100, stallMs: 60 },
      { chip: 'adxl345', bus: 'spi', interrupt: false, durationMs: 300 },
      { chip: 'lis3dh', bus: 'spi', interrupt: false, durationMs: 50, identity: 0x44 },
    ];
    const run = await runInXs(entry, scenarios.map((arg) => ({ name: 'accel', arg })));
    scenarios.forEach((scenario, i) => {
      assert.deepEqual(result(run.results, i).value, runAccelScenario(scenario), `${scenario.chip} ${scenario.bus}`);
    });
    const overrun = result(run.results, 0).value as ReturnType<typeof runAccelScenario>;
    assert.ok(overrun.faults.length === 1 && overrun.mismatchedFrames === 0 && overrun.blocks > 5);
  });

  it('allocates nothing per drain or per audio block, and prints the cost per second of signal', async function () {
    // 1 s of signal: 84 watermark drains of 16 frames at 1344 Hz; 62.5 → 63 callbacks of 256 frames at 16 kHz.
    // The first calls warm up (and allocate the result object); then 1 and 84 (63) calls must allocate
    // the same: nothing per call.
    const run = await runInXs(entry, [
      { name: 'noop', gcBefore: true },
      { name: 'drainAccelerometer', arg: 7 },
      { name: 'drainAccelerometer', arg: 1, gcBefore: true },
      { name: 'drainAccelerometer', arg: 84, gcBefore: true },
      { name: 'readMicrophone', arg: 7 },
      { name: 'readMicrophone', arg: 1, gcBefore: true },
      { name: 'readMicrophone', arg: 63, gcBefore: true },
    ]);
    const noop = result(run.results, 0);
    const accel = result(run.results, 3);
    const mic = result(run.results, 6);
    assert.equal(accel.allocatedSlots, result(run.results, 2).allocatedSlots, 'LIS3DH drain path allocates nothing per drain');
    assert.equal(mic.allocatedSlots, result(run.results, 5).allocatedSlots, 'microphone path allocates nothing per block');
    const accelValue = accel.value as { blocks: number; faults: number; reads: number };
    assert.equal(accelValue.reads, 7 + 1 + 84, 'one burst per drain');
    const micValue = mic.value as { blocks: number; faults: number };
    assert.equal(accelValue.faults, 0);
    assert.equal(micValue.faults, 0);
    assert.equal(accelValue.blocks, Math.floor((7 + 1 + 84) * 16 / 32));
    assert.equal(micValue.blocks, 7 + 1 + 63);
    const accelCost = accel.computrons - noop.computrons;
    const micCost = mic.computrons - noop.computrons;
    console.log(`      XS cost per second of signal (adapter only; bus transfers are native on the device): LIS3DH 1344 Hz ${accelCost} computrons; ` +
      `microphone 16 kHz ${micCost} computrons`);
    assert.ok(accelCost > 0 && micCost > 0);
  });
});

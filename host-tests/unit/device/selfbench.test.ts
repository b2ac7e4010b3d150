/**
 * The self-benchmark's stepping, arithmetic and reporting under Node: SelfBench with scripted heap
 * readings, and the selfbench build's start-up on a fake board (trace and MQTT report). The figures
 * themselves are measured in XS (host-tests/xs/selfbench.test.ts) and on boards.
 */
import assert from 'node:assert/strict';
import { ScenarioRun, SELF_BENCH_FFT_SIZES, SELF_BENCH_SCENARIOS, SelfBench, type HeapFigures } from '../../../firmware/moddable/selfbench';
import { runSelfBenchOnDevice, SELF_BENCH_TOPIC, type SelfBenchReport } from '../../../firmware/moddable/selfbench-device';
import { SyntheticSignal, SYNTHETIC_KINDS } from '../../../firmware/moddable/synthetic-signal';
import { useFftFactory } from '../../../firmware/dsp/fft-factory';
import { RealFft } from '../../../firmware/dsp/fft';
import { FakeDevice } from '../../helpers/device/fake-device';
import { buildConfig } from '../../helpers/device/build-config';
import { checkMessage } from '../../helpers/protocol-schemas';

const SCENARIOS = SELF_BENCH_SCENARIOS.filter((s) => s.name === 'acoustic/shatter' || s.name === 'tilt/balcony');

describe('self-benchmark (selfbench.ts, selfbench-device.ts)', function () {
  this.timeout(60_000);

  it('generates the same blocks from the same seed, and each kind its own signal', function () {
    const energies = SYNTHETIC_KINDS.map((kind) => {
      const mic = kind === 'gallery' || kind === 'shatter';
      const options = { kind, rateHz: mic ? 16000 : 1600, blockFrames: 64, unitsPerCount: mic ? 1 / 32768 : 1 / 16000, seed: 9 };
      const a = new SyntheticSignal(options);
      const b = new SyntheticSignal(options);
      const blocks = (4 * options.rateHz) / 64;
      let energy = 0;
      for (let i = 0; i < blocks; i++) {
        const samples = a.next().samples;
        assert.deepEqual(samples, b.next().samples, kind);
        for (const v of samples) energy += v * v;
      }
      assert.equal(a.block.sequence, blocks - 1);
      assert.equal(a.block.t0Ms, ((blocks - 1) * 64 * 1000) / options.rateHz);
      return energy;
    });
    assert.equal(new Set(energies).size, SYNTHETIC_KINDS.length, energies.join(', '));
    assert.throws(() => new SyntheticSignal({ kind: 'gallery', rateHz: 16000, blockFrames: 0, unitsPerCount: 1, seed: 1 }), /blockFrames 0/);
  });

  it('steps through every scenario and kernel, subtracting generation and reading the heap around each part', function () {
    let slots = 0;
    let gc = 0;
    const readHeap = (into: HeapFigures): void => {
      slots += 100;
      into.slotHeapUsedBytes = slots;
      into.chunkHeapUsedBytes = 2 * slots;
      into.freeBytes = 50_000;
      into.gcCount = gc;
    };
    let now = 0;
    const bench = new SelfBench({ nowMs: () => (now += 1), readHeap, scenarios: SCENARIOS, fftCalls: 4 });
    assert.equal(bench.stepCount, SCENARIOS.reduce((n, s) => n + 2 + s.warmS + s.measureS, 0) + SELF_BENCH_FFT_SIZES.length);
    let steps = 0;
    while (bench.step()) {
      steps++;
      if (steps === 20) gc++; // a collection during the second scenario's measured seconds
    }
    const { pipelines, fft, heap } = bench.results();
    assert.deepEqual(pipelines.map((p) => [p.scenario, p.buildSlotBytes, p.buildChunkBytes, p.allocatedBytesPerSignalS, p.gcRuns]), [
      ['acoustic/shatter', 100, 200, 25, 0], // reads: build before/after, measure start/end, 100 apart; (end − start) / 4 s
      ['tilt/balcony', 100, 200, null, 1], // a garbage collection makes the growth unknown
    ]);
    // Each measured second: (t1 − t0) − (t2 − t1) = 1 − 1 tick: the subtraction leaves nothing.
    assert.deepEqual(pipelines.map((p) => p.usPerSignalS), [0, 0]);
    const reference = SCENARIOS.map((s) => {
      const run = new ScenarioRun(s);
      for (let i = 0; i < s.warmS + s.measureS; i++) run.runSecond();
      return run.detections;
    });
    assert.deepEqual(pipelines.map((p) => p.detections), reference);
    assert.deepEqual(fft.map((k) => [k.impl, k.size, k.usPerCall]), SELF_BENCH_FFT_SIZES.map((size) => ['typescript', size, 250]));
    assert.equal(heap.freeBytes, 50_000);
  });

  it('times the native FFT next to the TypeScript one when the build has it', function () {
    const made: number[] = [];
    const bench = new SelfBench({ nowMs: () => 0, readHeap: () => {}, scenarios: [], fftCalls: 1,
      nativeFft: (size) => {
        made.push(size);
        return new RealFft(size);
      } });
    while (bench.step());
    assert.deepEqual(bench.results().fft.map((k) => `${k.impl} ${k.size}`), SELF_BENCH_FFT_SIZES.flatMap((size) => [`typescript ${size}`, `native ${size}`]));
    assert.deepEqual(made, SELF_BENCH_FFT_SIZES);
  });

  it('on a board, traces each figure and publishes the report once, retained, after the broker accepts', function () {
    const config = buildConfig('selfbench', 'esp32', { site: 'lab', node: 'bench-01', brokerHost: '10.0.0.2', ssid: 'lab' });
    const device = new FakeDevice({ platform: 'esp32', config, chip: 'none', audioIn: false });
    try {
      const session = runSelfBenchOnDevice(device.io);
      assert.deepEqual(device.client.options.will, { topic: 'vitrine/lab/bench-01/status', message: 'offline', QoS: 1, retain: true });
      device.run(1000);
      assert.equal(session.report(), undefined, 'the run waits for Wi-Fi and MQTT to settle');
      for (let i = 0; i < 400 && session.report() === undefined; i++) device.run(20);
      const report = session.report();
      assert.ok(report !== undefined);
      assert.equal(report.pipelines.length, SELF_BENCH_SCENARIOS.length);
      assert.deepEqual(report.heap, { freeBytes: 96_000, slotHeapUsedBytes: 40_000 + report.uptimeMs, chunkHeapUsedBytes: 60_000, gcCount: 7 });
      assert.equal(device.client.packets.length, 0, 'nothing is published before the broker accepts');
      device.client.accept();
      device.runOnline(50);
      const sent = device.client.packets.filter((p) => p.topic === `vitrine/lab/bench-01/${SELF_BENCH_TOPIC}`);
      assert.deepEqual(sent.map((p) => [p.QoS, p.retain]), [[1, true]]);
      assert.deepEqual(JSON.parse(sent[0]?.payload ?? ''), report);
      assert.deepEqual(checkMessage(sent[0]?.topic ?? '', sent[0]?.payload ?? ''), []);
      assert.ok(session.published());
      for (const p of report.pipelines) assert.ok(device.log.includes(`INFO selfbench ${p.scenario}: ${p.usPerSignalS} µs per s of signal`), p.scenario);
      assert.match(device.log, /INFO selfbench JSON \{"v":1,"site":"lab","node":"bench-01"/);
    } finally {
      useFftFactory();
    }
  });

  it('without a broker, reports to the log only', function () {
    const device = new FakeDevice({ platform: 'lin', config: buildConfig('selfbench', 'lin', {}) });
    const session = runSelfBenchOnDevice(device.io);
    for (let i = 0; i < 400 && session.report() === undefined; i++) device.run(20);
    const report: SelfBenchReport | undefined = session.report();
    assert.ok(report !== undefined);
    assert.equal(report.site, 'unprovisioned');
    assert.equal(report.platform, 'lin');
    assert.equal(device.network.clients.length, 0);
    assert.match(device.log, /selfbench: no broker configured \(brokerHost\): the report goes to the log only/);
  });
});

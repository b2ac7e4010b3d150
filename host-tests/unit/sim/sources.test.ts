import assert from 'node:assert/strict';
import type { SampleBlock, SensorSourceFault } from '../../../firmware/ports';
import { VirtualClock } from '../../../simulator/clock/virtual-clock';
import { parseScenario } from '../../../simulator/scenario/validate';
import type { Scenario } from '../../../simulator/scenario/types';
import { MissingGeneratorError, assertRenderable } from '../../../simulator/sources/generators';
import { ScenarioSource } from '../../../simulator/sources/scenario-source';
import type { SensorFaultWindow } from '../../../simulator/sources/scenario-source';
import { SensorSignal } from '../../../simulator/sources/sensor-signal';
import { ACCELEROMETER, MICROPHONE } from '../../../simulator/sources/sensors';
import { OffThreadRenderer } from '../../../simulator/sources/off-thread';
import type { ChunkReply } from '../../../simulator/sources/off-thread';
import { TEST_ACCEL_FLOOR_RMS_G, TEST_MIC_FLOOR_RMS, TEST_REGISTRY_MODULE, testRegistry } from '../../helpers/test-generators';

function scenario(timeline: unknown[], nodes?: unknown[]): Scenario {
  return parseScenario({
    format: 'vitrine-scenario/1', name: 'sources test', seed: 11, durationS: 20,
    site: { id: 'lab', name: 'Lab', plan: { rooms: [{ id: 'bench', name: 'Bench', floor: '0', rect: { x: 0, y: 0, widthM: 20, heightM: 10 } }] } },
    nodes: nodes ?? [
      { id: 'upright', role: 'window', location: loc('upright'), position: { x: 2, y: 2 }, mounting: { surface: 'glass', orientation: 'vertical' } },
      { id: 'flat', role: 'display_case', location: loc('flat'), position: { x: 12, y: 2 }, mounting: { surface: 'glass', orientation: 'horizontal' } },
    ],
    timeline,
  });
}

function loc(label: string): Record<string, string> {
  return { building: 'Lab', floor: '0', room: 'Bench', element: 'pane', label };
}

function counts(signal: SensorSignal, fromS: number, toS: number): Int16Array {
  const { rateHz, channels } = signal.model;
  const frames = Math.round((toS - fromS) * rateHz);
  const out = new Int16Array(frames * channels);
  signal.read(Math.round(fromS * rateHz), frames, out);
  return out;
}

function rmsOf(values: Int16Array, unitsPerCount: number, channel = 0, channels = 1): number {
  let sum = 0;
  let n = 0;
  for (let i = channel; i < values.length; i += channels) {
    sum += (values[i] * unitsPerCount) ** 2;
    n++;
  }
  return Math.sqrt(sum / n);
}

function meanOf(values: Int16Array, channel: number, channels: number): number {
  let sum = 0;
  let n = 0;
  for (let i = channel; i < values.length; i += channels) {
    sum += values[i];
    n++;
  }
  return sum / n;
}

const dbOf = (ratio: number): number => 20 * Math.log10(ratio);

describe('simulator sensor signals', function () {
  it('refuses at start-up a scenario whose events have no generator, naming each', function () {
    const s = scenario([{ at: 2, what: 'music', where: { room: 'bench' }, durationS: 3, label: 'Band' }, { at: 5, what: 'glass_break', where: { node: 'flat' } }]);
    assert.throws(() => assertRenderable(s, testRegistry({ without: ['music'] })), (error: unknown) => {
      assert.ok(error instanceof MissingGeneratorError);
      assert.match(error.message, /timeline\[0\] \(music at 2 s, "Band"\): the signal library has no microphone generator for 'music'/);
      assert.equal(error.problems.length, 1);
      return true;
    });
    assert.throws(() => new SensorSignal({ scenario: s, node: s.nodes[0], model: MICROPHONE, registry: testRegistry({ without: ['music'] }) }), MissingGeneratorError);
  });

  it('hears the ambient floor plus the part\'s noise, and an event at its level above the floor', function () {
    const s = scenario([{ at: 5, what: 'visitors', where: { node: 'flat' }, durationS: 4, params: { levelDb: 20 } }]);
    const mic = new SensorSignal({ scenario: s, node: s.nodes[1], model: MICROPHONE, registry: testRegistry() });
    const floor = rmsOf(counts(mic, 1, 4), MICROPHONE.unitsPerCount);
    const expectedFloor = Math.hypot(TEST_MIC_FLOOR_RMS, MICROPHONE.noiseRms);
    assert.ok(Math.abs(dbOf(floor / expectedFloor)) < 0.3, `floor ${dbOf(floor)} dBFS, expected ${dbOf(expectedFloor)}`);
    const during = rmsOf(counts(mic, 5.2, 8.8), MICROPHONE.unitsPerCount);
    const expected = Math.hypot(TEST_MIC_FLOOR_RMS * 10, expectedFloor);
    assert.ok(Math.abs(dbOf(during / expected)) < 0.3, `event ${dbOf(during)} dBFS, expected ${dbOf(expected)}`);
  });

  it('renders a steady event in pieces: level held across chunks, start and end shaped, silent outside', function () {
    const s = scenario([{ at: 5.5, what: 'visitors', where: { node: 'flat' }, durationS: 3, params: { levelDb: 40 } }]);
    const mic = new SensorSignal({ scenario: s, node: s.nodes[1], model: MICROPHONE, registry: testRegistry() });
    const data = counts(mic, 5, 9.5);
    const level = (fromS: number, toS: number): number =>
      dbOf(rmsOf(data.subarray(Math.round((fromS - 5) * 16000), Math.round((toS - 5) * 16000)), MICROPHONE.unitsPerCount) / TEST_MIC_FLOOR_RMS);
    assert.ok(level(5, 5.49) < 2, `before: ${level(5, 5.49).toFixed(1)} dB over the floor`);
    assert.ok(level(8.51, 9.5) < 2, `after: ${level(8.51, 9.5).toFixed(1)} dB over the floor`);
    for (let t = 5.55; t < 8.4; t += 0.05) {
      assert.ok(Math.abs(level(t, t + 0.05) - 40) < 1.5, `${t.toFixed(2)} s: ${level(t, t + 0.05).toFixed(2)} dB (chunk edges at 6, 7 and 8 s)`);
    }
    const onset = data.subarray(Math.round(0.5 * 16000), Math.round(0.52 * 16000));
    assert.ok(Math.abs(onset[0]) < Math.max(...onset.map((v) => Math.abs(v))) / 4, 'the start is ramped, not a step');
  });

  it('reduces a point source by 20·log10(distance) and leaves node events to their node', function () {
    const s = scenario([
      { at: 2, what: 'visitors', where: { x: 2, y: 7 }, durationS: 4, params: { levelDb: 50 } },
      { at: 8, what: 'visitors', where: { node: 'upright' }, durationS: 4, params: { levelDb: 50 } },
    ]);
    const near = new SensorSignal({ scenario: s, node: s.nodes[0], model: MICROPHONE, registry: testRegistry() });
    const far = new SensorSignal({ scenario: s, node: s.nodes[1], model: MICROPHONE, registry: testRegistry() });
    const atNear = rmsOf(counts(near, 2.5, 5.5), MICROPHONE.unitsPerCount);
    const atFar = rmsOf(counts(far, 2.5, 5.5), MICROPHONE.unitsPerCount);
    // 5 m and √125 ≈ 11.18 m from the source: 50 − 13.98 dB and 50 − 20.97 dB above the floor.
    assert.ok(Math.abs(dbOf(atNear / TEST_MIC_FLOOR_RMS) - (50 - dbOf(5))) < 0.3, `near ${dbOf(atNear / TEST_MIC_FLOOR_RMS)} dB`);
    assert.ok(Math.abs(dbOf(atFar / TEST_MIC_FLOOR_RMS) - (50 - dbOf(Math.sqrt(125)))) < 0.3, `far ${dbOf(atFar / TEST_MIC_FLOOR_RMS)} dB`);
    const otherNode = rmsOf(counts(far, 8.5, 11.5), MICROPHONE.unitsPerCount);
    assert.ok(otherNode < 2 * TEST_MIC_FLOOR_RMS, 'an event on another node does not reach this one');
  });

  it('puts gravity on the axis the mounting points up and turns a tilt into the sensor frame', function () {
    const s = scenario([{ at: 4, what: 'tilt', where: { node: 'flat' }, params: { angleDeg: 10, rampS: 0 } }]);
    const oneG = 1 / ACCELEROMETER.unitsPerCount;
    const upright = counts(new SensorSignal({ scenario: s, node: s.nodes[0], model: ACCELEROMETER, registry: testRegistry() }), 1, 3);
    assert.ok(Math.abs(meanOf(upright, 1, 3) - oneG) < 10, 'vertical mounting: +1 g on y');
    assert.ok(Math.abs(meanOf(upright, 2, 3)) < 10 && Math.abs(meanOf(upright, 0, 3)) < 10);
    const flat = new SensorSignal({ scenario: s, node: s.nodes[1], model: ACCELEROMETER, registry: testRegistry() });
    const before = counts(flat, 1, 3);
    assert.ok(Math.abs(meanOf(before, 2, 3) - oneG) < 10, 'horizontal mounting: +1 g on z');
    const after = counts(flat, 5, 7);
    const angle = (Math.atan2(meanOf(after, 1, 3), meanOf(after, 2, 3)) * 180) / Math.PI;
    assert.ok(Math.abs(angle - 10) < 0.1, `tilt seen as ${angle}°`);
    const noise = rmsOf(before.map((v, i) => (i % 3 === 0 ? v : 0)), ACCELEROMETER.unitsPerCount, 0, 3);
    const expected = Math.hypot(TEST_ACCEL_FLOOR_RMS_G / Math.sqrt(3), ACCELEROMETER.noiseRms);
    assert.ok(Math.abs(dbOf(noise / expected)) < 0.5, `x-axis noise ${noise} g, expected ${expected}`);
  });

  it('renders the same counts for the same scenario, whatever the order of reading', function () {
    const s = scenario([{ at: 1.5, what: 'glass_break', where: { node: 'flat' }, params: { levelDb: 40 } }]);
    const a = new SensorSignal({ scenario: s, node: s.nodes[1], model: MICROPHONE, registry: testRegistry() });
    const b = new SensorSignal({ scenario: s, node: s.nodes[1], model: MICROPHONE, registry: testRegistry() });
    const whole = counts(a, 0, 3);
    const late = counts(b, 2, 3);
    const early = counts(b, 0, 2);
    assert.deepEqual([...early, ...late], [...whole]);
  });

  it('fades ambient pieces into each other without a step in level at chunk boundaries', function () {
    const s = scenario([]);
    const mic = new SensorSignal({ scenario: s, node: s.nodes[0], model: MICROPHONE, registry: testRegistry() });
    const data = counts(mic, 0, 10);
    const window = 800; // 50 ms
    const levels: number[] = [];
    for (let start = 0; start + window <= data.length; start += window) levels.push(rmsOf(data.subarray(start, start + window), 1));
    const mean = levels.reduce((x, y) => x + y, 0) / levels.length;
    for (const level of levels) assert.ok(Math.abs(dbOf(level / mean)) < 1.5, `50 ms level ${dbOf(level / mean).toFixed(2)} dB from the mean`);
  });
});

describe('simulator sensor sources', function () {
  function rig(faults: SensorFaultWindow[] = [], bootAtMs = 0): { clock: VirtualClock; blocks: SampleBlock[]; sourceFaults: SensorSourceFault[]; source: ScenarioSource } {
    const s = scenario([]);
    const clock = new VirtualClock();
    clock.advanceTo(bootAtMs);
    const node = clock.bootNode();
    const signal = new SensorSignal({ scenario: s, node: s.nodes[0], model: ACCELEROMETER, registry: testRegistry() });
    const source = new ScenarioSource({ signal, clock: node, bootAtMs, faults });
    const blocks: SampleBlock[] = [];
    const sourceFaults: SensorSourceFault[] = [];
    source.start({
      onBlock: (block) => blocks.push({ ...block, samples: block.samples.slice() }),
      onFault: (fault) => sourceFaults.push(fault),
    });
    return { clock, blocks, sourceFaults, source };
  }

  it('delivers consecutive blocks on the node\'s clock, timed in its uptime, on the scenario\'s sample grid', function () {
    const { clock, blocks, source } = rig([], 1003);
    clock.advanceTo(2003);
    assert.equal(blocks.length, 49, 'blocks completed in the first second after a boot at 1.003 s');
    // The first frame at or after 1.003 s is frame 1605 (1.003125 s).
    assert.ok(Math.abs(blocks[0].t0Ms - 0.125) < 1e-9, `first t0 ${blocks[0].t0Ms}`);
    blocks.forEach((b, i) => {
      assert.equal(b.sequence, i);
      assert.equal(b.frames, 32);
      assert.equal(b.channels, 3);
      assert.ok(Math.abs(b.t0Ms - (0.125 + 20 * i)) < 1e-9);
    });
    source.stop();
    clock.advanceTo(3000);
    assert.equal(blocks.length, 49, 'nothing after stop()');
  });

  it('applies flat, saturated, stuck and missing faults to what the part delivers', function () {
    const { clock, blocks, sourceFaults } = rig([
      { kind: 'flat', startMs: 1000, endMs: 1200 },
      { kind: 'saturated', startMs: 1400, endMs: 1600 },
      { kind: 'stuck', startMs: 1800, endMs: 2000 },
      { kind: 'missing', startMs: 2200, endMs: 2400 },
    ]);
    clock.advanceTo(3000);
    const at = (ms: number): SampleBlock | undefined => blocks.find((b) => b.t0Ms === ms);
    assert.ok(at(1000)!.samples.every((v) => v === 0), 'flat: zeros');
    assert.ok(at(1400)!.samples.every((v) => v === 32767 || v === -32768), 'saturated: at the rails');
    assert.ok(at(1400)!.samples.some((v) => v === 32767), 'saturated: gravity pins an axis high');
    const lastGood = at(1780)!.samples.slice(-3);
    assert.deepEqual([...at(1800)!.samples.slice(0, 6)], [...lastGood, ...lastGood], 'stuck: the last good frame repeated');
    assert.equal(at(1980)!.samples.every((v, i) => v === lastGood[i % 3]), true);
    assert.equal(at(2200), undefined, 'missing: no blocks');
    assert.equal(at(2380), undefined);
    assert.ok(at(2400) !== undefined, 'blocks flow again after the fault');
    assert.deepEqual(sourceFaults.map((f) => f.code), ['missing_chip'], 'missing_chip reported once');
    assert.ok(at(2000)!.samples.some((v) => v !== at(2000)!.samples[0]), 'normal signal after the faults');
    const sequences = blocks.map((b) => b.sequence);
    assert.deepEqual(sequences, sequences.map((_, i) => i), 'no sequence gap: nothing was lost by overrun');
  });
});

describe('rendering on a worker thread', function () {
  this.timeout(30_000);

  it('renders the same counts as the main thread, chunk by chunk', async function () {
    const s = scenario([
      { at: 0.5, what: 'visitors', where: { room: 'bench' }, durationS: 2, params: { levelDb: 20 } },
      { at: 1.2, what: 'glass_break', where: { node: 'flat' }, params: { levelDb: 30 } },
    ]);
    const replies: ChunkReply[] = [];
    const worker = await OffThreadRenderer.start(s, TEST_REGISTRY_MODULE, (reply) => replies.push(reply), (error) => assert.fail(error));
    try {
      for (const chunk of [1, 2]) worker.request({ node: 'flat', kind: 'microphone', chunk });
      assert.equal(worker.backlog, 2);
      while (replies.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const here = new SensorSignal({ scenario: s, node: s.nodes[1], model: MICROPHONE, registry: testRegistry() });
      for (const reply of replies) {
        const expected = new Int16Array(16000);
        here.read(reply.chunk * 16000, 16000, expected);
        assert.deepEqual([...reply.counts], [...expected], `chunk ${reply.chunk}`);
      }
      // Offered to a reader, a chunk from the worker is not rendered again (no miss).
      const reader = new SensorSignal({ scenario: s, node: s.nodes[1], model: MICROPHONE, registry: testRegistry() });
      reader.offer(1, replies[0].counts, replies[0].renderMs);
      reader.read(16000, 256, new Int16Array(256));
      assert.equal(reader.stats.misses, 0);
      reader.read(3 * 16000, 256, new Int16Array(256));
      assert.equal(reader.stats.misses, 1, 'a chunk nobody rendered ahead is a miss');
    } finally {
      await worker.close();
    }
  });
});

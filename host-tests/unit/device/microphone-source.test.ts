import assert from 'node:assert/strict';
import type { SampleBlock } from '../../../firmware/ports';
import { MicrophoneSource } from '../../../firmware/moddable/microphone-source';
import { FakeAudioDriver } from '../../helpers/device/fake-audio-in';
import { ManualClock } from '../../helpers/device/manual-clock';

interface Run {
  blocks: Array<{ sequence: number; first: number; t0Ms: number; frames: number }>;
  mismatches: number;
  faults: string[];
  driver: FakeAudioDriver;
}

/** Streams `durationMs` of audio; the JS thread is busy (callbacks held) from stallAt for stallMs. */
function run(durationMs: number, stall?: { atMs: number; forMs: number }, shortReadAtMs?: number): Run {
  const clock = new ManualClock(500);
  const driver = new FakeAudioDriver();
  const source = new MicrophoneSource({ audio: { io: driver.io() }, clock });
  const result: Run = { blocks: [], mismatches: 0, faults: [], driver };
  source.start({
    onBlock(block: SampleBlock): void {
      const first = FakeAudioDriver.indexOf(block.samples[0] ?? 0);
      for (let k = 0; k < block.frames; k++) {
        if (block.samples[k] !== FakeAudioDriver.valueOf(first + k)) result.mismatches++;
      }
      assert.equal(block.rateHz, 16000);
      assert.equal(block.channels, 1);
      assert.equal(block.unitsPerCount, 1 / 32768);
      result.blocks.push({ sequence: block.sequence, first, t0Ms: block.t0Ms - 500, frames: block.frames });
    },
    onFault(fault): void {
      result.faults.push(`${fault.code}: ${fault.message}`);
    },
  });
  assert.deepEqual(driver.options && { ...driver.options, onReadable: undefined },
    { sampleRate: 16000, bitsPerSample: 16, channels: 1, audioType: 'LPCM', onReadable: undefined });
  assert.equal(driver.started, true);
  for (let t = 1; t <= durationMs; t++) {
    const stalled = stall !== undefined && t >= stall.atMs && t < stall.atMs + stall.forMs;
    if (shortReadAtMs === t) driver.shortRead = true;
    if (stalled) driver.held = true;
    clock.advanceTo(500 + t);
    if (!stalled && driver.held) driver.release();
    driver.advanceTo(t);
  }
  source.stop();
  assert.equal(driver.closed, true);
  return result;
}

describe('device: microphone source over embedded:io/audio/in (fake driver)', function () {
  it('delivers 16 kHz audio in 256-frame blocks, every sample in order, timestamps on the sample clock', function () {
    const result = run(2000);
    assert.equal(result.mismatches, 0);
    assert.deepEqual(result.faults, []);
    // 2 s = 32000 frames, moved in whole 2048-byte chunks: 31 chunks = 124 blocks.
    assert.equal(result.blocks.length, 124);
    result.blocks.forEach((b, i) => {
      assert.equal(b.sequence, i);
      assert.equal(b.first, i * 256);
      assert.equal(b.frames, 256);
      // The driver posts when a chunk is complete, so the estimate is exact here.
      assert.ok(Math.abs(b.t0Ms - result.driver.frameTimeMs(b.first)) < 0.5, `block ${i}: t0 ${b.t0Ms}`);
    });
  });

  it('keeps the timeline when callbacks run late, and reports a ring-buffer overrun with a sequence gap', function () {
    const late = run(2000, { atMs: 500, forMs: 300 });
    assert.deepEqual(late.faults, [], '300 ms late is within the 16 KB ring (512 ms)');
    assert.equal(late.mismatches, 0);
    // Late callbacks see old audio at a later time; the timeline absorbs it to within a few ms.
    late.blocks.forEach((b, i) => assert.ok(Math.abs(b.t0Ms - late.driver.frameTimeMs(b.first)) < 3, `block ${i}`));

    const overrun = run(2000, { atMs: 500, forMs: 900 });
    assert.ok(overrun.driver.droppedChunks > 0);
    assert.ok(overrun.faults.length >= 1);
    assert.ok(overrun.faults.every((f) => f === 'overrun: microphone: audio input buffer overran, samples were lost'));
    assert.equal(overrun.mismatches, 0);
    const gaps = overrun.blocks.filter((b, i) => i > 0 && b.sequence !== (overrun.blocks[i - 1]?.sequence ?? 0) + 1);
    assert.ok(gaps.length >= 1, 'a sequence gap marks the loss');
    for (let i = 1; i < overrun.blocks.length; i++) {
      const prev = overrun.blocks[i - 1];
      const cur = overrun.blocks[i];
      if (prev !== undefined && cur !== undefined && cur.first !== prev.first + 256) {
        assert.ok(cur.sequence > prev.sequence + 1, `lost frames before block ${i} come with a sequence gap`);
      }
    }
    // The held audio continues the timeline; after the loss it re-anchors on the next fresh callback.
    overrun.blocks.forEach((b, i) => assert.ok(Math.abs(b.t0Ms - overrun.driver.frameTimeMs(b.first)) < 3, `block ${i}`));
  });

  it('a short read drops the incomplete block and marks the loss', function () {
    const result = run(1000, undefined, 300);
    assert.deepEqual(result.faults, ['overrun: microphone: audio input buffer overran, samples were lost']);
    assert.equal(result.mismatches, 0);
  });

  it('a driver that cannot start is a bus_error fault', function () {
    const clock = new ManualClock();
    const faults: string[] = [];
    const source = new MicrophoneSource({
      audio: { io: class { constructor() { throw new Error('I2S port busy'); } } as never },
      clock,
    });
    source.start({ onBlock() {}, onFault(f) { faults.push(`${f.code}: ${f.message}`); } });
    assert.deepEqual(faults, ['bus_error: microphone: audio input did not start: I2S port busy']);
    source.stop();
  });
});

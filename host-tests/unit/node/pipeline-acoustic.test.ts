import assert from 'node:assert/strict';
import { AcousticPipeline, SNAPSHOT_BANDS } from '../../../firmware/node/pipeline-acoustic';
import { logBandEdgesHz } from '../../../firmware/dsp/bands';
import { GLASS_BREAK_OPTION_SPECS } from '../../../firmware/detect/glass-break';
import { feedBlocks, type Signal } from '../../../simulator/signals/signal';
import type { LabelledCase } from '../../../simulator/signals/corpus';
import type { Detection } from '../../../firmware/detect/types';
import { confuserCase, glassCase } from '../../helpers/acoustic-cases';

function feed(pipeline: AcousticPipeline, signal: Signal, onBlock?: (t0Ms: number) => void): Detection[] {
  const found: Detection[] = [];
  feedBlocks(signal, { unitsPerCount: 1 / 32768, blockFrames: 256 }, (block) => {
    onBlock?.(block.t0Ms);
    found.push(...pipeline.push(block));
  });
  return found;
}

function tone(hz: number, amplitude: number, seconds: number): Signal {
  const data = new Float32Array(Math.round(seconds * 16000));
  for (let i = 0; i < data.length; i++) data[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / 16000);
  return { rateHz: 16000, channels: 1, data };
}

describe('AcousticPipeline', function () {
  this.timeout(30_000);
  let breakCase: LabelledCase;
  before(function () {
    breakCase = glassCase(101, 'tempered', 20, 'quiet_gallery');
  });

  it('is the acoustic pipeline and refuses blocks at another rate, naming it', function () {
    const pipeline = new AcousticPipeline();
    assert.equal(pipeline.kind, 'acoustic');
    const block = { t0Ms: 0, rateHz: 48000, channels: 1, frames: 8, samples: new Int16Array(8), unitsPerCount: 1 / 32768, sequence: 0 };
    assert.throws(() => pipeline.push(block), /microphone block at 48000 Hz; the acoustic pipeline takes 16000 Hz/);
  });

  it('passes its options to the detector', function () {
    const pipeline = new AcousticPipeline({ onsetDb: 20, requireFlex: true });
    assert.equal(pipeline.detector.options.onsetDb, 20);
    assert.equal(pipeline.detector.options.requireFlex, true);
  });

  it('forwards flex from the vibration pipeline to the detector', function () {
    const onsetMs = (breakCase.onsetS as number) * 1000;
    const pipeline = new AcousticPipeline({ requireFlex: true });
    let noted = false;
    const found = feed(pipeline, breakCase.signal, (t0Ms) => {
      if (!noted && t0Ms >= onsetMs) {
        pipeline.noteFlex(onsetMs + 10, 0.4);
        noted = true;
      }
    });
    assert.equal(found.length, 1);
    assert.equal(found[0].features.flex, 1);
    assert.equal(found[0].features.flexPeakG, 0.4);
    const thresholds = (JSON.parse(JSON.stringify(pipeline.snapshot())) as ReturnType<AcousticPipeline['snapshot']>).thresholds;
    const current = (option: string): number | null | undefined => thresholds.find((t) => t.option === `glassBreak.${option}`)?.current;
    assert.equal(current('minScore'), found[0].score, 'judged with the flex');
    assert.equal(current('minScoreWithoutFlex'), null, 'a flex corroborated it: the bar for the sound alone did not apply');
  });

  it('snapshots the noise floor, live levels, the last candidate and every threshold with its option path', function () {
    const pipeline = new AcousticPipeline();
    const empty = pipeline.snapshot();
    assert.equal(empty.levels.candidates, 0);
    assert.equal(empty.levels.lastCandidateOnsetMs, -1);
    feed(pipeline, breakCase.signal);
    const s = pipeline.snapshot();
    assert.equal(s.kind, 'acoustic');
    const floor = breakCase.params.floorDbfs as number;
    assert.ok(s.noiseFloorDb < floor + 1 && s.noiseFloorDb > floor - 8, `floor ${s.noiseFloorDb} dBFS for an ambient at ${floor} dBFS`);
    assert.ok(s.levels.candidates >= 1);
    assert.ok(s.levels.lastCandidateOnsetMs >= 0 && (s.levels.lastCandidateDetected === 0 || s.levels.lastCandidateDetected === 1));
    assert.ok(Number.isFinite(s.levels.levelDbfs) && Number.isFinite(s.levels.hfOverFloorDb));
    const options = new Set(Object.keys(GLASS_BREAK_OPTION_SPECS).map((k) => `glassBreak.${k}`));
    assert.ok(s.thresholds.length >= 5);
    for (const t of s.thresholds) {
      assert.ok(options.has(t.option), t.option);
      const key = t.option.slice('glassBreak.'.length) as keyof typeof GLASS_BREAK_OPTION_SPECS;
      assert.equal(t.threshold, pipeline.detector.options[key]);
      assert.ok(Number.isFinite(t.current), `${t.option} current ${t.current}`);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON');
  });

  it('shows a candidate stopped early as such: its shape figures read null, its duration is measured', function () {
    const pipeline = new AcousticPipeline();
    let stopped: ReturnType<AcousticPipeline['snapshot']> | undefined;
    feedBlocks(confuserCase(42, 'music', 30, 'busy_gallery').signal, { unitsPerCount: 1 / 32768, blockFrames: 256 }, (block) => {
      pipeline.push(block);
      if (stopped === undefined && pipeline.detector.lastCandidate.stoppedEarly) stopped = JSON.parse(JSON.stringify(pipeline.snapshot())) as typeof stopped;
    });
    assert.ok(stopped !== undefined, 'loud music opens a candidate in the context of the one before');
    assert.equal(stopped.levels.lastCandidateStoppedEarly, 1);
    assert.equal(stopped.levels.lastCandidateDetected, 0);
    const current = (option: string): number | null | undefined => stopped?.thresholds.find((t) => t.option === `glassBreak.${option}`)?.current;
    for (const option of ['minHfMidDb', 'maxTonality', 'minScore', 'minScoreWithoutFlex']) assert.equal(current(option), null, `${option}: not measured`);
    assert.ok(Number.isFinite(current('minDurationMs')), 'the active time comes from the ticks');
    assert.ok(Number.isFinite(current('onsetDb')), 'live figures stay live');
  });

  it('has a 32-band spectrum, log-spaced from 100 Hz to 8 kHz, calibrated in dBFS', function () {
    const edges = logBandEdgesHz(100, 8000, SNAPSHOT_BANDS);
    assert.equal(edges.length, 33);
    assert.ok(Math.abs(edges[0] - 100) < 1e-9 && Math.abs(edges[32] - 8000) < 1e-6);
    const band = 24;
    const hz = Math.sqrt(edges[band] * edges[band + 1]);
    const amplitude = 0.05;
    const pipeline = new AcousticPipeline();
    feed(pipeline, tone(hz, amplitude, 0.5));
    const s = pipeline.snapshot();
    assert.deepEqual(s.bandEdgesHz, edges);
    assert.equal(s.bandsDb.length, SNAPSHOT_BANDS);
    const loudest = s.bandsDb.indexOf(Math.max(...s.bandsDb));
    assert.equal(loudest, band, `loudest band ${loudest} for a ${hz.toFixed(0)} Hz tone`);
    const expected = 10 * Math.log10(amplitude ** 2 / 2);
    assert.ok(Math.abs(s.bandsDb[band] - expected) < 1, `${s.bandsDb[band]} dB for a tone of mean square ${expected} dB`);
    assert.ok(s.bandsDb[4] < expected - 40, 'far bands are quiet');
  });

  it('starts afresh after reset', function () {
    const pipeline = new AcousticPipeline();
    const first = feed(pipeline, breakCase.signal);
    pipeline.reset();
    assert.equal(pipeline.snapshot().levels.candidates, 0);
    assert.deepEqual(feed(pipeline, breakCase.signal), first);
  });
});

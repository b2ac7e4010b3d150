/**
 * The acoustic pipeline: 16 kHz microphone blocks into the glass-break detector, flex evidence from the
 * vibration pipeline, and the calibration snapshot (noise floor, a 32-band spectrum of the last 32 ms,
 * live levels and every threshold next to the figure it is compared with).
 */
import type { SampleBlock } from '../ports';
import type { Fft } from '../dsp/fft';
import { createFft } from '../dsp/fft-factory';
import { fillHann, windowPower } from '../dsp/window';
import { BandLayout, bandEnergies, logBandEdgesHz } from '../dsp/bands';
import type { Detection } from '../detect/types';
import { GLASS_BREAK_RATE_HZ, GlassBreakDetector, type GlassBreakOptions, decisionScore } from '../detect/glass-break';
import type { Pipeline, PipelineSnapshot, ThresholdReading } from './pipeline';

/** Compact spectrum of the snapshot: 32 bands, log-spaced from 100 Hz to 8 kHz. */
export const SNAPSHOT_BANDS = 32;
const SNAPSHOT_LOW_HZ = 100;
const SNAPSHOT_HIGH_HZ = 8000;
/** The snapshot's spectrum is taken over the last 512 samples (32 ms). */
const SNAPSHOT_FFT = 512;

export class AcousticPipeline implements Pipeline {
  readonly kind = 'acoustic' as const;
  readonly detector: GlassBreakDetector;
  readonly #fft: Fft = createFft(SNAPSHOT_FFT);
  readonly #window = new Float64Array(SNAPSHOT_FFT);
  readonly #samples = new Float64Array(SNAPSHOT_FFT);
  readonly #re = new Float64Array(SNAPSHOT_FFT / 2 + 1);
  readonly #im = new Float64Array(SNAPSHOT_FFT / 2 + 1);
  readonly #power = new Float64Array(SNAPSHOT_FFT / 2 + 1);
  readonly #windowPower: number;
  readonly #layout = new BandLayout({
    edgesHz: logBandEdgesHz(SNAPSHOT_LOW_HZ, SNAPSHOT_HIGH_HZ, SNAPSHOT_BANDS), rateHz: GLASS_BREAK_RATE_HZ, fftSize: SNAPSHOT_FFT,
  });
  readonly #bands = new Float64Array(SNAPSHOT_BANDS);

  constructor(options?: Partial<GlassBreakOptions>) {
    this.detector = new GlassBreakDetector(options);
    fillHann(this.#window);
    this.#windowPower = windowPower(this.#window);
  }

  push(block: SampleBlock): readonly Detection[] {
    if (block.rateHz !== GLASS_BREAK_RATE_HZ) {
      throw new Error(`AcousticPipeline: microphone block at ${block.rateHz} Hz; the acoustic pipeline takes ${GLASS_BREAK_RATE_HZ} Hz (resample first)`);
    }
    return this.detector.push(block);
  }

  reset(): void {
    this.detector.reset();
  }

  noteFlex(atMs: number, peakG: number): void {
    this.detector.noteFlex(atMs, peakG);
  }

  setFlexAvailable(available: boolean): void {
    this.detector.setFlexAvailable(available);
  }

  judgeWithoutFlexSince(sinceMs: number, nowMs: number): readonly Detection[] {
    return this.detector.judgeWithoutFlexSince(sinceMs, nowMs);
  }

  snapshot(): PipelineSnapshot {
    const d = this.detector;
    const o = d.options;
    const last = d.lastCandidate.features;
    const threshold = (name: keyof GlassBreakOptions, current: number, unit: string): ThresholdReading =>
      ({ option: `glassBreak.${name}`, threshold: o[name] as number, current, unit });
    return {
      kind: 'acoustic',
      noiseFloorDb: d.noiseFloorDbfs,
      bandsDb: this.#bandsDb(),
      bandEdgesHz: this.#layout.edgesHz.slice(),
      levels: {
        levelDbfs: d.levelDbfs,
        hfOverFloorDb: d.hfOverFloorDb,
        candidateOpen: d.candidateOpen ? 1 : 0,
        candidates: d.candidates,
        lastCandidateOnsetMs: d.candidates > 0 ? d.lastCandidate.onsetMs : -1,
        lastCandidateDetected: d.lastCandidate.detected ? 1 : 0,
        // 1: the last candidate broke a limit early and was not measured to the end (its shatter figures read null).
        lastCandidateStoppedEarly: d.lastCandidate.stoppedEarly ? 1 : 0,
        // 0: no accelerometer can report the pane's flex (none, or faulted): the sound alone decides by minScore.
        flexAvailable: d.flexAvailable ? 1 : 0,
      },
      // Live for the onset; the last candidate's figures for the decision thresholds.
      thresholds: [
        threshold('onsetDb', d.hfOverFloorDb, 'dB'),
        threshold('onsetRiseDb', d.hfJumpDb, 'dB'),
        threshold('minHfMidDb', last.hfMidDb, 'dB'),
        threshold('maxTonality', last.tonality, 'ratio'),
        threshold('minDurationMs', last.durationMs, 'ms'),
        threshold('minScore', decisionScore(last, o), 'ratio'),
        // Judged only when no flex corroborated the last candidate: the sound alone's score.
        threshold('minScoreWithoutFlex', last.flex === 1 ? Number.NaN : last.acousticScore, 'ratio'),
      ],
    };
  }

  /** Band levels (dBFS, power per band) of the last 512 samples, Hann-windowed. */
  #bandsDb(): number[] {
    this.detector.recentSamples(this.#samples);
    const s = this.#samples;
    for (let i = 0; i < SNAPSHOT_FFT; i++) s[i] *= this.#window[i];
    this.#fft.power(s, this.#power, this.#re, this.#im);
    bandEnergies(this.#power, this.#layout, this.#bands);
    // Parseval: the bins 0..N/2 of a windowed signal sum to N·Σ(x·w)²/2, so this scale turns a band's power
    // into the mean square of the signal in that band (full-scale units).
    const scale = 2 / (SNAPSHOT_FFT * this.#windowPower);
    const bands: number[] = [];
    for (let b = 0; b < SNAPSHOT_BANDS; b++) bands.push(10 * Math.log10(this.#bands[b] * scale + 1e-20));
    return bands;
  }
}

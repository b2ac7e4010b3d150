/**
 * Vibration pipeline: the accelerometer on a pane, frame or plinth at its real data rate (nominal
 * 1600 Hz; LIS3DH 1344 Hz normal or 1620 Hz low-power, ADXL345 1600 Hz) → one shared per-sample front
 * end → grinder and impact detectors, plus flex reports for the acoustic pipeline's glass-break check.
 */
import type { SampleBlock } from '../ports';
import { BandLayout, bandEnergies, logBandEdgesHz } from '../dsp/bands';
import { GRINDER_OPTION_SPECS, GRINDER_ROLE_OVERRIDES, GrinderDetector } from '../detect/grinder';
import type { GrinderOptions } from '../detect/grinder';
import { IMPACT_OPTION_SPECS, IMPACT_ROLE_OVERRIDES, ImpactDetector } from '../detect/impact';
import type { ImpactOptions } from '../detect/impact';
import { MotionBlockStats } from '../detect/motion-block';
import { NO_DETECTIONS } from '../detect/types';
import type { Detection, NodeRole } from '../detect/types';
import type { FlexListener, Pipeline, PipelineSnapshot, ThresholdReading } from './pipeline';
import { SNAPSHOT_MIN_DB, snapshotDb } from './snapshot-levels';

export interface VibrationPipelineOptions {
  /** The accelerometer's output data rate; blocks at any other rate are refused. Default 1600 Hz. */
  rateHz?: number;
  /** Applies the detectors' role defaults (a detector whose role override is null is not run unless given options here). */
  role?: NodeRole;
  /** Grinder options over the role defaults; null turns the grinder off. */
  grinder?: Partial<GrinderOptions> | null;
  /** Impact options over the role defaults; null turns impact detection off. */
  impact?: Partial<ImpactOptions> | null;
  /** Called when the pane flexes or is struck (impact.flexThresholdG), at most every impact.flexGapMs. */
  onFlex?: FlexListener;
}

export const VIBRATION_RATE_HZ = 1600;
export const COMPACT_BANDS = 32;
const BANDS_LOWEST_HZ = 20;

function optionsFor<O>(explicit: Partial<O> | null | undefined, roleOverride: Partial<O> | null | undefined): Partial<O> | null {
  if (explicit === null) return null;
  if (explicit !== undefined) return { ...(roleOverride ?? {}), ...explicit };
  return roleOverride === undefined ? {} : roleOverride === null ? null : { ...roleOverride };
}

export class VibrationPipeline implements Pipeline {
  readonly kind = 'vibration' as const;
  readonly rateHz: number;
  readonly grinder: GrinderDetector | null;
  readonly impact: ImpactDetector | null;
  /** Smallest and largest count per axis of the last block (read-only for others: the tilt pipeline shares it). */
  readonly blockStats = new MotionBlockStats();
  readonly #onFlex: FlexListener | undefined;
  readonly #one: Detection[];
  readonly #two: Detection[];
  /** The snapshot's 32 log-spaced bands over the grinder's spectrum (null without the grinder). */
  readonly #bands: BandLayout | null;

  constructor(options: VibrationPipelineOptions = {}) {
    this.rateHz = options.rateHz ?? VIBRATION_RATE_HZ;
    const role = options.role;
    const grinderOptions = optionsFor(options.grinder, role === undefined ? undefined : GRINDER_ROLE_OVERRIDES[role]);
    const impactOptions = optionsFor(options.impact, role === undefined ? undefined : IMPACT_ROLE_OVERRIDES[role]);
    this.grinder = grinderOptions === null ? null : new GrinderDetector(grinderOptions, { rateHz: this.rateHz });
    this.impact = impactOptions === null ? null : new ImpactDetector(impactOptions);
    this.#bands = this.grinder === null ? null : new BandLayout({
      edgesHz: logBandEdgesHz(BANDS_LOWEST_HZ, this.rateHz / 2, COMPACT_BANDS), rateHz: this.rateHz, fftSize: this.grinder.frameSize,
    });
    this.#onFlex = options.onFlex;
    // Preallocated results: push returns one of these (valid until the next push).
    const placeholder: Detection = { type: 'impact', decidedMs: 0, onsetMs: 0, score: 0, features: {} };
    this.#one = [placeholder];
    this.#two = [placeholder, placeholder];
  }

  push(block: SampleBlock): readonly Detection[] {
    if (block.rateHz !== this.rateHz) {
      throw new Error(`VibrationPipeline: block at ${block.rateHz} Hz, expected ${this.rateHz} Hz (the accelerometer's configured rate)`);
    }
    this.blockStats.update(block);
    const impactFound = this.impact === null ? NO_DETECTIONS : this.impact.pushMeasured(block, this.blockStats);
    if (this.impact !== null && this.#onFlex !== undefined && !Number.isNaN(this.impact.flexAtMs)) {
      this.#onFlex(this.impact.flexAtMs, this.impact.flexPeakG);
    }
    const grinderFound = this.grinder === null ? NO_DETECTIONS : this.grinder.pushMeasured(block, this.blockStats);
    if (impactFound.length === 0) {
      if (grinderFound.length === 0) return NO_DETECTIONS;
      this.#one[0] = grinderFound[0];
      return this.#one;
    }
    if (grinderFound.length === 0) {
      this.#one[0] = impactFound[0];
      return this.#one;
    }
    this.#two[0] = impactFound[0];
    this.#two[1] = grinderFound[0];
    return this.#two;
  }

  reset(): void {
    this.blockStats.reset();
    this.grinder?.reset();
    this.impact?.reset();
  }

  snapshot(): PipelineSnapshot {
    const levels: Record<string, number> = {};
    const thresholds: ThresholdReading[] = [];
    let noiseFloorDb = SNAPSHOT_MIN_DB;
    let bandsDb: number[] = [];
    let bandEdgesHz: number[] = [];
    const g = this.grinder;
    const layout = this.#bands;
    if (g !== null && layout !== null) {
      noiseFloorDb = Math.max(SNAPSHOT_MIN_DB, g.noiseFloorDb());
      const spectrum = new Float64Array(g.frameSize / 2 + 1);
      const axis = g.lastSpectrum(spectrum);
      let meanSquare = 0;
      for (let k = Math.ceil(BANDS_LOWEST_HZ / g.binHz); k < spectrum.length; k++) meanSquare += spectrum[k];
      const energies = new Float64Array(layout.count);
      bandEnergies(spectrum, layout, energies);
      bandEdgesHz = layout.edgesHz.slice();
      bandsDb = Array.from(energies, snapshotDb);
      levels.grinderHz = g.lastGrinding ? g.lastFundamentalHz : 0;
      levels.candidateHz = g.lastFundamentalHz;
      levels.rmsG = Math.sqrt(meanSquare);
      levels.spectrumSource = axis;
      levels.evidenceMs = g.evidenceMs;
      levels.analysedFrames = g.analysedFrames;
      const o = g.options;
      thresholds.push(
        reading('grinder.gateDb', o.gateDb, g.lastGateDb, GRINDER_OPTION_SPECS.gateDb.unit),
        reading('grinder.minFundamentalSnrDb', o.minFundamentalSnrDb, g.lastFundamentalSnrDb, GRINDER_OPTION_SPECS.minFundamentalSnrDb.unit),
        reading('grinder.minProminenceDb', o.minProminenceDb, g.lastProminenceDb, GRINDER_OPTION_SPECS.minProminenceDb.unit),
        reading('grinder.minHarmonics', o.minHarmonics, g.lastHarmonicCount, GRINDER_OPTION_SPECS.minHarmonics.unit),
        reading('grinder.minTextureDb', o.minTextureDb, g.lastTextureDb, GRINDER_OPTION_SPECS.minTextureDb.unit),
        reading('grinder.minWanderHz', o.minWanderHz, g.wanderHz, GRINDER_OPTION_SPECS.minWanderHz.unit),
        reading('grinder.integrationMs', o.integrationMs, g.evidenceMs, GRINDER_OPTION_SPECS.integrationMs.unit),
      );
    }
    const i = this.impact;
    if (i !== null) {
      levels.peakG = i.lastPeakG;
      levels.backgroundG = i.backgroundG;
      const o = i.options;
      thresholds.push(
        reading('impact.blowThresholdG', o.blowThresholdG, i.lastPeakG, IMPACT_OPTION_SPECS.blowThresholdG.unit),
        reading('impact.shockThresholdG', o.shockThresholdG, i.lastPeakG, IMPACT_OPTION_SPECS.shockThresholdG.unit),
        reading('impact.flexThresholdG', o.flexThresholdG, i.lastPeakG, IMPACT_OPTION_SPECS.flexThresholdG.unit),
      );
    }
    return { kind: 'vibration', noiseFloorDb, bandsDb, bandEdgesHz, levels, thresholds };
  }
}

function reading(option: string, threshold: number, current: number, unit: string): ThresholdReading {
  return { option, threshold, current, unit };
}

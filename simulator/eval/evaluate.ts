/**
 * The evaluation: a sensor's labelled corpus from the signal library, each case played block by block
 * through the pipeline a node of the role builds from its default configuration, scored per threat
 * and level, per confuser class, and for latency. Used by `npm run eval` and the CI evaluation test.
 */
import type { NodeRole } from '../../firmware/detect/types';
import type { NodeConfig } from '../../firmware/node/config';
import type { CorpusOptions, LabelledCase, SensorChannel } from '../signals/corpus';
import { acousticCorpus } from '../signals/corpus-acoustic';
import { RAILING_WIND_GROUP, tiltCorpus, vibrationCorpus } from '../signals/corpus-motion';
import { sensorModel, sourceUnitsPerCount } from '../signals/motion/sensor';
import { paneMotion } from '../signals/pane-motion';
import { Rng } from '../signals/rng';
import { replay } from './replay';
import { type CaseOutcome, type EvalReport, scoreOutcomes } from './score';
import {
  DEFAULT_ROLES, MIC_BLOCK_FRAMES, MIC_UNITS_PER_COUNT, accelerometerBlockFrames, flexDecides, flexRequired, roleConfig, sensorPipeline,
} from './sensor-pipeline';

/** Peak of the modelled pane flex, g (a break flexes the pane well above impact.flexThresholdG, 0.1 g). */
export const MODELLED_FLEX_PEAK_G = 0.5;

export interface CaseRunOptions {
  /** The node's configuration (default: the sensor's default role's). */
  config?: NodeConfig;
  /**
   * Glass break only: report a pane flex at every threat's onset, as the accelerometer of a dual-technology
   * node would; confusers get none. The best case for the flex channel, so reported as such.
   */
  flex?: boolean;
  /**
   * Glass break only: the node's accelerometer on the pane, modelled (simulator/signals/pane-motion.ts) and
   * run through the vibration pipeline of the same configuration, whose flex reports reach the glass-break
   * detector as on the node. Confusers drive the pane too (their sound, knocks on it, a door slam through the wall).
   * `jointLossDb`: the node on another pane of the case than the one struck (simulator/signals/pane-motion.ts).
   */
  pane?: PaneModel;
}

/** The pane's accelerometer as `paneFlexes` models it. */
export interface PaneModel {
  set: 'default' | 'holdout';
  seed: number;
  /** How much weaker a strike on the struck pane reaches the node's pane, dB (0: the node is on the struck pane). */
  jointLossDb?: number;
}

export interface EvalOptions extends CorpusOptions {
  sensor: SensorChannel;
  /**
   * How many corpora to pool, of seeds `seed`, `seed + 1`, … (default 1). One seed's corpus holds a few
   * hundred cases: a false-alarm rate of 1 % shows as 0 to 4 alarms in it. Pooled case ids begin `s<seed>/`.
   */
  seeds?: number;
  /** Default: DEFAULT_ROLES[sensor]. */
  role?: NodeRole;
  /** A configuration to run instead of the role's default one (its role replaces `role`). */
  config?: NodeConfig;
  flex?: boolean;
  /**
   * Model the pane's accelerometer (acoustic only). Default: when the flex decides more than a bonus in the
   * configuration's glass-break detector (required, or a stricter bar without it) and `flex` is not set,
   * as the node would run it.
   */
  pane?: boolean;
  /**
   * With the pane modelled (implied): the node on another pane of the case, every strike on the struck pane
   * reaching it this much weaker, dB. Default 0.
   */
  jointLossDb?: number;
}

export interface SensorReport extends EvalReport {
  sensor: SensorChannel;
  role: NodeRole;
  /** Whether the role's default configuration ran, or a given one (eval --config). */
  defaultConfig: boolean;
  /** `default`: the parameter ranges the detectors were tuned on; `holdout`: ranges they were not. */
  set: 'default' | 'holdout';
  size: CorpusOptions['size'];
  /** The first seed, and how many consecutive seeds' corpora were pooled. */
  seed: number;
  seeds: number;
  flex: boolean;
  pane: boolean;
  /** With the pane modelled: how much weaker a strike reached the node's pane, dB (0: on the struck pane). */
  jointLossDb: number;
  /** Whether the configuration's glass-break detector alarms only on the pane's flex (acoustic). */
  flexRequired: boolean;
  /** Whether it holds a sound without the flex to a stricter score, minScoreWithoutFlex (acoustic). */
  soundAloneStricter: boolean;
  /** The corpus held the railing's own confusers (singing in the wind): the node is on a railing. */
  railing: boolean;
  /** Wall time to build the corpus (unless given) and run it, s. */
  seconds: number;
}

export function corpusFor(sensor: SensorChannel, options: CorpusOptions): LabelledCase[] {
  if (sensor === 'acoustic') return acousticCorpus(options);
  return sensor === 'vibration' ? vibrationCorpus(options) : tiltCorpus(options);
}

/** How the case's sensor delivers it: counts of the microphone or of the accelerometer model it names. */
function feedFor(c: LabelledCase): { unitsPerCount: number; blockFrames: number } {
  if (c.sensor === 'acoustic') return { unitsPerCount: MIC_UNITS_PER_COUNT, blockFrames: MIC_BLOCK_FRAMES };
  return { unitsPerCount: sourceUnitsPerCount(sensorModel(String(c.params.sensor))), blockFrames: accelerometerBlockFrames(c.signal.rateHz) };
}

/** One case through a fresh pipeline, as a node that has just started would see it. */
export function evaluateCase(c: LabelledCase, options: CaseRunOptions = {}): CaseOutcome {
  const config = options.config ?? roleConfig(DEFAULT_ROLES[c.sensor]);
  if (options.flex === true && c.sensor !== 'acoustic') throw new Error(`flex modelling applies to acoustic cases, not ${c.sensor} (${c.id})`);
  const pipeline = sensorPipeline(c.sensor, config, c.signal.rateHz);
  if (options.pane !== undefined) {
    if (c.sensor !== 'acoustic') throw new Error(`the pane's accelerometer is modelled for acoustic cases, not ${c.sensor} (${c.id})`);
    return { case: c, detections: replay(pipeline, c.signal, feedFor(c), { flexes: paneFlexes(c, config, options.pane) }) };
  }
  const flexAtMs = options.flex === true && c.threat !== null && c.onsetS !== null ? c.onsetS * 1000 : undefined;
  return { case: c, detections: replay(pipeline, c.signal, feedFor(c), { flexAtMs, flexPeakG: MODELLED_FLEX_PEAK_G }) };
}

/** Builds the corpus (or takes `cases`, that corpus made earlier) and runs it. */
export function runEval(options: EvalOptions, cases?: readonly LabelledCase[]): SensorReport & { outcomes: CaseOutcome[] } {
  const started = performance.now();
  const config = options.config ?? roleConfig(options.role ?? DEFAULT_ROLES[options.sensor]);
  const role = config.role;
  const seeds = options.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`runEval: seeds must be a whole number ≥ 1, not ${seeds}`);
  // A node on a railing meets the railing's own confusers as well (the wind), whatever its options said.
  const onRailing = options.sensor !== 'acoustic' && config.mounting.surface === 'railing';
  const corpus = cases ?? pooledCorpus(options.sensor, { ...options, railing: onRailing }, seeds);
  const railing = corpus.some((c) => c.group === RAILING_WIND_GROUP);
  const jointLossDb = options.jointLossDb ?? 0;
  if ((options.pane === true || jointLossDb > 0) && options.sensor !== 'acoustic') throw new Error('pane modelling applies to the acoustic sensor');
  if (jointLossDb > 0 && (options.pane === false || options.flex === true)) {
    throw new Error(`runEval: jointLossDb ${jointLossDb} dB needs the pane's accelerometer modelled, not ${options.flex === true ? 'flex: true' : 'pane: false'}`);
  }
  const required = options.sensor === 'acoustic' && flexRequired(config);
  const stricter = options.sensor === 'acoustic' && !required && flexDecides(config);
  const pane = options.pane ?? (jointLossDb > 0 || ((required || stricter) && options.flex !== true));
  const set: SensorReport['set'] = options.holdout ? 'holdout' : 'default';
  const outcomes = corpus.map((c) => evaluateCase(c, { config, flex: options.flex, pane: pane ? { set, seed: options.seed, jointLossDb } : undefined }));
  return {
    sensor: options.sensor,
    role,
    defaultConfig: options.config === undefined,
    set,
    size: options.size,
    seed: options.seed,
    seeds: cases === undefined ? seeds : 1,
    flex: options.flex === true,
    pane,
    jointLossDb: pane ? jointLossDb : 0,
    flexRequired: required,
    soundAloneStricter: stricter,
    railing,
    ...scoreOutcomes(outcomes),
    seconds: (performance.now() - started) / 1000,
    outcomes,
  };
}

/** The corpora of `seeds` consecutive seeds from `options.seed`; with more than one, ids begin `s<seed>/`. */
function pooledCorpus(sensor: SensorChannel, options: CorpusOptions, seeds: number): LabelledCase[] {
  if (seeds === 1) return corpusFor(sensor, options);
  const pooled: LabelledCase[] = [];
  for (let seed = options.seed; seed < options.seed + seeds; seed++) {
    for (const c of corpusFor(sensor, { ...options, seed })) pooled.push({ ...c, id: `s${seed}/${c.id}` });
  }
  return pooled;
}

/** The flexes the node's vibration pipeline reports for the pane's modelled motion during case `c`. */
export function paneFlexes(c: LabelledCase, config: NodeConfig, pane: PaneModel): { atMs: number; peakG: number }[] {
  // The same case gets the same pane motion whether its corpus runs alone or pooled (ids `s<seed>/…`).
  const key = /^s\d+\//.test(c.id) ? c.id : `s${pane.seed}/${c.id}`;
  const motion = paneMotion(new Rng(hashSeed(key)), pane.set, c, pane.jointLossDb ?? 0);
  const flexes: { atMs: number; peakG: number }[] = [];
  const vibration = sensorPipeline('vibration', config, motion.signal.rateHz, (atMs, peakG) => flexes.push({ atMs, peakG }));
  replay(vibration, motion.signal, { unitsPerCount: sourceUnitsPerCount(sensorModel(motion.params.sensor)), blockFrames: accelerometerBlockFrames(motion.signal.rateHz) });
  return flexes;
}

/** A 32-bit seed from a string (FNV-1a). */
function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Tools used on glass, as the microphone of the node on that glass hears them (16 kHz, full-scale
 * units; the caller sets the level):
 * - an angle grinder cutting: the disc's rotation tone and its harmonics (10,000–13,300 rpm unloaded,
 *   sagging under feed pressure and wandering with it), the broadband noise of the disc biting the
 *   glass (strongest 2–7 kHz) while it cuts, and only the free-running disc's weaker whine in the
 *   pauses; rendered piece by piece from any time of the event (`grinderNoise`);
 * - blows on a pane (a hammer, a knuckle): the blow's click and the pane's lowest flexural modes,
 *   ringing for a fraction of a second (`blows`).
 */
import type { Rng } from '../rng';
import type { Signal } from '../signal';
import { paneModesHz } from './glass-break';
import { MIC_RATE_HZ, addInto, addMode, biquad, noiseBurst, samplesOf, whiteNoise } from './synth';

export interface GrinderNoiseParams {
  /** Unloaded disc speed, rpm. */
  rpm: number;
  /** Speed lost under feed pressure while cutting, 0..0.6. */
  loadDrop: number;
  /** Length of each cut and of the pause after it, seconds. */
  cutS: number;
  pauseS: number;
  /** Whine during pauses relative to cutting, dB (negative). */
  pauseDb: number;
  /** Rates and phases of the slow speed wander with feed pressure: fixed for the whole event. */
  wanderHz: readonly [number, number];
  wanderPhase: readonly [number, number];
}

export function drawGrinderNoiseParams(rng: Rng, rpm: number, loadDropPct: number, cutS: number, pauseS: number): GrinderNoiseParams {
  return {
    rpm, loadDrop: loadDropPct / 100, cutS, pauseS,
    pauseDb: rng.uniform(-18, -10),
    wanderHz: [rng.uniform(0.3, 0.8), rng.uniform(1, 2.5)],
    wanderPhase: [rng.uniform(0, 2 * Math.PI), rng.uniform(0, 2 * Math.PI)],
  };
}

/** 1 while the disc bites (pressed on and lifted over 150 ms), 0 in the pauses; `t` seconds from the first cut. */
function contactAt(p: GrinderNoiseParams, t: number): number {
  const period = p.cutS + p.pauseS;
  const into = t - Math.floor(t / period) * period;
  const edge = 0.15;
  if (into < edge) return into / edge;
  if (into < p.cutS) return 1;
  return Math.max(0, 1 - (into - p.cutS) / edge);
}

/** `durationS` of grinding starting `fromS` after the first cut. */
export function grinderNoise(rng: Rng, p: GrinderNoiseParams, fromS: number, durationS: number): Signal {
  const n = samplesOf(durationS);
  const out = new Float32Array(n);
  const cutting = whiteNoise(rng, n);
  biquad(cutting, { kind: 'bandpass', freqHz: 4000, q: 0.6 });
  biquad(cutting, { kind: 'highpass', freqHz: 1200, q: 0.7 });
  const pauseGain = 10 ** (p.pauseDb / 20);
  const harmonics = [1, 0.6, 0.45, 0.3, 0.25, 0.2, 0.12, 0.08];
  const phases = harmonics.map(() => rng.uniform(0, 2 * Math.PI));
  let phase = 0;
  let speedHz = (p.rpm / 60) * (1 - p.loadDrop * contactAt(p, fromS));
  for (let i = 0; i < n; i++) {
    const t = fromS + i / MIC_RATE_HZ;
    const contact = contactAt(p, t);
    const wander = 0.02 * Math.sin(2 * Math.PI * p.wanderHz[0] * t + p.wanderPhase[0]) + 0.01 * Math.sin(2 * Math.PI * p.wanderHz[1] * t + p.wanderPhase[1]);
    // The disc slows under load and recovers with a time constant of about 0.15 s.
    const target = (p.rpm / 60) * (1 - p.loadDrop * contact) * (1 + wander);
    speedHz += (target - speedHz) / (0.15 * MIC_RATE_HZ);
    phase += (2 * Math.PI * speedHz) / MIC_RATE_HZ;
    let tone = 0;
    for (let h = 0; h < harmonics.length; h++) {
      if ((h + 1) * speedHz < MIC_RATE_HZ * 0.45) tone += harmonics[h] * Math.sin((h + 1) * phase + phases[h]);
    }
    // The disc's whine dominates (its harmonics stand well above the cutting noise), weaker while it runs
    // free; the cutting noise is there only while it bites.
    out[i] = (pauseGain + (1 - pauseGain) * contact) * tone + contact * 0.25 * cutting[i];
  }
  return { rateHz: MIC_RATE_HZ, channels: 1, data: out };
}

export interface BlowParams {
  /** When each blow lands, seconds from the first, and its relative strength. */
  timesS: readonly number[];
  strengths: readonly number[];
  paneWidthM: number;
  paneHeightM: number;
  thicknessMm: number;
  /** How long the pane rings after each blow (decay time constant), seconds. */
  ringS: number;
  /** Share of the blow's click against the pane's ringing: a hammer's is larger than a knuckle's. */
  clickShare: number;
}

export function drawBlowParams(rng: Rng, count: number, intervalS: number, hard: boolean): BlowParams {
  const timesS: number[] = [];
  const strengths: number[] = [];
  for (let i = 0; i < count; i++) {
    timesS.push(i * intervalS * rng.uniform(0.95, 1.05));
    strengths.push(Math.exp(0.2 * rng.normal()));
  }
  return {
    timesS, strengths,
    paneWidthM: rng.uniform(0.5, 1.5), paneHeightM: rng.uniform(0.5, 1.5), thicknessMm: rng.uniform(6, 12),
    ringS: hard ? rng.uniform(0.03, 0.08) : rng.uniform(0.015, 0.04),
    clickShare: hard ? rng.uniform(0.5, 0.8) : rng.uniform(0.2, 0.4),
  };
}

/** Blows on a pane: per blow a click and the pane's low modes. */
export function blows(rng: Rng, p: BlowParams): Signal {
  const lastS = p.timesS.length === 0 ? 0 : p.timesS[p.timesS.length - 1];
  const out = new Float32Array(samplesOf(lastS + p.ringS * 9.2 + 0.05));
  const modes = paneModesHz(p).filter((hz) => hz < MIC_RATE_HZ * 0.45).slice(0, 4);
  p.timesS.forEach((t, b) => {
    const start = samplesOf(t);
    const click = noiseBurst(rng, 0.01, 0.0002, rng.uniform(0.0008, 0.002), [{ kind: 'highpass', freqHz: 800, q: 0.7 }]);
    addInto(out, click, start, p.strengths[b] * p.clickShare * 4);
    for (const hz of modes) {
      addMode(out, start, hz * rng.uniform(0.97, 1.03), p.strengths[b] * (1 - p.clickShare) * rng.uniform(0.4, 1), p.ringS, rng.uniform(0, 2 * Math.PI));
    }
  });
  return { rateHz: MIC_RATE_HZ, channels: 1, data: out };
}

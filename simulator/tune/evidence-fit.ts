/**
 * Fits the weights of an evidence model like the glass-break detector's (firmware/detect/glass-break-evidence.ts):
 * log-odds = bias + Σ weight·ramp, every weight non-negative (each ramp already points the way its physics
 * says), by L2-regularised logistic regression with Newton steps. Variables that would turn negative are
 * pinned at zero and the rest refitted. Because a detector lives or dies by its most break-like confusers,
 * the fit is repeated with the negatives near the boundary weighted up: after each round, every negative
 * scoring above the `recallQuantile` of the positive cases' best scores (less `hardMarginLogOdds`) counts
 * twice as much as before.
 */

export interface FitSample {
  /** Ramp values 0..1, one per term. */
  x: readonly number[];
  positive: boolean;
  /** Positives of one event share a key: an event counts as found when any of its samples scores high. */
  eventKey: string;
}

export interface FitOptions {
  l2: number;
  rounds: number;
  /** Quantile (0..1) of the events' best scores that marks the boundary for reweighting. */
  recallQuantile: number;
  hardMarginLogOdds: number;
}

export const DEFAULT_FIT_OPTIONS: FitOptions = { l2: 1, rounds: 8, recallQuantile: 0.02, hardMarginLogOdds: 1 };

export interface FitResult {
  weights: number[];
  bias: number;
}

const NEWTON_STEPS = 40;
const MAX_HALVINGS = 30;
/** A Newton step moving no variable by more than this ends the steps. */
const CONVERGED_STEP = 1e-9;
const PIN_PASSES = 6;

/**
 * `fixed` maps a term's index to a weight set by hand: the fit keeps it and fits the others (and the bias)
 * around it.
 */
export function fitEvidence(samples: readonly FitSample[], options: FitOptions = DEFAULT_FIT_OPTIONS, fixed: ReadonlyMap<number, number> = new Map()): FitResult {
  if (samples.length === 0) throw new RangeError('fitEvidence: no samples');
  const terms = samples[0].x.length;
  for (const s of samples) {
    if (s.x.length !== terms) throw new RangeError(`fitEvidence: sample of event '${s.eventKey}' has ${s.x.length} values, expected ${terms}`);
  }
  for (const [j, weight] of fixed) {
    if (!Number.isInteger(j) || j < 0 || j >= terms || !(weight >= 0)) throw new RangeError(`fitEvidence: fixed weight ${weight} for term ${j} of ${terms}`);
  }
  const dims = terms + 1; // the bias is the last variable
  const w = new Array<number>(dims).fill(0);
  for (const [j, weight] of fixed) w[j] = weight;
  const sampleWeight = samples.map(() => 1);
  for (let round = 0; round < options.rounds; round++) {
    const free = new Array<boolean>(dims).fill(true);
    for (const j of fixed.keys()) free[j] = false;
    for (let pass = 0; pass < PIN_PASSES; pass++) {
      newton(samples, sampleWeight, w, free, options.l2);
      let pinned = false;
      for (let j = 0; j < terms; j++) {
        if (free[j] && w[j] < 0) {
          w[j] = 0;
          free[j] = false;
          pinned = true;
        }
      }
      if (!pinned) break;
    }
    const scores = samples.map((s) => score(s.x, w));
    const boundary = quantile(bestPerEvent(samples, scores), options.recallQuantile) - options.hardMarginLogOdds;
    samples.forEach((s, i) => {
      if (!s.positive && scores[i] > boundary) sampleWeight[i] *= 2;
    });
  }
  return { weights: w.slice(0, terms), bias: w[terms] };
}

/** bias + Σ weight·x with the bias as the last entry of `w`. */
export function score(x: readonly number[], w: readonly number[]): number {
  let z = w[x.length];
  for (let j = 0; j < x.length; j++) z += w[j] * x[j];
  return z;
}

/** The highest score of each positive event. */
export function bestPerEvent(samples: readonly FitSample[], scores: readonly number[]): number[] {
  const best = new Map<string, number>();
  samples.forEach((s, i) => {
    if (s.positive) best.set(s.eventKey, Math.max(best.get(s.eventKey) ?? -Infinity, scores[i]));
  });
  return [...best.values()];
}

/** Linear-interpolation quantile (q in 0..1) of the values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Newton steps of weighted, L2-regularised logistic regression over the free variables of `w` (in place).
 * Each step is halved until the loss falls: a full step from far off (a weight fixed by hand puts the start
 * there) can overshoot into saturated scores whose gradient points further out, and the fit runs away.
 */
function newton(samples: readonly FitSample[], sampleWeight: readonly number[], w: number[], free: readonly boolean[], l2: number): void {
  const dims = w.length;
  const index: number[] = [];
  for (let j = 0; j < dims; j++) if (free[j]) index.push(j);
  const n = index.length;
  const value = (x: readonly number[], j: number): number => (j === dims - 1 ? 1 : x[j]);
  for (let step = 0; step < NEWTON_STEPS; step++) {
    const g = new Array<number>(n).fill(0);
    const h: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    samples.forEach((s, i) => {
      const z = Math.max(-30, Math.min(30, score(s.x, w)));
      const p = 1 / (1 + Math.exp(-z));
      const r = sampleWeight[i] * (p - (s.positive ? 1 : 0));
      const c = sampleWeight[i] * p * (1 - p);
      for (let a = 0; a < n; a++) {
        const va = value(s.x, index[a]);
        if (va === 0) continue;
        g[a] += r * va;
        for (let b = 0; b < n; b++) h[a][b] += c * va * value(s.x, index[b]);
      }
    });
    for (let a = 0; a < n; a++) {
      if (index[a] !== dims - 1) g[a] += l2 * w[index[a]];
      h[a][a] += l2;
    }
    const delta = solve(h, g);
    const before = loss(samples, sampleWeight, w, l2);
    const start = index.map((j) => w[j]);
    let stepSize = 1;
    for (let halving = 0; ; halving++) {
      for (let a = 0; a < n; a++) w[index[a]] = start[a] - stepSize * delta[a];
      if (loss(samples, sampleWeight, w, l2) <= before) break;
      if (halving === MAX_HALVINGS) {
        // No step along the direction lowers the loss: at the optimum to rounding.
        for (let a = 0; a < n; a++) w[index[a]] = start[a];
        return;
      }
      stepSize /= 2;
    }
    if (stepSize * Math.max(...delta.map(Math.abs)) < CONVERGED_STEP) return;
  }
}

/** The weighted logistic loss plus the L2 penalty on the weights (not the bias), as `newton` minimises it. */
function loss(samples: readonly FitSample[], sampleWeight: readonly number[], w: readonly number[], l2: number): number {
  let sum = 0;
  samples.forEach((s, i) => {
    const z = score(s.x, w);
    const margin = s.positive ? z : -z;
    // log(1 + e^−margin) without overflow either way.
    sum += sampleWeight[i] * (margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin)));
  });
  for (let j = 0; j < w.length - 1; j++) sum += (l2 / 2) * w[j] * w[j];
  return sum;
}

/** Solves m·x = v for symmetric positive definite m (Gaussian elimination with partial pivoting). */
export function solve(m: readonly (readonly number[])[], v: readonly number[]): number[] {
  const n = v.length;
  const a = m.map((row, i) => [...row, v[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    if (a[col][col] === 0) throw new RangeError(`solve: singular matrix at column ${col}`);
    for (let r = col + 1; r < n; r++) {
      const f = a[r][col] / a[col][col];
      for (let k = col; k <= n; k++) a[r][k] -= f * a[col][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = a[r][n];
    for (let k = r + 1; k < n; k++) sum -= a[r][k] * x[k];
    x[r] = sum / a[r][r];
  }
  return x;
}

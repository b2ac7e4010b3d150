import assert from 'node:assert/strict';
import { type FitSample, bestPerEvent, fitEvidence, quantile, score, solve } from '../../../simulator/tune/evidence-fit';
import { Rng } from '../../../simulator/signals/rng';

describe('evidence fit (tune:glass-break)', function () {
  it('solves a linear system', function () {
    const x = solve([[4, 1, 0], [1, 3, 1], [0, 1, 2]], [1, 2, 3]);
    const back = [4 * x[0] + x[1], x[0] + 3 * x[1] + x[2], x[1] + 2 * x[2]];
    back.forEach((v, i) => assert.ok(Math.abs(v - [1, 2, 3][i]) < 1e-12, `row ${i}`));
    assert.throws(() => solve([[0, 0], [0, 0]], [1, 1]), /singular/);
  });

  it('interpolates quantiles like numpy', function () {
    assert.equal(quantile([3, 1, 2, 4], 0), 1);
    assert.equal(quantile([3, 1, 2, 4], 1), 4);
    assert.equal(quantile([3, 1, 2, 4], 0.5), 2.5);
    assert.ok(Math.abs(quantile([0, 10], 0.02) - 0.2) < 1e-12);
  });

  it('weighs the informative ramp, pins a ramp that points the wrong way at zero, and separates the classes', function () {
    // Ramp 0 separates; ramp 1 is noise; ramp 2 is higher for negatives (its weight would be negative).
    const rng = new Rng(5);
    const samples: FitSample[] = [];
    for (let i = 0; i < 400; i++) {
      const positive = i % 2 === 0;
      const x0 = positive ? rng.uniform(0.55, 1) : rng.uniform(0, 0.45);
      const x2 = positive ? rng.uniform(0, 0.6) : rng.uniform(0.4, 1);
      samples.push({ x: [x0, rng.next(), x2], positive, eventKey: `e${i}` });
    }
    const fit = fitEvidence(samples);
    assert.ok(fit.weights[0] > 3, `informative weight ${fit.weights[0]}`);
    assert.equal(fit.weights[2], 0, 'the wrong-way ramp is pinned at zero');
    assert.ok(fit.weights.every((w) => w >= 0));
    const w = [...fit.weights, fit.bias];
    const scores = samples.map((s) => score(s.x, w));
    const worstNegative = Math.max(...scores.filter((_, i) => !samples[i].positive));
    const best = bestPerEvent(samples, scores);
    assert.equal(best.length, 200);
    assert.ok(best.every((v) => v > worstNegative), 'every positive above every negative');
  });

  it('keeps a weight set by hand and fits the others around it', function () {
    // Ramp 0 separates; ramp 1 is held at 2 although the data would pin it at zero.
    const rng = new Rng(9);
    const samples: FitSample[] = [];
    for (let i = 0; i < 300; i++) {
      const positive = i % 2 === 0;
      samples.push({ x: [positive ? rng.uniform(0.55, 1) : rng.uniform(0, 0.45), positive ? rng.uniform(0, 0.5) : rng.uniform(0.5, 1)], positive, eventKey: `e${i}` });
    }
    assert.equal(fitEvidence(samples).weights[1], 0, 'left free, the wrong-way ramp is pinned at zero');
    const fit = fitEvidence(samples, undefined, new Map([[1, 2]]));
    assert.equal(fit.weights[1], 2);
    assert.ok(fit.weights[0] > 3, `informative weight ${fit.weights[0]}`);
    assert.throws(() => fitEvidence(samples, undefined, new Map([[2, 1]])), /fixed weight 1 for term 2 of 2/);
    assert.throws(() => fitEvidence(samples, undefined, new Map([[0, -1]])), /fixed weight -1 for term 0/);
  });

  it('reaches the optimum from a start far off (a large weight fixed by hand), where full Newton steps overshoot', function () {
    // Ramp 1 is 1 for every sample: its fixed weight of 40 starts every score at 40, in the logistic's flat tail;
    // the bias must absorb it. At the optimum of one round (no reweighting) the loss's gradient vanishes in every
    // free variable that ended above zero and in the bias.
    const rng = new Rng(5);
    const samples: FitSample[] = [];
    for (let i = 0; i < 400; i++) {
      const positive = i % 2 === 0;
      samples.push({ x: [positive ? rng.uniform(0.35, 1) : rng.uniform(0, 0.65), 1, rng.next()], positive, eventKey: `e${i}` });
    }
    const l2 = 1;
    const fit = fitEvidence(samples, { l2, rounds: 1, recallQuantile: 0.02, hardMarginLogOdds: 1 }, new Map([[1, 40]]));
    assert.equal(fit.weights[1], 40);
    assert.ok(fit.bias < -35 && fit.bias > -60, `the bias absorbs the fixed weight: ${fit.bias}`);
    const w = [...fit.weights, fit.bias];
    const gradient = [0, 0, 0, 0];
    for (const s of samples) {
      const residual = 1 / (1 + Math.exp(-score(s.x, w))) - (s.positive ? 1 : 0);
      s.x.forEach((v, j) => (gradient[j] += residual * v));
      gradient[3] += residual;
    }
    for (const j of [0, 2]) if (fit.weights[j] > 0) gradient[j] += l2 * fit.weights[j];
    assert.ok(fit.weights[0] > 2, `informative weight ${fit.weights[0]}`);
    for (const j of [0, 2, 3]) {
      if (j !== 3 && fit.weights[j] === 0) continue;
      assert.ok(Math.abs(gradient[j]) < 1e-6, `gradient in variable ${j}: ${gradient[j]}`);
    }
  });

  it('counts an event once, by its best sample', function () {
    const samples: FitSample[] = [
      { x: [0], positive: true, eventKey: 'a' },
      { x: [1], positive: true, eventKey: 'a' },
      { x: [0.5], positive: false, eventKey: 'n' },
    ];
    assert.deepEqual(bestPerEvent(samples, [0.1, 0.9, 0.5]), [0.9]);
    assert.throws(() => fitEvidence([{ x: [0], positive: true, eventKey: 'a' }, { x: [0, 1], positive: false, eventKey: 'b' }]), /has 2 values, expected 1/);
  });
});

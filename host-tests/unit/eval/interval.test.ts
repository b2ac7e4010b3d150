import assert from 'node:assert/strict';
import { Z_95, wilsonInterval } from '../../../simulator/eval/interval';

function near(actual: number, expected: number, tolerance = 5e-4): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
}

describe('eval: 95 % intervals of rates (Wilson)', function () {
  it('matches the published Wilson interval for 8 of 10 (0.490–0.943)', function () {
    const { low, high } = wilsonInterval(8, 10);
    near(low, 0.4902);
    near(high, 0.9433);
  });

  it('gives 0 of n an upper bound of z²/(n + z²), near the rule of three, and n of n a lower bound the mirror of it', function () {
    const none = wilsonInterval(0, 2100);
    assert.equal(none.low, 0);
    near(none.high, (Z_95 * Z_95) / (2100 + Z_95 * Z_95), 1e-12);
    assert.ok(none.high > 3 / 2100 && none.high < 4 / 2100);
    const all = wilsonInterval(20, 20);
    assert.equal(all.high, 1);
    near(all.low, 1 - wilsonInterval(0, 20).high, 1e-12);
  });

  it('narrows as the corpus grows around the same rate, and always holds the measured rate', function () {
    const small = wilsonInterval(29, 30);
    const large = wilsonInterval(290, 300);
    assert.ok(large.high - large.low < small.high - small.low);
    for (const [k, n] of [[1, 2], [97, 100], [2360, 2400], [5, 2100]] as const) {
      const { low, high } = wilsonInterval(k, n);
      assert.ok(low < k / n && k / n < high, `${k}/${n}: ${low}–${high}`);
    }
  });

  it('is all of 0..1 with no trials, and refuses counts that are not successes out of trials', function () {
    assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
    assert.throws(() => wilsonInterval(3, 2), /wilsonInterval: 3 of 2 is not a count/);
    assert.throws(() => wilsonInterval(-1, 2), /wilsonInterval: -1 of 2/);
    assert.throws(() => wilsonInterval(0.5, 2), /wilsonInterval: 0.5 of 2/);
  });
});

/**
 * Deep comparison of plain JSON-like values where numbers may differ in the last bits.
 * XS computes Math.sin/cos/exp/log with the C library and V8 with its own port of fdlibm, so
 * transcendental results can differ by an ulp; everything else must match exactly.
 */
import assert from 'node:assert/strict';

export function assertDeepClose(actual: unknown, expected: unknown, relTolerance = 1e-12, where = '$'): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${where}: expected a number, got ${typeof actual}`);
    const a = actual as number;
    if (Number.isNaN(expected)) {
      assert.ok(Number.isNaN(a), `${where}: expected NaN, got ${a}`);
      return;
    }
    const scale = Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(a - expected) <= relTolerance * scale, `${where}: ${a} differs from ${expected} by more than ${relTolerance} relative`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array`);
    const list = actual as unknown[];
    assert.equal(list.length, expected.length, `${where}: length ${list.length} instead of ${expected.length}`);
    expected.forEach((item, i) => assertDeepClose(list[i], item, relTolerance, `${where}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: expected an object`);
    const record = actual as Record<string, unknown>;
    const keys = Object.keys(expected).sort();
    assert.deepEqual(Object.keys(record).sort(), keys, `${where}: keys differ`);
    for (const key of keys) assertDeepClose(record[key], (expected as Record<string, unknown>)[key], relTolerance, `${where}.${key}`);
    return;
  }
  assert.deepEqual(actual, expected, `${where}: values differ`);
}

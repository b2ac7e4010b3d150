/**
 * Analysis windows. Tables are computed once into caller-owned arrays so that
 * per-frame work is a single multiply per sample and allocates nothing.
 */

/**
 * Fills `out` with a periodic Hann window (the DFT-even form, which keeps
 * overlapped frames summing to a constant at 50 % hop).
 */
export function fillHann(out: Float64Array | Float32Array): void {
  const n = out.length;
  const step = (2 * Math.PI) / n;
  for (let i = 0; i < n; i++) out[i] = 0.5 - 0.5 * Math.cos(step * i);
}

/** Sum of the window's squared values: divides a windowed power spectrum to get power per bin. */
export function windowPower(window: Float64Array | Float32Array): number {
  let sum = 0;
  for (let i = 0; i < window.length; i++) sum += window[i] * window[i];
  return sum;
}

/**
 * Multiplies `input` by `window` into `out`. `input` may be longer than the
 * window (only the first window.length samples are used); `out` may alias `input`.
 */
export function applyWindow(
  input: Float64Array | Float32Array,
  window: Float64Array | Float32Array,
  out: Float64Array | Float32Array,
): void {
  const n = window.length;
  if (input.length < n || out.length < n) {
    throw new RangeError(`applyWindow: input (${input.length}) and out (${out.length}) need at least ${n} samples`);
  }
  for (let i = 0; i < n; i++) out[i] = input[i] * window[i];
}

// Shared by the Node and XS sides of the window test: same code, same inputs, plain-number output.
import { applyWindow, fillHann, windowPower } from '../../../firmware/dsp/window';

export interface WindowCaseResult {
  window: number[];
  power: number;
  windowed: number[];
}

export function windowCase(size: number): WindowCaseResult {
  const window = new Float64Array(size);
  fillHann(window);
  const input = new Float64Array(size);
  for (let i = 0; i < size; i++) input[i] = Math.sin(0.3 * i) + 0.25 * Math.cos(1.7 * i);
  const windowed = new Float64Array(size);
  applyWindow(input, window, windowed);
  return { window: Array.from(window), power: windowPower(window), windowed: Array.from(windowed) };
}

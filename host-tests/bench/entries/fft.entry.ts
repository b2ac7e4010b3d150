// Runs inside XS: the FFT comparison of the bench (host-tests/bench/fft-case.ts) at any size.
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { createFftCase } from '../fft-case';
import type { FftCase } from '../fft-case';

const cases = new Map<number, FftCase>();
const caseOf = (n: number): FftCase => {
  let found = cases.get(n);
  if (found === undefined) {
    found = createFftCase(n);
    cases.set(n, found);
  }
  return found;
};
serveXsCommands({
  noop: () => 0,
  prepare: (n) => (caseOf(n as number), n),
  realFft: (n) => caseOf(n as number).realFft(),
  fftJs: (n) => caseOf(n as number).fftJs(),
});

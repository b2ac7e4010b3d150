// Runs inside XS: the FFT comparison of the bench (host-tests/bench/fft-case.ts).
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { createFftCase } from '../fft-case';

const fftCase = createFftCase();
serveXsCommands({
  noop: () => 0,
  realFft: () => fftCase.realFft(),
  fftJs: () => fftCase.fftJs(),
});

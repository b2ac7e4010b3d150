// Runs inside XS: the dsp kernels with the same inputs as the Node side (host-tests/xs/cases/dsp-case.ts).
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { createDspKernels } from '../cases/dsp-case';

const kernels = createDspKernels();
const fresh = createDspKernels();
serveXsCommands({
  ...kernels.run,
  outputs: () => fresh.outputs(),
});

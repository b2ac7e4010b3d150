// Runs inside XS: exercises firmware/dsp/window with the same inputs the Node side uses.
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { windowCase } from '../cases/window-case';

serveXsCommands({
  window: (arg) => windowCase(arg as number),
});

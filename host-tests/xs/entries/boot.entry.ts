// Runs inside XS: the device's start-up on the fake board (cases/boot-case.ts), and the watchdog
// feed's block path for allocation.
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { runBootCase, watchedBlockPath, type BootCaseArg } from '../cases/boot-case';

const path = watchedBlockPath();

serveXsCommands({
  noop: () => 0,
  boot: (arg) => runBootCase(arg as BootCaseArg),
  /** Delivers `arg` blocks through the watched source; returns a number (the same reply for any count). */
  blocks: (arg) => path.deliver(arg as number) * 0,
});

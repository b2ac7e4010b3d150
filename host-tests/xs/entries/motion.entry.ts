// Runs inside XS: the motion pipelines over inputs sent by the test (see cases/motion-case.ts).
import { serveXsCommands } from '../../helpers/xs/dispatch';
import { MotionRunner } from '../cases/motion-case';
import type { MotionInput } from '../cases/motion-case';

let runner: MotionRunner | undefined;

function current(): MotionRunner {
  if (runner === undefined) throw new Error('load an input first');
  return runner;
}

serveXsCommands({
  noop: () => 0,
  load: (arg) => {
    runner = new MotionRunner(arg as MotionInput);
    return runner.blockCount;
  },
  /** Pushes `arg` blocks; returns the number of detections (a number, so the reply allocates nothing). */
  run: (arg) => current().run(arg as number),
  found: () => current().found,
  flexCount: () => current().flexCount,
  /** Grinder frames analysed in full (gate open) and floor frames, so far. */
  grinderFrames: () => current().grinderFrames(),
});

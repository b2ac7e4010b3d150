// `npm start`: the Louvre Apollo Gallery demo (or --scenario FILE) on simulated nodes; --help for the options.
import { runDemo } from '../run/demo';
import { UsageError } from './usage-error';
import { SIGNAL_LIBRARY, SIGNAL_LIBRARY_MODULE, SIMULATOR_FIRMWARE } from '../run/stack';

runDemo(process.argv.slice(2), { firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY, registryModule: SIGNAL_LIBRARY_MODULE }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`npm start: ${(error as Error).message}${usage ? ' (npm start -- --help lists the options)' : ''}\n`);
    process.exit(usage ? 2 : 1);
  },
);

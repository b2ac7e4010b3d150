// `npm run --silent bench:latency -- [--json] [--broker URL]`: the alert chain's latency in real time (host-tests/bench/latency.ts).
import { SIGNAL_LIBRARY, SIGNAL_LIBRARY_MODULE, SIMULATOR_FIRMWARE } from '../../simulator/run/stack';
import { runLatencyBench } from './latency';

runLatencyBench(process.argv.slice(2), { firmware: SIMULATOR_FIRMWARE, registry: SIGNAL_LIBRARY, registryModule: SIGNAL_LIBRARY_MODULE }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:latency: ${(error as Error).message}\n`);
    process.exit(1);
  },
);

/**
 * `npm run bench:selfbench`: the self-benchmark's scenarios inside Moddable's XS engine — the figures a
 * board's selfbench build reports in µs (docs/flashing.md, "Self-benchmark"), here in computrons per
 * second of signal (deterministic) with the slots allocated per measured second. Prints one JSON document.
 */
import { measureSelfBenchInXs } from '../xs/cases/selfbench-case';

measureSelfBenchInXs().then((figures) => {
  const budgets = { acousticComputronsPerSecond: 1.5e6, vibrationComputronsPerSecond: 1.2e6, tiltComputronsPerSecond: 0.1e6 };
  process.stdout.write(`${JSON.stringify({ budgets, ...figures }, null, 1)}\n`);
}).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

// `npm run console -- --broker URL [--ws URL] [--site-file FILE | --scenario FILE] [--port N]`: serves the
// operator and technician console for any broker until Ctrl-C (docs/console.md).
import { DETECTOR_SPECS, ROLE_DETECTOR_DEFAULTS } from '../../firmware/node/detector-registry';
import { CONSOLE_USAGE, consoleOptions } from '../console/cli-options';
import { startConsoleServer } from '../console/server';

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write(`${CONSOLE_USAGE}\n`);
  process.exit(0);
}
try {
  const options = consoleOptions(argv, process.env);
  const server = await startConsoleServer({ ...options, detectorSpecs: DETECTOR_SPECS, detectorDefaults: ROLE_DETECTOR_DEFAULTS });
  const via = options.brokerWsUrl !== undefined ? `the broker's WebSocket ${options.brokerWsUrl}` : `a bridge to ${options.brokerUrl}`;
  process.stdout.write(`Vitrine console: ${server.url}  (the page connects to ${via}${options.plan !== undefined ? `; plan ${options.plan.name}` : ''}). Ctrl-C stops it.\n`);
  process.once('SIGINT', () => {
    void server.stop().then(() => process.exit(0));
  });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${CONSOLE_USAGE}\n`);
  process.exit(2);
}

// `npm run monitor -- [--broker URL] [--site S] [--json] [--quiet]`: subscribes to the nodes' traffic and
// prints alerts and node health (status, heartbeats summarised, sensor faults, configuration changes,
// command results), one aligned line per event, or one JSON object per message with --json. Every
// message is checked against its schema; one that does not validate is printed as INVALID, loudly.
import { parseArgs } from 'node:util';
import { parseBrokerUrl, takeBrokerOption } from '../broker/broker-url';
import { MonitorFormatter } from '../monitor/format';
import { Watcher } from '../monitor/watch';
import { UsageError, asUsage } from './usage-error';

const HELP = `usage: npm run monitor -- [--broker URL] [--site SITE] [--json] [--quiet]

Prints what Vitrine nodes publish, as it arrives:
  ALERT / FAULT   alerts with type, severity, score and exact location
  STATUS          online / OFFLINE (the will of a dead node)
  HB              a node's heartbeat when its health changes; every 30 s a summary, and SILENT
                  for nodes that missed two heartbeats
  STATE, CONFIG, RESULT, COMMAND   state flags, configuration changes, command answers and commands
  SAFEMODE        a device that cannot run its node, with every problem it reports
  INVALID         a message that does not match its schema (docs/schemas/)

  --broker URL   the broker (default mqtt://127.0.0.1:1883; credentials in the URL are used)
  --site SITE    only this site (default: every site under vitrine/)
  --json         one JSON object per message instead (heartbeats and telemetry included)
  --quiet        leave out heartbeats and telemetry

Exit status 0 when stopped (Ctrl-C); 1 if the broker cannot be reached; 2 on a usage error.
`;

async function main(): Promise<number> {
  const { broker, rest } = asUsage(() => takeBrokerOption(process.argv.slice(2)));
  const { values } = asUsage(() => parseArgs({
    args: rest,
    options: { site: { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const url = broker ?? parseBrokerUrl('mqtt://127.0.0.1:1883');
  const formatter = new MonitorFormatter({ json: values.json === true });
  const print = (lines: string[]): void => {
    for (const text of lines) process.stdout.write(`${text}\n`);
  };
  const watcher = await Watcher.open({
    url: url.url, site: values.site, quiet: values.quiet === true, username: url.username, password: url.password,
    onMessage: (seen) => print(formatter.format(seen)),
    onTrouble: (message) => process.stderr.write(`monitor: ${message}\n`),
  });
  if (values.json !== true) process.stderr.write(`monitor: watching ${values.site === undefined ? 'every site' : `site ${values.site}`} on ${url.url} (Ctrl-C to stop)\n`);
  const summary = setInterval(() => print(formatter.summary(Date.now())), 30_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(summary);
  await watcher.close();
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  const usage = error instanceof UsageError;
  process.stderr.write(`monitor: ${(error as Error).message}${usage ? ' (npm run monitor -- --help lists the options)' : ''}\n`);
  process.exit(usage ? 2 : 1);
});

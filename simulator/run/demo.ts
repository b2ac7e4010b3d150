/**
 * `npm start`: a scenario (the Louvre Apollo Gallery demo by default) on simulated nodes, with a
 * separate MQTT subscriber printing each alert as it arrives — time, node, location, type, score and
 * latency from the event's onset — and a summary at the end. Real time on the embedded broker by
 * default; `--clock virtual` runs as fast as possible; `--broker URL` uses an external broker.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LogLevel } from '../../firmware/ports';
import { startEmbeddedBroker } from '../broker/embedded';
import { externalBroker, takeBrokerOption } from '../broker/broker-url';
import type { BrokerHandle } from '../broker/types';
import { loadScenarioFile } from '../scenario/load';
import type { GeneratorRegistry } from '../sources/generators';
import type { RegistryModule } from '../sources/off-thread';
import { UsageError, asUsage } from '../cli/usage-error';
import { CONSOLE } from './console-hook';
import type { Firmware } from './firmware';
import { eventLine, LiveLines, summaryLines } from './report';
import { RunSession } from './session';

export const DEMO_HELP = `usage: npm start -- [options]

Runs a scenario on simulated Vitrine nodes (the same firmware code as the ESP32) and prints every alert
as a separate MQTT subscriber receives it, then a summary. Default: the Louvre Apollo Gallery demo, in
real time, on an embedded MQTT broker.

  --scenario FILE|NAME   scenario file, or a shipped name (louvre-apollo, smoke); default louvre-apollo
  --clock real|virtual   real time (default), or virtual time as fast as possible
  --broker URL           use this broker (mqtt:// or ws://) instead of the embedded one; a scenario
                         that stops the broker needs the embedded one (or --skip-broker-faults)
  --skip-broker-faults   run a scenario's broker_stop/broker_start as no-ops on an external broker
  --no-console           do not start the web console (started by default in real time, not in virtual)
  --console              start it in virtual time too
  --console-port N       the console's HTTP port (default: a free one; the URL is printed)
  --run-dir DIR          where the nodes keep their storage (default artifacts/runs/<scenario>-<time>)
  --verbose              print the nodes' own logs too
  --strict               exit 1 if an expected alert was missed or an unexpected one came
  --help                 this text

Exit status 0; 1 if the run fails (or --strict finds a difference); 2 on a usage error; 130 after Ctrl-C
(the run stops where it is and the summary is printed; a second Ctrl-C kills it at once).
`;

/** The status of a run stopped by Ctrl-C (128 + SIGINT, as a shell reports it). */
export const INTERRUPTED_STATUS = 130;

export interface DemoParts {
  firmware: Firmware;
  registry: GeneratorRegistry;
  /** Where the rendering worker imports the registry from (real time). */
  registryModule?: RegistryModule;
  out?: (line: string) => void;
}

function portOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--console-port must be a port number 0…65535, not ${text}`);
  return port;
}

export async function runDemo(argv: readonly string[], parts: DemoParts): Promise<number> {
  const out = parts.out ?? ((line: string): void => void process.stdout.write(`${line}\n`));
  const { broker: brokerUrl, rest } = asUsage(() => takeBrokerOption(argv));
  const { values } = asUsage(() => parseArgs({
    args: rest,
    options: {
      scenario: { type: 'string', default: 'louvre-apollo' },
      clock: { type: 'string', default: 'real' },
      'run-dir': { type: 'string' },
      'skip-broker-faults': { type: 'boolean' },
      console: { type: 'boolean' },
      'console-port': { type: 'string' },
      verbose: { type: 'boolean' },
      strict: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowNegative: true,
  }));
  if (values.help === true) {
    out(DEMO_HELP.trimEnd());
    return 0;
  }
  if (values.clock !== 'real' && values.clock !== 'virtual') throw new UsageError(`--clock must be real or virtual, not ${values.clock}`);
  const clock = values.clock;
  const consolePort = portOption(values['console-port']);
  const withConsole = values.console ?? (clock === 'real' || consolePort !== undefined);
  const scenario = loadScenarioFile(values.scenario);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const directory = values['run-dir'] ?? path.join('artifacts', 'runs', `${path.basename(values.scenario, '.json')}-${stamp}`);
  mkdirSync(directory, { recursive: true });

  const broker: BrokerHandle = brokerUrl === undefined ? await startEmbeddedBroker({ wsPort: 0 }) : externalBroker(brokerUrl);
  let consoleServer: { url: string; stop(): Promise<void> } | undefined;
  let session: RunSession | undefined;
  let interrupt: (() => void) | undefined;
  try {
    out(`Vitrine — ${scenario.name}`);
    out(`  ${scenario.durationS} s, ${scenario.nodes.length} nodes, ${scenario.timeline.length} events, ${scenario.faults.length} faults; ` +
      `${clock === 'real' ? 'real time' : 'virtual time, as fast as possible'}`);
    out(`  broker: ${broker.kind === 'external' ? 'external' : 'embedded (aedes)'} ${broker.url}${broker.wsUrl === undefined ? '' : `, WebSocket ${broker.wsUrl}`}`);
    consoleServer = withConsole ? await CONSOLE.start({ broker, scenario, port: consolePort }) : undefined;
    out(`  console: ${consoleServer?.url ?? `off (${values.console === false ? '--no-console' : 'virtual time; --console starts it'})`}`);
    out(`  watch it from another terminal: npm run monitor -- --broker ${broker.url} --site ${scenario.site.id}`);
    out(`  node storage: ${directory}`);
    const lines = new LiveLines(clock, scenario);
    const verbose = values.verbose === true;
    session = await RunSession.open({
      scenario, broker, clock, firmware: parts.firmware, registry: parts.registry, directory,
      skipBrokerFaults: values['skip-broker-faults'] === true, quiet: true, runner: { registryModule: parts.registryModule },
      say: (message) => out(`${' '.repeat(12)}  ${'·'.padStart(9)}  ${message}`),
      log: verbose ? (node: string, level: LogLevel, message: string) => out(`${' '.repeat(12)}  ${'·'.padStart(9)}  [${node}] ${level}: ${message}`) : undefined,
      onSeen: (seen, dated) => {
        const line = lines.line(seen, dated);
        if (line !== undefined) out(line);
      },
    });
    for (const event of scenario.timeline) session.runner.clock.setTimer(() => out(eventLine(event)), event.at * 1000);
    out('');
    // Ctrl-C ends the run where it is and still prints the summary (a second one kills the process).
    let stoppedMs: number | undefined;
    const running = session;
    interrupt = (): void => {
      stoppedMs = running.runner.clock.nowMs();
      running.runner.pacer.stop();
    };
    process.once('SIGINT', interrupt);
    const report = await session.run();
    lines.finished = true;
    const card = session.score(stoppedMs);
    if (stoppedMs !== undefined) {
      out('');
      out(`INTERRUPTED (Ctrl-C) at ${(stoppedMs / 1000).toFixed(1)} s of ${scenario.durationS} s: ${card.notReached.length} expected alert(s) later in the scenario are not counted`);
    }
    for (const line of summaryLines(scenario, card, report, session.alerts(), session.invalid().length)) out(line);
    if (stoppedMs !== undefined) return INTERRUPTED_STATUS;
    const clean = card.missed.length === 0 && card.unexpected.length === 0 && session.invalid().length === 0;
    return values.strict === true && !clean ? 1 : 0;
  } finally {
    if (interrupt !== undefined) process.removeListener('SIGINT', interrupt);
    await session?.close();
    await consoleServer?.stop();
    await broker.stop();
  }
}

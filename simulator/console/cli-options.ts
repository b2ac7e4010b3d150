/**
 * The options of `npm run console`: which broker the page talks to (directly over WebSocket, or
 * through the console server's bridge for a TCP-only broker), the floor plan, the HTTP port.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseBrokerUrl } from '../broker/broker-url';
import { ID_PATTERN } from '../../firmware/node/protocol';
import type { ConsoleServerOptions } from './server';
import { loadScenarioPlan, loadSiteFile } from './site-file';

export const CONSOLE_USAGE = `usage: npm run console -- [--broker URL] [--ws URL] [--broker-ca FILE] [--site-file FILE | --scenario FILE] [--site S] [--port N] [--host H] [--title T]
  --broker URL     the broker: mqtt://host:1883 (default mqtt://127.0.0.1:1883, or $VITRINE_BROKER) or its ws://host:port/path
  --ws URL         the broker's own WebSocket listener for an mqtt:// broker; without it the console bridges
                   the page's WebSocket to the broker's TCP port itself
  --broker-ca FILE for an mqtts:// broker bridged by the console: the CA certificate (PEM) that signed the
                   broker's certificate, when it is not one of the public roots Node trusts
  --site-file FILE floor plan and node positions (format vitrine-site/1, docs/console.md)
  --scenario FILE  take the floor plan from a scenario (a path, or a shipped name such as louvre-apollo)
  --site S         without a plan: watch only this site (default: every site)
  --port N         HTTP port (default 8080; 0 picks a free one)   --host H  interface (default 127.0.0.1)`;

export function consoleOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ConsoleServerOptions {
  const { values: o } = parseArgs({
    args: [...argv], strict: true, allowPositionals: false,
    options: {
      broker: { type: 'string' }, ws: { type: 'string' }, 'broker-ca': { type: 'string' }, 'site-file': { type: 'string' }, scenario: { type: 'string' },
      site: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, title: { type: 'string' },
    },
  });
  if (o['site-file'] !== undefined && o.scenario !== undefined) throw new Error('give --site-file or --scenario, not both');
  const broker = parseBrokerUrl(o.broker ?? env.VITRINE_BROKER ?? 'mqtt://127.0.0.1:1883');
  const isWs = broker.protocol === 'ws' || broker.protocol === 'wss';
  if (isWs && o.ws !== undefined) throw new Error('--ws is for an mqtt:// broker; the --broker URL is already a WebSocket URL');
  const ws = o.ws === undefined ? undefined : parseBrokerUrl(o.ws);
  if (ws !== undefined && ws.protocol !== 'ws' && ws.protocol !== 'wss') throw new Error(`--ws ${o.ws}: must be a ws:// or wss:// URL`);
  if (o['broker-ca'] !== undefined && (broker.protocol !== 'mqtts' || ws !== undefined)) {
    throw new Error('--broker-ca is for an mqtts:// --broker that the console bridges (without --ws)');
  }
  const brokerCa = o['broker-ca'] === undefined ? undefined : readCaFile(o['broker-ca']);
  const port = o.port === undefined ? 8080 : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${o.port}: must be a port number 0..65535`);
  if (o.site !== undefined && !ID_PATTERN.test(o.site)) throw new Error(`--site ${JSON.stringify(o.site)}: must be 1-32 letters, digits, '_' or '-'`);
  const plan = o['site-file'] !== undefined ? loadSiteFile(o['site-file']) : o.scenario !== undefined ? loadScenarioPlan(o.scenario) : undefined;
  if (plan !== undefined && o.site !== undefined && o.site !== plan.id) throw new Error(`--site ${o.site} differs from the plan's site ${plan.id}`);
  // Credentials in a WebSocket URL would end up in the page; only the bridge may carry them.
  if ((isWs || ws !== undefined) && ((isWs ? broker : ws)?.username !== undefined)) {
    throw new Error('a WebSocket broker URL with credentials would be handed to every browser: use the bridge (an mqtt:// --broker without --ws)');
  }
  return {
    port, host: o.host, title: o.title, plan, siteId: o.site,
    brokerWsUrl: isWs ? broker.url : ws?.url,
    brokerUrl: isWs ? undefined : o.broker ?? env.VITRINE_BROKER ?? 'mqtt://127.0.0.1:1883',
    brokerCa,
  };
}

/** The PEM text of a CA certificate file; an error names the file and what is wrong with it. */
function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--broker-ca ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`--broker-ca ${file}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return text;
}

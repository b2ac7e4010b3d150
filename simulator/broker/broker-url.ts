/**
 * `--broker URL` for the simulator's commands: parse and check the URL, or start the embedded broker
 * when no URL is given.
 */
import type { BrokerHandle } from './types';
import { startEmbeddedBroker } from './embedded';
import type { EmbeddedBrokerOptions } from './embedded';

export interface BrokerUrl {
  /** Normalised: `tcp:` becomes `mqtt:`, the default port is filled in, credentials are removed. */
  url: string;
  protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
}

const DEFAULT_PORTS = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 } as const;

export function parseBrokerUrl(text: string): BrokerUrl {
  const fail = (why: string): never => {
    throw new Error(`broker URL ${JSON.stringify(text)}: ${why}; expected e.g. mqtt://localhost:1883 or ws://localhost:8080/mqtt`);
  };
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return fail('not a URL');
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const protocol = scheme === 'tcp' ? 'mqtt' : scheme;
  if (protocol !== 'mqtt' && protocol !== 'mqtts' && protocol !== 'ws' && protocol !== 'wss') {
    return fail(`unsupported scheme "${scheme}:" (use mqtt, mqtts, ws or wss)`);
  }
  if (parsed.hostname === '') fail('no host');
  const port = parsed.port === '' ? DEFAULT_PORTS[protocol] : Number(parsed.port);
  const isWeb = protocol === 'ws' || protocol === 'wss';
  if (!isWeb && parsed.pathname !== '' && parsed.pathname !== '/') fail(`an ${protocol} URL has no path (got "${parsed.pathname}")`);
  const pathPart = isWeb ? parsed.pathname + parsed.search : '';
  return {
    url: `${protocol}://${parsed.hostname}:${port}${pathPart}`,
    protocol,
    host: parsed.hostname,
    port,
    username: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
  };
}

/** Takes `--broker URL` or `--broker=URL` out of a command line; returns the parsed URL and the other arguments. */
export function takeBrokerOption(args: readonly string[]): { broker: BrokerUrl | undefined; rest: string[] } {
  const rest: string[] = [];
  let broker: BrokerUrl | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    let value: string | undefined;
    if (arg === '--broker') {
      value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new Error('--broker needs a URL, e.g. --broker mqtt://localhost:1883');
    } else if (arg.startsWith('--broker=')) {
      value = arg.slice('--broker='.length);
    } else {
      rest.push(arg);
      continue;
    }
    if (broker !== undefined) throw new Error('--broker given twice');
    broker = parseBrokerUrl(value);
  }
  return { broker, rest };
}

/** An external broker: usable, but the simulator cannot stop or restart it (broker faults need the embedded one). */
export function externalBroker(broker: BrokerUrl): BrokerHandle {
  const refuse = (what: string) => (): Promise<void> =>
    Promise.reject(new Error(`cannot ${what} the external broker ${broker.url}; broker faults need the embedded broker (run without --broker)`));
  return {
    kind: 'external',
    url: broker.url,
    wsUrl: broker.protocol === 'ws' || broker.protocol === 'wss' ? broker.url : undefined,
    port: broker.port,
    wsPort: undefined,
    running: true,
    down: refuse('stop'),
    up: refuse('start'),
    restart: refuse('restart'),
    stop: () => Promise.resolve(),
  };
}

/** The broker a command should use: the one named by --broker, or a new embedded broker. */
export async function openBroker(broker: BrokerUrl | undefined, embedded: EmbeddedBrokerOptions = {}): Promise<BrokerHandle> {
  return broker === undefined ? startEmbeddedBroker(embedded) : externalBroker(broker);
}

// `npm run --silent bench:will -- [--json] [--mosquitto | --broker URL] [--keepalives 1,2,5] [--clients N] [--seed N]`
//
// How long a broker takes to announce a vanished client: for every keepalive, `--clients` MQTT.js clients
// with a will connect through their own link proxy; each vanishes at a seeded time (the proxy cuts the
// client's side and leaves the broker's side open and silent, as a device losing power does), and a
// separate subscriber times the will. Reported per keepalive: will after the loss, and after the last
// packet the client sent (what the broker counts from); and the instants the wills arrived, grouped, which
// shows whether the broker expires each client on its own timer or in periodic scans of all clients.
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { performance } from 'node:perf_hooks';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import { startMosquitto } from '../../simulator/broker/mosquitto';
import { externalBroker, takeBrokerOption } from '../../simulator/broker/broker-url';
import type { BrokerUrl } from '../../simulator/broker/broker-url';
import type { BrokerHandle } from '../../simulator/broker/types';
import { startLinkProxy } from '../../simulator/transport/link-proxy';
import type { LinkProxy } from '../../simulator/transport/link-proxy';
import { Rng } from '../../simulator/signals/rng';

interface Options {
  json: boolean;
  mosquitto: boolean;
  broker: BrokerUrl | undefined;
  keepalivesS: number[];
  clients: number;
  seed: number;
}

interface Vanished {
  keepaliveS: number;
  lossMs: number;
  lastSentMs: number;
  willMs: number | undefined;
}

const TOPIC_ROOT = 'vitrine-willbench';
const FIRST_LOSS_MS = 2000;
const LOSS_SPREAD_MS = 12_000;
/** Arrivals closer than this belong to one burst (one scan of the broker). */
const BURST_GAP_MS = 300;

function parseArgs(argv: readonly string[]): Options {
  const { broker, rest } = takeBrokerOption(argv);
  const options: Options = { json: false, mosquitto: false, broker, keepalivesS: [1, 2, 3, 4, 5, 6, 8, 10], clients: 6, seed: 1 };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = (): string => {
      const next = rest[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    const integer = (text: string, min: number, max: number): number => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${arg}: expected an integer ${min}..${max}, got ${JSON.stringify(text)}`);
      return n;
    };
    if (arg === '--json') options.json = true;
    else if (arg === '--mosquitto') options.mosquitto = true;
    else if (arg === '--keepalives') options.keepalivesS = value().split(',').map((text) => integer(text, 1, 60));
    else if (arg === '--clients') options.clients = integer(value(), 1, 50);
    else if (arg === '--seed') options.seed = integer(value(), 0, 2 ** 31);
    else throw new Error(`unknown option ${JSON.stringify(arg)}; options: --json --mosquitto --broker URL --keepalives 1,2,5 --clients N --seed N`);
  }
  if (options.mosquitto && options.broker !== undefined) throw new Error('--mosquitto starts a local Mosquitto; give either it or --broker URL');
  // The link proxy passes plain TCP and the clients speak mqtt:// to it.
  if (broker !== undefined && broker.protocol !== 'mqtt') throw new Error(`--broker ${broker.url}: this bench needs a plain mqtt:// listener`);
  return options;
}

async function openBenchBroker(options: Options): Promise<BrokerHandle> {
  if (options.broker !== undefined) return externalBroker(options.broker);
  return options.mosquitto ? startMosquitto() : startEmbeddedBroker();
}

function connected(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function spread(values: readonly number[]): { min_ms: number; p50_ms: number; max_ms: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { min_ms: Math.round(sorted[0] ?? Number.NaN), p50_ms: Math.round(quantile(sorted, 0.5)), max_ms: Math.round(sorted.at(-1) ?? Number.NaN) };
}

/** Start times (from the first loss) of the groups of wills that arrived together. */
function bursts(arrivalsMs: readonly number[]): { at_ms: number; wills: number }[] {
  const groups: { at_ms: number; wills: number }[] = [];
  let lastMs = Number.NEGATIVE_INFINITY;
  for (const arrivalMs of [...arrivalsMs].sort((a, b) => a - b)) {
    const current = groups.at(-1);
    if (current === undefined || arrivalMs - lastMs > BURST_GAP_MS) groups.push({ at_ms: Math.round(arrivalMs), wills: 1 });
    else current.wills++;
    lastMs = arrivalMs;
  }
  return groups;
}

async function run(options: Options): Promise<void> {
  const broker = await openBenchBroker(options);
  const target = new URL(broker.url);
  const rng = new Rng(options.seed);
  const proxies: LinkProxy[] = [];
  const clients: MqttClient[] = [];
  const vanished = new Map<string, Vanished>();
  const credentials = { username: options.broker?.username, password: options.broker?.password };
  const subscriber = mqtt.connect(broker.url, { ...credentials, protocolVersion: 4, clientId: `willbench-watch-${process.pid}`, clean: true, reconnectPeriod: 0 });
  try {
    await connected(subscriber);
    await subscriber.subscribeAsync(`${TOPIC_ROOT}/+/status`, { qos: 1 });
    subscriber.on('message', (topic) => {
      const entry = vanished.get(topic.split('/')[1] ?? '');
      if (entry !== undefined && entry.willMs === undefined) entry.willMs = performance.now();
    });

    const startMs = performance.now();
    const losses: Promise<void>[] = [];
    for (const keepaliveS of options.keepalivesS) {
      for (let n = 0; n < options.clients; n++) {
        const id = `k${keepaliveS}-${n}`;
        const proxy = await startLinkProxy({ target: { host: target.hostname, port: Number(target.port) } });
        proxies.push(proxy);
        const client = mqtt.connect(proxy.url, {
          ...credentials,
          protocolVersion: 4,
          clientId: `willbench-${id}-${process.pid}`,
          clean: true,
          keepalive: keepaliveS,
          reconnectPeriod: 0,
          will: { topic: `${TOPIC_ROOT}/${id}/status`, payload: Buffer.from('offline'), qos: 1, retain: false },
        });
        clients.push(client);
        let lastSentMs = performance.now();
        client.on('packetsend', () => {
          lastSentMs = performance.now();
        });
        client.on('error', () => undefined); // the vanished link ends in an error; it is the point
        await connected(client);
        const lossAtMs = FIRST_LOSS_MS + rng.uniform(0, LOSS_SPREAD_MS);
        losses.push(
          sleep(Math.max(0, startMs + lossAtMs - performance.now())).then(() => {
            const lossMs = performance.now();
            proxy.vanish();
            vanished.set(id, { keepaliveS, lossMs, lastSentMs, willMs: undefined });
          }),
        );
      }
    }
    await Promise.all(losses);
    const deadlineMs = performance.now() + 1500 * Math.max(...options.keepalivesS) + 15_000;
    while (performance.now() < deadlineMs && [...vanished.values()].some((entry) => entry.willMs === undefined)) await sleep(100);

    const firstLossMs = Math.min(...[...vanished.values()].map((entry) => entry.lossMs));
    const perKeepalive = options.keepalivesS.map((keepaliveS) => {
      const entries = [...vanished.values()].filter((entry) => entry.keepaliveS === keepaliveS);
      const arrived = entries.filter((entry): entry is Vanished & { willMs: number } => entry.willMs !== undefined);
      return {
        keepalive_s: keepaliveS,
        wills: `${arrived.length}/${entries.length}`,
        after_loss: spread(arrived.map((entry) => entry.willMs - entry.lossMs)),
        after_last_packet: spread(arrived.map((entry) => entry.willMs - entry.lastSentMs)),
      };
    });
    const arrivals = [...vanished.values()].flatMap((entry) => (entry.willMs === undefined ? [] : [entry.willMs - firstLossMs]));
    const result = { broker: options.mosquitto ? 'mosquitto (local)' : options.broker?.url ?? 'aedes (embedded)', seed: options.seed, keepalives: perKeepalive, bursts: bursts(arrivals) };

    const out = options.json ? process.stderr : process.stdout;
    out.write(`will after a silent loss — ${result.broker}, ${options.clients} clients per keepalive, seed ${options.seed}\n`);
    out.write('keepalive  wills   after loss min/p50/max ms   after last packet min/p50/max ms\n');
    for (const row of perKeepalive) {
      const cell = (s: { min_ms: number; p50_ms: number; max_ms: number }): string => `${s.min_ms}/${s.p50_ms}/${s.max_ms}`.padEnd(30);
      out.write(`${`${row.keepalive_s} s`.padEnd(10)} ${row.wills.padEnd(7)} ${cell(row.after_loss)}${cell(row.after_last_packet)}\n`);
    }
    out.write(`wills arrived in ${result.bursts.length} groups (ms after the first loss: count): ${result.bursts.map((b) => `${b.at_ms}: ${b.wills}`).join(', ')}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const client of clients) client.end(true);
    subscriber.end(true);
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await broker.stop();
  }
}

// Through a promise so that a bad option is reported like any other failure.
Promise.resolve()
  .then(() => run(parseArgs(process.argv.slice(2))))
  .then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench:will: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );

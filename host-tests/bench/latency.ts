/**
 * The alert chain's latency, end to end, in real time: threats injected into simulated nodes (the real
 * firmware, fed by the signal library) and timed from the signal's onset to the alert's arrival at a
 * separate MQTT subscriber; the transport leg from the moment the node hands the alert to its MQTT
 * transport (the block that decided it is processed in that same call, so this is the detector's
 * decision in wall-clock terms) to its arrival; a dead node from its power loss (the node vanishes:
 * the broker hears nothing more) to the broker's `offline`; a sensor fault from its start to the
 * sensor_fault alert. All times are performance.now() of this one process.
 *
 * Nodes work in parallel so that each threat gets `--rounds` × `--per-threat` injections in a few
 * minutes: each node takes one kind of threat, at seeded, jittered times, with cooldowns lowered by
 * cmd/config (as a technician would) so that every injection can raise its own alert.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ThreatType } from '../../firmware/detect/types';
import type { NodeRole } from '../../firmware/detect/types';
import { startEmbeddedBroker } from '../../simulator/broker/embedded';
import { externalBroker, takeBrokerOption } from '../../simulator/broker/broker-url';
import type { BrokerHandle } from '../../simulator/broker/types';
import { percentile } from '../../simulator/run/expectations';
import type { Match } from '../../simulator/run/expectations';
import type { Firmware } from '../../simulator/run/firmware';
import { RunSession } from '../../simulator/run/session';
import type { GeneratorRegistry } from '../../simulator/sources/generators';
import type { RegistryModule } from '../../simulator/sources/off-thread';
import { Rng } from '../../simulator/signals/rng';
import { parseScenario } from '../../simulator/scenario/validate';
import type { Scenario } from '../../simulator/scenario/types';

export interface LatencyParts {
  firmware: Firmware;
  registry: GeneratorRegistry;
  /** Where the rendering worker imports the registry from. */
  registryModule?: RegistryModule;
}

export interface BenchPlan {
  /** Nodes per threat. */
  nodesPerThreat: number;
  /** Injections per node. */
  rounds: number;
  /** Power losses (each on its own node) and sensor faults (likewise). */
  deadNodes: number;
  sensorFaults: number;
  seed: number;
}

interface ThreatPlan {
  threat: ThreatType;
  role: NodeRole;
  periodS: number;
  what(at: number, rng: Rng): Record<string, unknown>;
}

const WARMUP_S = 12;
const TAIL_S = 10;

const THREATS: readonly ThreatPlan[] = [
  {
    threat: 'glass_break', role: 'display_case', periodS: 7,
    what: (at, rng) => ({ at, what: 'glass_break', params: { glass: rng.pick(['tempered', 'annealed']), levelDb: Math.round(rng.uniform(20, 35)) } }),
  },
  {
    threat: 'impact', role: 'window', periodS: 7,
    what: (at, rng) => ({ at, what: 'impact', params: { blows: 1, peakG: Number(rng.uniform(4, 8).toFixed(2)) } }),
  },
  {
    threat: 'grinder', role: 'window', periodS: 11,
    what: (at, rng) => ({ at, what: 'grinder', durationS: 4, params: { rpm: Math.round(rng.uniform(10_000, 13_000)), cutS: 4, pauseS: 0, peakG: Number(rng.uniform(0.3, 0.6).toFixed(2)), levelDb: 35 } }),
  },
  {
    threat: 'tilt', role: 'balcony', periodS: 12,
    what: (at, rng) => ({ at, what: 'tilt', durationS: 5, params: { angleDeg: Number(rng.uniform(1.5, 3).toFixed(2)), rampS: 0.3 } }),
  },
];

/** Cooldowns short enough for one alert per injection. */
const BENCH_COOLDOWNS_MS = { glassBreak: 2000, impact: 2000, grinder: 2000, tilt: 2000 };

function location(id: string): Record<string, string> {
  return { building: 'Bench', floor: '0', room: 'Bench hall', element: id, label: id };
}

export function benchScenario(plan: BenchPlan): Scenario {
  const rng = new Rng(plan.seed);
  const nodes: Record<string, unknown>[] = [];
  const timeline: Record<string, unknown>[] = [];
  const faults: Record<string, unknown>[] = [];
  let x = 1;
  const place = (id: string, role: NodeRole): void => {
    nodes.push({ id, role, location: location(id), position: { x, y: 1 }, mounting: { surface: role === 'balcony' ? 'railing' : 'glass', orientation: 'vertical' } });
    x += 2;
  };
  let endS = WARMUP_S;
  for (const t of THREATS) {
    for (let n = 0; n < plan.nodesPerThreat; n++) {
      const id = `${t.threat.replace('_', '')}-${n + 1}`;
      place(id, t.role);
      for (let r = 0; r < plan.rounds; r++) {
        // Spread the nodes over the period and jitter every injection, so nothing lines up with blocks or heartbeats.
        const at = Number((WARMUP_S + r * t.periodS + (n * t.periodS) / plan.nodesPerThreat / 2 + rng.uniform(0, 1.5)).toFixed(3));
        timeline.push({ ...t.what(at, rng), where: { node: id }, label: `${t.threat} #${r * plan.nodesPerThreat + n + 1}` });
        endS = Math.max(endS, at + t.periodS);
      }
    }
  }
  // Power losses and sensor faults spread over the run (and over any broker's keepalive scan), one per node.
  const spread = (n: number, count: number): number => Number((WARMUP_S + 5 + ((endS - WARMUP_S - 25) * n) / Math.max(1, count) + rng.uniform(0, 6)).toFixed(3));
  for (let n = 0; n < plan.deadNodes; n++) {
    const id = `dead-${n + 1}`;
    place(id, 'display_case');
    faults.push({ at: spread(n, plan.deadNodes), kind: 'power_loss', node: id, durationS: null });
  }
  for (let n = 0; n < plan.sensorFaults; n++) {
    const id = `fault-${n + 1}`;
    place(id, 'display_case');
    faults.push({ at: spread(n, plan.sensorFaults), kind: 'sensor_flat', node: id, sensor: 'microphone' });
  }
  timeline.sort((a, b) => (a.at as number) - (b.at as number));
  faults.sort((a, b) => (a.at as number) - (b.at as number));
  return parseScenario({
    format: 'vitrine-scenario/1', name: 'Latency bench', seed: plan.seed, durationS: Math.ceil(endS + TAIL_S),
    site: { id: 'bench', name: 'Latency bench', plan: { rooms: [{ id: 'hall', name: 'Bench hall', floor: '0', rect: { x: 0, y: 0, widthM: x + 1, heightM: 2 } }] } },
    nodes, ambient: { profile: 'closed_night' }, timeline, faults,
  }, 'latency bench scenario');
}

export interface LatencyFigures {
  glass_break: { p50_ms: number; p99_ms: number };
  impact: { p50_ms: number; p99_ms: number };
  grinder: { p50_ms: number; p99_ms: number };
  tilt: { p50_ms: number; p99_ms: number };
  transport: { p50_ms: number; p99_ms: number };
  dead_node_ms: number;
  sensor_fault_ms: number;
}

export interface LatencyDetail {
  figures: LatencyFigures;
  counts: Record<string, { expected: number; received: number; max_ms: number }>;
  transportCount: number;
  missed: string[];
  unexpected: string[];
  deadNodeSamplesMs: number[];
  sensorFaultSamplesMs: number[];
  broker: string;
  wallS: number;
  renderRealTimeFactor: number;
  worstLagMs: number;
  lagP99Ms: number;
}

const round = (v: number): number => (Number.isNaN(v) ? -1 : Math.round(v));

function stats(values: readonly number[]): { p50_ms: number; p99_ms: number } {
  return { p50_ms: round(percentile(values, 50)), p99_ms: round(percentile(values, 99)) };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`latency bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Lowers every node's cooldowns with cmd/config, as a technician would, and waits for every answer. */
async function configureCooldowns(session: RunSession, scenario: Scenario): Promise<void> {
  // A node publishes its config right after subscribing to its commands: then it can hear one. A config
  // the broker kept from an earlier run arrives flagged retained and says nothing about this one.
  const online = (node: string): boolean => session.seen.some((s) => s.kind === 'config' && s.node === node && !s.retained);
  const answered = (node: string): boolean => session.seen.some((s) => s.kind === 'result' && s.node === node && s.result.id === 'bench-cooldowns');
  await waitFor(() => scenario.nodes.every((n) => online(n.id)), 20_000, 'every node to come online');
  const payload = JSON.stringify({ id: 'bench-cooldowns', config: { alerts: { cooldownMs: BENCH_COOLDOWNS_MS } } });
  for (const node of scenario.nodes) await session.watcher.client.publishAsync(`vitrine/${scenario.site.id}/${node.id}/cmd/config`, payload, { qos: 1 });
  await waitFor(() => scenario.nodes.every((n) => answered(n.id)), 10_000, 'every node to answer cmd/config');
  const refused = session.seen.filter((s) => s.kind === 'result' && s.result.id === 'bench-cooldowns' && !s.result.ok);
  if (refused.length > 0) throw new Error(`latency bench: cmd/config refused: ${refused.map((s) => (s.kind === 'result' ? `${s.node}: ${s.result.error ?? ''}` : '')).join('; ')}`);
}

export async function measureLatency(plan: BenchPlan, broker: BrokerHandle, parts: LatencyParts, say: (line: string) => void): Promise<LatencyDetail> {
  const scenario = benchScenario(plan);
  const directory = mkdtempSync(path.join(tmpdir(), 'vitrine-latency-'));
  const handedOver = new Map<string, number>();
  const transport: number[] = [];
  const started = performance.now();
  let session: RunSession | undefined;
  try {
    session = await RunSession.open({
      scenario, broker, clock: 'real', firmware: parts.firmware, registry: parts.registry, directory, quiet: true,
      say: (message) => say(`bench: ${message}`),
      runner: {
        registryModule: parts.registryModule,
        probe: {
          onPublish: (topic, payload, atPerfMs) => {
            if (!topic.endsWith('/alert')) return;
            const id = (JSON.parse(payload) as { id: string }).id;
            if (!handedOver.has(id)) handedOver.set(id, atPerfMs);
          },
        },
      },
      onSeen: (seen) => {
        if (seen.kind !== 'alert') return;
        const sent = handedOver.get(seen.alert.id);
        if (sent !== undefined && !seen.retained) transport.push(seen.atPerfMs - sent);
      },
    });
    say(`bench: ${scenario.nodes.length} nodes, ${scenario.timeline.length} injections, ${scenario.faults.length} faults over ${scenario.durationS} s of real time on ${broker.url}`);
    // The nodes boot during the first second; the first injection comes after WARMUP_S, by when they are configured.
    const running = session.run();
    try {
      await configureCooldowns(session, scenario);
    } catch (error) {
      session.runner.pacer.stop();
      await running;
      throw error;
    }
    const report = await running;
    const card = session.score();
    if (report.render.misses > 0) say(`bench: ${report.render.misses} chunk(s) of signal were rendered in the block path (not ready in time)`);
    const of = (type: string): Match[] => card.matched.filter((m) => m.expectation.type === type);
    const latencies = (type: string): number[] => of(type).map((m) => m.latencyMs);
    const counts: LatencyDetail['counts'] = {};
    for (const type of ['glass_break', 'impact', 'grinder', 'tilt', 'offline', 'sensor_fault']) {
      const values = latencies(type);
      counts[type] = { expected: values.length + card.missed.filter((m) => m.type === type).length, received: values.length, max_ms: round(values.length > 0 ? Math.max(...values) : NaN) };
    }
    const dead = latencies('offline');
    const sensor = latencies('sensor_fault');
    return {
      figures: {
        glass_break: stats(latencies('glass_break')),
        impact: stats(latencies('impact')),
        grinder: stats(latencies('grinder')),
        tilt: stats(latencies('tilt')),
        transport: stats(transport),
        dead_node_ms: round(dead.length > 0 ? Math.max(...dead) : NaN),
        sensor_fault_ms: round(sensor.length > 0 ? Math.max(...sensor) : NaN),
      },
      counts,
      transportCount: transport.length,
      missed: card.missed.map((m) => `${m.type} at ${m.node} (${(m.onsetMs / 1000).toFixed(1)} s)`),
      unexpected: card.unexpected.map((u) => `${u.type} at ${u.node} (${(u.onsetMs / 1000).toFixed(1)} s)`),
      deadNodeSamplesMs: dead.map(round),
      sensorFaultSamplesMs: sensor.map(round),
      broker: `${broker.kind} ${broker.url}`,
      wallS: (performance.now() - started) / 1000,
      renderRealTimeFactor: report.render.realTimeFactor,
      worstLagMs: report.pacer.worstLagMs,
      lagP99Ms: report.pacer.lagP99Ms,
    };
  } finally {
    await session?.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

export function latencyTable(detail: LatencyDetail): string[] {
  const f = detail.figures;
  const row = (name: string, s: { p50_ms: number; p99_ms: number }, n: string, target: string): string =>
    `  ${name.padEnd(26)}${n.padStart(9)}${String(s.p50_ms).padStart(8)}${String(s.p99_ms).padStart(8)}   ${target}`;
  const c = detail.counts;
  const n = (type: string): string => `${c[type].received}/${c[type].expected}`;
  return [
    `Alert chain latency on ${detail.broker} (${detail.wallS.toFixed(0)} s; the nodes' clock lagged the wall clock ${detail.lagP99Ms.toFixed(0)} ms at p99 of ticks, ` +
      `${detail.worstLagMs.toFixed(0)} ms at most; rendering took ${detail.renderRealTimeFactor.toFixed(2)} s per second)`,
    `  ${'measure'.padEnd(26)}${'n'.padStart(9)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}   target (p99)`,
    row('glass break, onset→sub', f.glass_break, n('glass_break'), '≤ 800 ms'),
    row('impact, onset→sub', f.impact, n('impact'), '≤ 500 ms'),
    row('grinder, onset→sub', f.grinder, n('grinder'), '≤ 2500 ms'),
    row('tilt, onset→sub', f.tilt, n('tilt'), '≤ 1500 ms'),
    row('transport, decision→sub', f.transport, String(detail.transportCount), '≤ 50 ms'),
    `  ${'dead node, power→offline'.padEnd(26)}${n('offline').padStart(9)}   worst ${f.dead_node_ms} ms of [${detail.deadNodeSamplesMs.join(', ')}]   target ≤ 7500 ms`,
    `  ${'sensor fault, start→alert'.padEnd(26)}${n('sensor_fault').padStart(9)}   worst ${f.sensor_fault_ms} ms of [${detail.sensorFaultSamplesMs.join(', ')}]   target ≤ 5000 ms`,
    `  missed: ${detail.missed.length === 0 ? 'none' : detail.missed.join(', ')}`,
    `  unexpected alerts: ${detail.unexpected.length === 0 ? 'none' : detail.unexpected.join(', ')}`,
  ];
}

export async function runLatencyBench(argv: readonly string[], parts: LatencyParts): Promise<number> {
  const { broker: brokerUrl, rest } = takeBrokerOption(argv);
  const { values } = parseArgs({
    args: rest,
    options: {
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      nodes: { type: 'string', default: '4' }, rounds: { type: 'string', default: '8' }, seed: { type: 'string', default: '1019' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write('usage: npm run --silent bench:latency -- [--json] [--broker URL] [--nodes N] [--rounds R] [--seed S]\n' +
      '  Real time, about 2 minutes: N nodes per threat, R injections each (default 4 × 8 = 32 per threat), 6 power losses, 4 sensor faults.\n' +
      '  --json prints the figures as the last line; without it, a table.\n');
    return 0;
  }
  const plan: BenchPlan = { nodesPerThreat: Number(values.nodes), rounds: Number(values.rounds), deadNodes: 6, sensorFaults: 4, seed: Number(values.seed) };
  if (!(plan.nodesPerThreat >= 1) || !(plan.rounds >= 1) || !Number.isInteger(plan.seed)) throw new Error('--nodes and --rounds must be ≥ 1 and --seed an integer');
  const broker = brokerUrl === undefined ? await startEmbeddedBroker() : externalBroker(brokerUrl);
  try {
    const detail = await measureLatency(plan, broker, parts, (line) => process.stderr.write(`${line}\n`));
    if (values.json === true) {
      process.stderr.write(`${latencyTable(detail).join('\n')}\n`);
      process.stdout.write(`${JSON.stringify(detail.figures)}\n`);
    } else {
      process.stdout.write(`${latencyTable(detail).join('\n')}\n`);
    }
    return 0;
  } finally {
    await broker.stop();
  }
}

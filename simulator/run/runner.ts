/**
 * Runs a scenario: every node of it hosted in this process on one timeline, their sensors fed from the
 * signal library, the scenario's faults applied on time, the clock driven virtually or in real time
 * (pacer.ts). The caller opens the broker and, if it wants, observes it with its own subscriber; the
 * runner tells it how to date what it sees (bootAtMs, perfAt).
 */
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SensorKind } from '../../firmware/ports';
import type { BrokerHandle } from '../broker/types';
import { VirtualClock } from '../clock/virtual-clock';
import type { Fault, Scenario } from '../scenario/types';
import { assertRenderable } from '../sources/generators';
import { OffThreadRenderer } from '../sources/off-thread';
import type { RegistryModule } from '../sources/off-thread';
import type { GeneratorRegistry } from '../sources/generators';
import type { SensorFaultKind, SensorFaultWindow } from '../sources/scenario-source';
import { SensorSignal } from '../sources/sensor-signal';
import type { RenderStats } from '../sources/sensor-signal';
import { ACCELEROMETER, MICROPHONE } from '../sources/sensors';
import { derivedSeed } from '../sources/seed';
import type { BackoffOptions } from '../transport/backoff';
import type { Firmware } from './firmware';
import { NodeHost } from './node-host';
import type { NodeLogSink } from './node-host';
import { Pacer } from './pacer';
import type { ClockMode, PacerStats } from './pacer';
import type { TransportProbeHooks } from './transport-probe';

export interface RunnerOptions {
  scenario: Scenario;
  broker: BrokerHandle;
  clock: ClockMode;
  registry: GeneratorRegistry;
  firmware: Firmware;
  /** Run directory (node storage files); created if missing. */
  directory: string;
  /** Node logs; default: dropped. */
  log?: NodeLogSink;
  /** Runner messages (faults applied, stalls). */
  say?: (message: string) => void;
  /** Broker faults on a broker that cannot be stopped are refused unless this is set (then skipped, said so). */
  skipBrokerFaults?: boolean;
  backoff?: Partial<BackoffOptions>;
  probe?: TransportProbeHooks;
  /**
   * True when the caller's own subscribers are connected. After a broker restart the nodes' links are
   * held until it is (at most 5 s), so that no backlog alert reaches the broker before those who watch it.
   */
  observersReady?: () => boolean;
  /**
   * Where a worker thread can import `registry` from. Given, a real-time run renders its signals on a
   * worker (the machine's other core) instead of between the clock's ticks.
   */
  registryModule?: RegistryModule;
  /** Virtual mode: the longest real-time window after a silent-link fault, ms; default 15000. */
  realTimeWindowMs?: number;
  stepMs?: number;
  settleTimeoutMs?: number;
  /** Nodes boot at seeded times within this much of scenario time 0, ms; default 1000. */
  bootSpreadMs?: number;
}

export interface RunReport {
  mode: ClockMode;
  scenarioS: number;
  pacer: PacerStats;
  /** Rendering cost over every node and sensor. */
  render: RenderStats & { realTimeFactor: number };
  faultsApplied: string[];
  faultsSkipped: string[];
}

const SENSOR_FAULTS: Readonly<Record<string, SensorFaultKind>> = {
  sensor_stuck: 'stuck', sensor_flat: 'flat', sensor_saturated: 'saturated', sensor_missing: 'missing',
};

/** The sensor-fault windows of one node and sensor, in scenario ms. */
export function sensorFaultWindows(scenario: Scenario, nodeId: string, sensor: SensorKind): SensorFaultWindow[] {
  const windows: SensorFaultWindow[] = [];
  for (const fault of scenario.faults) {
    if (!('sensor' in fault) || fault.node !== nodeId || fault.sensor !== sensor) continue;
    windows.push({
      kind: SENSOR_FAULTS[fault.kind],
      startMs: fault.at * 1000,
      endMs: fault.durationS === null ? Infinity : (fault.at + fault.durationS) * 1000,
    });
  }
  return windows;
}

/** Real time: signal is rendered this far ahead of the clock. */
const RENDER_AHEAD_MS = 4000;

export function isBrokerFault(fault: Fault): boolean {
  return fault.kind === 'broker_stop' || fault.kind === 'broker_start';
}

export class ScenarioRunner {
  readonly scenario: Scenario;
  readonly clock: VirtualClock;
  readonly hosts: NodeHost[];
  readonly pacer: Pacer;
  readonly #o: RunnerOptions;
  /** Every node's sensor signals, in a fixed order for rendering ahead in turn. */
  readonly #signals: { nodeId: string; signal: SensorSignal }[] = [];
  readonly #pending = new Set<Promise<void>>();
  readonly #applied: string[] = [];
  readonly #skipped: string[] = [];
  /** Real-time windows (virtual mode): until when, in scenario ms. */
  #realTimeUntilMs = -Infinity;
  #brokerRunning = true;
  readonly #gaveUp = new Set<string>();
  #opened = false;
  #nextSignal = 0;
  #worker: OffThreadRenderer | undefined;

  constructor(options: RunnerOptions) {
    const { scenario, registry } = options;
    assertRenderable(scenario, registry);
    const brokerFaults = scenario.faults.filter(isBrokerFault);
    if (brokerFaults.length > 0 && options.broker.kind === 'external' && options.skipBrokerFaults !== true) {
      throw new Error(`${scenario.name}: the scenario stops and starts the broker (${brokerFaults.map((f) => `${f.kind} at ${f.at} s`).join(', ')}), ` +
        `but ${options.broker.url} is an external broker the simulator cannot stop. Run it on the embedded broker (no --broker), ` +
        'or skip those faults with --skip-broker-faults.');
    }
    this.#o = options;
    this.scenario = scenario;
    // Real time: the nodes' SNTP time is the host's clock. Virtual: the scenario's own date.
    this.clock = new VirtualClock({ startEpochMs: options.clock === 'real' ? Date.now() : scenario.startEpochMs });
    mkdirSync(options.directory, { recursive: true });
    this.hosts = scenario.nodes.map((node) => {
      const signals = {
        microphone: new SensorSignal({ scenario, node, model: MICROPHONE, registry }),
        accelerometer: new SensorSignal({ scenario, node, model: ACCELEROMETER, registry }),
      };
      this.#signals.push({ nodeId: node.id, signal: signals.microphone }, { nodeId: node.id, signal: signals.accelerometer });
      return new NodeHost({
        site: scenario.site, node, seed: scenario.seed, clock: this.clock, brokerUrl: options.broker.url,
        directory: options.directory, signals, firmware: options.firmware, log: options.log ?? ((): void => undefined),
        sensorFaults: {
          microphone: sensorFaultWindows(scenario, node.id, 'microphone'),
          accelerometer: sensorFaultWindows(scenario, node.id, 'accelerometer'),
        },
        backoff: options.backoff, probe: options.probe,
      });
    });
    this.pacer = new Pacer({
      clock: this.clock, mode: options.clock, untilMs: scenario.durationS * 1000,
      stepMs: options.stepMs, settleTimeoutMs: options.settleTimeoutMs,
      hooks: {
        settled: () => this.#settled(),
        unsettled: () => this.#unsettled(),
        needsRealTime: () => this.clock.nowMs() < this.#realTimeUntilMs && this.hosts.some((h) => h.linkDropped || !h.powered),
        pendingWork: () => (this.#pending.size === 0 ? undefined : Promise.all(this.#pending).then(() => undefined)),
        onStall: (message) => this.#say(message),
        between: (budgetMs) => this.#renderAhead(budgetMs),
      },
    });
  }

  host(nodeId: string): NodeHost {
    const host = this.hosts.find((h) => h.id === nodeId);
    if (host === undefined) throw new Error(`no node ${nodeId} in ${this.scenario.name}`);
    return host;
  }

  /** Scenario time (ms) of an uptime of a node's boot, or undefined for a boot this run does not know. */
  scenarioMsOf(nodeId: string, boot: number, uptimeMs: number): number | undefined {
    const at = this.hosts.find((h) => h.id === nodeId)?.bootAtMs(boot);
    return at === undefined ? undefined : at + uptimeMs;
  }

  /** Opens the nodes' links, renders the first seconds of signal, schedules the faults and boots every node within the first `bootSpreadMs`. */
  async open(): Promise<void> {
    if (this.#opened) throw new Error('ScenarioRunner: already opened');
    this.#opened = true;
    while (this.#renderAhead(Infinity)) { /* everything within the look-ahead of time 0 */ }
    if (this.#o.clock === 'real' && this.#o.registryModule !== undefined) {
      this.#worker = await OffThreadRenderer.start(this.scenario, this.#o.registryModule,
        (reply) => this.host(reply.node).signals[reply.kind].offer(reply.chunk, reply.counts, reply.renderMs),
        (error) => this.#say(`the rendering worker failed (${error.message}); rendering on the main thread from now on`));
    }
    await Promise.all(this.hosts.map((h) => h.open()));
    for (const fault of this.scenario.faults) {
      this.clock.setTimer(() => this.#apply(fault), fault.at * 1000);
    }
    // Nodes do not power up in the same millisecond; booting them apart also keeps their heartbeats and
    // health ticks apart, as on a real site (all at once, they would queue behind each other).
    const spreadMs = this.#o.bootSpreadMs ?? 1000;
    for (const host of this.hosts) {
      const atMs = spreadMs * (derivedSeed(this.scenario.seed, host.id, 'boot') / 2 ** 32);
      if (atMs === 0) host.boot();
      else this.clock.setTimer(() => host.boot(), atMs);
    }
  }

  /** Runs to the end of the scenario (open() first). */
  async run(): Promise<RunReport> {
    if (!this.#opened) await this.open();
    if (this.#o.clock === 'real') this.clock.alignTo(Date.now());
    await this.pacer.run();
    if (this.#o.clock === 'virtual') await this.pacer.settle();
    return this.report();
  }

  report(): RunReport {
    const render = { renderedS: 0, renderMs: 0, worstChunkMs: 0, misses: 0 };
    for (const { signal } of this.#signals) {
      render.renderedS += signal.stats.renderedS;
      render.renderMs += signal.stats.renderMs;
      render.worstChunkMs = Math.max(render.worstChunkMs, signal.stats.worstChunkMs);
      render.misses += signal.stats.misses;
    }
    // Real-time factor: render time per second of signal of ALL nodes' sensors together.
    const scenarioS = this.clock.nowMs() / 1000;
    return {
      mode: this.#o.clock,
      scenarioS,
      pacer: { ...this.pacer.stats },
      render: { ...render, realTimeFactor: scenarioS > 0 ? render.renderMs / 1000 / scenarioS : 0 },
      faultsApplied: [...this.#applied],
      faultsSkipped: [...this.#skipped],
    };
  }

  /** Stops every node (gracefully: offline is published) and closes their links. */
  async close(graceful = true): Promise<void> {
    this.pacer.stop();
    await Promise.all(this.#pending);
    await Promise.all(this.hosts.map((h) => h.close(graceful)));
    await this.#worker?.close();
    this.#worker = undefined;
  }

  /**
   * Renders signal up to RENDER_AHEAD_MS ahead of the clock, one chunk at a time over every node's
   * sensors in turn, until `budgetMs` is spent; true if anything was rendered.
   */
  #renderAhead(budgetMs: number): boolean {
    const started = performance.now();
    const nowMs = this.clock.nowMs();
    const worker = this.#worker?.working === true ? this.#worker : undefined;
    let rendered = false;
    for (let tried = 0; tried < this.#signals.length; tried++) {
      const { nodeId, signal } = this.#signals[this.#nextSignal];
      this.#nextSignal = (this.#nextSignal + 1) % this.#signals.length;
      const rateHz = signal.model.rateHz;
      const fromFrame = Math.floor((nowMs * rateHz) / 1000);
      const untilFrame = Math.floor(((nowMs + RENDER_AHEAD_MS) * rateHz) / 1000);
      if (worker !== undefined) {
        const request = { node: nodeId, kind: signal.kind, chunk: -1 };
        const chunk = signal.nextMissing(fromFrame, untilFrame, (c) => worker.isPending({ ...request, chunk: c }));
        if (chunk !== undefined) worker.request({ ...request, chunk });
      } else if (signal.renderAhead(fromFrame, untilFrame)) {
        rendered = true;
        if (performance.now() - started >= budgetMs) break;
      }
    }
    return rendered;
  }

  #say(message: string): void {
    this.#o.say?.(message);
  }

  #settled(): boolean {
    for (const host of this.hosts) {
      if (host.inFlight > 0) return false;
      const shouldConnect = host.powered && !host.linkDropped && this.#brokerRunning;
      if (shouldConnect && !host.connected && !this.#gaveUp.has(host.id)) return false;
      if (host.connected) this.#gaveUp.delete(host.id);
    }
    return true;
  }

  #unsettled(): string {
    const waits: string[] = [];
    for (const host of this.hosts) {
      if (host.inFlight > 0) waits.push(`${host.id}: ${host.inFlight} QoS 1 message(s) without PUBACK`);
      if (host.powered && !host.linkDropped && this.#brokerRunning && !host.connected) {
        waits.push(`${host.id}: no MQTT session`);
        this.#gaveUp.add(host.id);
      }
    }
    return waits.join('; ') || 'nothing';
  }

  #track(work: Promise<void>, what: string): void {
    const tracked = work.catch((error: unknown) => this.#say(`${what} failed: ${(error as Error).message}`))
      .finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  async #brokerStart(broker: BrokerHandle): Promise<void> {
    const ready = this.#o.observersReady;
    if (ready !== undefined) for (const host of this.hosts) host.holdLink();
    try {
      await broker.up();
      this.#brokerRunning = true;
      const deadline = performance.now() + 5000;
      while (ready !== undefined && !ready() && performance.now() < deadline) await sleep(5);
      if (ready !== undefined && !ready()) this.#say('the observers did not reconnect within 5 s of broker_start; releasing the nodes anyway');
    } finally {
      for (const host of this.hosts) host.releaseLink();
    }
  }

  #openRealTimeWindow(): void {
    if (this.#o.clock !== 'virtual') return;
    this.#realTimeUntilMs = Math.max(this.#realTimeUntilMs, this.clock.nowMs() + (this.#o.realTimeWindowMs ?? 15_000));
  }

  #apply(fault: Fault): void {
    const at = `${fault.at} s`;
    const describe = `${fault.kind}${'node' in fault ? ` ${fault.node}` : ''} at ${at}`;
    const broker = this.#o.broker;
    if (isBrokerFault(fault) && broker.kind === 'external') {
      this.#skipped.push(`${describe} (external broker)`);
      this.#say(`skipped ${describe}: ${broker.url} is an external broker the simulator cannot ${fault.kind === 'broker_stop' ? 'stop' : 'start'}`);
      return;
    }
    this.#applied.push(describe);
    this.#say(`fault: ${describe}${fault.label !== fault.kind ? ` (${fault.label})` : ''}`);
    switch (fault.kind) {
      case 'broker_stop':
        this.#brokerRunning = false;
        this.#track(broker.down(), 'broker_stop');
        return;
      case 'broker_start':
        this.#track(this.#brokerStart(broker), 'broker_start');
        return;
      case 'power_loss':
        this.#openRealTimeWindow();
        this.host(fault.node).powerLoss(fault.durationS === null ? null : fault.durationS * 1000);
        return;
      case 'reboot':
        this.host(fault.node).reboot();
        return;
      case 'network_drop':
        this.#openRealTimeWindow();
        this.host(fault.node).networkDrop(fault.durationS * 1000);
        return;
      default:
        // Sensor faults are applied by the node's sources (sensorFaultWindows); nothing to do now.
        return;
    }
  }
}


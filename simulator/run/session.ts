/**
 * A scenario run with a separate subscriber watching the broker: what the demo, the latency bench and
 * the integration tests have in common. The subscriber connects before any node boots and comes back
 * first after a broker restart (the runner holds the nodes' links until it has); every message it
 * receives is validated against its schema and dated on the scenario's timeline, and alerts and
 * offline announcements are matched against what the scenario expects (expectations.ts).
 *
 * Dating: in real time, `arrivedMs` is the wall-clock time of arrival after scenario time 0 (both from
 * performance.now() in this process); in virtual time it is the virtual time at arrival, which the
 * pacer holds still while messages are in flight.
 */
import type { AlertMessage } from '../../firmware/node/protocol';
import type { Scenario } from '../scenario/types';
import type { BrokerHandle } from '../broker/types';
import { Watcher } from '../monitor/watch';
import type { Seen } from '../monitor/watch';
import type { GeneratorRegistry } from '../sources/generators';
import { Ledger } from './expectations';
import type { Arrival, Scorecard } from './expectations';
import type { Firmware } from './firmware';
import type { NodeLogSink } from './node-host';
import type { ClockMode } from './pacer';
import { ScenarioRunner } from './runner';
import type { RunReport, RunnerOptions } from './runner';

export interface SessionOptions {
  scenario: Scenario;
  broker: BrokerHandle;
  clock: ClockMode;
  firmware: Firmware;
  registry: GeneratorRegistry;
  directory: string;
  log?: NodeLogSink;
  say?: (message: string) => void;
  skipBrokerFaults?: boolean;
  /** Every message the subscriber receives, dated; `arrival` is set for alerts and offline announcements. */
  onSeen?: (seen: Seen, dated: DatedSeen) => void;
  /** Leave heartbeats and telemetry out of the subscription. */
  quiet?: boolean;
  runner?: Partial<RunnerOptions>;
}

export interface DatedSeen {
  /** Scenario ms at arrival (see the header). */
  arrivedMs: number;
  arrival?: Arrival;
  /** What the ledger made of it. */
  verdict?: ReturnType<Ledger['add']>;
}

export class RunSession {
  readonly runner: ScenarioRunner;
  readonly watcher: Watcher;
  readonly ledger: Ledger;
  /** Every message received, in order of arrival. */
  readonly seen: Seen[] = [];
  readonly #o: SessionOptions;

  private constructor(options: SessionOptions, runner: ScenarioRunner, watcher: Watcher) {
    this.#o = options;
    this.runner = runner;
    this.watcher = watcher;
    this.ledger = new Ledger(options.scenario, options.firmware.detectorDefaults);
  }

  static async open(options: SessionOptions): Promise<RunSession> {
    // Messages may arrive before the session exists (retained ones): keep them for it.
    const target: { session?: RunSession; early: Seen[] } = { early: [] };
    const watcher = await Watcher.open({
      url: options.broker.url, site: options.scenario.site.id, quiet: options.quiet, reconnectPeriodMs: 100,
      onMessage: (seen) => (target.session === undefined ? target.early.push(seen) : target.session.#received(seen)),
      onTrouble: (message) => options.say?.(`subscriber: ${message}`),
    });
    let runner: ScenarioRunner;
    try {
      runner = new ScenarioRunner({
        scenario: options.scenario, broker: options.broker, clock: options.clock, registry: options.registry,
        firmware: options.firmware, directory: options.directory, log: options.log, say: options.say,
        skipBrokerFaults: options.skipBrokerFaults, observersReady: () => watcher.subscribed, ...options.runner,
      });
    } catch (error) {
      await watcher.close();
      throw error;
    }
    const session = new RunSession(options, runner, watcher);
    target.session = session;
    for (const seen of target.early) session.#received(seen);
    await runner.open();
    return session;
  }

  /** Runs the scenario to its end, then lets the last messages arrive. */
  async run(): Promise<RunReport> {
    const report = await this.runner.run();
    await this.drain();
    return report;
  }

  /** Waits until nothing is in flight and the subscriber has had a moment to receive it. */
  async drain(graceMs = 300): Promise<void> {
    await this.runner.pacer.settle();
    await new Promise((resolve) => setTimeout(resolve, graceMs));
  }

  /** The expectations still open are missed from here on (of a run stopped at `stoppedMs`, those whose window had closed). */
  score(stoppedMs?: number): Scorecard {
    return this.ledger.close(stoppedMs);
  }

  alerts(): AlertMessage[] {
    const alerts: AlertMessage[] = [];
    for (const seen of this.seen) if (seen.kind === 'alert') alerts.push(seen.alert);
    return alerts;
  }

  invalid(): Seen[] {
    return this.seen.filter((s) => s.kind === 'invalid');
  }

  /** Stops the nodes (gracefully unless told otherwise) and the subscriber. The broker is the caller's. */
  async close(graceful = true): Promise<void> {
    try {
      await this.runner.close(graceful);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await this.watcher.close();
    }
  }

  /** Scenario ms now, as arrivals are dated (see the header). */
  nowMs(): number {
    return this.#o.clock === 'real' ? performance.now() - this.runner.pacer.startPerfMs : this.runner.clock.nowMs();
  }

  #received(seen: Seen): void {
    this.seen.push(seen);
    const arrivedMs = this.#o.clock === 'real' ? seen.atPerfMs - this.runner.pacer.startPerfMs : this.runner.clock.nowMs();
    const dated: DatedSeen = { arrivedMs };
    if (seen.kind === 'alert') {
      const a = seen.alert;
      const onsetMs = this.runner.scenarioMsOf(a.node, a.boot, a.onsetUptimeMs);
      if (onsetMs !== undefined) dated.arrival = { node: a.node, type: a.type, onsetMs, arrivedMs, alert: a };
    } else if (seen.kind === 'status' && !seen.online && !seen.retained) {
      dated.arrival = { node: seen.node, type: 'offline', onsetMs: arrivedMs, arrivedMs };
    }
    if (dated.arrival !== undefined) dated.verdict = this.ledger.add(dated.arrival);
    this.#o.onSeen?.(seen, dated);
  }
}

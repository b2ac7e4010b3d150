/**
 * Drives the shared virtual clock for a scenario run, in one of two ways.
 *
 * Real time: the clock follows the wall clock (performance.now()), advanced every few milliseconds;
 * brokers, keepalives and acknowledgements all run on the same time.
 *
 * Virtual time, as fast as possible — with real sockets in the loop. The broker, MQTT.js and the link
 * proxies live in real time, so an hour of virtual time cannot simply race past them: the outbox would
 * time out acknowledgements that are merely a millisecond away, and nodes would run for virtual minutes
 * without a session. So the clock advances in small steps and, after each step, waits (in real time)
 * until the network has caught up: nothing is waiting for a PUBACK, every node that should have a
 * session has one, and the runner's asynchronous fault work (broker stop or start) is done. Virtual
 * time stands still while that happens, so to the nodes the network is infinitely fast and only the
 * scenario's faults break it. Faults whose effect the broker measures in real time (a silent link, a
 * vanished node: the broker's keepalive) open a real-time window: the clock then follows the wall
 * clock until the window closes, so the broker sees the silence last as long as the scenario says.
 */
import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import type { VirtualClock } from '../clock/virtual-clock';

export type ClockMode = 'virtual' | 'real';

export interface PacerHooks {
  /** Nothing in flight and every node that should be connected is: the network has caught up. */
  settled(): boolean;
  /** What is still unsettled, for the warning when settling takes too long. */
  unsettled(): string;
  /** True while the clock must follow real time (virtual mode). */
  needsRealTime(): boolean;
  /** Asynchronous work the runner started from a timer (broker stop/start), to await in virtual mode. */
  pendingWork(): Promise<void> | undefined;
  /** Called once when settling has taken longer than `settleTimeoutMs`. */
  onStall(message: string): void;
  /** Real time: work to do between ticks (rendering signal ahead), within about `budgetMs`. */
  between?(budgetMs: number): void;
}

export interface PacerOptions {
  clock: VirtualClock;
  mode: ClockMode;
  untilMs: number;
  hooks: PacerHooks;
  /** Virtual ms per step as fast as possible; default 20. */
  stepMs?: number;
  /** Real ms between advances in real time; default 4. */
  tickMs?: number;
  /** Give up waiting for the network after this long (real ms), warn and go on; default 15000. */
  settleTimeoutMs?: number;
}

export interface PacerStats {
  /** Real time the run took, ms. */
  wallMs: number;
  /** Real time spent waiting for the network to settle (virtual mode), ms. */
  settleMs: number;
  /** Virtual time run in real-time windows (virtual mode), ms. */
  realTimeWindowMs: number;
  /** The largest lag of the clock behind the wall clock (real mode), ms. */
  worstLagMs: number;
  /** 99th percentile of that lag over the ticks (real mode), ms. */
  lagP99Ms: number;
}

function histogramPercentile(histogram: Uint32Array, p: number): number {
  let total = 0;
  for (const count of histogram) total += count;
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms];
    if (total > 0 && seen >= (p / 100) * total) return ms;
  }
  return 0;
}

export class Pacer {
  readonly #o: PacerOptions;
  #stopped = false;
  /** performance.now() at scenario time 0 (real mode) — latencies are measured against it. */
  startPerfMs = 0;
  readonly stats: PacerStats = { wallMs: 0, settleMs: 0, realTimeWindowMs: 0, worstLagMs: 0, lagP99Ms: 0 };
  /** Ticks (real mode) by lag, in whole milliseconds: enough for a percentile without keeping every tick. */
  readonly #lagHistogram = new Uint32Array(1001);

  constructor(options: PacerOptions) {
    this.#o = options;
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Wall time (performance.now()) at which scenario time `ms` happens, in real mode. */
  perfAt(ms: number): number {
    return this.startPerfMs + ms;
  }

  async run(): Promise<void> {
    const { clock, untilMs } = this.#o;
    const started = performance.now();
    const startSimMs = clock.nowMs();
    this.startPerfMs = started - startSimMs;
    if (this.#o.mode === 'real') await this.#runReal(untilMs);
    else await this.#runVirtual(untilMs);
    this.stats.wallMs = performance.now() - started;
    this.stats.lagP99Ms = histogramPercentile(this.#lagHistogram, 99);
  }

  /** Waits until the network has caught up (or gives up after the timeout). */
  async settle(): Promise<void> {
    const { hooks } = this.#o;
    const started = performance.now();
    const timeoutMs = this.#o.settleTimeoutMs ?? 15_000;
    for (;;) {
      const work = hooks.pendingWork();
      if (work !== undefined) await work;
      await yieldToIo();
      if (hooks.settled()) break;
      if (performance.now() - started > timeoutMs) {
        hooks.onStall(`the network did not settle within ${timeoutMs} ms (${hooks.unsettled()}); going on`);
        break;
      }
      await sleep(1);
    }
    this.stats.settleMs += performance.now() - started;
  }

  async #runReal(untilMs: number): Promise<void> {
    const { clock } = this.#o;
    const tickMs = this.#o.tickMs ?? 4;
    while (!this.#stopped && clock.nowMs() < untilMs) {
      await sleep(tickMs);
      const target = performance.now() - this.startPerfMs;
      const lagMs = Math.max(0, target - clock.nowMs());
      this.stats.worstLagMs = Math.max(this.stats.worstLagMs, lagMs);
      this.#lagHistogram[Math.min(1000, Math.floor(lagMs))]++;
      clock.advanceTo(Math.min(untilMs, Math.max(clock.nowMs(), target)));
      this.#o.hooks.between?.(tickMs / 2);
    }
  }

  async #runVirtual(untilMs: number): Promise<void> {
    const { clock, hooks } = this.#o;
    const stepMs = this.#o.stepMs ?? 20;
    const tickMs = this.#o.tickMs ?? 4;
    await this.settle();
    while (!this.#stopped && clock.nowMs() < untilMs) {
      if (hooks.needsRealTime()) {
        // Follow the wall clock while the broker must see real silence.
        let last = performance.now();
        while (!this.#stopped && hooks.needsRealTime() && clock.nowMs() < untilMs) {
          await sleep(tickMs);
          const now = performance.now();
          const advance = Math.min(untilMs, clock.nowMs() + (now - last));
          this.stats.realTimeWindowMs += advance - clock.nowMs();
          clock.advanceTo(advance);
          last = now;
          const work = hooks.pendingWork();
          if (work !== undefined) await work;
        }
        continue;
      }
      clock.advanceTo(Math.min(untilMs, clock.nowMs() + stepMs));
      await this.settle();
    }
  }
}

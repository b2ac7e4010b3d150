/**
 * Decides when the software watchdog (watchdog.ts) is kicked. Sensor blocks kick it: a node whose
 * sensor chain stalls silently (a driver stuck, an interrupt never coming back) is restarted. A sensor
 * that has reported itself broken (missing chip, bus error, stopped) is not expected to deliver, so
 * while every watched source is in that state — or there is none, as in safe mode — a timer kicks the
 * watchdog instead: a missing chip must not turn into a reboot loop (it is reported as a sensor_fault).
 */
import type { Clock, SampleBlock, SensorKind, SensorSource, SensorSourceEvents, SensorSourceFault, TimerHandle } from '../ports';

export interface Kickable {
  kick(): void;
}

/** Fault codes after which a source delivers nothing until it recovers (fifo-accelerometer.ts, microphone-source.ts). */
const SILENCING_FAULTS: readonly SensorSourceFault['code'][] = ['missing_chip', 'bus_error', 'stopped'];

class WatchedSource implements SensorSource {
  readonly #inner: SensorSource;
  readonly #watchdog: Kickable;
  #events: SensorSourceEvents | undefined;
  /** Reported broken since its last block. */
  silenced = false;
  // Made once: delivering a block allocates nothing.
  readonly #relay: SensorSourceEvents = {
    onBlock: (block: SampleBlock): void => {
      this.silenced = false;
      this.#watchdog.kick();
      this.#events?.onBlock(block);
    },
    onFault: (fault: SensorSourceFault): void => {
      if (SILENCING_FAULTS.includes(fault.code)) this.silenced = true;
      this.#events?.onFault(fault);
    },
  };

  constructor(inner: SensorSource, watchdog: Kickable) {
    this.#inner = inner;
    this.#watchdog = watchdog;
  }

  get kind(): SensorKind {
    return this.#inner.kind;
  }

  get rateHz(): number {
    return this.#inner.rateHz;
  }

  get channels(): number {
    return this.#inner.channels;
  }

  start(events: SensorSourceEvents): void {
    this.#events = events;
    this.silenced = false;
    this.#inner.start(this.#relay);
  }

  stop(): void {
    this.#inner.stop();
    this.#events = undefined;
  }
}

export interface WatchdogFeedOptions {
  watchdog: Kickable;
  clock: Clock;
  /** How often the timer checks whether it must kick (a fraction of the watchdog's timeout). */
  checkMs: number;
}

export class WatchdogFeed {
  readonly #options: WatchdogFeedOptions;
  readonly #sources: WatchedSource[] = [];
  #timer: TimerHandle | undefined;

  constructor(options: WatchdogFeedOptions) {
    this.#options = options;
  }

  /** The source as the node should see it: every block it delivers kicks the watchdog. */
  watch(source: SensorSource): SensorSource {
    const watched = new WatchedSource(source, this.#options.watchdog);
    this.#sources.push(watched);
    return watched;
  }

  /** Forgets every watched source (safe mode takes over with none). */
  unwatchAll(): void {
    this.#sources.length = 0;
  }

  start(): void {
    this.stop();
    this.#timer = this.#options.clock.setTimer(() => this.#check(), this.#options.checkMs, this.#options.checkMs);
  }

  stop(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** Whether no watched source is expected to deliver blocks now. */
  get idle(): boolean {
    for (const source of this.#sources) if (!source.silenced) return false;
    return true;
  }

  #check(): void {
    if (this.idle) this.#options.watchdog.kick();
  }
}

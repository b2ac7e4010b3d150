/**
 * The Log port over Moddable's `trace` (serial console / xsbug): one line per message with uptime and
 * level, messages below the configured level skipped.
 */
import type { Clock, Log, LogLevel } from '../ports';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface TraceLogOptions {
  /** The global `trace` on the device. */
  trace: (text: string) => void;
  clock: Clock;
  level?: LogLevel;
}

export class TraceLog implements Log {
  readonly #options: TraceLogOptions;
  readonly #minimum: number;

  constructor(options: TraceLogOptions) {
    this.#options = options;
    this.#minimum = RANK[options.level ?? 'info'];
  }

  log(level: LogLevel, message: string): void {
    if (RANK[level] < this.#minimum) return;
    const seconds = (this.#options.clock.uptimeMs() / 1000).toFixed(3);
    this.#options.trace(`${seconds} ${level.toUpperCase()} ${message}\n`);
  }
}

/**
 * Drives a VirtualClock from the event loop so that virtual nodes can share the process with real
 * sockets: either at a fixed speed relative to wall time (speed 1 = real time, 10 = ten times faster)
 * or as fast as possible, yielding to I/O between steps.
 */
import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { VirtualClock } from './virtual-clock';

export interface PaceOptions {
  /** Simulated ms per real ms, > 0; Infinity runs as fast as the CPU allows. */
  speed: number;
  /** Simulation time at which to stop. */
  untilMs: number;
  /** Paced: real ms between advances (default 5). As fast as possible: simulated ms per step (default 50). */
  stepMs?: number;
}

export interface PacedRun {
  /** Resolves when the clock reaches `untilMs` (or stop() is called); rejects if a timer callback throws. */
  readonly done: Promise<void>;
  stop(): void;
}

export function runPaced(clock: VirtualClock, options: PaceOptions): PacedRun {
  const { speed, untilMs } = options;
  if (!(speed > 0)) throw new RangeError(`runPaced: speed must be > 0 (Infinity for as fast as possible), got ${speed}`);
  if (!(untilMs >= clock.nowMs())) throw new RangeError(`runPaced: untilMs ${untilMs} is before the clock's ${clock.nowMs()} ms`);
  const stepMs = options.stepMs ?? (speed === Infinity ? 50 : 5);
  if (!(stepMs > 0) || !Number.isFinite(stepMs)) throw new RangeError(`runPaced: stepMs must be a finite number > 0, got ${stepMs}`);
  let stopped = false;
  const startSimMs = clock.nowMs();
  const startRealMs = performance.now();
  const done = (async (): Promise<void> => {
    while (!stopped && clock.nowMs() < untilMs) {
      if (speed === Infinity) {
        clock.advanceTo(Math.min(untilMs, clock.nowMs() + stepMs));
        await yieldToIo();
      } else {
        await new Promise((resolve) => setTimeout(resolve, stepMs));
        if (stopped) break;
        const target = startSimMs + (performance.now() - startRealMs) * speed;
        clock.advanceTo(Math.min(untilMs, Math.max(clock.nowMs(), target)));
      }
    }
  })();
  return {
    done,
    stop(): void {
      stopped = true;
    },
  };
}

/**
 * What the simulator needs from a node's clock beyond the Clock port: it can cut the node's power.
 */
import type { Clock, TimerHandle } from '../../firmware/ports';

export interface NodeClockControl extends Clock {
  /** Power loss: cancels every timer of this node; timers set afterwards never fire. Idempotent. */
  powerOff(): void;
  readonly poweredOn: boolean;
}

/** The time reported by a "not yet synced" node until it syncs: never (null) or after this many ms of uptime. */
export type SyncAfterMs = number | null;

/** The synced epoch of a node whose uptime is `uptimeMs`, or undefined before it syncs. */
export function syncedEpoch(syncAfterMs: SyncAfterMs, uptimeMs: number, wallMs: number): number | undefined {
  return syncAfterMs !== null && uptimeMs >= syncAfterMs ? wallMs : undefined;
}

export function checkSyncAfterMs(syncAfterMs: SyncAfterMs): void {
  if (syncAfterMs !== null && (!Number.isFinite(syncAfterMs) || syncAfterMs < 0)) {
    throw new RangeError(`syncAfterMs must be null (never synced) or a finite number ≥ 0, got ${syncAfterMs}`);
  }
}

/** What a powered-off clock returns from setTimer: a handle that never fires. Real timer ids start at 1. */
export const DEAD_TIMER: TimerHandle = Object.freeze({ timerId: 0 });

/**
 * The argument rules both simulator clocks share, so a node behaves the same on virtual and real time.
 * A negative or non-finite delay is a bug in the caller; failing loudly beats silently clamping it.
 */
export function checkTimerArguments(delayMs: number, repeatMs: number | undefined): void {
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`setTimer: delayMs must be a finite number ≥ 0, got ${delayMs}`);
  }
  if (repeatMs !== undefined && (!Number.isFinite(repeatMs) || repeatMs <= 0)) {
    throw new RangeError(`setTimer: repeatMs must be a finite number > 0 when given, got ${repeatMs}`);
  }
}

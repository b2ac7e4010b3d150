/** Shared by the pipelines' calibration snapshots. */

/** Levels in a snapshot are clamped here (dB), so that "nothing measured yet" stays a finite number in JSON telemetry. */
export const SNAPSHOT_MIN_DB = -200;

/** 10·log10(power), or SNAPSHOT_MIN_DB for no power. */
export function snapshotDb(power: number): number {
  return power > 0 ? Math.max(SNAPSHOT_MIN_DB, 10 * Math.log10(power)) : SNAPSHOT_MIN_DB;
}

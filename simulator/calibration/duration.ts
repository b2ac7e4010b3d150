/**
 * Durations on command lines and in the console: `30s`, `2m`, `1m30s`, `500ms`, `1h`, or a bare number
 * of seconds.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  const fail = (): never => {
    throw new Error(`${what}: "${text}" is not a duration; use e.g. 30s, 2m, 1m30s or a number of seconds`);
  };
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(trimmed) ? trimmed.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null;
  if (parts === null) return fail();
  let totalMs = 0;
  for (const part of parts) {
    const unit = /(ms|s|m|h)$/.exec(part)?.[1] ?? 's';
    totalMs += Number(part.slice(0, part.length - unit.length)) * UNIT_MS[unit];
  }
  return totalMs;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const totalS = Math.round(ms / 1000);
  const m = Math.floor(totalS / 60);
  const s = totalS % 60;
  return m === 0 ? `${s} s` : s === 0 ? `${m} min` : `${m} min ${s} s`;
}

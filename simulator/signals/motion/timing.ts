/**
 * Event timing carried in a case's parameters as text, so a case lists (and replays) exactly when
 * things happened: segments as "2.00-3.80,4.30-5.10", instants as "1.20,2.05".
 */

export type Segment = [number, number];

export function formatSegments(segments: readonly Segment[]): string {
  return segments.map(([a, b]) => `${a.toFixed(3)}-${b.toFixed(3)}`).join(',');
}

export function parseSegments(text: string): Segment[] {
  if (text === '') return [];
  return text.split(',').map((part) => {
    const match = /^(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)$/.exec(part.trim());
    if (match === null) throw new Error(`segment list: '${part}' is not 'start-end' in seconds`);
    const start = Number(match[1]);
    const end = Number(match[2]);
    if (!(end > start)) throw new Error(`segment list: '${part}' ends before it starts`);
    return [start, end] as Segment;
  });
}

export function formatInstants(times: readonly number[]): string {
  return times.map((t) => t.toFixed(3)).join(',');
}

export function parseInstants(text: string): number[] {
  if (text === '') return [];
  return text.split(',').map((part) => {
    const value = Number(part);
    if (part.trim() === '' || !Number.isFinite(value)) throw new Error(`instant list: '${part}' is not a time in seconds`);
    return value;
  });
}

/**
 * Values for the power-loss test: `<counter>:` padded with one repeated character to exactly
 * VALUE_BYTES, so a reader can tell a whole value from a torn one.
 */
export const VALUE_BYTES = 3900;
export const KEYS = 8;

export function valueFor(counter: number): string {
  const head = `${counter}:`;
  return head + 'x'.repeat(VALUE_BYTES - head.length);
}

/**
 * Seeds derived from the scenario's seed and a path of names and numbers (node, sensor, event index,
 * chunk), so every piece of signal is the same whatever order it is rendered in.
 */
import { Rng } from '../signals/rng';

/** FNV-1a over the parts, folded with the scenario seed. */
export function derivedSeed(seed: number, ...parts: readonly (string | number)[]): number {
  let hash = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
}

export function derivedRng(seed: number, ...parts: readonly (string | number)[]): Rng {
  return new Rng(derivedSeed(seed, ...parts));
}

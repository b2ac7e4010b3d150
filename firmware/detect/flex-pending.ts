/**
 * The last glass-break candidates that failed only for want of the pane's flex.
 *
 * Where the flex decides (requireFlex, or a stricter score without it), an accelerometer that dies shows no
 * flex for the 2–4 s the health check needs to raise its fault (health.faultAfterMs after the first bad
 * window). A break in that span would be judged against a flex that could not come. Once the fault is raised
 * with the time its data became suspect, the kept candidates from then on are judged as if no accelerometer
 * had been there (minScore alone): late, but not lost.
 *
 * Fixed slots, written over oldest first; nothing is allocated after construction.
 */
import type { Detection } from './types';

/** Candidates kept: more than a few in the seconds before a fault is noise, not a break missed. */
export const FLEX_PENDING_SLOTS = 4;

export class FlexPendingCandidates {
  readonly #slots: Detection[] = [];
  /** Whether a slot holds a candidate still in question (its own flag: a released one keeps its onset). */
  readonly #used: boolean[] = [];
  readonly #names: readonly string[];
  readonly #released: Detection[] = [];
  #next = 0;

  /** `names`: the feature names every candidate carries (their values are copied, not the record). */
  constructor(names: readonly string[]) {
    this.#names = names;
    for (let i = 0; i < FLEX_PENDING_SLOTS; i++) {
      const features: Record<string, number> = {};
      for (const name of names) features[name] = 0;
      this.#slots.push({ type: 'glass_break', decidedMs: 0, onsetMs: 0, score: 0, features });
      this.#used.push(false);
    }
  }

  /** Keeps a candidate whose sound cleared minScore but which no flex corroborated. */
  hold(onsetMs: number, score: number, features: Readonly<Record<string, number>>): void {
    const slot = this.#slots[this.#next];
    slot.onsetMs = onsetMs;
    slot.score = score;
    for (let i = 0; i < this.#names.length; i++) slot.features[this.#names[i]] = features[this.#names[i]];
    this.#used[this.#next] = true;
    this.#next = (this.#next + 1) % FLEX_PENDING_SLOTS;
  }

  /**
   * The kept candidates whose onset is at or after `sinceMs`, in the order they were decided, each now decided
   * at `nowMs`; all are forgotten. The returned array and its detections are reused by the next call.
   */
  release(sinceMs: number, nowMs: number): readonly Detection[] {
    const out = this.#released;
    out.length = 0;
    for (let k = 0; k < FLEX_PENDING_SLOTS; k++) {
      const i = (this.#next + k) % FLEX_PENDING_SLOTS;
      const slot = this.#slots[i];
      if (this.#used[i] && slot.onsetMs >= sinceMs) {
        slot.decidedMs = nowMs;
        out.push(slot);
      }
    }
    this.clear();
    return out;
  }

  clear(): void {
    for (let i = 0; i < FLEX_PENDING_SLOTS; i++) this.#used[i] = false;
  }
}

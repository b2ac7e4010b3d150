/**
 * A min-heap of timers ordered by due time, then by timer id (creation order), with O(log n) removal
 * so that nodes which re-arm watchdogs on every block do not leave cancelled entries behind.
 */
export interface QueuedTimer {
  readonly timerId: number;
  dueMs: number;
  /** Position in the heap, -1 when not queued. */
  heapIndex: number;
}

export class TimerQueue<T extends QueuedTimer> {
  readonly #heap: T[] = [];

  get size(): number {
    return this.#heap.length;
  }

  peek(): T | undefined {
    return this.#heap[0];
  }

  push(timer: T): void {
    timer.heapIndex = this.#heap.length;
    this.#heap.push(timer);
    this.#siftUp(timer.heapIndex);
  }

  pop(): T | undefined {
    const top = this.#heap[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `timer` if it is queued; returns whether it was. */
  remove(timer: T): boolean {
    const index = timer.heapIndex;
    if (index < 0 || this.#heap[index] !== timer) return false;
    const last = this.#heap.pop() as T;
    timer.heapIndex = -1;
    if (last !== timer) {
      this.#heap[index] = last;
      last.heapIndex = index;
      this.#siftUp(index);
      this.#siftDown(last.heapIndex);
    }
    return true;
  }

  #before(a: T, b: T): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.timerId < b.timerId);
  }

  #swap(i: number, j: number): void {
    const a = this.#heap[i];
    const b = this.#heap[j];
    this.#heap[i] = b;
    this.#heap[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  #siftUp(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(this.#heap[i], this.#heap[parent])) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(index: number): void {
    let i = index;
    const n = this.#heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.#before(this.#heap[left], this.#heap[smallest])) smallest = left;
      if (right < n && this.#before(this.#heap[right], this.#heap[smallest])) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }
}

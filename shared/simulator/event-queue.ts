/** One scheduled item. `seq` breaks ties between equal times in insertion order, so runs are deterministic. */
export interface QueuedEvent<T> {
  readonly timeMs: number;
  readonly seq: number;
  readonly item: T;
}

/** Min-heap keyed by (timeMs, seq). */
export class EventQueue<T> {
  private readonly heap: QueuedEvent<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(timeMs: number, item: T): void {
    const entry: QueuedEvent<T> = { timeMs, seq: this.nextSeq++, item };
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentEntry = heap[parent] as QueuedEvent<T>;
      if (!isBefore(entry, parentEntry)) break;
      heap[index] = parentEntry;
      index = parent;
    }
    heap[index] = entry;
  }

  peekTimeMs(): number | undefined {
    return this.heap[0]?.timeMs;
  }

  pop(): QueuedEvent<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let index = 0;
    const length = heap.length;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && isBefore(heap[right] as QueuedEvent<T>, heap[left] as QueuedEvent<T>))
        child = right;
      const childEntry = heap[child] as QueuedEvent<T>;
      if (!isBefore(childEntry, last)) break;
      heap[index] = childEntry;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}

function isBefore<T>(a: QueuedEvent<T>, b: QueuedEvent<T>): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}

/* The order in which the launch gate looks at waiting instances (pure). */

/** What the order reads of a waiting instance (`WaitingInstance` in launch-gate.ts). */
export interface Queued {
  readonly instanceId: string;
  readonly groupName: string;
  readonly waitingSinceMs: number;
  readonly weight: number;
  readonly readyAtMs?: number | null;
}

/** Whether the node has reported reaching its wait point by `nowMs`. */
export function isReady(w: Queued, nowMs: number): boolean {
  return w.readyAtMs !== undefined && w.readyAtMs !== null && w.readyAtMs <= nowMs;
}

/**
 * Waiting instances in release order: groups take turns by weight; in each group, nodes that reported reaching the
 * wait point first (soonest first: they attach as soon as they are released), then the others oldest first.
 */
export function releaseOrder<T extends Queued>(waiting: readonly T[], nowMs: number): T[] {
  const readyAt = (w: T) => (isReady(w, nowMs) ? (w.readyAtMs as number) : Number.POSITIVE_INFINITY);
  const byReadiness = (a: T, b: T) => (readyAt(a) === readyAt(b) ? byWaitAge(a, b) : readyAt(a) - readyAt(b));
  const byGroup = new Map<string, T[]>();
  for (const w of [...waiting].sort(byReadiness)) {
    const list = byGroup.get(w.groupName) ?? [];
    list.push(w);
    byGroup.set(w.groupName, list);
  }
  // The group whose first instance comes first (reported soonest, else waited longest) goes first in every round.
  const queues = [...byGroup.values()].sort((a, b) => byReadiness(a[0] as T, b[0] as T));
  const order: T[] = [];
  while (queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      const turn = Math.max(1, Math.floor(queue[0]?.weight ?? 1));
      order.push(...queue.splice(0, turn));
    }
  }
  return order;
}

function byWaitAge(a: Queued, b: Queued): number {
  return a.waitingSinceMs - b.waitingSinceMs || a.instanceId.localeCompare(b.instanceId);
}

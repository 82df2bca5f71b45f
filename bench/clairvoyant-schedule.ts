/**
 * The clairvoyant yardstick's schedule: how soon attaches whose earliest times are known can all be made under the
 * attach budget (any rolling 60 s window holds at most `budget`, DOMAIN.md §3).
 */

const WINDOW_MS = 60_000;

/** How many of the sorted `times` are at most `limit` (where `limit` would go after them). */
function countUpTo(times: readonly number[], limit: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] ?? 0) <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the sorted `times` fall in (fromMs, toMs]. */
function countIn(times: readonly number[], fromMs: number, toMs: number): number {
  return countUpTo(times, toMs) - countUpTo(times, fromMs);
}

/**
 * The earliest schedule of `earliestMs` (each attach's earliest time) under at most `budget` attaches in any 60 s
 * window (fromMs, fromMs + 60 s], with the fixed `othersMs` counted too: attaches taken in rank order, each at the
 * first instant no sooner than its own earliest time and the previous one's at which every window holding it stays
 * within the budget. No schedule's k-th attach comes sooner (an exchange argument: a window ending after the k-th
 * attach of any feasible schedule holds at least as many of its attaches as of this one's).
 *
 * @example
 * earliestPacedAttachesMs([0, 0, 0], [], 2) // [0, 0, 60_000]
 */
export function earliestPacedAttachesMs(
  earliestMs: readonly number[],
  othersMs: readonly number[],
  budget: number,
): number[] {
  const others = [...othersMs].sort((a, b) => a - b);
  const placed: number[] = [];
  const fits = (t: number) => {
    // Windows holding t end at t or at an other consumer's attach in (t, t + 60 s); placed attaches are all ≤ t.
    const ends = [t, ...others.filter((o) => o > t && o < t + WINDOW_MS)];
    return ends.every(
      (end) => countIn(placed, end - WINDOW_MS, end) + countIn(others, end - WINDOW_MS, end) + 1 <= budget,
    );
  };
  for (const earliest of [...earliestMs].sort((a, b) => a - b)) {
    const from = Math.max(earliest, placed[placed.length - 1] ?? earliest);
    // A window's count only falls when an attach leaves it: those instants (and `from`) are the candidates.
    const candidates = [
      from,
      ...[...placed, ...others].map((x) => x + WINDOW_MS).filter((x) => x > from),
    ].sort((a, b) => a - b);
    const at = candidates.find(fits);
    if (at === undefined) throw new Error(`no instant fits an attach after ${from} ms (budget ${budget})`);
    placed.push(at);
  }
  return placed;
}

/*
 * A clairvoyant schedule that releases whole nodes: a node released later makes the same attaches and runs its pods
 * later by the same amount, under the same budget. Placing every node at the earliest shift that fits is feasible,
 * so the best whole-node schedule finishes no later than this one, and no sooner than `finishBoundMs`, which may
 * split a node's attaches: the two bracket it.
 */

function insertSorted(times: number[], t: number): void {
  times.splice(countUpTo(times, t), 0, t);
}

/**
 * Whether the sorted `attaches` fit with the sorted `placed`: the windows holding one of them end at one of them
 * or at a placed attach less than 60 s after one of them.
 */
function fits(attaches: readonly number[], placed: readonly number[], budget: number): boolean {
  const first = attaches[0] ?? 0;
  const last = attaches[attaches.length - 1] ?? 0;
  const ends = [...attaches, ...placed.filter((p) => p >= first && p < last + WINDOW_MS)];
  return ends.every((end) => {
    const own = countIn(attaches, end - WINDOW_MS, end);
    return own === 0 || countIn(placed, end - WINDOW_MS, end) + own <= budget;
  });
}

/**
 * Places the nodes in the order given by `order` (indices), each at the smallest shift ≥ 0 that fits: a window's
 * count only falls when an attach leaves it, so the candidates are 0 and the shifts that put one of the node's
 * attaches right where a placed attach leaves its window. Returns each node's shift.
 */
function shiftsInOrder(
  nodes: readonly (readonly number[])[],
  order: readonly number[],
  othersMs: readonly number[],
  budget: number,
): number[] {
  const placed = [...othersMs].sort((a, b) => a - b);
  const shifts: number[] = nodes.map(() => 0);
  for (const index of order) {
    const node = nodes[index] ?? [];
    const candidates = [0, ...placed.flatMap((p) => node.map((x) => p + WINDOW_MS - x)).filter((s) => s > 0)];
    const fitsAt = (s: number) =>
      fits(
        node.map((x) => x + s),
        placed,
        budget,
      );
    const shift = candidates.sort((a, b) => a - b).find(fitsAt);
    if (shift === undefined)
      throw new Error(`no shift fits a node of ${node.length} attaches (budget ${budget})`);
    for (const x of node) insertSorted(placed, x + shift);
    shifts[index] = shift;
  }
  return shifts;
}

/** A node as the yardstick's free run saw it. */
export interface YardstickNode {
  /** Its attach times when nothing holds it back. */
  readonly attachesMs: readonly number[];
  /** When it then ran every pod its group asks of it: released later, it does so later by as much. */
  readonly finishMs: number;
}

/** A whole-node schedule: each node's attach times (same order as given) and when the last node runs its pods. */
export interface WholeNodeSchedule {
  readonly attachesMs: number[][];
  readonly finishMs: number;
}

/**
 * A whole-node schedule found by placing nodes greedily, in turn by their first attach, by their last attach, longest
 * wait from last attach to pods running first, and longest chain first; the one whose last node runs its pods
 * soonest.
 *
 * @example
 * wholeNodeScheduleMs([{ attachesMs: [0, 10_000], finishMs: 12_000 }, { attachesMs: [0, 10_000], finishMs: 12_000 }], [], 3).finishMs // 62_000
 */
export function wholeNodeScheduleMs(
  nodesIn: readonly YardstickNode[],
  othersMs: readonly number[],
  budget: number,
): WholeNodeSchedule {
  const nodes = nodesIn.map((n) => [...n.attachesMs].sort((a, b) => a - b));
  const tooBig = nodes.find((n) => n.length > budget);
  if (tooBig) throw new Error(`a node with ${tooBig.length} attaches never fits a budget of ${budget}`);
  const first = (i: number) => nodes[i]?.[0] ?? 0;
  const last = (i: number) => nodes[i]?.at(-1) ?? 0;
  const finish = (i: number) => nodesIn[i]?.finishMs ?? 0;
  const byIndex = nodes.map((_, i) => i);
  const orders = [
    [...byIndex].sort((a, b) => first(a) - first(b)),
    [...byIndex].sort((a, b) => last(a) - last(b)),
    [...byIndex].sort((a, b) => finish(b) - last(b) - (finish(a) - last(a)) || first(a) - first(b)),
    [...byIndex].sort((a, b) => last(b) - first(b) - (last(a) - first(a)) || first(a) - first(b)),
  ];
  const schedules = orders.map((order) => {
    const shifts = shiftsInOrder(nodes, order, othersMs, budget);
    return {
      attachesMs: nodes.map((n, i) => n.map((x) => x + (shifts[i] ?? 0))),
      finishMs: Math.max(Number.NEGATIVE_INFINITY, ...nodesIn.map((n, i) => n.finishMs + (shifts[i] ?? 0))),
    };
  });
  return schedules.reduce((best, s) => (s.finishMs < best.finishMs ? s : best));
}

/** Thresholds tried by {@link finishBoundMs} at most (evenly spread over the distinct tails, the largest kept). */
const MAX_TAIL_THRESHOLDS = 48;

/**
 * A lower bound on when the last node runs its pods, for any schedule that releases whole nodes under the budget.
 * Each attach has a tail: how long after it its node runs its pods (negative for an attach no pod waits for, such as
 * a warm ENI's). For any q, the attaches whose tail is at least q cannot all come before the earliest instant
 * {@link earliestPacedAttachesMs} gives the last of them, and that one's node finishes at least q later; the bound
 * is the largest such sum over the thresholds tried, and never before a node's own finish.
 *
 * @example
 * finishBoundMs([{ attachesMs: [0], finishMs: 20_000 }, { attachesMs: [0], finishMs: 20_000 }], [], 1) // 80_000
 */
export function finishBoundMs(
  nodes: readonly YardstickNode[],
  othersMs: readonly number[],
  budget: number,
): number {
  const tails = nodes.flatMap((n) => n.attachesMs.map((at) => ({ at, tail: n.finishMs - at })));
  const distinct = [...new Set(tails.map((t) => t.tail))].sort((a, b) => a - b);
  const step = Math.max(1, Math.ceil(distinct.length / MAX_TAIL_THRESHOLDS));
  const thresholds = distinct.filter((_, i) => i % step === 0 || i === distinct.length - 1);
  let bound = Math.max(Number.NEGATIVE_INFINITY, ...nodes.map((n) => n.finishMs));
  for (const q of thresholds) {
    const paced = earliestPacedAttachesMs(
      tails.filter((t) => t.tail >= q).map((t) => t.at),
      othersMs,
      budget,
    );
    bound = Math.max(bound, (paced[paced.length - 1] ?? Number.NEGATIVE_INFINITY) + q);
  }
  return bound;
}

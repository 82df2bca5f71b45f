/**
 * The clairvoyant yardstick's schedule: how soon attaches whose earliest times are known can all be made under the
 * attach budget (any rolling 60 s window holds at most `budget`, DOMAIN.md §3).
 */

const WINDOW_MS = 60_000;

/** How many of the sorted `times` fall in (fromMs, toMs]. */
function countIn(times: readonly number[], fromMs: number, toMs: number): number {
  const upTo = (limit: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] ?? 0) <= limit) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return upTo(toMs) - upTo(fromMs);
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

import { BUDGET_WINDOW_MS } from './attach-budget.js';

/*
 * The launch gate's window arithmetic (pure): attaches expected from released and candidate nodes, attaches seen,
 * and other consumers' share, checked against the budget in every rolling 60 s window that can still end.
 */

/** The most of the sorted `timesMs` that any interval (t − spanMs, t] holds. */
export function busiestSpan(sortedMs: readonly number[], spanMs: number): number {
  let busiest = 0;
  let first = 0;
  for (let last = 0; last < sortedMs.length; last += 1) {
    while ((sortedMs[first] as number) <= (sortedMs[last] as number) - spanMs) first += 1;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

/** `count` single attaches, the first at `firstAtMs`, then one every `gapMs`. */
export function spread(firstAtMs: number, count: number, gapMs: number): Expected[] {
  return Array.from({ length: count }, (_, i) => ({ atMs: firstAtMs + i * gapMs, attaches: 1 }));
}

/** Attaches expected no earlier than `atMs`. */
export interface Expected {
  readonly atMs: number;
  readonly attaches: number;
}

/**
 * Whether `extra` attaches, none before `fromMs`, fit every 60 s window that can still end after `nowMs`: a window
 * ending at s holds the attaches seen after s − 60 s, every expected attach that can come by s, and other consumers'
 * share of (now, s]. The count only rises at the times expected attaches can start, and with the others' share,
 * which grows until s = now + 60 s, just before a seen attach leaves: those times are the windows to check.
 */
export function fitsEveryWindow(
  extra: readonly Expected[],
  expected: readonly Expected[],
  seenTimesMs: readonly number[],
  othersIn: (spanMs: number) => number,
  nowMs: number,
  budget: number,
): boolean {
  if (extra.length === 0) return true;
  const from = Math.min(...extra.map((e) => e.atMs));
  // The count rises where expected attaches can start and, with other consumers' future attaches, just before a
  // seen attach leaves the window.
  const ends = [
    ...extra.map((e) => e.atMs),
    ...expected.map((e) => e.atMs).filter((t) => t >= from),
    ...seenTimesMs.map((t) => t + BUDGET_WINDOW_MS - 1).filter((t) => t >= from),
    // Other consumers' future attaches fill a window more the later it ends, up to a whole window from now.
    ...(othersIn(BUDGET_WINDOW_MS) > 0 ? [Math.max(from, nowMs + BUDGET_WINDOW_MS)] : []),
  ];
  const countBy = (items: readonly Expected[], end: number) =>
    items.reduce((sum, e) => (e.atMs <= end ? sum + e.attaches : sum), 0);
  for (const end of ends) {
    const seen = seenTimesMs.filter((t) => t > end - BUDGET_WINDOW_MS).length;
    const others = othersIn(Math.min(BUDGET_WINDOW_MS, end - nowMs));
    if (seen + countBy(expected, end) + countBy(extra, end) + others > budget) return false;
  }
  return true;
}

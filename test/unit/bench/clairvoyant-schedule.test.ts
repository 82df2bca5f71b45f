import { earliestPacedAttachesMs, wholeNodeScheduleMs } from '../../../bench/clairvoyant-schedule.js';

const S = 1000;

/** Most attaches (of both lists) in any window (t − 60 s, t]. */
function peakIn60s(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (const end of sorted) peak = Math.max(peak, sorted.filter((t) => t > end - 60 * S && t <= end).length);
  return peak;
}

/** A small deterministic generator (tests must not depend on Math.random). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('earliestPacedAttachesMs', () => {
  it('keeps attaches where they are when they fit the budget', () => {
    expect(earliestPacedAttachesMs([3 * S, 1 * S, 2 * S], [], 40)).toEqual([1 * S, 2 * S, 3 * S]);
  });

  it('moves an attach to the instant the oldest one leaves the window', () => {
    expect(earliestPacedAttachesMs([0, 0, 0], [], 2)).toEqual([0, 0, 60 * S]);
  });

  it('starts each rank no sooner than its own earliest time: spread early attaches delay the later ones', () => {
    // 4 attaches at 0..30 s, budget 2: the third waits for the first to leave (60 s), the fourth for the second (70 s).
    expect(earliestPacedAttachesMs([0, 10 * S, 20 * S, 30 * S], [], 2)).toEqual([0, 10 * S, 60 * S, 70 * S]);
  });

  it('counts other consumers, including those still to come within the window', () => {
    // Budget 2; another consumer attaches at 5 s and 40 s: an attach at 0 s would make the window ending 40 s hold 3.
    const paced = earliestPacedAttachesMs([0, 0], [5 * S, 40 * S], 2);
    expect(paced).toEqual([65 * S, 100 * S]);
    expect(peakIn60s([...paced, 5 * S, 40 * S])).toBeLessThanOrEqual(2);
  });

  it('never exceeds the budget in any window on a dense random load', () => {
    const next = random(7);
    const earliest = Array.from({ length: 300 }, () => Math.round(next() * 90 * S));
    const others = Array.from({ length: 60 }, (_, i) => i * 4 * S + 500);
    const paced = earliestPacedAttachesMs(earliest, others, 40);
    expect(paced).toHaveLength(300);
    expect(peakIn60s([...paced, ...others])).toBeLessThanOrEqual(40);
    const sortedEarliest = [...earliest].sort((a, b) => a - b);
    expect(paced.every((t, i) => t >= (sortedEarliest[i] ?? 0))).toBe(true);
  });
});

describe('wholeNodeScheduleMs', () => {
  it('keeps nodes where they are when they fit the budget', () => {
    expect(wholeNodeScheduleMs([[0, 10 * S], [5 * S]], [], 40)).toEqual([[0, 10 * S], [5 * S]]);
  });

  it('moves a whole node, its attaches keeping their spacing, until each leaves room in every window', () => {
    // Budget 3: the second node fits once the first one's first attach has left (its attaches at 50 s and 60 s).
    expect(
      wholeNodeScheduleMs(
        [
          [0, 10 * S],
          [0, 10 * S],
        ],
        [],
        3,
      ),
    ).toEqual([
      [0, 10 * S],
      [50 * S, 60 * S],
    ]);
  });

  it('ends no sooner than the bound that may split nodes, and keeps the budget on a dense random load', () => {
    const next = random(11);
    const nodes = Array.from({ length: 120 }, () => {
      const first = Math.round(next() * 90 * S);
      return Array.from(
        { length: 1 + Math.floor(next() * 3) },
        (_, i) => first + i * (7 + Math.round(next() * 4)) * S,
      );
    });
    const others = Array.from({ length: 50 }, (_, i) => i * 6 * S + 700);
    const schedule = wholeNodeScheduleMs(nodes, others, 40);
    expect(peakIn60s([...schedule.flat(), ...others])).toBeLessThanOrEqual(40);
    schedule.forEach((placed, i) => {
      const node = nodes[i] ?? [];
      const shift = (placed[0] ?? 0) - (node[0] ?? 0);
      expect(shift).toBeGreaterThanOrEqual(0);
      expect(placed).toEqual(node.map((x) => x + shift));
    });
    const bound = earliestPacedAttachesMs(nodes.flat(), others, 40);
    expect(Math.max(...schedule.flat())).toBeGreaterThanOrEqual(bound[bound.length - 1] ?? 0);
  });

  it('refuses a node that needs more attaches than the whole budget', () => {
    expect(() => wholeNodeScheduleMs([[0, S, 2 * S]], [], 2)).toThrow(/never fits a budget of 2/);
  });
});

import {
  earliestPacedAttachesMs,
  finishBoundMs,
  wholeNodeScheduleMs,
  type YardstickNode,
} from '../../../bench/clairvoyant-schedule.js';

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

/** A node whose pods all run `tailMs` after its last attach. */
const node = (attachesMs: number[], tailMs = 2 * S): YardstickNode => ({
  attachesMs,
  finishMs: Math.max(...attachesMs) + tailMs,
});

/** 120 nodes of 1-3 attaches 7-11 s apart, their first in 0-90 s, pods running 2-20 s after their last. */
function denseNodes(seed: number): YardstickNode[] {
  const next = random(seed);
  return Array.from({ length: 120 }, () => {
    const first = Math.round(next() * 90 * S);
    const attaches = Array.from(
      { length: 1 + Math.floor(next() * 3) },
      (_, i) => first + i * (7 + Math.round(next() * 4)) * S,
    );
    return node(attaches, Math.round((2 + next() * 18) * S));
  });
}

describe('wholeNodeScheduleMs', () => {
  it('keeps nodes where they are when they fit the budget', () => {
    const schedule = wholeNodeScheduleMs([node([0, 10 * S]), node([5 * S])], [], 40);
    expect(schedule).toEqual({ attachesMs: [[0, 10 * S], [5 * S]], finishMs: 12 * S });
  });

  it('moves a whole node, its attaches and its finish keeping their spacing, until it fits every window', () => {
    // Budget 3: the second node fits once the first one's first attach has left (its attaches at 50 s and 60 s).
    expect(wholeNodeScheduleMs([node([0, 10 * S]), node([0, 10 * S])], [], 3)).toEqual({
      attachesMs: [
        [0, 10 * S],
        [50 * S, 60 * S],
      ],
      finishMs: 62 * S,
    });
  });

  it('counts when pods run, not the last attach: a warm ENI attached after the pods run ends nothing', () => {
    // Budget 2: whichever node goes second waits 60 s; the one whose pods wait longest after its attach goes first.
    const schedule = wholeNodeScheduleMs([node([0], -5 * S), node([0], 20 * S)], [], 1);
    expect(schedule.finishMs).toBe(55 * S);
    expect(schedule.attachesMs).toEqual([[60 * S], [0]]);
  });

  it('finishes no sooner than the bound, and keeps the budget on a dense random load', () => {
    const nodes = denseNodes(11);
    const others = Array.from({ length: 50 }, (_, i) => i * 6 * S + 700);
    const schedule = wholeNodeScheduleMs(nodes, others, 40);
    expect(peakIn60s([...schedule.attachesMs.flat(), ...others])).toBeLessThanOrEqual(40);
    const shifts = schedule.attachesMs.map((placed, i) => {
      const own = nodes[i]?.attachesMs ?? [];
      const shift = (placed[0] ?? 0) - (own[0] ?? 0);
      expect(shift).toBeGreaterThanOrEqual(0);
      expect(placed).toEqual(own.map((x) => x + shift));
      return shift;
    });
    expect(schedule.finishMs).toBe(Math.max(...nodes.map((n, i) => n.finishMs + (shifts[i] ?? 0))));
    expect(schedule.finishMs).toBeGreaterThanOrEqual(finishBoundMs(nodes, others, 40));
  });

  it('refuses a node that needs more attaches than the whole budget', () => {
    expect(() => wholeNodeScheduleMs([node([0, S, 2 * S])], [], 2)).toThrow(/never fits a budget of 2/);
  });
});

describe('finishBoundMs', () => {
  it('is the latest finish when everything fits the budget', () => {
    expect(finishBoundMs([node([0, 10 * S], 3 * S), node([5 * S], 30 * S)], [], 40)).toBe(35 * S);
  });

  it('adds the longest wait after an attach to the earliest the attaches waited on can all come', () => {
    // Budget 1: the two attaches need 60 s between them; the second one's node runs its pods 20 s after it.
    expect(finishBoundMs([node([0], 20 * S), node([0], 20 * S)], [], 1)).toBe(80 * S);
  });

  it('leaves out attaches no pod waits for when they would come last', () => {
    // The warm ENI's attach (5 s after its pods run) can be the one pushed to 60 s: the pods are done at 20 s.
    expect(finishBoundMs([node([0], 20 * S), node([0], -5 * S)], [], 1)).toBe(55 * S);
  });

  it('never exceeds a feasible whole-node schedule on dense random loads', () => {
    for (const seed of [3, 5, 8]) {
      const nodes = denseNodes(seed);
      const others = Array.from({ length: 40 }, (_, i) => i * 5 * S + 300);
      expect(finishBoundMs(nodes, others, 40)).toBeLessThanOrEqual(
        wholeNodeScheduleMs(nodes, others, 40).finishMs,
      );
    }
  });
});

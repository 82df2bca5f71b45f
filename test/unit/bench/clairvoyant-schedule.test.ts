import { earliestPacedAttachesMs } from '../../../bench/clairvoyant-schedule.js';

const S = 1000;

/** Most attaches (of both lists) in any window (t − 60 s, t]. */
function peakIn60s(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (const end of sorted) peak = Math.max(peak, sorted.filter((t) => t > end - 60 * S && t <= end).length);
  return peak;
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
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const earliest = Array.from({ length: 300 }, () => Math.round(next() * 90 * S));
    const others = Array.from({ length: 60 }, (_, i) => i * 4 * S + 500);
    const paced = earliestPacedAttachesMs(earliest, others, 40);
    expect(paced).toHaveLength(300);
    expect(peakIn60s([...paced, ...others])).toBeLessThanOrEqual(40);
    const sortedEarliest = [...earliest].sort((a, b) => a - b);
    expect(paced.every((t, i) => t >= (sortedEarliest[i] ?? 0))).toBe(true);
  });
});

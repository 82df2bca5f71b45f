import {
  classifyPrefixFeasibility,
  describePrefixFeasibility,
} from '../../../../shared/domain/prefix-feasibility.js';

describe('classifyPrefixFeasibility', () => {
  it.each([
    [3, 5, 6, { kind: 'free-blocks', freeBlocks: 3 }],
    [0, 5, 6, { kind: 'none-free', eligibleBlocks: 5 }],
    [0, 0, 0, { kind: 'impossible', reason: 'subnet-too-small' }],
    [0, 0, 2, { kind: 'impossible', reason: 'blocks-reserved' }],
  ])('free %i, eligible %i, blocks without AWS-reserved %i → %o', (free, eligible, unreserved, expected) => {
    expect(classifyPrefixFeasibility(free, eligible, unreserved)).toEqual(expected);
  });
});

describe('describePrefixFeasibility', () => {
  it.each([
    [{ kind: 'impossible', reason: 'subnet-too-small' } as const, null, 'no /28 possible (subnet too small)'],
    [
      { kind: 'impossible', reason: 'blocks-reserved' } as const,
      null,
      'no /28 possible (every block reserved)',
    ],
    [{ kind: 'none-free', eligibleBlocks: 2 } as const, 1, 'no free /28 (fragmentation 100 %)'],
    [{ kind: 'none-free', eligibleBlocks: 2 } as const, null, 'no free /28 (subnet full)'],
    [{ kind: 'free-blocks', freeBlocks: 4 } as const, 0.25, 'fragmentation 25 %'],
  ])('%o with score %p reads "%s"', (prefixFeasibility, fragmentationScore, text) => {
    expect(describePrefixFeasibility({ prefixFeasibility, fragmentationScore })).toBe(text);
  });

  it('never reads "fragmentation 0 %" for a subnet no /28 can fit in', () => {
    const text = describePrefixFeasibility({
      prefixFeasibility: { kind: 'impossible', reason: 'subnet-too-small' },
      fragmentationScore: 0,
    });
    expect(text).not.toMatch(/fragmentation/);
  });
});

import { closestMatches, damerauLevenshtein } from '../../../cli/closest-matches.js';

describe('damerauLevenshtein', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['m5.large', 'm5.large', 0],
    ['m5.larg', 'm5.large', 1],
    ['m5.lareg', 'm5.large', 1],
    ['m5.lrage', 'm5.large', 1],
    ['m5.xlarge', 'm5.large', 1],
    ['c5.large', 'm5.large', 1],
    ['ca', 'abc', 2],
    ['kitten', 'sitting', 3],
  ])('%j -> %j is %i', (a, b, expected) => {
    expect(damerauLevenshtein(a, b)).toBe(expected);
    expect(damerauLevenshtein(b, a)).toBe(expected);
  });
});

describe('closestMatches', () => {
  const types = ['m5.large', 'm5.xlarge', 'm5.2xlarge', 'm5a.large', 'm6i.large', 'c5.large', 't3.small'];

  it('puts the nearest first and keeps at most the limit', () => {
    expect(closestMatches('m5.larg', types)).toEqual(['m5.large', 'c5.large', 'm5.xlarge']);
    expect(closestMatches('m5.larg', types, 1)).toEqual(['m5.large']);
  });

  it('ignores case and suggests nothing for an unrelated word', () => {
    expect(closestMatches('M5.LARGE', types)[0]).toBe('m5.large');
    expect(closestMatches('banana', types)).toEqual([]);
  });
});

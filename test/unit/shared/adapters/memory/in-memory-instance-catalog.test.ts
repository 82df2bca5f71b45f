import { InMemoryInstanceCatalog } from '../../../../../shared/adapters/memory/in-memory-instance-catalog.js';
import type { InstanceLimits } from '../../../../../shared/domain/instance-limits.js';
import { findBundledInstanceLimits } from '../../../../../shared/instance-types/bundled-instance-limits.js';
import { UnknownInstanceTypeError } from '../../../../../shared/ports/instance-catalog.js';

const m5large = findBundledInstanceLimits('m5.large') as InstanceLimits;

describe('InMemoryInstanceCatalog', () => {
  it('answers from the given limits without looking at the bundled table', async () => {
    const looked: string[] = [];
    const catalog = new InMemoryInstanceCatalog(new Map([['m5.large', m5large]]), (type) => {
      looked.push(type);
      return undefined;
    });
    expect((await catalog.getLimits(['m5.large', 'm5.large'])).get('m5.large')).toBe(m5large);
    expect(looked).toEqual([]);
  });

  it('falls back to the bundled table, loaded on first need, and names the types neither knows', async () => {
    const catalog = new InMemoryInstanceCatalog();
    const found = await catalog.getLimits(['c5.xlarge']);
    expect(found.get('c5.xlarge')?.maxEnis).toBe(4);
    await expect(catalog.getLimits(['m5.large', 'x9.nothing'])).rejects.toThrow(UnknownInstanceTypeError);
    await expect(catalog.getLimits(['x9.nothing'])).rejects.toThrow('x9.nothing');
  });
});

import { readFileSync } from 'node:fs';
import { maxPods as computeMaxPods } from '../../../../shared/domain/cni-capacity.js';
import { DEFAULT_CNI_CONFIG } from '../../../../shared/domain/cni-config.js';
import { bundledInstanceLimits } from '../../../../shared/instance-types/bundled-instance-limits.js';

/** AWS's published max-pods table: aws/amazon-vpc-cni-k8s `misc/eni-max-pods.txt`, saved verbatim. */
function readEniMaxPods(): ReadonlyMap<string, number> {
  const text = readFileSync(new URL('../../../fixtures/eni-max-pods.txt', import.meta.url), 'utf8');
  const entries = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line): [string, number] => {
      const [instanceType = '', maxPods = ''] = line.trim().split(/\s+/);
      return [instanceType, Number(maxPods)];
    });
  return new Map(entries);
}

describe('bundled table against eni-max-pods.txt', () => {
  const published = readEniMaxPods();
  const table = bundledInstanceLimits();

  it('reads the whole published table', () => {
    expect(published.size).toBeGreaterThan(1300);
    expect(published.get('m5.large')).toBe(29);
  });

  it('covers every published type', () => {
    // Act
    const missing = [...published.keys()].filter((instanceType) => !table.has(instanceType));

    // Assess
    expect(missing).toEqual([]);
  });

  it('gives the published max pods, E*(L-1)+2, for every type in both', () => {
    // Act
    const mismatches = [...published]
      .map(([instanceType, maxPods]) => ({ instanceType, maxPods, limits: table.get(instanceType) }))
      .filter(({ limits }) => limits !== undefined)
      .map(({ instanceType, maxPods, limits }) => ({
        instanceType,
        published: maxPods,
        computed: limits === undefined ? Number.NaN : computeMaxPods(limits, DEFAULT_CNI_CONFIG, 'none'),
      }))
      .filter(({ published: expected, computed }) => expected !== computed);

    // Assess
    expect(mismatches).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { runCapacityGuard } from '../../helpers/cli.js';

/** AWS's published table (aws/amazon-vpc-cni-k8s misc/eni-max-pods.txt): "<type> <maxPods>" lines. */
function publishedMaxPods(): Map<string, number> {
  const text = readFileSync(new URL('../../fixtures/eni-max-pods.txt', import.meta.url), 'utf8');
  const table = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z0-9-]+\.[a-z0-9-]+)\s+(\d+)\s*$/.exec(line.trim());
    if (match?.[1] && match[2]) table.set(match[1], Number(match[2]));
  }
  return table;
}

describe('capacity-guard max-pods', () => {
  it('gives every row of eni-max-pods.txt, type for type', async () => {
    // Prepare
    const published = publishedMaxPods();
    // Act
    const run = await runCapacityGuard('max-pods', '--all', '--json');
    // Assess
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as { instanceType: string; maxPods: number }[];
    const ours = new Map(rows.map((r) => [r.instanceType, r.maxPods]));
    expect(published.size).toBeGreaterThan(1300);
    const mismatches = [...published].filter(([type, pods]) => ours.get(type) !== pods);
    expect(mismatches).toEqual([]);
  });

  it('leaves the mng cap open, with a note, where vCPUs are unknown and the formula exceeds 110', async () => {
    const run = await runCapacityGuard(
      'max-pods',
      '--instance-type',
      'm9g.48xlarge,c9g.medium',
      '--cap',
      'mng',
      '--json',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({
        instanceType: 'm9g.48xlarge',
        vcpus: null,
        maxPods: null,
        note: expect.stringMatching(/vCPUs unknown/),
      }),
      // At most 110 pods: either cap leaves the published figure.
      expect.objectContaining({
        instanceType: 'c9g.medium',
        vcpus: null,
        maxPods: publishedMaxPods().get('c9g.medium'),
      }),
    ]);
  });

  it('prints one JSON object per requested type with the documented keys', async () => {
    const run = await runCapacityGuard('max-pods', '--instance-type', 'm5.large,p5.48xlarge', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({ instanceType: 'm5.large', maxEnis: 3, ipv4PerEni: 10, maxPods: 29 }),
      expect.objectContaining({ instanceType: 'p5.48xlarge', maxEnis: 2, maxPods: 100 }),
    ]);
  });

  it('applies the flags: prefix delegation with the managed-node-group cap', async () => {
    const run = await runCapacityGuard(
      'max-pods',
      '--instance-type',
      'm5.large',
      '--prefix-delegation',
      '--cap',
      'mng',
      '--json',
    );
    expect(JSON.parse(run.stdout)[0]).toMatchObject({ mode: 'prefix', maxPods: 110 });
  });

  it.each([
    [['max-pods'], /--instance-type T\[,T\.\.\.\] or --all is required/],
    [
      ['max-pods', '--instance-type', 'm5.lage'],
      /unknown instance type 'm5.lage' \(expected a type of the bundled table, e.g. m5.large; did you mean m5.large, /,
    ],
    [['max-pods', '--instance-type', 'm5.larg'], /did you mean m5.large, /],
    [['max-pods', '--instance-type', 'm5.lareg'], /did you mean m5.large, /],
    [['max-pods', '--instance-type', 'c5.xlareg'], /did you mean c5.xlarge, /],
    [
      ['max-pods', '--instance-type', 'frobnicator'],
      /unknown instance type 'frobnicator' \(expected a type of the bundled table, e.g. m5.large\)$/m,
    ],
    [
      ['max-pods', '--all', '--prefix-delegaton'],
      /unknown flag '--prefix-delegaton' \(did you mean --prefix-delegation\? /,
    ],
    [
      ['max-pods', '--all', '--cap', 'huge'],
      /--cap: 'huge' is not a cap policy \(expected none, mng, auto-mode, eni-limited\)/,
    ],
    [['max-pods', '--all', '--max-eni', 'two'], /--max-eni: 'two' is not a whole number/],
    [['max-pods', '--all', '--frobnicate'], /unknown flag '--frobnicate'/],
  ])('rejects %j with exit 2 and a clear message', async (argv, message) => {
    const run = await runCapacityGuard(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help with exit 0', async () => {
    const run = await runCapacityGuard('max-pods', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: capacity-guard max-pods/);
  });
});

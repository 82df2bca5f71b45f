import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCapacityGuard } from '../../helpers/cli.js';

const SCATTERED = 'test/fixtures/snapshots/scattered';
const KARPENTER_ONLY = 'test/fixtures/snapshots/karpenter-only';
const MIXED = 'test/fixtures/snapshots/mixed';
const A = 'subnet-0aaa0000000000001';
const B = 'subnet-0bbb0000000000002';
const C = 'subnet-0ccc0000000000003';

interface JsonReport {
  subnets: {
    subnetId: string;
    availableIps: number;
    inFlightIps: number;
    headroomIps: number;
    freePrefixBlocks: number | null;
    fragmentationScore: number | null;
    status: string;
  }[];
  nodeGroups: {
    name: string;
    source: string;
    nodes: number;
    instanceType: string;
    pendingNodes: number;
    headroomNodes: number | null;
    limitingSubnetId: string | null;
    status: string;
  }[];
  alerts: { kind: string; subjectId: string; severity: string }[];
  recommendations: { kind: string }[];
  coverage: {
    clusters: string[];
    nodes: number;
    nodesModelled: number;
    gaps: { kind: string; subjectId: string }[];
  };
}

async function auditJson(dir: string, expectedCode = 0): Promise<JsonReport> {
  const run = await runCapacityGuard('audit', '--snapshot', dir, '--json');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(expectedCode);
  return JSON.parse(run.stdout) as JsonReport;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

/**
 * Free aligned /28 blocks by brute force, written apart from the product's address map: a block counts when
 * none of its 16 addresses is AWS-reserved, used by an ENI, or inside an explicit reservation.
 */
async function bruteForceFreeBlocks(dir: string, subnetId: string): Promise<number> {
  const subnets = JSON.parse(await readFile(join(dir, 'describe-subnets.json'), 'utf8'));
  const enis = JSON.parse(await readFile(join(dir, 'describe-network-interfaces.json'), 'utf8'));
  const reservations = JSON.parse(await readFile(join(dir, 'get-subnet-cidr-reservations.json'), 'utf8'));
  const subnet = subnets.Subnets.find((s: { SubnetId: string }) => s.SubnetId === subnetId);
  const [base, bits] = subnet.CidrBlock.split('/');
  const start = toInt(base);
  const size = 2 ** (32 - Number(bits));
  const blocked = new Set<number>([start, start + 1, start + 2, start + 3, start + size - 1]);
  const addRange = (cidr: string) => {
    const [from = '', length] = cidr.split('/');
    for (let i = 0; i < 2 ** (32 - Number(length)); i++) blocked.add(toInt(from) + i);
  };
  for (const eni of enis.NetworkInterfaces.filter((e: { SubnetId: string }) => e.SubnetId === subnetId)) {
    for (const ip of eni.PrivateIpAddresses) blocked.add(toInt(ip.PrivateIpAddress));
    for (const prefix of eni.Ipv4Prefixes ?? []) addRange(prefix.Ipv4Prefix);
  }
  for (const response of reservations) {
    for (const r of response.SubnetIpv4CidrReservations) {
      if (r.SubnetId === subnetId && r.ReservationType === 'explicit') addRange(r.Cidr);
    }
  }
  let free = 0;
  for (let block = start; block < start + size; block += 16) {
    let clear = true;
    for (let i = 0; i < 16; i++) if (blocked.has(block + i)) clear = false;
    if (clear) free++;
  }
  return free;
}

describe('capacity-guard audit --snapshot', () => {
  it('counts free aligned /28 blocks as a brute-force count does', async () => {
    // Prepare
    const expected = {
      [A]: await bruteForceFreeBlocks(SCATTERED, A),
      [B]: await bruteForceFreeBlocks(SCATTERED, B),
      [C]: await bruteForceFreeBlocks(SCATTERED, C),
    };

    // Act
    const report = await auditJson(SCATTERED);

    // Assess: by hand, A has blocks .16 .48 .80 .112 .144 .160 .176 .208 free; the /28 subnet B has none
    // (its only block holds the 5 AWS-reserved addresses); C has only .32.
    expect(expected).toEqual({ [A]: 8, [B]: 0, [C]: 1 });
    expect(Object.fromEntries(report.subnets.map((s) => [s.subnetId, s.freePrefixBlocks]))).toEqual(expected);
  });

  it('nets pending nodes out of the headroom, serving prefixes from the prefix reservation first', async () => {
    // Act
    const report = await auditJson(SCATTERED);

    // Assess: desired 5, 3 in service: one pending node in A, one in B (balanced AZs). In prefix mode a new
    // node takes its primary IP and one /28: in A the /28 comes from the prefix reservation (not in EC2's 180),
    // in B it costs 16 more addresses than the 8 the subnet has.
    expect(report.subnets.map((s) => [s.subnetId, s.availableIps, s.inFlightIps, s.headroomIps])).toEqual([
      [A, 180, 1, 179],
      [B, 8, 17, -9],
      [C, 57, 0, 57],
    ]);
    expect(report.subnets.find((s) => s.subnetId === A)?.fragmentationScore).toBeCloseTo(1 - 128 / 188, 3);
    expect(report.nodeGroups).toEqual([
      expect.objectContaining({
        name: 'lab-scattered-workers',
        source: 'config',
        nodes: 3,
        instanceType: 'm5.large',
        pendingNodes: 2,
        headroomNodes: 0,
        limitingSubnetId: B,
        status: 'CRITICAL',
      }),
    ]);
    expect(report.alerts).toContainEqual(
      expect.objectContaining({ kind: 'subnet-prefix-blocks', subjectId: B, severity: 'CRITICAL' }),
    );
  });

  it('runs the bundled example snapshot with recommendations', async () => {
    // Act
    const run = await runCapacityGuard('audit', '--snapshot', 'examples/snapshot');
    const markdown = await runCapacityGuard('audit', '--snapshot', 'examples/snapshot', '--markdown');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Subnets$/m);
    expect(run.stdout).toMatch(/Recommendations \([1-9]\d*\)/);
    expect(markdown.stdout).toMatch(/^\| subnet \| az \| cidr \|/m);
    expect(markdown.stdout).toMatch(/^## Recommendations$/m);
  });

  describe('bad snapshots', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'audit-snapshot-'));
      for (const file of [
        'describe-subnets.json',
        'describe-network-interfaces.json',
        'describe-auto-scaling-groups.json',
        'describe-instance-types.json',
      ]) {
        await writeFile(join(dir, file), await readFile(join(SCATTERED, file)));
      }
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('names a missing file', async () => {
      // Prepare
      await rm(join(dir, 'describe-network-interfaces.json'));

      // Act
      const run = await runCapacityGuard('audit', '--snapshot', dir);

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/describe-network-interfaces\.json: cannot be read/);
    });

    it('names a malformed file and what it should hold', async () => {
      // Prepare
      await writeFile(join(dir, 'describe-subnets.json'), '{"Subnets": {');
      await writeFile(join(dir, 'describe-instance-types.json'), '{"Types": []}');

      // Act
      const broken = await runCapacityGuard('audit', '--snapshot', dir);
      await writeFile(
        join(dir, 'describe-subnets.json'),
        await readFile(join(SCATTERED, 'describe-subnets.json')),
      );
      const wrongShape = await runCapacityGuard('audit', '--snapshot', dir);

      // Assess
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/describe-subnets\.json: not valid JSON/);
      expect(wrongShape.code).toBe(2);
      expect(wrongShape.stderr).toMatch(
        /describe-instance-types\.json: expected an object with a InstanceTypes array \(the output of 'aws ec2 describe-instance-types'\)/,
      );
    });

    it('audits without the optional files, and exits 1 since nodes outside the groups are not seen', async () => {
      // Act
      const report = await auditJson(dir, 1);
      const text = await runCapacityGuard('audit', '--snapshot', dir);

      // Assess: without the reservations, A's prefix-reserved /27 is plain free space and its explicit /28 too.
      expect(report.subnets.find((s) => s.subnetId === A)?.freePrefixBlocks).toBe(9);
      expect(report.coverage.gaps.map((gap) => gap.kind)).toEqual(['nodes-not-listed']);
      expect(text.stdout).toMatch(/^ {2}INCOMPLETE: EC2 instances were not listed/m);
    });

    it('exits 1 on a Karpenter-only snapshot without its instances, where nothing else names a node', async () => {
      // Prepare
      for (const file of [
        'describe-subnets.json',
        'describe-network-interfaces.json',
        'describe-auto-scaling-groups.json',
        'describe-cluster.json',
      ]) {
        await writeFile(join(dir, file), await readFile(join(KARPENTER_ONLY, file)));
      }

      // Act
      const report = await auditJson(dir, 1);

      // Assess
      expect(report.nodeGroups).toEqual([]);
      expect(report.coverage.gaps.map((gap) => [gap.kind, gap.subjectId])).toEqual([
        ['nodes-not-listed', 'kp'],
        ['no-nodes', 'kp'],
      ]);
    });
  });

  it('audits a Karpenter-only account: its node pools, their subnets and the cluster subnets', async () => {
    // Act
    const report = await auditJson(KARPENTER_ONLY);

    // Assess: three default-pool m5.large nodes (one pending) and one batch c5.xlarge; the control-plane
    // subnet comes from describe-cluster.json.
    expect(report.nodeGroups.map((g) => [g.name, g.source, g.nodes, g.instanceType])).toEqual([
      ['kp/karpenter/default', 'karpenter', 3, 'm5.large'],
      ['kp/karpenter/batch', 'karpenter', 1, 'c5.xlarge'],
    ]);
    expect(report.nodeGroups.every((g) => g.headroomNodes !== null)).toBe(true);
    expect(report.subnets.map((s) => s.subnetId)).toEqual([
      'subnet-0kp0000000000000a',
      'subnet-0kp0000000000000b',
      'subnet-0kp00000000000c0a',
    ]);
    expect(report.coverage).toEqual({ clusters: ['kp'], nodes: 4, nodesModelled: 4, gaps: [] });
  });

  it('audits a mixed account once per node, pod subnets found from the nodes under custom networking', async () => {
    // Act
    const report = await auditJson(MIXED);

    // Assess: no ENIConfig is configured; the pod ENIs show the 100.64.x subnets, which limit every group.
    expect(report.nodeGroups.map((g) => [g.name, g.source, g.nodes])).toEqual([
      ['mix-ng', 'config', 2],
      ['mix/karpenter/spot', 'karpenter', 2],
      ['mix/standalone', 'standalone', 1],
    ]);
    expect(report.subnets.map((s) => s.subnetId)).toEqual([
      'subnet-0mx000000000000na',
      'subnet-0mx000000000000nb',
      'subnet-0mx000000000000pa',
      'subnet-0mx000000000000pb',
    ]);
    expect(report.coverage).toMatchObject({ nodes: 5, nodesModelled: 5, gaps: [] });
  });

  it('rejects a mode it does not know and a missing source', async () => {
    // Act
    const badMode = await runCapacityGuard('audit', '--snapshot', SCATTERED, '--mode', 'weekly');
    const noSource = await runCapacityGuard('audit', '--json');

    // Assess
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toMatch(/--mode: 'weekly' is not an audit mode/);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/exactly one of --snapshot DIR or --region R/);
  });
});

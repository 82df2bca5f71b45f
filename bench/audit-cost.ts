import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandInput,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  EC2Client,
  type Filter,
  GetSubnetCidrReservationsCommand,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListClustersCommand,
  type ListClustersCommandInput,
  ListNodegroupsCommand,
  type ListNodegroupsCommandInput,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { AutoScalingGroupsAdapter } from '../shared/adapters/aws/auto-scaling-groups.js';
import { Ec2InstanceCatalog } from '../shared/adapters/aws/ec2-instance-catalog.js';
import { Ec2SubnetInventory } from '../shared/adapters/aws/ec2-subnet-inventory.js';
import { EksClusterDirectory } from '../shared/adapters/aws/eks-cluster-directory.js';
import { InMemoryAuditStore } from '../shared/adapters/memory/in-memory-audit-store.js';
import { RecordingAlertPublisher } from '../shared/adapters/memory/recording-alert-publisher.js';
import { RecordingMetricsSink } from '../shared/adapters/memory/recording-metrics-sink.js';
import type { AuditStore } from '../shared/ports/audit-store.js';
import { defaultAuditSettings } from '../shared/use-cases/audit/audit-settings.js';
import { runCapacityAudit } from '../shared/use-cases/run-capacity-audit.js';
import { type AccountSize, type GeneratedAccount, generateAccount } from './generated-account.js';

/** 10, 100 and 1,000 subnets; 50 ENIs per subnet (50,000 at the top) and one group per 3.3 subnets (300). */
export const AUDIT_SIZES: readonly AccountSize[] = [
  { subnets: 10, enisPerSubnet: 50, groups: 3, nodegroupsPerCluster: 30 },
  { subnets: 100, enisPerSubnet: 50, groups: 30, nodegroupsPerCluster: 30 },
  { subnets: 1000, enisPerSubnet: 50, groups: 300, nodegroupsPerCluster: 30 },
];

/** Audits per size, one after the other in the same process. */
export const AUDIT_RUNS = 3;

export interface AuditCostRow {
  readonly subnets: number;
  readonly enis: number;
  readonly groups: number;
  readonly clusters: number;
  /** AWS calls (pages) of one audit by `Service:Action`. */
  readonly calls: Readonly<Record<string, number>>;
  /** Audit store operations (one DynamoDB request each in AWS, before batching). */
  readonly storeOps: Readonly<Record<string, number>>;
  /** Median over {@link AUDIT_RUNS} audits in one process (the auditor runs every 5 minutes in a warm container). */
  readonly computeMs: number;
  /** The first audit of the process: cold code, nothing stored yet. */
  readonly firstRunMs: number;
  /** Peak resident set of the whole measuring process (Node, SDK, the generated account and the audit). */
  readonly peakRssMb: number;
  /** Heap retained by the first audit: heapUsed after minus before. */
  readonly heapDeltaMb: number;
  readonly subnetsReported: number;
  readonly groupsReported: number;
  readonly warnings: number;
}

function filterValues(filters: readonly Filter[] | undefined, name: string): string[] | undefined {
  return filters?.find((f) => f.Name === name)?.Values;
}

/** One page of `items` after `token` (a decimal offset), with the next token when more remain. */
function page<T>(items: readonly T[], token: string | undefined, size: number) {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

/** SDK clients whose every command is answered from the generated account, counting each call. */
function fakeAws(account: GeneratedAccount, calls: Map<string, number>) {
  const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);
  const ec2 = new EC2Client({ region: 'us-east-1' });
  const autoScaling = new AutoScalingClient({ region: 'us-east-1' });
  const eks = new EKSClient({ region: 'us-east-1' });
  const enisBySubnet = new Map<string, NetworkInterface[]>();
  for (const eni of account.enis) {
    const list = enisBySubnet.get(eni.SubnetId ?? '') ?? [];
    list.push(eni);
    enisBySubnet.set(eni.SubnetId ?? '', list);
  }
  const asgByName = new Map(account.autoScalingGroups.map((g) => [g.AutoScalingGroupName ?? '', g]));

  const ec2Mock = mockClient(ec2);
  ec2Mock.on(DescribeSubnetsCommand).callsFake((input: DescribeSubnetsCommandInput) => {
    count('EC2:DescribeSubnets');
    const ids = new Set(filterValues(input.Filters, 'subnet-id') ?? input.SubnetIds ?? []);
    const matching = account.subnets.filter((s) => ids.size === 0 || ids.has(s.SubnetId ?? ''));
    const { items, next } = page(matching, input.NextToken, input.MaxResults ?? 1000);
    return { Subnets: items, NextToken: next };
  });
  ec2Mock.on(DescribeNetworkInterfacesCommand).callsFake((input: DescribeNetworkInterfacesCommandInput) => {
    count('EC2:DescribeNetworkInterfaces');
    const ids = filterValues(input.Filters, 'subnet-id') ?? [];
    const matching = ids.flatMap((id) => enisBySubnet.get(id) ?? []);
    const { items, next } = page(matching, input.NextToken, input.MaxResults ?? 1000);
    return { NetworkInterfaces: items, NextToken: next };
  });
  ec2Mock.on(GetSubnetCidrReservationsCommand).callsFake(() => {
    count('EC2:GetSubnetCidrReservations');
    return { SubnetIpv4CidrReservations: [], SubnetIpv6CidrReservations: [] };
  });
  ec2Mock.on(DescribeInstancesCommand).callsFake(() => {
    count('EC2:DescribeInstances');
    return { Reservations: [] };
  });
  ec2Mock.on(DescribeInstanceTypesCommand).callsFake(() => {
    count('EC2:DescribeInstanceTypes');
    return { InstanceTypes: [] };
  });

  mockClient(autoScaling)
    .on(DescribeAutoScalingGroupsCommand)
    .callsFake((input: DescribeAutoScalingGroupsCommandInput) => {
      count('AutoScaling:DescribeAutoScalingGroups');
      let matching: AutoScalingGroup[];
      if (input.AutoScalingGroupNames) {
        matching = input.AutoScalingGroupNames.flatMap((name) => {
          const group = asgByName.get(name);
          return group ? [group] : [];
        });
      } else {
        const tagFilters = (input.Filters ?? []).filter((f) => f.Name?.startsWith('tag:'));
        matching = account.autoScalingGroups.filter((g) =>
          tagFilters.every((f) =>
            (g.Tags ?? []).some((t) => `tag:${t.Key}` === f.Name && (f.Values ?? []).includes(t.Value ?? '')),
          ),
        );
      }
      const { items, next } = page(matching, input.NextToken, input.MaxRecords ?? 50);
      return { AutoScalingGroups: items, NextToken: next };
    });

  const eksMock = mockClient(eks);
  eksMock.on(ListClustersCommand).callsFake((input: ListClustersCommandInput) => {
    count('EKS:ListClusters');
    const { items, next } = page([...account.clusters.keys()], input.nextToken, input.maxResults ?? 100);
    return { clusters: items, nextToken: next };
  });
  eksMock.on(ListNodegroupsCommand).callsFake((input: ListNodegroupsCommandInput) => {
    count('EKS:ListNodegroups');
    const names = (account.clusters.get(input.clusterName ?? '') ?? []).map((g) => g.nodegroupName ?? '');
    const { items, next } = page(names, input.nextToken, input.maxResults ?? 100);
    return { nodegroups: items, nextToken: next };
  });
  eksMock
    .on(DescribeNodegroupCommand)
    .callsFake((input: { clusterName?: string; nodegroupName?: string }) => {
      count('EKS:DescribeNodegroup');
      const nodegroup = (account.clusters.get(input.clusterName ?? '') ?? []).find(
        (g) => g.nodegroupName === input.nodegroupName,
      );
      return { nodegroup };
    });
  eksMock.on(DescribeClusterCommand).callsFake((input: { name?: string }) => {
    count('EKS:DescribeCluster');
    return { cluster: { name: input.name, resourcesVpcConfig: { subnetIds: [] } } };
  });
  eksMock.on(DescribeAddonCommand).callsFake((input: { clusterName?: string }) => {
    count('EKS:DescribeAddon');
    return {
      addon: {
        addonName: 'vpc-cni',
        clusterName: input.clusterName,
        addonVersion: 'v1.19.0-eksbuild.1',
        configurationValues: '',
      },
    };
  });
  return { ec2, autoScaling, eks };
}

/** Counts every store operation, as DynamoDB requests would be counted. */
function countingStore(store: AuditStore, ops: Map<string, number>): AuditStore {
  const count = (name: string) => ops.set(name, (ops.get(name) ?? 0) + 1);
  return {
    readSamples: (subnetId, sinceMs) => {
      count('readSamples');
      return store.readSamples(subnetId, sinceMs);
    },
    putSamples: (samples) => {
      count('putSamples');
      return store.putSamples(samples);
    },
    listAlertStates: () => {
      count('listAlertStates');
      return store.listAlertStates();
    },
    putAlertState: (state, version, expiresAtMs) => {
      count('putAlertState');
      return store.putAlertState(state, version, expiresAtMs);
    },
  };
}

function sorted(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Runs one capacity audit over a generated account of `size`, in this process. */
export async function measureAuditCost(size: AccountSize): Promise<AuditCostRow> {
  const account = generateAccount(size);
  const calls = new Map<string, number>();
  const ops = new Map<string, number>();
  const clients = fakeAws(account, calls);
  const deps = {
    subnets: new Ec2SubnetInventory(clients.ec2),
    clusters: new EksClusterDirectory(clients.eks),
    scalingGroups: new AutoScalingGroupsAdapter(clients.autoScaling),
    instanceCatalog: new Ec2InstanceCatalog(clients.ec2),
    store: countingStore(new InMemoryAuditStore(), ops),
    publisher: new RecordingAlertPublisher(),
    metrics: new RecordingMetricsSink(),
    settings: defaultAuditSettings({ accountId: '111122223333', region: 'us-east-1' }),
  };
  const heapBefore = process.memoryUsage().heapUsed;
  const times: number[] = [];
  let report: Awaited<ReturnType<typeof runCapacityAudit>> | undefined;
  let heapAfter = heapBefore;
  for (let run = 0; run < AUDIT_RUNS; run++) {
    calls.clear();
    ops.clear();
    const startMs = performance.now();
    report = await runCapacityAudit(deps, {
      nowMs: Date.UTC(2026, 10, 27, 8, 5 * run, 0),
      mode: run === 0 ? 'full' : 'headroom',
    });
    times.push(performance.now() - startMs);
    if (run === 0) heapAfter = process.memoryUsage().heapUsed;
  }
  const computeMs = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
  return {
    subnets: size.subnets,
    enis: account.enis.length,
    groups: account.autoScalingGroups.length,
    clusters: account.clusters.size,
    calls: sorted(calls),
    storeOps: sorted(ops),
    computeMs: Math.round(computeMs),
    firstRunMs: Math.round(times[0] ?? 0),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapDeltaMb: Math.round(((heapAfter - heapBefore) / 1024 / 1024) * 10) / 10,
    subnetsReported: report?.subnets.length ?? 0,
    groupsReported: report?.nodeGroups.length ?? 0,
    warnings: report?.warnings.length ?? 0,
  };
}

/** Measures one size in a fresh Node process, so that peak memory is this size's alone. */
export function measureAuditCostIsolated(size: AccountSize): AuditCostRow {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(size)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as AuditCostRow;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2]) {
  const size = JSON.parse(process.argv[2]) as AccountSize;
  process.stdout.write(`${JSON.stringify(await measureAuditCost(size))}\n`);
}

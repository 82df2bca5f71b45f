import { InMemoryAuditStore } from '../../../../shared/adapters/memory/in-memory-audit-store.js';
import { InMemoryClusterDirectory } from '../../../../shared/adapters/memory/in-memory-cluster-directory.js';
import { InMemoryClusterInstances } from '../../../../shared/adapters/memory/in-memory-cluster-instances.js';
import { InMemoryInstanceCatalog } from '../../../../shared/adapters/memory/in-memory-instance-catalog.js';
import { InMemoryScalingGroups } from '../../../../shared/adapters/memory/in-memory-scaling-groups.js';
import { InMemorySubnetInventory } from '../../../../shared/adapters/memory/in-memory-subnet-inventory.js';
import { RecordingAlertPublisher } from '../../../../shared/adapters/memory/recording-alert-publisher.js';
import { RecordingMetricsSink } from '../../../../shared/adapters/memory/recording-metrics-sink.js';
import { formatIpv4, parseCidr } from '../../../../shared/domain/ipv4.js';
import type { SubnetCidrReservation } from '../../../../shared/domain/subnet-address-map.js';
import type { CniAddon, ManagedNodeGroup } from '../../../../shared/ports/cluster-directory.js';
import type { ClusterInstance } from '../../../../shared/ports/cluster-instances.js';
import type { ScalingGroup } from '../../../../shared/ports/scaling-groups.js';
import type { NetworkInterfaceAddresses, SubnetInfo } from '../../../../shared/ports/subnet-inventory.js';
import {
  type AuditSettings,
  defaultAuditSettings,
} from '../../../../shared/use-cases/audit/audit-settings.js';
import type { AuditorDeps } from '../../../../shared/use-cases/run-capacity-audit.js';

export interface SubnetSpec {
  readonly subnetId: string;
  readonly cidr?: string;
  readonly availabilityZone?: string;
  /** Addresses held by one ENI (primary + secondaries) from `.4` on; AvailableIpAddressCount follows. */
  readonly usedIpCount?: number;
  readonly reservations?: readonly SubnetCidrReservation[];
}

/** A subnet whose AvailableIpAddressCount matches the ENI built with it. */
export function buildSubnet(spec: SubnetSpec): { info: SubnetInfo; enis: NetworkInterfaceAddresses[] } {
  const cidr = spec.cidr ?? '10.0.0.0/24';
  const parsed = parseCidr(cidr);
  const used = spec.usedIpCount ?? 0;
  const privateIps = Array.from({ length: used }, (_, index) => formatIpv4(parsed.base + 4 + index));
  return {
    info: {
      subnetId: spec.subnetId,
      vpcId: 'vpc-1',
      cidr,
      availabilityZone: spec.availabilityZone ?? 'eu-west-1a',
      availableIpCount: parsed.size - 5 - used,
      tags: {},
    },
    enis:
      used === 0
        ? []
        : [
            {
              networkInterfaceId: `eni-${spec.subnetId}`,
              subnetId: spec.subnetId,
              privateIps,
              prefixes: [],
              instanceId: null,
              deviceIndex: null,
              attachTimeMs: null,
            },
          ],
  };
}

export function buildScalingGroup(overrides: Partial<ScalingGroup> = {}): ScalingGroup {
  return {
    name: 'ng-workers',
    desiredCapacity: 2,
    minSize: 0,
    maxSize: 10,
    instances: [
      {
        instanceId: 'i-1',
        lifecycleState: 'InService',
        instanceType: 'm5.large',
        availabilityZone: 'eu-west-1a',
      },
      {
        instanceId: 'i-2',
        lifecycleState: 'InService',
        instanceType: 'm5.large',
        availabilityZone: 'eu-west-1b',
      },
    ],
    tags: { 'capacity-guard/enabled': 'true', 'eks:cluster-name': 'prod' },
    subnetIds: ['subnet-a', 'subnet-b'],
    instanceTypeOverrides: [],
    ...overrides,
  };
}

export function buildManagedNodeGroup(overrides: Partial<ManagedNodeGroup> = {}): ManagedNodeGroup {
  return {
    clusterName: 'prod',
    nodegroupName: 'general',
    autoScalingGroupNames: ['eks-general-1234'],
    subnetIds: ['subnet-a', 'subnet-b'],
    instanceTypes: ['m5.large'],
    scaling: { minSize: 0, maxSize: 10, desiredSize: 2 },
    healthIssues: [],
    ...overrides,
  };
}

export interface WorldSpec {
  readonly subnets?: readonly SubnetSpec[];
  readonly extraEnis?: readonly NetworkInterfaceAddresses[];
  readonly groups?: readonly ScalingGroup[];
  readonly nodeGroups?: readonly ManagedNodeGroup[];
  readonly addons?: ReadonlyMap<string, CniAddon>;
  readonly settings?: Partial<AuditSettings>;
  /** Instances EC2 lists by their cluster tags; null: no instance listing at all. Default: none. */
  readonly nodes?: readonly ClusterInstance[] | null;
  /** Clusters `ListClusters` returns; default: those of the managed node groups. */
  readonly clusterNames?: readonly string[];
  /** `resourcesVpcConfig.subnetIds` per cluster. */
  readonly clusterSubnets?: ReadonlyMap<string, readonly string[]>;
}

/** A node as DescribeInstances lists it: one ENI in its subnet unless `networkInterfaceSubnetIds` says more. */
export function buildClusterInstance(overrides: Partial<ClusterInstance> = {}): ClusterInstance {
  const subnetId = overrides.subnetId ?? 'subnet-a';
  return {
    instanceId: 'i-k1',
    instanceType: 'm5.large',
    state: 'running',
    availabilityZone: 'eu-west-1a',
    subnetId,
    networkInterfaceSubnetIds: [subnetId],
    tags: {
      'karpenter.sh/nodepool': 'default',
      'karpenter.k8s.aws/ec2nodeclass': 'default',
      'kubernetes.io/cluster/prod': 'owned',
      'eks:eks-cluster-name': 'prod',
    },
    ...overrides,
  };
}

export interface AuditWorld {
  readonly deps: AuditorDeps;
  readonly store: InMemoryAuditStore;
  readonly publisher: RecordingAlertPublisher;
  readonly metrics: RecordingMetricsSink;
  readonly inventory: InMemorySubnetInventory;
}

/** In-memory fakes of every port the audit uses; `store` may be shared between runs. */
export function buildAuditWorld(spec: WorldSpec = {}, store = new InMemoryAuditStore()): AuditWorld {
  const built = (
    spec.subnets ?? [
      { subnetId: 'subnet-a' },
      { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
    ]
  ).map((subnet) => ({ spec: subnet, ...buildSubnet(subnet) }));
  const inventory = new InMemorySubnetInventory(
    built.map((b) => b.info),
    [...built.flatMap((b) => b.enis), ...(spec.extraEnis ?? [])],
    new Map(built.map((b) => [b.spec.subnetId, b.spec.reservations ?? []])),
  );
  const publisher = new RecordingAlertPublisher();
  const metrics = new RecordingMetricsSink();
  const deps: AuditorDeps = {
    subnets: inventory,
    clusters: new InMemoryClusterDirectory(
      spec.nodeGroups ?? [],
      spec.addons ?? new Map(),
      spec.clusterNames ?? [...new Set((spec.nodeGroups ?? []).map((group) => group.clusterName))],
      spec.clusterSubnets ?? new Map(),
    ),
    ...(spec.nodes === null ? {} : { instances: new InMemoryClusterInstances(spec.nodes ?? []) }),
    scalingGroups: new InMemoryScalingGroups(spec.groups ?? [buildScalingGroup()]),
    instanceCatalog: new InMemoryInstanceCatalog(),
    store,
    publisher,
    metrics,
    settings: defaultAuditSettings({
      accountId: '111122223333',
      region: 'eu-west-1',
      publishAlerts: true,
      ...spec.settings,
    }),
  };
  return { deps, store, publisher, metrics, inventory };
}

import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { NetworkInterface, Subnet } from '@aws-sdk/client-ec2';
import type { Nodegroup } from '@aws-sdk/client-eks';
import { formatIpv4, parseCidr } from '../shared/domain/ipv4.js';

/** The shape of a generated account: sizes scale together so that growth can be compared. */
export interface AccountSize {
  readonly subnets: number;
  readonly enisPerSubnet: number;
  readonly groups: number;
  readonly nodegroupsPerCluster: number;
}

/** An account as the AWS APIs would answer it, in SDK shapes. */
export interface GeneratedAccount {
  readonly subnets: readonly Subnet[];
  readonly enis: readonly NetworkInterface[];
  readonly autoScalingGroups: readonly AutoScalingGroup[];
  /** cluster name → managed node groups */
  readonly clusters: ReadonlyMap<string, readonly Nodegroup[]>;
}

const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;
const VPC_ID = 'vpc-0bench000000000001';
/** m5.large: 10 addresses per ENI (DOMAIN.md §1), the whole ENI taken in WARM_ENI_TARGET mode. */
const IPS_PER_ENI = 10;
const ENIS_PER_NODE = 3;
/** Every subnet a /22 (1,019 usable addresses, DOMAIN.md §5), laid end to end from 10.0.0.0. */
const SUBNET_SIZE = 1024;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * A deterministic account of `size.subnets` /22 subnets, each with `enisPerSubnet` ENIs of m5.large nodes
 * (3 ENIs per node, 10 addresses each), `size.groups` managed node groups sharing the subnets between them, and
 * `groups / nodegroupsPerCluster` EKS clusters.
 */
export function generateAccount(size: AccountSize): GeneratedAccount {
  const base = parseCidr('10.0.0.0/8').base;
  const subnets: Subnet[] = [];
  const enis: NetworkInterface[] = [];
  for (let s = 0; s < size.subnets; s++) {
    const subnetBase = base + s * SUBNET_SIZE;
    const subnetId = `subnet-${hex(s, 17)}`;
    const used = size.enisPerSubnet * IPS_PER_ENI;
    subnets.push({
      SubnetId: subnetId,
      VpcId: VPC_ID,
      CidrBlock: `${formatIpv4(subnetBase)}/22`,
      AvailabilityZone: AZS[s % AZS.length],
      AvailableIpAddressCount: SUBNET_SIZE - 5 - used,
      OwnerId: '111122223333',
      Tags: [{ Key: 'Name', Value: `bench-${s}` }],
    });
    for (let e = 0; e < size.enisPerSubnet; e++) {
      const first = subnetBase + 4 + e * IPS_PER_ENI;
      const node = Math.floor(e / ENIS_PER_NODE);
      enis.push({
        NetworkInterfaceId: `eni-${hex(s * size.enisPerSubnet + e, 17)}`,
        SubnetId: subnetId,
        VpcId: VPC_ID,
        AvailabilityZone: AZS[s % AZS.length],
        PrivateIpAddress: formatIpv4(first),
        PrivateIpAddresses: Array.from({ length: IPS_PER_ENI }, (_, i) => ({
          PrivateIpAddress: formatIpv4(first + i),
          Primary: i === 0,
        })),
        Attachment: {
          InstanceId: `i-${hex(s * 1000 + node, 17)}`,
          DeviceIndex: e % ENIS_PER_NODE,
          AttachTime: new Date(Date.UTC(2026, 10, 27, 6, 0, 0)),
          Status: 'attached',
        },
        Status: 'in-use',
      });
    }
  }

  const autoScalingGroups: AutoScalingGroup[] = [];
  const clusters = new Map<string, Nodegroup[]>();
  for (let g = 0; g < size.groups; g++) {
    const clusterName = `bench-${Math.floor(g / size.nodegroupsPerCluster)}`;
    const nodegroupName = `ng-${g}`;
    const asgName = `eks-${nodegroupName}-${hex(g, 8)}`;
    // Group g spreads over subnets g, g + groups, g + 2 × groups…: every subnet belongs to one group.
    const groupSubnets = subnets
      .filter((_, index) => index % size.groups === g)
      .map((subnet) => subnet.SubnetId ?? '');
    // The nodes whose ENIs sit in the group's first subnet belong to it.
    const subnetIndex = g;
    const nodes = Math.ceil(size.enisPerSubnet / ENIS_PER_NODE);
    autoScalingGroups.push({
      AutoScalingGroupName: asgName,
      MinSize: 0,
      MaxSize: nodes * 2,
      DesiredCapacity: nodes,
      DefaultCooldown: 300,
      AvailabilityZones: [...AZS],
      HealthCheckType: 'EC2',
      CreatedTime: new Date(Date.UTC(2026, 0, 1)),
      VPCZoneIdentifier: groupSubnets.join(','),
      Tags: [
        { Key: 'eks:cluster-name', Value: clusterName },
        { Key: 'eks:nodegroup-name', Value: nodegroupName },
      ],
      Instances: Array.from({ length: nodes }, (_, n) => ({
        InstanceId: `i-${hex(subnetIndex * 1000 + n, 17)}`,
        InstanceType: 'm5.large',
        AvailabilityZone: AZS[subnetIndex % AZS.length],
        LifecycleState: 'InService',
        HealthStatus: 'Healthy',
        ProtectedFromScaleIn: false,
      })),
    });
    const nodegroups = clusters.get(clusterName) ?? [];
    nodegroups.push({
      nodegroupName,
      clusterName,
      instanceTypes: ['m5.large'],
      subnets: groupSubnets,
      scalingConfig: { minSize: 0, maxSize: nodes * 2, desiredSize: nodes },
      resources: { autoScalingGroups: [{ name: asgName }] },
      health: { issues: [] },
    });
    clusters.set(clusterName, nodegroups);
  }
  return { subnets, enis, autoScalingGroups, clusters };
}

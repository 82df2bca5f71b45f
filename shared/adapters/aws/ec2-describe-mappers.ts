import type { Instance, NetworkInterface, Subnet } from '@aws-sdk/client-ec2';
import type { ClusterInstance } from '../../ports/cluster-instances.js';
import type { NetworkInterfaceAddresses, SubnetInfo } from '../../ports/subnet-inventory.js';

/**
 * EC2's subnet, ENI and instance answers as the ports' shapes. Type-only imports of the SDK: the AWS CLI snapshot loader
 * uses these without loading the EC2 client.
 */

export class SubnetInventoryError extends Error {
  override readonly name = 'SubnetInventoryError';
}

export function tagsOf(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) result[tag.Key] = tag.Value ?? '';
  return result;
}

/** A `DescribeSubnets` entry (SDK or AWS CLI JSON) as the port's `SubnetInfo`. */
export function toSubnetInfo(subnet: Subnet): SubnetInfo {
  const { SubnetId, VpcId, CidrBlock, AvailabilityZone, AvailableIpAddressCount } = subnet;
  if (!SubnetId || !VpcId || !CidrBlock || !AvailabilityZone || AvailableIpAddressCount === undefined) {
    throw new SubnetInventoryError(
      `DescribeSubnets answered subnet '${SubnetId ?? '?'}' without SubnetId, VpcId, CidrBlock, AvailabilityZone or AvailableIpAddressCount`,
    );
  }
  return {
    subnetId: SubnetId,
    vpcId: VpcId,
    cidr: CidrBlock,
    availabilityZone: AvailabilityZone,
    availableIpCount: AvailableIpAddressCount,
    ...(subnet.OwnerId === undefined ? {} : { ownerId: subnet.OwnerId }),
    tags: tagsOf(subnet.Tags),
  };
}

/** A `DescribeNetworkInterfaces` entry (SDK or AWS CLI JSON); null without an ID or subnet. */
export function toAddresses(eni: NetworkInterface): NetworkInterfaceAddresses | null {
  if (!eni.NetworkInterfaceId || !eni.SubnetId) return null;
  const privateIps = (eni.PrivateIpAddresses ?? [])
    .map((entry) => entry.PrivateIpAddress)
    .filter((ip): ip is string => typeof ip === 'string');
  if (privateIps.length === 0 && eni.PrivateIpAddress) privateIps.push(eni.PrivateIpAddress);
  const attachTime = eni.Attachment?.AttachTime;
  return {
    networkInterfaceId: eni.NetworkInterfaceId,
    subnetId: eni.SubnetId,
    privateIps,
    prefixes: (eni.Ipv4Prefixes ?? [])
      .map((entry) => entry.Ipv4Prefix)
      .filter((prefix): prefix is string => typeof prefix === 'string'),
    instanceId: eni.Attachment?.InstanceId ?? null,
    deviceIndex: eni.Attachment?.DeviceIndex ?? null,
    attachTimeMs: attachTime === undefined ? null : new Date(attachTime).getTime(),
  };
}

/** A `DescribeInstances` instance (SDK or AWS CLI JSON) as the port's `ClusterInstance`; null without an ID. */
export function toClusterInstance(instance: Instance): ClusterInstance | null {
  if (!instance.InstanceId) return null;
  const tags: Record<string, string> = {};
  for (const tag of instance.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  const enis = [...(instance.NetworkInterfaces ?? [])].sort(
    (a, b) => (a.Attachment?.DeviceIndex ?? 0) - (b.Attachment?.DeviceIndex ?? 0),
  );
  return {
    instanceId: instance.InstanceId,
    instanceType: instance.InstanceType ?? null,
    state: instance.State?.Name ?? 'unknown',
    availabilityZone: instance.Placement?.AvailabilityZone ?? null,
    subnetId: instance.SubnetId ?? null,
    networkInterfaceSubnetIds: [
      ...new Set(enis.map((eni) => eni.SubnetId).filter((id): id is string => typeof id === 'string')),
    ],
    tags,
  };
}

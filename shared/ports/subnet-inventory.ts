import type { SubnetCidrReservation } from '../domain/subnet-address-map.js';

/** One subnet as `DescribeSubnets` reports it. */
export interface SubnetInfo {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidr: string;
  readonly availabilityZone: string;
  /** `AvailableIpAddressCount`: free addresses outside every CIDR reservation. */
  readonly availableIpCount: number;
  readonly ownerId?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The addresses one ENI holds in its subnet (`DescribeNetworkInterfaces`). */
export interface NetworkInterfaceAddresses {
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  /** Primary and secondary private IPv4 addresses. */
  readonly privateIps: readonly string[];
  /** IPv4 prefixes as CIDRs (`Ipv4Prefixes[].Ipv4Prefix`). */
  readonly prefixes: readonly string[];
  /** Instance the ENI is attached to; null when detached. */
  readonly instanceId: string | null;
  /** Device index of the attachment (0 is the primary ENI, which comes with RunInstances). */
  readonly deviceIndex: number | null;
  /** `Attachment.AttachTime` (epoch ms); null when detached or not reported. */
  readonly attachTimeMs: number | null;
}

export interface SubnetQuery {
  readonly subnetIds?: readonly string[];
  readonly vpcIds?: readonly string[];
}

/** Reads subnets, the ENIs inside them and their CIDR reservations. */
export interface SubnetInventory {
  /** Subnets matching every given list; subnet IDs that do not exist are absent from the result. */
  describeSubnets(query: SubnetQuery): Promise<SubnetInfo[]>;
  /** Every ENI in the given subnets. */
  listNetworkInterfaces(subnetIds: readonly string[]): Promise<NetworkInterfaceAddresses[]>;
  /** The IPv4 CIDR reservations of one subnet (`prefix` and `explicit`). */
  listCidrReservations(subnetId: string): Promise<SubnetCidrReservation[]>;
}

import { supportsPrefixDelegation } from '../../domain/instance-limits.js';
import { parseCidr } from '../../domain/ipv4.js';
import {
  mapSubnetAddresses,
  SubnetAddressError,
  type SubnetAddressInput,
  type SubnetAddressMap,
  type SubnetCidrReservation,
} from '../../domain/subnet-address-map.js';
import type { SubnetCapacity } from '../../domain/subnet-headroom.js';
import type { NetworkInterfaceAddresses, SubnetInfo } from '../../ports/subnet-inventory.js';
import { type GroupModel, groupsBySubnet } from './group-models.js';

/** One audited subnet: what EC2 reports, its address map, and who uses it. */
export interface SubnetModel {
  readonly info: SubnetInfo;
  readonly map: SubnetAddressMap | null;
  /** What the map was built from: the ENIs' addresses and the CIDR reservations. */
  readonly addresses: SubnetAddressInput;
  readonly capacity: SubnetCapacity;
  readonly usableIpCount: number;
  readonly clusterName: string | null;
  /** Pod subnet of a group running prefix delegation: /28 blocks are watched too. */
  readonly prefixMode: boolean;
}

function usableIpCount(cidr: string): number {
  try {
    // DOMAIN.md §5: AWS keeps 5 addresses of every subnet.
    return Math.max(0, parseCidr(cidr).size - 5);
  } catch {
    return 0;
  }
}

/**
 * Maps each subnet's addresses from its ENIs and CIDR reservations (`reservations[i]` belongs to `infos[i]`);
 * a subnet that cannot be mapped keeps its EC2 figures with a warning.
 */
export function buildSubnetModels(
  infos: readonly SubnetInfo[],
  enis: readonly NetworkInterfaceAddresses[],
  reservations: readonly (readonly SubnetCidrReservation[])[],
  groups: readonly GroupModel[],
  warnings: string[],
  clusterBySubnet: ReadonlyMap<string, string> = new Map(),
): SubnetModel[] {
  const usersBySubnet = groupsBySubnet(groups, (s) => [s.subnetId, s.podSubnetId]);
  const podUsersBySubnet = groupsBySubnet(groups, (s) => [s.podSubnetId ?? s.subnetId]);
  const enisBySubnet = new Map<string, NetworkInterfaceAddresses[]>();
  for (const eni of enis) {
    const list = enisBySubnet.get(eni.subnetId) ?? [];
    list.push(eni);
    enisBySubnet.set(eni.subnetId, list);
  }
  return infos.map((info, index) => {
    const inSubnet = enisBySubnet.get(info.subnetId) ?? [];
    let map: SubnetAddressMap | null = null;
    const addresses: SubnetAddressInput = {
      cidr: info.cidr,
      privateIps: inSubnet.flatMap((eni) => eni.privateIps),
      prefixes: inSubnet.flatMap((eni) => eni.prefixes),
      reservations: reservations[index] ?? [],
    };
    try {
      map = mapSubnetAddresses(addresses);
    } catch (error) {
      if (!(error instanceof SubnetAddressError)) throw error;
      warnings.push(`${info.subnetId}: addresses not mapped (${error.message}); /28 blocks unknown`);
    }
    if (map !== null && map.ec2AvailableIpCount !== info.availableIpCount) {
      warnings.push(
        `${info.subnetId}: EC2 reports ${info.availableIpCount} available IPs, the ENIs and reservations leave ` +
          `${map.ec2AvailableIpCount} (addresses changed between calls, or held by something not listed)`,
      );
    }
    const users = usersBySubnet.get(info.subnetId) ?? [];
    const podUsers = podUsersBySubnet.get(info.subnetId) ?? [];
    return {
      info,
      map,
      addresses,
      capacity: {
        subnetId: info.subnetId,
        availableIpCount: info.availableIpCount,
        freePrefixBlocks: map?.freePrefixBlocks ?? null,
        freePrefixBlocksInPrefixReservations: map?.freePrefixBlocksInPrefixReservations ?? 0,
      },
      usableIpCount: map === null ? usableIpCount(info.cidr) : map.totalIpCount - map.awsReservedIpCount,
      clusterName:
        users.find((g) => g.group.clusterName !== null)?.group.clusterName ??
        clusterBySubnet.get(info.subnetId) ??
        null,
      prefixMode: podUsers.some((g) => g.group.cni.prefixDelegation && supportsPrefixDelegation(g.limits)),
    };
  });
}

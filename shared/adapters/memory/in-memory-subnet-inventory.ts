import type { SubnetCidrReservation } from '../../domain/subnet-address-map.js';
import type {
  NetworkInterfaceAddresses,
  SubnetInfo,
  SubnetInventory,
  SubnetQuery,
} from '../../ports/subnet-inventory.js';

/** Subnets, ENIs and reservations held in memory (a snapshot, a test). Records the calls it answers. */
export class InMemorySubnetInventory implements SubnetInventory {
  readonly calls: string[] = [];

  constructor(
    private readonly subnets: readonly SubnetInfo[],
    private readonly enis: readonly NetworkInterfaceAddresses[] = [],
    private readonly reservations: ReadonlyMap<string, readonly SubnetCidrReservation[]> = new Map(),
  ) {}

  async describeSubnets(query: SubnetQuery): Promise<SubnetInfo[]> {
    this.calls.push('describeSubnets');
    return this.subnets.filter(
      (subnet) =>
        (query.subnetIds === undefined || query.subnetIds.includes(subnet.subnetId)) &&
        (query.vpcIds === undefined || query.vpcIds.includes(subnet.vpcId)),
    );
  }

  async listNetworkInterfaces(subnetIds: readonly string[]): Promise<NetworkInterfaceAddresses[]> {
    this.calls.push('listNetworkInterfaces');
    return this.enis.filter((eni) => subnetIds.includes(eni.subnetId));
  }

  async listCidrReservations(subnetId: string): Promise<SubnetCidrReservation[]> {
    this.calls.push(`listCidrReservations:${subnetId}`);
    return [...(this.reservations.get(subnetId) ?? [])];
  }
}

import {
  type EC2Client,
  type Filter,
  GetSubnetCidrReservationsCommand,
  type GetSubnetCidrReservationsCommandOutput,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { ReservationType, type SubnetCidrReservation } from '../../domain/subnet-address-map.js';
import type {
  NetworkInterfaceAddresses,
  SubnetInfo,
  SubnetInventory,
  SubnetQuery,
} from '../../ports/subnet-inventory.js';
import { chunk } from './chunk.js';
import { SubnetInventoryError, toAddresses, toSubnetInfo } from './ec2-describe-mappers.js';

/** EC2 accepts at most 200 values in one filter (EC2 API reference, "Filter"). */
export const MAX_FILTER_VALUES = 200;
/** Largest `MaxResults` DescribeSubnets, DescribeNetworkInterfaces and GetSubnetCidrReservations accept. */
const PAGE_SIZE = 1000;

/** An EC2 call made for the subnet inventory failed, or answered without a field the guard needs. */

function toReservationType(value: string | undefined, cidr: string): ReservationType {
  if (value === ReservationType.prefix || value === ReservationType.explicit) return value;
  throw new SubnetInventoryError(
    `GetSubnetCidrReservations answered reservation ${cidr} with type '${String(value)}' (expected prefix or explicit)`,
  );
}

/**
 * Subnets, ENIs and CIDR reservations from EC2. Subnet IDs go into `subnet-id` filters (at most 200 values
 * per call) rather than `SubnetIds`, so an unknown ID is simply absent instead of failing the whole call,
 * and one DescribeNetworkInterfaces pass covers up to 200 subnets.
 */
export class Ec2SubnetInventory implements SubnetInventory {
  constructor(private readonly ec2: EC2Client) {}

  async describeSubnets(query: SubnetQuery): Promise<SubnetInfo[]> {
    const vpcFilters: Filter[] = chunk(query.vpcIds ?? [], MAX_FILTER_VALUES).map((Values) => ({
      Name: 'vpc-id',
      Values,
    }));
    if (query.subnetIds !== undefined && query.subnetIds.length === 0) return [];
    if (query.vpcIds !== undefined && query.vpcIds.length === 0) return [];
    const subnetBatches =
      query.subnetIds === undefined ? [undefined] : chunk([...new Set(query.subnetIds)], MAX_FILTER_VALUES);
    const vpcBatches = vpcFilters.length === 0 ? [undefined] : vpcFilters;
    const found = new Map<string, SubnetInfo>();
    for (const subnetIds of subnetBatches) {
      for (const vpcFilter of vpcBatches) {
        const Filters: Filter[] = [];
        if (subnetIds !== undefined) Filters.push({ Name: 'subnet-id', Values: subnetIds });
        if (vpcFilter !== undefined) Filters.push(vpcFilter);
        try {
          for await (const page of paginateDescribeSubnets(
            { client: this.ec2, pageSize: PAGE_SIZE },
            { Filters },
          )) {
            for (const subnet of page.Subnets ?? []) {
              const info = toSubnetInfo(subnet);
              found.set(info.subnetId, info);
            }
          }
        } catch (error) {
          if (error instanceof SubnetInventoryError) throw error;
          throw new SubnetInventoryError(`EC2 DescribeSubnets failed (filters ${JSON.stringify(Filters)})`, {
            cause: error,
          });
        }
      }
    }
    return [...found.values()];
  }

  async listNetworkInterfaces(subnetIds: readonly string[]): Promise<NetworkInterfaceAddresses[]> {
    const result: NetworkInterfaceAddresses[] = [];
    for (const Values of chunk([...new Set(subnetIds)], MAX_FILTER_VALUES)) {
      try {
        for await (const page of paginateDescribeNetworkInterfaces(
          { client: this.ec2, pageSize: PAGE_SIZE },
          { Filters: [{ Name: 'subnet-id', Values }] },
        )) {
          for (const eni of page.NetworkInterfaces ?? []) {
            const addresses = toAddresses(eni);
            if (addresses !== null) result.push(addresses);
          }
        }
      } catch (error) {
        throw new SubnetInventoryError(
          `EC2 DescribeNetworkInterfaces failed for subnets ${Values.join(', ')}`,
          {
            cause: error,
          },
        );
      }
    }
    return result;
  }

  /** GetSubnetCidrReservations takes one subnet per call and has no SDK paginator: NextToken is followed here. */
  async listCidrReservations(subnetId: string): Promise<SubnetCidrReservation[]> {
    const result: SubnetCidrReservation[] = [];
    let NextToken: string | undefined;
    do {
      let page: GetSubnetCidrReservationsCommandOutput;
      try {
        page = await this.ec2.send(
          new GetSubnetCidrReservationsCommand({ SubnetId: subnetId, MaxResults: PAGE_SIZE, NextToken }),
        );
      } catch (error) {
        throw new SubnetInventoryError(`EC2 GetSubnetCidrReservations failed for ${subnetId}`, {
          cause: error,
        });
      }
      for (const reservation of page.SubnetIpv4CidrReservations ?? []) {
        if (!reservation.Cidr) continue;
        result.push({
          cidr: reservation.Cidr,
          type: toReservationType(reservation.ReservationType, reservation.Cidr),
        });
      }
      NextToken = page.NextToken || undefined;
    } while (NextToken !== undefined);
    return result;
  }
}

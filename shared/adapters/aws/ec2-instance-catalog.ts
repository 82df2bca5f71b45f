import { type _InstanceType, type EC2Client, paginateDescribeInstanceTypes } from '@aws-sdk/client-ec2';
import type { InstanceLimits } from '../../domain/instance-limits.js';
import { findBundledInstanceLimits } from '../../instance-types/bundled-instance-limits.js';
import { toInstanceLimitsRow } from '../../instance-types/instance-limits-rows.js';
import { type InstanceCatalog, UnknownInstanceTypeError } from '../../ports/instance-catalog.js';
import { chunk } from './chunk.js';

/** EC2 accepts at most this many names in one DescribeInstanceTypes `InstanceTypes` list. */
const MAX_TYPES_PER_CALL = 100;

/** DescribeInstanceTypes failed, or answered with a type whose limits are incomplete. */
export class InstanceCatalogError extends Error {
  override readonly name = 'InstanceCatalogError';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * EC2 rejects the whole call when one name is unknown (`InvalidInstanceType`, "The following supplied
 * instance types do not exist: [x.large]"; moto answers `InvalidInstanceType.NotFound`), so the
 * unknown names are read back from the message.
 */
function unknownTypesNamedBy(error: unknown, requested: readonly string[]): readonly string[] | undefined {
  if (!(error instanceof Error) || !error.name.startsWith('InvalidInstanceType')) return undefined;
  return requested.filter((type) =>
    new RegExp(`(^|[^a-z0-9.-])${escapeRegExp(type)}($|[^a-z0-9.-])`).test(error.message),
  );
}

/**
 * Instance limits from the bundled table first, then from EC2 DescribeInstanceTypes for the types the
 * table lacks or holds without vCPUs (kept from the table when EC2 does not know them). Answers from EC2, found or unknown, are kept for the life of the object (one Lambda
 * container), so a type costs at most one lookup.
 */
export class Ec2InstanceCatalog implements InstanceCatalog {
  private readonly fetched = new Map<string, InstanceLimits | null>();

  constructor(
    private readonly ec2: EC2Client,
    private readonly findBundled: (
      instanceType: string,
    ) => InstanceLimits | undefined = findBundledInstanceLimits,
  ) {}

  async getLimits(instanceTypes: readonly string[]): Promise<ReadonlyMap<string, InstanceLimits>> {
    const requested = [...new Set(instanceTypes)];
    // A bundled row without vCPUs (the CNI's limits table has none) is completed from EC2 when it knows the type.
    const notBundled = requested.filter((type) => (this.findBundled(type)?.vcpus ?? null) === null);
    const notFetched = notBundled.filter((type) => !this.fetched.has(type));
    for (const types of chunk(notFetched, MAX_TYPES_PER_CALL)) {
      const found = await this.describe(types);
      for (const type of types) this.fetched.set(type, found.get(type) ?? null);
    }

    const limits = new Map<string, InstanceLimits>();
    const unknown: string[] = [];
    for (const type of requested) {
      const bundled = this.findBundled(type);
      const known = bundled?.vcpus != null ? bundled : (this.fetched.get(type) ?? bundled ?? null);
      if (known === null) unknown.push(type);
      else limits.set(type, known);
    }
    if (unknown.length > 0) throw new UnknownInstanceTypeError(unknown);
    return limits;
  }

  private async describe(types: readonly string[]): Promise<ReadonlyMap<string, InstanceLimits>> {
    let answered: Awaited<ReturnType<Ec2InstanceCatalog['describePages']>>;
    try {
      answered = await this.describePages(types);
    } catch (error) {
      const unknown = unknownTypesNamedBy(error, types);
      if (unknown === undefined || unknown.length === 0) {
        throw new InstanceCatalogError(`EC2 DescribeInstanceTypes failed for ${types.join(', ')}`, {
          cause: error,
        });
      }
      const rest = types.filter((type) => !unknown.includes(type));
      return rest.length === 0 ? new Map() : this.describe(rest);
    }
    const incomplete = answered.incomplete;
    if (incomplete.length > 0) {
      throw new InstanceCatalogError(
        `EC2 DescribeInstanceTypes left out limits of ${incomplete
          .map((entry) => `${entry.instanceType} (${entry.missingFields.join(', ')})`)
          .join('; ')}`,
      );
    }
    return answered.found;
  }

  private async describePages(types: readonly string[]): Promise<{
    found: Map<string, InstanceLimits>;
    incomplete: { instanceType: string; missingFields: readonly string[] }[];
  }> {
    const found = new Map<string, InstanceLimits>();
    const incomplete: { instanceType: string; missingFields: readonly string[] }[] = [];
    // The SDK types the names as its list of known types; unknown names are exactly what EC2 must judge.
    const input = { InstanceTypes: [...types] as _InstanceType[] };
    for await (const page of paginateDescribeInstanceTypes({ client: this.ec2 }, input)) {
      for (const info of page.InstanceTypes ?? []) {
        const conversion = toInstanceLimitsRow(info);
        if (conversion.kind === 'row') found.set(conversion.row.instanceType, conversion.row);
        else incomplete.push(conversion);
      }
    }
    return { found, incomplete };
  }
}

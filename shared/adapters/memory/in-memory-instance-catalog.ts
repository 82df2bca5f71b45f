import type { InstanceLimits } from '../../domain/instance-limits.js';
import { findBundledInstanceLimits } from '../../instance-types/bundled-instance-limits.js';
import { type InstanceCatalog, UnknownInstanceTypeError } from '../../ports/instance-catalog.js';

/** Instance limits given up front (e.g. from a DescribeInstanceTypes snapshot), then the bundled table. */
export class InMemoryInstanceCatalog implements InstanceCatalog {
  constructor(
    private readonly limits: ReadonlyMap<string, InstanceLimits> = new Map(),
    private readonly findBundled: (type: string) => InstanceLimits | undefined = findBundledInstanceLimits,
  ) {}

  async getLimits(instanceTypes: readonly string[]): Promise<ReadonlyMap<string, InstanceLimits>> {
    const found = new Map<string, InstanceLimits>();
    const unknown: string[] = [];
    for (const type of new Set(instanceTypes)) {
      const limits = this.limits.get(type) ?? this.findBundled(type);
      if (limits === undefined) unknown.push(type);
      else found.set(type, limits);
    }
    if (unknown.length > 0) throw new UnknownInstanceTypeError(unknown);
    return found;
  }
}

import type { InstanceLimits } from '../../domain/instance-limits.js';
import { type InstanceCatalog, UnknownInstanceTypeError } from '../../ports/instance-catalog.js';

type FindLimits = (type: string) => InstanceLimits | undefined;

/** The bundled table (~900 types), loaded on first need only: most snapshots carry the limits of their types. */
async function loadBundledFinder(): Promise<FindLimits> {
  return (await import('../../instance-types/bundled-instance-limits.js')).findBundledInstanceLimits;
}

/** Instance limits given up front (e.g. from a DescribeInstanceTypes snapshot), then the bundled table. */
export class InMemoryInstanceCatalog implements InstanceCatalog {
  private bundled: Promise<FindLimits> | undefined;

  constructor(
    private readonly limits: ReadonlyMap<string, InstanceLimits> = new Map(),
    findBundled?: FindLimits,
  ) {
    if (findBundled) this.bundled = Promise.resolve(findBundled);
  }

  async getLimits(instanceTypes: readonly string[]): Promise<ReadonlyMap<string, InstanceLimits>> {
    const found = new Map<string, InstanceLimits>();
    const missing: string[] = [];
    for (const type of new Set(instanceTypes)) {
      const limits = this.limits.get(type);
      if (limits === undefined) missing.push(type);
      else found.set(type, limits);
    }
    if (missing.length === 0) return found;
    this.bundled ??= loadBundledFinder();
    const findBundled = await this.bundled;
    const unknown: string[] = [];
    for (const type of missing) {
      const limits = findBundled(type);
      if (limits === undefined) unknown.push(type);
      else found.set(type, limits);
    }
    if (unknown.length > 0) throw new UnknownInstanceTypeError(unknown);
    return found;
  }
}

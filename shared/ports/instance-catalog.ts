import type { InstanceLimits } from '../domain/instance-limits.js';

/** Network limits of EC2 instance types, looked up by type name. */
export interface InstanceCatalog {
  /**
   * Limits of every requested type, keyed by type name. Rejects with `UnknownInstanceTypeError`
   * when any requested name is not an EC2 instance type.
   */
  getLimits(instanceTypes: readonly string[]): Promise<ReadonlyMap<string, InstanceLimits>>;
}

/** One or more requested names are not EC2 instance types. */
export class UnknownInstanceTypeError extends Error {
  override readonly name = 'UnknownInstanceTypeError';
  readonly instanceTypes: readonly string[];

  constructor(instanceTypes: readonly string[]) {
    super(
      `unknown EC2 instance type${instanceTypes.length === 1 ? '' : 's'}: ${instanceTypes.join(', ')} ` +
        '(expected names such as "m5.large" that EC2 DescribeInstanceTypes knows)',
    );
    this.instanceTypes = instanceTypes;
  }
}

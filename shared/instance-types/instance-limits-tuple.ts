import type { InstanceLimits } from '../domain/instance-limits.js';

/**
 * Compact form of one bundled row: type, maxEnis, ipv4PerEni, vcpus, hypervisor, bareMetal, and the
 * index of the row's source in the module's `SOURCES` list. Kept as a plain tuple type (no `as const`)
 * so the generated module stays cheap for the type checker.
 */
export type InstanceLimitsTuple = readonly [
  instanceType: string,
  maxEnis: number,
  ipv4PerEni: number,
  vcpus: number | null,
  hypervisor: 'nitro' | 'xen' | null,
  bareMetal: boolean,
  sourceIndex: number,
];

/** A tuple points at a source that the `SOURCES` list lacks. */
export class InstanceLimitsTupleError extends Error {
  override readonly name = 'InstanceLimitsTupleError';
}

/**
 * Decodes one tuple against its module's source list.
 *
 * @example
 * decodeInstanceLimitsTuple(['m5.large', 3, 10, 2, 'nitro', false, 0], ['ec2:DescribeInstanceTypes'])
 * // { instanceType: 'm5.large', maxEnis: 3, ipv4PerEni: 10, vcpus: 2, hypervisor: 'nitro', bareMetal: false,
 * //   source: 'ec2:DescribeInstanceTypes' }
 */
export function decodeInstanceLimitsTuple(
  tuple: InstanceLimitsTuple,
  sources: readonly string[],
): InstanceLimits {
  const [instanceType, maxEnis, ipv4PerEni, vcpus, hypervisor, bareMetal, sourceIndex] = tuple;
  const source = sources[sourceIndex];
  if (source === undefined) {
    throw new InstanceLimitsTupleError(
      `row '${instanceType}': sourceIndex is ${sourceIndex}, expected 0..${sources.length - 1}`,
    );
  }
  return { instanceType, maxEnis, ipv4PerEni, vcpus, hypervisor, bareMetal, source };
}

/** Encodes rows into tuples plus the distinct sources they cite, in first-seen order. */
export function encodeInstanceLimitsTuples(rows: readonly InstanceLimits[]): {
  readonly sources: readonly string[];
  readonly tuples: readonly InstanceLimitsTuple[];
} {
  const sources: string[] = [];
  const indexOf = new Map<string, number>();
  const tuples = rows.map((row): InstanceLimitsTuple => {
    let sourceIndex = indexOf.get(row.source);
    if (sourceIndex === undefined) {
      sourceIndex = sources.push(row.source) - 1;
      indexOf.set(row.source, sourceIndex);
    }
    return [
      row.instanceType,
      row.maxEnis,
      row.ipv4PerEni,
      row.vcpus,
      row.hypervisor,
      row.bareMetal,
      sourceIndex,
    ];
  });
  return { sources, tuples };
}

import type { InstanceLimits } from '../domain/instance-limits.js';
import { ROWS, SOURCES } from './instance-limits.generated.js';
import { decodeInstanceLimitsTuple } from './instance-limits-tuple.js';

let table: ReadonlyMap<string, InstanceLimits> | undefined;

/**
 * The instance-limits table bundled with the code (see data/README.md), decoded on first use and
 * kept for the life of the process.
 */
export function bundledInstanceLimits(): ReadonlyMap<string, InstanceLimits> {
  table ??= new Map(
    ROWS.map((tuple) => [tuple[0], Object.freeze(decodeInstanceLimitsTuple(tuple, SOURCES))]),
  );
  return table;
}

/** Limits of one type from the bundled table, or undefined when the table lacks it. */
export function findBundledInstanceLimits(instanceType: string): InstanceLimits | undefined {
  return bundledInstanceLimits().get(instanceType);
}

import type { InstanceLimits } from '../shared/domain/instance-limits.js';
import {
  bundledInstanceLimits,
  findBundledInstanceLimits,
} from '../shared/instance-types/bundled-instance-limits.js';
import { closestMatches } from './closest-matches.js';
import { UsageError } from './command.js';

/** Resolves `--instance-type a,b,c` against the bundled table, naming unknown types and close matches. */
export function lookupInstanceTypes(flag: string, list: string): InstanceLimits[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0)
    throw new UsageError(
      `--${flag}: '${list}' names no instance type (expected one or more, e.g. m5.large,c5.xlarge)`,
    );
  return names.map((name) => {
    const limits = findBundledInstanceLimits(name);
    if (limits) return limits;
    const closest = closestMatches(name, bundledInstanceLimits().keys());
    const hint = closest.length > 0 ? `; did you mean ${closest.join(', ')}?` : '';
    throw new UsageError(
      `--${flag}: unknown instance type '${name}' (expected a type of the bundled table, e.g. m5.large${hint})`,
    );
  });
}

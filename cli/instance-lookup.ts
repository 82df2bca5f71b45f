import type { InstanceLimits } from '../shared/domain/instance-limits.js';
import {
  bundledInstanceLimits,
  findBundledInstanceLimits,
} from '../shared/instance-types/bundled-instance-limits.js';
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
    const family = name.split('.')[0] ?? name;
    const similar = [...bundledInstanceLimits().keys()]
      .filter((known) => known.startsWith(`${family}.`))
      .slice(0, 6);
    const hint = similar.length > 0 ? ` (known ${family} sizes: ${similar.join(', ')})` : '';
    throw new UsageError(`--${flag}: unknown instance type '${name}'${hint}`);
  });
}

import type { InstanceLimits } from '../domain/instance-limits.js';
import {
  bundledInstanceLimits,
  findBundledInstanceLimits,
} from '../instance-types/bundled-instance-limits.js';

/** Limits of an instance type (the bundled EC2 `DescribeInstanceTypes` table), or undefined. */
export function findSimulatorInstanceLimits(instanceType: string): InstanceLimits | undefined {
  return findBundledInstanceLimits(instanceType);
}

/** Every instance type the simulator knows, sorted. */
export function simulatorInstanceTypes(): string[] {
  return [...bundledInstanceLimits().keys()].sort();
}

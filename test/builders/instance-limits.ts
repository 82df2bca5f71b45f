import type { CniConfig } from '../../shared/domain/cni-config.js';
import { DEFAULT_CNI_CONFIG } from '../../shared/domain/cni-config.js';
import type { InstanceLimits } from '../../shared/domain/instance-limits.js';

/** Published limits of a few instance types (EC2 DescribeInstanceTypes), for tests. */
const KNOWN: Record<string, Omit<InstanceLimits, 'instanceType' | 'source'>> = {
  't3.small': { maxEnis: 3, ipv4PerEni: 4, vcpus: 2, hypervisor: 'nitro', bareMetal: false },
  'm5.large': { maxEnis: 3, ipv4PerEni: 10, vcpus: 2, hypervisor: 'nitro', bareMetal: false },
  'm5.xlarge': { maxEnis: 4, ipv4PerEni: 15, vcpus: 4, hypervisor: 'nitro', bareMetal: false },
  'c5.xlarge': { maxEnis: 4, ipv4PerEni: 15, vcpus: 4, hypervisor: 'nitro', bareMetal: false },
  'm5.4xlarge': { maxEnis: 8, ipv4PerEni: 30, vcpus: 16, hypervisor: 'nitro', bareMetal: false },
  'm5.24xlarge': { maxEnis: 15, ipv4PerEni: 50, vcpus: 96, hypervisor: 'nitro', bareMetal: false },
  'p3dn.24xlarge': { maxEnis: 15, ipv4PerEni: 50, vcpus: 96, hypervisor: 'nitro', bareMetal: false },
  'm4.large': { maxEnis: 2, ipv4PerEni: 10, vcpus: 2, hypervisor: 'xen', bareMetal: false },
  'm5.metal': { maxEnis: 15, ipv4PerEni: 50, vcpus: 96, hypervisor: null, bareMetal: true },
};

export function buildInstanceLimits(
  overrides: Partial<InstanceLimits> & { instanceType?: string } = {},
): InstanceLimits {
  const instanceType = overrides.instanceType ?? 'm5.large';
  const known = KNOWN[instanceType] ?? KNOWN['m5.large'];
  if (!known) throw new Error('builder table is empty');
  return { instanceType, source: 'test', ...known, ...overrides };
}

export function buildCniConfig(overrides: Partial<CniConfig> = {}): CniConfig {
  return { ...DEFAULT_CNI_CONFIG, ...overrides };
}

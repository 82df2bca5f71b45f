import type { InstanceTypeInfo } from '@aws-sdk/client-ec2';
import type { InstanceLimits } from '../../../../shared/domain/instance-limits.js';
import type { ComplementRow } from '../../../../shared/instance-types/instance-limits-rows.js';

/** A single-card Nitro type shaped like EC2's answer for m5.large; override any part. */
export function buildInstanceTypeInfo(overrides: Partial<InstanceTypeInfo> = {}): InstanceTypeInfo {
  return {
    InstanceType: 'm5.large',
    Hypervisor: 'nitro',
    BareMetal: false,
    VCpuInfo: { DefaultVCpus: 2 },
    NetworkInfo: {
      MaximumNetworkInterfaces: 3,
      Ipv4AddressesPerInterface: 10,
      DefaultNetworkCardIndex: 0,
      MaximumNetworkCards: 1,
      NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 3 }],
    },
    ...overrides,
  };
}

/** `cardCount` network cards of `enisPerCard` ENIs each, as EC2 reports multi-card types. */
export function buildNetworkCards(cardCount: number, enisPerCard: number): InstanceTypeInfo['NetworkInfo'] {
  return {
    MaximumNetworkInterfaces: cardCount * enisPerCard,
    Ipv4AddressesPerInterface: 50,
    DefaultNetworkCardIndex: 0,
    MaximumNetworkCards: cardCount,
    NetworkCards: Array.from({ length: cardCount }, (_, index) => ({
      NetworkCardIndex: index,
      MaximumNetworkInterfaces: enisPerCard,
    })),
  };
}

export function buildInstanceLimits(overrides: Partial<InstanceLimits> = {}): InstanceLimits {
  return {
    instanceType: 'm5.large',
    maxEnis: 3,
    ipv4PerEni: 10,
    vcpus: 2,
    hypervisor: 'nitro',
    bareMetal: false,
    source: 'ec2:DescribeInstanceTypes',
    ...overrides,
  };
}

export function buildComplementRow(overrides: Partial<ComplementRow> = {}): ComplementRow {
  return {
    instanceType: 'm8idn.large',
    maxEnis: 4,
    ipv4PerEni: 20,
    vcpus: 2,
    hypervisor: 'nitro',
    bareMetal: false,
    source: 'amazon-eks-ami:instance-info.jsonl',
    overridesApi: false,
    ...overrides,
  };
}

import { readFileSync } from 'node:fs';
import {
  bundledInstanceLimits,
  findBundledInstanceLimits,
} from '../../../../shared/instance-types/bundled-instance-limits.js';

describe('bundled instance limits', () => {
  it('knows m5.large: 3 ENIs of 10 IPv4 addresses, 2 vCPUs, Nitro', () => {
    // Act
    const limits = findBundledInstanceLimits('m5.large');

    // Assess
    expect(limits).toEqual({
      instanceType: 'm5.large',
      maxEnis: 3,
      ipv4PerEni: 10,
      vcpus: 2,
      hypervisor: 'nitro',
      bareMetal: false,
      source: 'amazon-vpc-cni-k8s:vpc_ip_resource_limit.go + ec2:DescribeInstanceTypes',
    });
  });

  it.each([
    ['p4d.24xlarge', 15],
    ['p5.48xlarge', 2],
  ])('holds the default-card ENI limit of multi-card %s', (instanceType, maxEnis) => {
    // Act
    const limits = findBundledInstanceLimits(instanceType);

    // Assess
    expect(limits?.maxEnis).toBe(maxEnis);
  });

  it('holds the complement rows with their source', () => {
    // Act
    const limits = findBundledInstanceLimits('r8idn.96xlarge');

    // Assess
    expect(limits).toMatchObject({ maxEnis: 12, ipv4PerEni: 64, vcpus: 384, hypervisor: 'nitro' });
    expect(limits?.source).toContain('aws-docs:instancetypes/mo.html');
  });

  it('holds types only the CNI table knows, with vCPUs null', () => {
    // Act
    const limits = findBundledInstanceLimits('m9g.48xlarge');

    // Assess
    expect(limits).toMatchObject({ maxEnis: 24, ipv4PerEni: 64, vcpus: null, hypervisor: 'nitro' });
    expect(limits?.source).toBe('amazon-vpc-cni-k8s:vpc_ip_resource_limit.go');
  });

  it('answers undefined for a name it lacks', () => {
    // Act
    const limits = findBundledInstanceLimits('m5.enormous');

    // Assess
    expect(limits).toBeUndefined();
  });

  it('builds the table once and returns the same map afterwards', () => {
    // Act
    const first = bundledInstanceLimits();
    const second = bundledInstanceLimits();

    // Assess
    expect(second).toBe(first);
    expect(first.size).toBeGreaterThan(1300);
  });

  it('matches data/instance-limits.json row for row', () => {
    // Prepare
    const json = JSON.parse(
      readFileSync(new URL('../../../../data/instance-limits.json', import.meta.url), 'utf8'),
    );

    // Act
    const bundled = [...bundledInstanceLimits().values()];

    // Assess
    expect(bundled).toEqual(json.rows);
  });
});

import { DescribeInstanceTypesCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  Ec2InstanceCatalog,
  InstanceCatalogError,
} from '../../../../../shared/adapters/aws/ec2-instance-catalog.js';
import { UnknownInstanceTypeError } from '../../../../../shared/ports/instance-catalog.js';
import { buildInstanceTypeInfo } from '../../instance-types/instance-type-info-builder.js';

const ec2Mock = mockClient(EC2Client);

function buildCatalog(): Ec2InstanceCatalog {
  return new Ec2InstanceCatalog(new EC2Client({ region: 'us-east-1' }));
}

function invalidInstanceType(message: string): EC2ServiceException {
  return new EC2ServiceException({
    name: 'InvalidInstanceType',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });
}

beforeEach(() => {
  ec2Mock.reset();
});

describe('Ec2InstanceCatalog', () => {
  it('answers bundled types without calling EC2', async () => {
    // Prepare
    const catalog = buildCatalog();

    // Act
    const limits = await catalog.getLimits(['m5.large', 'p4d.24xlarge', 'm5.large']);

    // Assess
    expect(limits.get('m5.large')).toMatchObject({ maxEnis: 3, ipv4PerEni: 10 });
    expect(limits.get('p4d.24xlarge')).toMatchObject({ maxEnis: 15 });
    expect(limits.size).toBe(2);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstanceTypesCommand, 0);
  });

  it('asks EC2 once, for the missing types only', async () => {
    // Prepare
    ec2Mock.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: [buildInstanceTypeInfo({ InstanceType: 'z9.large' as never })],
    });
    const catalog = buildCatalog();

    // Act
    const limits = await catalog.getLimits(['m5.large', 'z9.large']);

    // Assess
    expect(limits.get('z9.large')).toMatchObject({ maxEnis: 3, source: 'ec2:DescribeInstanceTypes' });
    expect(limits.get('m5.large')?.maxEnis).toBe(3);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstanceTypesCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstanceTypesCommand, {
      InstanceTypes: ['z9.large' as never],
    });
  });

  it('completes a bundled row without vCPUs from EC2', async () => {
    // Prepare
    const bundled = {
      instanceType: 'c9g.large',
      maxEnis: 3,
      ipv4PerEni: 20,
      vcpus: null,
      hypervisor: 'nitro' as const,
      bareMetal: false,
      source: 'amazon-vpc-cni-k8s:vpc_ip_resource_limit.go',
    };
    ec2Mock.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: [
        buildInstanceTypeInfo({
          InstanceType: 'c9g.large' as never,
          VCpuInfo: { DefaultVCpus: 2 },
          NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 20 },
        }),
      ],
    });
    const catalog = new Ec2InstanceCatalog(new EC2Client({ region: 'us-east-1' }), (type) =>
      type === 'c9g.large' ? bundled : undefined,
    );

    // Act
    const limits = await catalog.getLimits(['c9g.large']);

    // Assess
    expect(limits.get('c9g.large')).toMatchObject({ vcpus: 2, source: 'ec2:DescribeInstanceTypes' });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstanceTypesCommand, 1);
  });

  it('keeps a bundled row without vCPUs when EC2 does not know the type', async () => {
    // Prepare
    const bundled = {
      instanceType: 'c9g.large',
      maxEnis: 3,
      ipv4PerEni: 20,
      vcpus: null,
      hypervisor: 'nitro' as const,
      bareMetal: false,
      source: 'amazon-vpc-cni-k8s:vpc_ip_resource_limit.go',
    };
    ec2Mock
      .on(DescribeInstanceTypesCommand)
      .rejects(invalidInstanceType('The following supplied instance types do not exist: [c9g.large]'));
    const catalog = new Ec2InstanceCatalog(new EC2Client({ region: 'us-east-1' }), (type) =>
      type === 'c9g.large' ? bundled : undefined,
    );

    // Act
    const limits = await catalog.getLimits(['c9g.large']);

    // Assess
    expect(limits.get('c9g.large')).toBe(bundled);
  });

  it('keeps what EC2 answered, so a second lookup makes no call', async () => {
    // Prepare
    ec2Mock.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: [buildInstanceTypeInfo({ InstanceType: 'z9.large' as never })],
    });
    const catalog = buildCatalog();
    await catalog.getLimits(['z9.large']);

    // Act
    const limits = await catalog.getLimits(['z9.large']);

    // Assess
    expect(limits.get('z9.large')?.ipv4PerEni).toBe(10);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstanceTypesCommand, 1);
  });

  it('follows NextToken across pages', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstanceTypesCommand)
      .resolvesOnce({
        InstanceTypes: [buildInstanceTypeInfo({ InstanceType: 'z9.large' as never })],
        NextToken: 't1',
      })
      .resolvesOnce({ InstanceTypes: [buildInstanceTypeInfo({ InstanceType: 'z9.xlarge' as never })] });
    const catalog = buildCatalog();

    // Act
    const limits = await catalog.getLimits(['z9.large', 'z9.xlarge']);

    // Assess
    expect([...limits.keys()]).toEqual(['z9.large', 'z9.xlarge']);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstanceTypesCommand, 2);
    expect(ec2Mock).toHaveReceivedNthCommandWith(2, DescribeInstanceTypesCommand, { NextToken: 't1' });
  });

  it('asks for at most 100 types per call', async () => {
    // Prepare
    ec2Mock.on(DescribeInstanceTypesCommand).callsFake((input: { InstanceTypes?: string[] }) => ({
      InstanceTypes: (input.InstanceTypes ?? []).map((name) =>
        buildInstanceTypeInfo({ InstanceType: name as never }),
      ),
    }));
    const names = Array.from({ length: 150 }, (_, index) => `z${index}.large`);
    const catalog = buildCatalog();

    // Act
    const limits = await catalog.getLimits(names);

    // Assess
    expect(limits.size).toBe(150);
    const sizes = ec2Mock
      .commandCalls(DescribeInstanceTypesCommand)
      .map((call) => call.args[0].input.InstanceTypes?.length);
    expect(sizes).toEqual([100, 50]);
  });

  it('names the unknown types EC2 rejects, still answering for the rest with one retry', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstanceTypesCommand)
      .rejectsOnce(invalidInstanceType('The following supplied instance types do not exist: [nope.large]'))
      .resolves({ InstanceTypes: [buildInstanceTypeInfo({ InstanceType: 'z9.large' as never })] });
    const catalog = buildCatalog();

    // Act
    const lookup = catalog.getLimits(['z9.large', 'nope.large']);

    // Assess
    await expect(lookup).rejects.toThrow(UnknownInstanceTypeError);
    await expect(lookup).rejects.toThrow('unknown EC2 instance type: nope.large');
    expect(ec2Mock).toHaveReceivedNthCommandWith(2, DescribeInstanceTypesCommand, {
      InstanceTypes: ['z9.large' as never],
    });
    const known = await catalog.getLimits(['z9.large']);
    expect(known.get('z9.large')?.maxEnis).toBe(3);
  });

  it('remembers unknown types too: the same lookup fails again without a call', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstanceTypesCommand)
      .rejects(invalidInstanceType('The following supplied instance types do not exist: [nope.large]'));
    const catalog = buildCatalog();
    await expect(catalog.getLimits(['nope.large'])).rejects.toThrow(UnknownInstanceTypeError);

    // Act
    const again = catalog.getLimits(['nope.large']);

    // Assess
    await expect(again).rejects.toMatchObject({ instanceTypes: ['nope.large'] });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstanceTypesCommand, 1);
  });

  it('treats a name EC2 leaves out of its answer as unknown', async () => {
    // Prepare
    ec2Mock.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [] });
    const catalog = buildCatalog();

    // Act
    const lookup = catalog.getLimits(['z9.large']);

    // Assess
    await expect(lookup).rejects.toThrow(UnknownInstanceTypeError);
  });

  it('wraps other SDK errors in InstanceCatalogError with the cause', async () => {
    // Prepare
    const throttled = new EC2ServiceException({
      name: 'RequestLimitExceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 503 },
      message: 'Request limit exceeded.',
    });
    ec2Mock.on(DescribeInstanceTypesCommand).rejects(throttled);
    const catalog = buildCatalog();

    // Act
    const lookup = catalog.getLimits(['z9.large']);

    // Assess
    await expect(lookup).rejects.toThrow(InstanceCatalogError);
    await expect(lookup).rejects.toMatchObject({ cause: throttled });
  });

  it('refuses a row EC2 answered without its limits, naming the missing fields', async () => {
    // Prepare
    ec2Mock.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: [buildInstanceTypeInfo({ InstanceType: 'z9.large' as never, VCpuInfo: undefined })],
    });
    const catalog = buildCatalog();

    // Act
    const lookup = catalog.getLimits(['z9.large']);

    // Assess
    await expect(lookup).rejects.toThrow('z9.large (VCpuInfo.DefaultVCpus)');
  });
});

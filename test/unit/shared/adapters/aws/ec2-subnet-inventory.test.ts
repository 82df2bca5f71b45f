import {
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  EC2ServiceException,
  GetSubnetCidrReservationsCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { SubnetInventoryError } from '../../../../../shared/adapters/aws/ec2-describe-mappers.js';
import { Ec2SubnetInventory } from '../../../../../shared/adapters/aws/ec2-subnet-inventory.js';

const ec2Mock = mockClient(EC2Client);

function buildInventory(): Ec2SubnetInventory {
  return new Ec2SubnetInventory(new EC2Client({ region: 'eu-west-1' }));
}

function buildSubnet(id: string) {
  return {
    SubnetId: id,
    VpcId: 'vpc-1',
    CidrBlock: '10.0.0.0/24',
    AvailabilityZone: 'eu-west-1a',
    AvailableIpAddressCount: 200,
  };
}

beforeEach(() => {
  ec2Mock.reset();
});

describe('Ec2SubnetInventory', () => {
  it('follows DescribeSubnets pages with a subnet-id filter', async () => {
    // Prepare
    ec2Mock
      .on(DescribeSubnetsCommand)
      .resolvesOnce({ Subnets: [buildSubnet('subnet-1')], NextToken: 'page-2' })
      .resolvesOnce({ Subnets: [buildSubnet('subnet-2')] });

    // Act
    const subnets = await buildInventory().describeSubnets({ subnetIds: ['subnet-1', 'subnet-2'] });

    // Assess
    expect(subnets.map((s) => s.subnetId)).toEqual(['subnet-1', 'subnet-2']);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 2);
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)[1]?.args[0].input).toMatchObject({
      Filters: [{ Name: 'subnet-id', Values: ['subnet-1', 'subnet-2'] }],
      NextToken: 'page-2',
    });
  });

  it('batches subnets 200 to a DescribeNetworkInterfaces call and reads IPs and prefixes', async () => {
    // Prepare
    const subnetIds = Array.from({ length: 250 }, (_, index) => `subnet-${index}`);
    ec2Mock
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({
        NetworkInterfaces: [
          {
            NetworkInterfaceId: 'eni-1',
            SubnetId: 'subnet-0',
            PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.10' }, { PrivateIpAddress: '10.0.0.11' }],
            Ipv4Prefixes: [{ Ipv4Prefix: '10.0.0.32/28' }],
            Attachment: { InstanceId: 'i-1', DeviceIndex: 1, AttachTime: new Date('2025-03-01T12:00:00Z') },
          },
        ],
        NextToken: 'more',
      })
      .resolves({ NetworkInterfaces: [] });

    // Act
    const enis = await buildInventory().listNetworkInterfaces(subnetIds);

    // Assess
    expect(enis).toEqual([
      {
        networkInterfaceId: 'eni-1',
        subnetId: 'subnet-0',
        privateIps: ['10.0.0.10', '10.0.0.11'],
        prefixes: ['10.0.0.32/28'],
        instanceId: 'i-1',
        deviceIndex: 1,
        attachTimeMs: Date.parse('2025-03-01T12:00:00Z'),
      },
    ]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 3);
    const filterSizes = ec2Mock
      .commandCalls(DescribeNetworkInterfacesCommand)
      .map((call) => call.args[0].input.Filters?.[0]?.Values?.length);
    expect(filterSizes).toEqual([200, 200, 50]);
  });

  it('follows GetSubnetCidrReservations tokens and keeps both reservation types', async () => {
    // Prepare
    ec2Mock
      .on(GetSubnetCidrReservationsCommand)
      .resolvesOnce({
        SubnetIpv4CidrReservations: [{ Cidr: '10.0.0.64/27', ReservationType: 'prefix' }],
        NextToken: 't2',
      })
      .resolvesOnce({ SubnetIpv4CidrReservations: [{ Cidr: '10.0.0.128/28', ReservationType: 'explicit' }] });

    // Act
    const reservations = await buildInventory().listCidrReservations('subnet-1');

    // Assess
    expect(reservations).toEqual([
      { cidr: '10.0.0.64/27', type: 'prefix' },
      { cidr: '10.0.0.128/28', type: 'explicit' },
    ]);
    expect(ec2Mock.commandCalls(GetSubnetCidrReservationsCommand)[1]?.args[0].input).toMatchObject({
      SubnetId: 'subnet-1',
      NextToken: 't2',
    });
  });

  it('wraps SDK errors with the call and the cause', async () => {
    // Prepare
    const throttled = new EC2ServiceException({
      name: 'RequestLimitExceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 503 },
      message: 'Request limit exceeded.',
    });
    ec2Mock.on(DescribeNetworkInterfacesCommand).rejects(throttled);

    // Act
    const failure = buildInventory().listNetworkInterfaces(['subnet-1']);

    // Assess
    await expect(failure).rejects.toThrow(SubnetInventoryError);
    await expect(failure).rejects.toMatchObject({
      message: expect.stringContaining('DescribeNetworkInterfaces failed for subnets subnet-1'),
      cause: throttled,
    });
  });
});

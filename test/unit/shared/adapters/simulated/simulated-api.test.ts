import { paginateDescribeNetworkInterfaces } from '@aws-sdk/client-ec2';
import { PublishCommand, SNSServiceException } from '@aws-sdk/client-sns';
import { createSimulatedClients } from '../../../../../shared/adapters/simulated/connect-to-simulator.js';
import { parseCidr } from '../../../../../shared/domain/ipv4.js';
import { SimulatedAccount } from '../../../../../shared/simulator/simulated-account.js';
import { buildScenario } from '../../simulator/builders.js';

const GUARD_ARN = 'arn:aws:iam::111122223333:role/capacity-guard-simulated';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:capacity-guard-alerts';

function buildAccount(subnet: Record<string, unknown> = {}): SimulatedAccount {
  return new SimulatedAccount(
    buildScenario({
      vpc: {
        subnets: [{ id: 'subnet-a', cidr: '10.0.0.0/24', availabilityZone: 'us-east-1a', ...subnet }],
      },
    }),
    { seed: 3 },
  );
}

function ipValue(ip: string): number {
  return parseCidr(`${ip}/32`).base;
}

describe('simulated SNS Publish', () => {
  it('records message attributes and the message structure', async () => {
    // Prepare
    const account = buildAccount();
    const { sns } = createSimulatedClients(account, GUARD_ARN);
    // Act
    await sns.send(
      new PublishCommand({
        TopicArn: TOPIC_ARN,
        Message: JSON.stringify({ default: 'text', https: '{}' }),
        MessageStructure: 'json',
        Subject: 'eks-capacity-guard: WARNING',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'WARNING' },
          kind: { DataType: 'String', StringValue: 'subnet-ips' },
        },
      }),
    );
    // Assess
    expect(account.snsPublishes[0]).toMatchObject({
      topicArn: TOPIC_ARN,
      messageStructure: 'json',
      subject: 'eks-capacity-guard: WARNING',
      attributes: { severity: 'WARNING', kind: 'subnet-ips' },
      identityArn: GUARD_ARN,
    });
  });

  it.each([
    ['no default entry', { Message: '{"https":"x"}', MessageStructure: 'json' }, /No default entry/],
    ['a body that is not a JSON object', { Message: '"text"', MessageStructure: 'json' }, /failed to parse/],
    ['an unknown structure', { Message: 'x', MessageStructure: 'xml' }, /MessageStructure/],
    ['a subject with a line break', { Message: 'x', Subject: 'a\nb' }, /Subject/],
    ['a subject of 100 characters', { Message: 'x', Subject: 's'.repeat(100) }, /Subject/],
    [
      'an attribute without a value',
      { Message: 'x', MessageAttributes: { severity: { DataType: 'String', StringValue: '' } } },
      /message attribute 'severity' must contain non-empty/,
    ],
    [
      'an attribute of an unknown type',
      { Message: 'x', MessageAttributes: { severity: { DataType: 'Text', StringValue: 'x' } } },
      /invalid message attribute type/,
    ],
  ])('rejects %s with InvalidParameter', async (_label, input, message) => {
    // Prepare
    const account = buildAccount();
    const { sns } = createSimulatedClients(account, GUARD_ARN);
    // Act
    const sent = sns.send(new PublishCommand({ TopicArn: TOPIC_ARN, ...input }));
    // Assess
    await expect(sent).rejects.toBeInstanceOf(SNSServiceException);
    await expect(sent).rejects.toMatchObject({
      name: 'InvalidParameter',
      message: expect.stringMatching(message),
    });
    expect(account.snsPublishes).toHaveLength(0);
  });
});

describe('simulated DescribeNetworkInterfaces', () => {
  it.each([
    ['scattered', 40],
    ['one-per-block', 12],
  ] as const)(
    'lists the %s pre-allocated addresses as ENIs of other services, so the ENIs account for every used address',
    async (pattern, count) => {
      // Prepare
      const account = buildAccount({ preAllocated: { count, pattern } });
      const { ec2 } = createSimulatedClients(account, GUARD_ARN);
      const subnet = account.ec2.subnet('subnet-a');
      // Act
      const used = new Set<number>();
      let foreign = 0;
      for await (const page of paginateDescribeNetworkInterfaces(
        { client: ec2, pageSize: 25 },
        { Filters: [{ Name: 'subnet-id', Values: ['subnet-a'] }] },
      )) {
        for (const eni of page.NetworkInterfaces ?? []) {
          if (eni.RequesterManaged) foreign++;
          for (const ip of eni.PrivateIpAddresses ?? []) used.add(ipValue(ip.PrivateIpAddress ?? ''));
          for (const prefix of eni.Ipv4Prefixes ?? []) {
            const block = parseCidr(prefix.Ipv4Prefix ?? '');
            for (let i = 0; i < block.size; i++) used.add(block.base + i);
          }
        }
      }
      // Assess
      expect(foreign).toBe(count);
      expect(used.size).toBe(256 - 5 - subnet.addresses.availableIpCount);
    },
  );

  it('keeps the other services ENIs out of attachment filters and answers them by ID', async () => {
    // Prepare
    const account = buildAccount({ preAllocated: { count: 3, pattern: 'packed' } });
    const { ec2 } = createSimulatedClients(account, GUARD_ARN);
    const all = [];
    for await (const page of paginateDescribeNetworkInterfaces(
      { client: ec2 },
      { Filters: [{ Name: 'subnet-id', Values: ['subnet-a'] }] },
    )) {
      all.push(...(page.NetworkInterfaces ?? []));
    }
    const foreignIds = all.filter((eni) => eni.RequesterManaged).map((eni) => eni.NetworkInterfaceId ?? '');
    // Act
    const attached = [];
    for await (const page of paginateDescribeNetworkInterfaces(
      { client: ec2 },
      { Filters: [{ Name: 'attachment.status', Values: ['attached', 'detached'] }] },
    )) {
      attached.push(...(page.NetworkInterfaces ?? []));
    }
    const byId = [];
    for await (const page of paginateDescribeNetworkInterfaces(
      { client: ec2 },
      { NetworkInterfaceIds: foreignIds },
    )) {
      byId.push(...(page.NetworkInterfaces ?? []));
    }
    // Assess
    expect(foreignIds).toHaveLength(3);
    expect(new Set(foreignIds).size).toBe(3);
    expect(attached.some((eni) => eni.RequesterManaged)).toBe(false);
    expect(byId.map((eni) => eni.NetworkInterfaceId)).toEqual(foreignIds);
  });
});

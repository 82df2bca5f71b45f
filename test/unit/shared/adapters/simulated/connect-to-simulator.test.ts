import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  EC2ServiceException,
  paginateDescribeNetworkInterfaces,
} from '@aws-sdk/client-ec2';
import { DescribeAddonCommand, ResourceNotFoundException } from '@aws-sdk/client-eks';
import { PublishCommand } from '@aws-sdk/client-sns';
import { createSimulatedClients } from '../../../../../shared/adapters/simulated/connect-to-simulator.js';
import { runScenario } from '../../../../../shared/adapters/simulated/run-scenario.js';
import { answerCommand } from '../../../../../shared/adapters/simulated/simulated-api.js';
import type { EventBridgeEnvelope, SimulatedGuard } from '../../../../../shared/simulator/guard-plugin.js';
import { SimulatedAccount } from '../../../../../shared/simulator/simulated-account.js';
import { buildScenario, buildScenarioJson } from '../../simulator/builders.js';

const GUARD_ARN = 'arn:aws:sts::111122223333:assumed-role/capacity-guard/reactor';

/** Clamps any desired capacity above `ceiling` set by someone else: the plumbing, not the product's guard. */
function buildClampGuard(ceiling: number): SimulatedGuard & { seen: EventBridgeEnvelope[] } {
  const seen: EventBridgeEnvelope[] = [];
  return {
    name: 'clamp',
    identityArn: GUARD_ARN,
    seen,
    start: async () => undefined,
    onEvent: async (event, ctx) => {
      seen.push(event);
      const detail = event.detail as {
        eventName?: string;
        userIdentity?: { arn?: string };
        requestParameters?: { autoScalingGroupName?: string; desiredCapacity?: number };
      };
      if (event['detail-type'] !== 'AWS API Call via CloudTrail' || detail.userIdentity?.arn === GUARD_ARN)
        return;
      const params = detail.requestParameters;
      if (detail.eventName === 'SetDesiredCapacity' && (params?.desiredCapacity ?? 0) > ceiling) {
        await ctx.clients.autoScaling.send(
          new SetDesiredCapacityCommand({
            AutoScalingGroupName: params?.autoScalingGroupName,
            DesiredCapacity: ceiling,
          }),
        );
      }
    },
    schedules: [],
  };
}

describe('connectToSimulator', () => {
  it('serves the real SDK paginator with MaxResults / NextToken and honours filters', async () => {
    // Prepare
    const account = new SimulatedAccount(buildScenario(), { seed: 1 });
    const { ec2 } = createSimulatedClients(account, GUARD_ARN);
    // Act
    const pages = [];
    for await (const page of paginateDescribeNetworkInterfaces(
      { client: ec2, pageSize: 2 },
      { Filters: [{ Name: 'tag-key', Values: ['node.k8s.amazonaws.com/instance_id'] }] },
    )) {
      pages.push(page);
    }
    // Assess
    const enis = pages.flatMap((p) => p.NetworkInterfaces ?? []);
    expect(pages.length).toBeGreaterThan(1);
    expect(enis.length).toBe(4);
    expect(enis[0]?.Description).toMatch(/^aws-K8S-i-/);
    expect(enis[0]?.Attachment?.AttachTime).toBeInstanceOf(Date);
  });

  it('throws the SDK exception classes, with RequestLimitExceeded classified as throttling and retried', async () => {
    // Prepare
    const account = new SimulatedAccount(buildScenario(), { seed: 1 });
    const { ec2, eks } = createSimulatedClients(account, GUARD_ARN);
    for (let i = 0; i < 50; i++) account.ec2.admit('DescribeNetworkInterfaces:unfiltered');
    // Act
    const throttled = await ec2.send(new DescribeNetworkInterfacesCommand({})).catch((e: unknown) => e);
    const missing = await eks
      .send(new DescribeAddonCommand({ clusterName: 'nope', addonName: 'vpc-cni' }))
      .catch((e: unknown) => e);
    // Assess
    expect(throttled).toBeInstanceOf(EC2ServiceException);
    expect(throttled).toMatchObject({
      name: 'RequestLimitExceeded',
      $metadata: { httpStatusCode: 503, attempts: 3 },
    });
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers Auto Scaling, EKS and SNS calls and names an unknown command', async () => {
    // Prepare
    const account = new SimulatedAccount(buildScenario(), { seed: 1 });
    const clients = createSimulatedClients(account, GUARD_ARN);
    // Act
    const groups = await clients.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({
        Filters: [{ Name: 'tag:capacity-guard/enabled', Values: ['true'] }],
      }),
    );
    const addon = await clients.eks.send(
      new DescribeAddonCommand({ clusterName: 'shop', addonName: 'vpc-cni' }),
    );
    const published = await clients.sns.send(
      new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:t', Message: '{}' }),
    );
    const subnets = await clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-a'] }));
    const unknown = () => answerCommand(account, 'EC2Client', 'RunInstancesCommand', {}, GUARD_ARN);
    // Assess
    expect(groups.AutoScalingGroups?.[0]).toMatchObject({
      AutoScalingGroupName: 'workers',
      DesiredCapacity: 2,
    });
    expect(addon.addon?.configurationValues).toBe('');
    expect(published.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(account.snsPublishes).toHaveLength(1);
    expect(subnets.Subnets?.[0]?.AvailableIpAddressCount).toBeLessThan(1019);
    expect(unknown).toThrow(/does not answer RunInstancesCommand \(EC2Client\)/);
  });

  it('runs a guard: it receives events, its calls go through the SDK and come back as CloudTrail events with its identity', async () => {
    // Prepare
    const guard = buildClampGuard(4);
    const scenario = buildScenario({
      durationMin: 3,
      actions: [{ atSec: 10, group: 'workers', desired: 8 }],
    });
    // Act
    const report = await runScenario(scenario, { seed: 5, guard });
    // Assess
    const trails = guard.seen.filter((e) => e['detail-type'] === 'AWS API Call via CloudTrail');
    const arns = trails.map((e) => (e.detail as { userIdentity: { arn: string } }).userIdentity.arn);
    expect(arns).toEqual(['arn:aws:iam::111122223333:user/operator', GUARD_ARN]);
    expect(report.guard).toBe('clamp');
    expect(report.summary.nodesDesiredAtEnd).toBe(4);
  });
});

describe('scale-request actions', () => {
  it('are put on the bus as capacity-guard Scale Request events when a guard runs', async () => {
    // Prepare
    const guard = buildClampGuard(100);
    const scenario = buildScenario({
      durationMin: 1,
      actions: [{ atSec: 5, group: 'workers', desired: 3, via: 'scale-request' }],
      groups: buildScenarioJson().groups,
    });
    // Act
    await runScenario(scenario, { seed: 1, guard });
    // Assess
    expect(guard.seen.find((e) => e['detail-type'] === 'Scale Request')).toMatchObject({
      source: 'capacity-guard',
      detail: { autoScalingGroupName: 'workers', desiredCapacity: 3 },
    });
  });
});

import {
  AutoScalingClient,
  type AutoScalingGroup,
  CreateOrUpdateTagsCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeScheduledActionsCommand,
  SetDesiredCapacityCommand,
  SetInstanceProtectionCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AutoScalingGroupsAdapter } from '../../../../../shared/adapters/aws/auto-scaling-groups.js';
import { AwsCallError } from '../../../../../shared/adapters/aws/aws-error.js';
import { DynamoDbStateStore } from '../../../../../shared/adapters/aws/dynamodb-state-store.js';
import {
  attachTimeFilterValues,
  Ec2AttachObserver,
} from '../../../../../shared/adapters/aws/ec2-attach-observer.js';
import {
  EventBridgePublisher,
  EventPublishError,
} from '../../../../../shared/adapters/aws/eventbridge-publisher.js';
import { ConcurrentUpdateError } from '../../../../../shared/ports/guard-state-store.js';

const NOW = Date.UTC(2026, 10, 27, 8, 41, 30);

describe('Ec2AttachObserver', () => {
  it('pages through attached ENIs: recent secondary attachments, and launch times from primary ENIs', async () => {
    // Prepare
    const ec2 = mockClient(EC2Client);
    const eni = (id: string, atMs: number, deviceIndex: number, instanceId: string) => ({
      NetworkInterfaceId: id,
      Attachment: { AttachTime: new Date(atMs), DeviceIndex: deviceIndex, InstanceId: instanceId },
    });
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({
        NetworkInterfaces: [eni('a', NOW - 10_000, 1, 'i-other'), eni('b', NOW - 5_000, 0, 'i-other')],
        NextToken: 't',
      })
      .resolvesOnce({
        NetworkInterfaces: [eni('c', NOW - 90_000, 1, 'i-other'), eni('d', NOW - 1_000, 2, 'i-mine')],
      });
    const observer = new Ec2AttachObserver(new EC2Client({ region: 'us-east-1' }), { nowMs: () => NOW });
    // Act
    const seen = await observer.attachesSeenSince(NOW - 60_000);
    // Assess
    expect(seen.attaches).toEqual([
      { atMs: NOW - 10_000, instanceId: 'i-other' },
      { atMs: NOW - 1_000, instanceId: 'i-mine' },
    ]);
    expect([...seen.launchedAtMs]).toEqual([['i-other', NOW - 5_000]]);
    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 2);
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, {
      Filters: [{ Name: 'attachment.status', Values: ['attached', 'attaching'] }],
    });
    ec2.restore();
  });

  it('asks EC2 for the last minutes only when the time filter is on', async () => {
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    await new Ec2AttachObserver(
      new EC2Client({ region: 'us-east-1' }),
      { nowMs: () => NOW },
      true,
    ).attachesSeenSince(NOW - 60_000);
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, {
      Filters: [
        { Name: 'attachment.status', Values: ['attached', 'attaching'] },
        { Name: 'attachment.attach-time', Values: ['2026-11-27T08:40*', '2026-11-27T08:41*'] },
      ],
    });
    expect(attachTimeFilterValues(NOW - 120_000, NOW)).toHaveLength(3);
    ec2.restore();
  });
});

function buildAsg(overrides: Partial<AutoScalingGroup> = {}): AutoScalingGroup {
  return {
    AutoScalingGroupName: 'g',
    MinSize: 0,
    MaxSize: 10,
    DesiredCapacity: 2,
    DefaultCooldown: 300,
    AvailabilityZones: ['us-east-1a'],
    HealthCheckType: 'EC2',
    CreatedTime: new Date(NOW),
    Instances: [],
    ...overrides,
  };
}

describe('AutoScalingGroupsAdapter', () => {
  it('describes groups 100 names per call, pages, and maps instances and tags', async () => {
    const asg = mockClient(AutoScalingClient);
    asg.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[] }) => ({
      AutoScalingGroups: (input.AutoScalingGroupNames ?? []).slice(0, 2).map((name) => ({
        AutoScalingGroupName: name,
        DesiredCapacity: 3,
        MinSize: 1,
        MaxSize: 9,
        VPCZoneIdentifier: 'subnet-a, subnet-b',
        Tags: [{ Key: 'capacity-guard/enabled', Value: 'true' }],
        Instances: [
          { InstanceId: 'i-1', LifecycleState: 'InService', InstanceType: 'm5.large' },
          { InstanceId: 'i-2', LifecycleState: 'InService', ProtectedFromScaleIn: true },
        ],
      })),
    }));
    const names = Array.from({ length: 150 }, (_, i) => `g${i}`);
    const groups = await new AutoScalingGroupsAdapter(
      new AutoScalingClient({ region: 'us-east-1' }),
    ).describe(names);
    expect(asg).toHaveReceivedCommandTimes(DescribeAutoScalingGroupsCommand, 2);
    expect(groups[0]).toEqual({
      name: 'g0',
      desiredCapacity: 3,
      minSize: 1,
      maxSize: 9,
      instances: [
        {
          instanceId: 'i-1',
          lifecycleState: 'InService',
          instanceType: 'm5.large',
          protectedFromScaleIn: false,
        },
        { instanceId: 'i-2', lifecycleState: 'InService', protectedFromScaleIn: true },
      ],
      tags: { 'capacity-guard/enabled': 'true' },
      subnetIds: ['subnet-a', 'subnet-b'],
      instanceTypeOverrides: [],
    });
    asg.restore();
  });

  it("reads a mixed-instances group's override types, each once, past attribute-based overrides", async () => {
    // Prepare
    const asg = mockClient(AutoScalingClient);
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({
        AutoScalingGroups: [buildAsg({ AutoScalingGroupName: 'single' })],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        AutoScalingGroups: [
          buildAsg({
            AutoScalingGroupName: 'mixed',
            MixedInstancesPolicy: {
              LaunchTemplate: {
                LaunchTemplateSpecification: { LaunchTemplateName: 'nodes', Version: '$Default' },
                Overrides: [
                  { InstanceType: 'm5.large' },
                  { InstanceType: 'm5.4xlarge', WeightedCapacity: '8' },
                  { InstanceRequirements: { VCpuCount: { Min: 2 }, MemoryMiB: { Min: 4096 } } },
                  { InstanceType: 'm5.large' },
                ],
              },
            },
          }),
        ],
      });
    // Act
    const groups = await new AutoScalingGroupsAdapter(
      new AutoScalingClient({ region: 'us-east-1' }),
    ).listTagged('capacity-guard/enabled', 'true');
    // Assess
    expect(asg).toHaveReceivedCommandTimes(DescribeAutoScalingGroupsCommand, 2);
    expect(asg).toHaveReceivedNthCommandWith(2, DescribeAutoScalingGroupsCommand, { NextToken: 'page-2' });
    expect(groups.map((g) => [g.name, g.instanceTypeOverrides])).toEqual([
      ['single', []],
      ['mixed', ['m5.large', 'm5.4xlarge']],
    ]);
    asg.restore();
  });

  it('lists the groups carrying any of several tag keys in one filtered listing', async () => {
    const asg = mockClient(AutoScalingClient);
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    await new AutoScalingGroupsAdapter(new AutoScalingClient({ region: 'us-east-1' })).listWithTagKeys([
      'capacity-guard/enabled',
      'capacity-guard/paced',
    ]);
    expect(asg).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      Filters: [{ Name: 'tag-key', Values: ['capacity-guard/enabled', 'capacity-guard/paced'] }],
    });
    asg.restore();
  });

  it('filters by tag server-side, sets desired without cooldown, lowers desired with a ceiling', async () => {
    const asg = mockClient(AutoScalingClient);
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    asg.on(SetDesiredCapacityCommand).resolves({});
    asg.on(UpdateAutoScalingGroupCommand).resolves({});
    const adapter = new AutoScalingGroupsAdapter(new AutoScalingClient({ region: 'us-east-1' }));
    await adapter.listTagged('capacity-guard/enabled', 'true');
    await adapter.setDesiredCapacity('g', 70);
    await adapter.updateBounds('g', { maxSize: 70, desiredCapacity: 70 });
    expect(asg).toHaveReceivedCommandWith(DescribeAutoScalingGroupsCommand, {
      Filters: [{ Name: 'tag:capacity-guard/enabled', Values: ['true'] }],
    });
    expect(asg).toHaveReceivedCommandWith(SetDesiredCapacityCommand, {
      AutoScalingGroupName: 'g',
      DesiredCapacity: 70,
      HonorCooldown: false,
    });
    expect(asg).toHaveReceivedCommandWith(UpdateAutoScalingGroupCommand, {
      AutoScalingGroupName: 'g',
      MaxSize: 70,
      DesiredCapacity: 70,
    });
    asg.restore();
  });

  it('sets its paced tag on the group alone (not on instances) and deletes it by key', async () => {
    // Prepare
    const asg = mockClient(AutoScalingClient);
    asg.on(CreateOrUpdateTagsCommand).resolves({});
    asg.on(DeleteTagsCommand).resolves({});
    const adapter = new AutoScalingGroupsAdapter(new AutoScalingClient({ region: 'us-east-1' }));
    // Act
    await adapter.markPaced('g', true);
    await adapter.markPaced('g', false);
    // Assess
    const tag = { ResourceId: 'g', ResourceType: 'auto-scaling-group', Key: 'capacity-guard/paced' };
    expect(asg).toHaveReceivedCommandWith(CreateOrUpdateTagsCommand, {
      Tags: [{ ...tag, Value: 'true', PropagateAtLaunch: false }],
    });
    expect(asg).toHaveReceivedCommandWith(DeleteTagsCommand, { Tags: [tag] });
    expect(asg).toHaveReceivedCommandTimes(CreateOrUpdateTagsCommand, 1);
  });

  it("pages through a group's scheduled actions, in StartTime order, with only the sizes each sets", async () => {
    // Prepare
    const asg = mockClient(AutoScalingClient);
    asg
      .on(DescribeScheduledActionsCommand)
      .resolvesOnce({
        ScheduledUpdateGroupActions: [
          {
            AutoScalingGroupName: 'g',
            ScheduledActionName: 'evening',
            StartTime: new Date(NOW + 600_000),
            Recurrence: '0 18 * * *',
            MinSize: 2,
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        ScheduledUpdateGroupActions: [
          {
            AutoScalingGroupName: 'g',
            ScheduledActionName: 'morning',
            StartTime: new Date(NOW + 60_000),
            DesiredCapacity: 120,
            MaxSize: 300,
          },
        ],
      });
    const adapter = new AutoScalingGroupsAdapter(new AutoScalingClient({ region: 'us-east-1' }));
    // Act
    const actions = await adapter.scheduledActions('g');
    // Assess
    expect(actions).toEqual([
      { name: 'morning', startMs: NOW + 60_000, desiredCapacity: 120, maxSize: 300 },
      { name: 'evening', startMs: NOW + 600_000, minSize: 2 },
    ]);
    expect(asg).toHaveReceivedNthCommandWith(1, DescribeScheduledActionsCommand, {
      AutoScalingGroupName: 'g',
      MaxRecords: 100,
    });
    expect(asg).toHaveReceivedNthCommandWith(2, DescribeScheduledActionsCommand, { NextToken: 'page-2' });
    asg.restore();
  });

  it('names DescribeScheduledActions when reading the scheduled actions fails', async () => {
    // Prepare
    const asg = mockClient(AutoScalingClient);
    asg
      .on(DescribeScheduledActionsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const adapter = new AutoScalingGroupsAdapter(new AutoScalingClient({ region: 'us-east-1' }));
    // Act
    const read = adapter.scheduledActions('g');
    // Assess
    await expect(read).rejects.toBeInstanceOf(AwsCallError);
    await expect(read).rejects.toMatchObject({ operation: 'autoscaling:DescribeScheduledActions' });
    asg.restore();
  });

  it('sets and removes scale-in protection 50 instances per call', async () => {
    // Prepare
    const asg = mockClient(AutoScalingClient);
    asg.on(SetInstanceProtectionCommand).resolves({});
    const adapter = new AutoScalingGroupsAdapter(new AutoScalingClient({ region: 'us-east-1' }));
    const ids = Array.from({ length: 120 }, (_, i) => `i-${i}`);
    // Act
    await adapter.setInstanceProtection('g', ids, true);
    await adapter.setInstanceProtection('g', ['i-7'], false);
    // Assess
    const calls = asg.commandCalls(SetInstanceProtectionCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.InstanceIds?.length)).toEqual([50, 50, 20, 1]);
    expect(calls[0]).toEqual({
      AutoScalingGroupName: 'g',
      InstanceIds: ids.slice(0, 50),
      ProtectedFromScaleIn: true,
    });
    expect(calls[3]).toEqual({
      AutoScalingGroupName: 'g',
      InstanceIds: ['i-7'],
      ProtectedFromScaleIn: false,
    });
    asg.restore();
  });

  it('wraps SDK failures in an error naming the operation', async () => {
    const asg = mockClient(AutoScalingClient);
    asg
      .on(SetDesiredCapacityCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));
    const adapter = new AutoScalingGroupsAdapter(
      new AutoScalingClient({ region: 'us-east-1', maxAttempts: 1 }),
    );
    await expect(adapter.setDesiredCapacity('g', 1)).rejects.toThrow(AwsCallError);
    await expect(adapter.setDesiredCapacity('g', 1)).rejects.toThrow(
      /autoscaling:SetDesiredCapacity failed: Throttling/,
    );
    asg.restore();
  });
});

describe('DynamoDbStateStore', () => {
  it('writes the ledger and plans in one transaction guarded by versions', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(TransactWriteCommand).resolves({});
    const store = new DynamoDbStateStore(new DynamoDBClient({ region: 'us-east-1' }), 'guard');
    await store.commit({
      ledgerVersion: 3,
      ledger: [{ atMs: 1, attaches: 2, groupName: 'g' }],
      putPlans: [],
      deletePlans: [{ groupName: 'g', expectedVersion: 4 }],
    });
    const input = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(input?.TransactItems).toHaveLength(2);
    expect(input?.TransactItems?.[0]?.Put?.ConditionExpression).toBe('#v = :v');
    expect(input?.TransactItems?.[1]?.Delete?.Key).toEqual({ pk: 'PLAN', sk: 'g' });
    ddb.restore();
  });

  it('turns a failed condition into ConcurrentUpdateError', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
      }),
    );
    const store = new DynamoDbStateStore(new DynamoDBClient({ region: 'us-east-1' }), 'guard');
    await expect(
      store.commit({ ledgerVersion: 0, ledger: [], putPlans: [], deletePlans: [] }),
    ).rejects.toThrow(ConcurrentUpdateError);
    ddb.restore();
  });
});

describe('EventBridgePublisher', () => {
  it('sends 10 entries per call and retries rejected entries once, then reports them', async () => {
    const events = mockClient(EventBridgeClient);
    events
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: [] })
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'ThrottlingException' }, { EventId: 'x' }],
      })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'default');
    const batch = Array.from({ length: 12 }, (_, i) => ({
      detailType: 'Stagger Step Applied',
      detail: { i },
    }));
    await expect(publisher.publish(batch)).rejects.toThrow(EventPublishError);
    expect(events).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toHaveLength(10);
    expect(events.commandCalls(PutEventsCommand)[2]?.args[0].input.Entries).toHaveLength(1);
    events.restore();
  });
});

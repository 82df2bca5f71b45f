import { gzipSync } from 'node:zlib';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  DescribeScalingActivitiesCommand,
  PutLifecycleHookCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsCallError } from '../../../../../shared/adapters/aws/aws-error.js';
import {
  AwsLifecycleHookAdmin,
  LaunchTemplateUserDataError,
} from '../../../../../shared/adapters/aws/lifecycle-hook-admin.js';

const autoScaling = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);
const admin = () =>
  new AwsLifecycleHookAdmin(
    new AutoScalingClient({ region: 'us-east-1' }),
    new EC2Client({ region: 'us-east-1' }),
  );

beforeEach(() => {
  autoScaling.reset();
  ec2.reset();
});

afterAll(() => {
  autoScaling.restore();
  ec2.restore();
});

describe('AwsLifecycleHookAdmin', () => {
  it('pages through tagged groups, filtering server-side, and reads their launch template', async () => {
    // Prepare
    autoScaling
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce({
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'a',
            MinSize: 0,
            MaxSize: 9,
            DesiredCapacity: 1,
            DefaultCooldown: 300,
            AvailabilityZones: [],
            HealthCheckType: 'EC2',
            CreatedTime: new Date(0),
            LaunchTemplate: { LaunchTemplateId: 'lt-a', LaunchTemplateName: 'a', Version: '$Latest' },
            Tags: [{ Key: 'capacity-guard/enabled', Value: 'true' }],
            Instances: [
              {
                InstanceId: 'i-1',
                LifecycleState: 'Pending:Wait',
                AvailabilityZone: 'us-east-1a',
                HealthStatus: 'Healthy',
                ProtectedFromScaleIn: false,
              },
            ],
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'b',
            MinSize: 0,
            MaxSize: 9,
            DesiredCapacity: 1,
            DefaultCooldown: 300,
            AvailabilityZones: [],
            HealthCheckType: 'EC2',
            CreatedTime: new Date(0),
            MixedInstancesPolicy: {
              LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateName: 'mixed', Version: '4' } },
            },
          },
        ],
      });

    // Act
    const groups = await admin().listTaggedGroups('capacity-guard/enabled', 'true');

    // Assess
    expect(groups).toEqual([
      {
        name: 'a',
        tags: { 'capacity-guard/enabled': 'true' },
        launchSource: { kind: 'launch-template', id: 'lt-a', version: '$Latest' },
        instances: [{ instanceId: 'i-1', lifecycleState: 'Pending:Wait', protectedFromScaleIn: false }],
      },
      {
        name: 'b',
        tags: {},
        launchSource: { kind: 'launch-template', name: 'mixed', version: '4' },
        instances: [],
      },
    ]);
    expect(autoScaling).toHaveReceivedCommandTimes(DescribeAutoScalingGroupsCommand, 2);
    expect(autoScaling).toHaveReceivedNthCommandWith(1, DescribeAutoScalingGroupsCommand, {
      Filters: [{ Name: 'tag:capacity-guard/enabled', Values: ['true'] }],
      MaxRecords: 100,
    });
    expect(autoScaling).toHaveReceivedNthCommandWith(2, DescribeAutoScalingGroupsCommand, {
      NextToken: 'page-2',
    });
  });

  it('puts a launch hook with every field and reads hooks back', async () => {
    // Prepare
    autoScaling.on(PutLifecycleHookCommand).resolves({});
    autoScaling.on(DescribeLifecycleHooksCommand).resolves({
      LifecycleHooks: [
        {
          AutoScalingGroupName: 'a',
          LifecycleHookName: 'capacity-guard-launch-gate',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
          HeartbeatTimeout: 600,
          DefaultResult: 'CONTINUE',
        },
      ],
    });
    const hook = {
      groupName: 'a',
      hookName: 'capacity-guard-launch-gate',
      transition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      heartbeatTimeoutSec: 600,
      defaultResult: 'CONTINUE' as const,
    };

    // Act
    await admin().putHook(hook);
    const hooks = await admin().describeHooks('a');

    // Assess
    expect(autoScaling).toHaveReceivedCommandWith(PutLifecycleHookCommand, {
      AutoScalingGroupName: 'a',
      LifecycleHookName: 'capacity-guard-launch-gate',
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      HeartbeatTimeout: 600,
      DefaultResult: 'CONTINUE',
    });
    expect(hooks).toEqual([hook]);
  });

  it('decodes plain and gzip-compressed user data of the named version', async () => {
    // Prepare
    const text = '#!/bin/bash\n# capacity-guard gate-wait v1\n';
    ec2
      .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-plain' })
      .resolves({
        LaunchTemplateVersions: [{ LaunchTemplateData: { UserData: Buffer.from(text).toString('base64') } }],
      })
      .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateName: 'zipped' })
      .resolves({
        LaunchTemplateVersions: [{ LaunchTemplateData: { UserData: gzipSync(text).toString('base64') } }],
      })
      .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-empty' })
      .resolves({ LaunchTemplateVersions: [{ LaunchTemplateData: {} }] });

    // Act
    const plain = await admin().launchTemplateUserData({
      kind: 'launch-template',
      id: 'lt-plain',
      version: '$Latest',
    });
    const zipped = await admin().launchTemplateUserData({
      kind: 'launch-template',
      name: 'zipped',
      version: '2',
    });
    const empty = await admin().launchTemplateUserData({
      kind: 'launch-template',
      id: 'lt-empty',
      version: '1',
    });

    // Assess
    expect(plain).toBe(text);
    expect(zipped).toBe(text);
    expect(empty).toBeNull();
    expect(ec2).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, {
      LaunchTemplateId: 'lt-plain',
      Versions: ['$Latest'],
    });
  });

  it('names a launch template version that does not exist, and wraps SDK errors with their cause', async () => {
    // Prepare
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    autoScaling.on(DescribeLifecycleHooksCommand).rejects(denied);

    // Act
    const missing = admin().launchTemplateUserData({ kind: 'launch-template', id: 'lt-x', version: '9' });
    const failed = admin().describeHooks('a');

    // Assess
    await expect(missing).rejects.toThrow(
      new LaunchTemplateUserDataError('launch template lt-x version 9: not found'),
    );
    await expect(failed).rejects.toBeInstanceOf(AwsCallError);
    await expect(failed).rejects.toMatchObject({
      operation: 'autoscaling:DescribeLifecycleHooks',
      cause: denied,
    });
  });

  it('finds launch start times in the scaling activities, paging until every instance is found', async () => {
    // Prepare
    const activity = (description: string, at: number) => ({
      ActivityId: description,
      AutoScalingGroupName: 'a',
      Cause: 'test',
      StartTime: new Date(at),
      StatusCode: 'InProgress' as const,
      Description: description,
    });
    autoScaling
      .on(DescribeScalingActivitiesCommand)
      .resolvesOnce({
        Activities: [
          activity('Launching a new EC2 instance: i-0aaaaaaaaaaaaaaaa', 3000),
          activity('Terminating EC2 instance: i-0bbbbbbbbbbbbbbbb', 2500),
        ],
        NextToken: 'older',
      })
      .resolvesOnce({
        Activities: [activity('Launching a new EC2 instance: i-0bbbbbbbbbbbbbbbb', 2000)],
        NextToken: 'even-older',
      })
      .resolvesOnce({ Activities: [activity('Launching a new EC2 instance: i-0cccccccccccccccc', 1000)] });

    // Act
    const starts = await admin().launchStartTimes('a', ['i-0aaaaaaaaaaaaaaaa', 'i-0bbbbbbbbbbbbbbbb']);

    // Assess
    expect([...starts]).toEqual([
      ['i-0aaaaaaaaaaaaaaaa', 3000],
      ['i-0bbbbbbbbbbbbbbbb', 2000],
    ]);
    expect(autoScaling).toHaveReceivedCommandTimes(DescribeScalingActivitiesCommand, 2);
  });
});

import {
  AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  DescribeScalingActivitiesCommand,
  PutLifecycleHookCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { GATED_USER_DATA, PLAIN_USER_DATA } from '../../builders/gate-group.js';
import { runCapacityGuard } from '../../helpers/cli.js';

const autoScaling = mockClient(AutoScalingClient);
const ec2 = mockClient(EC2Client);

function group(name: string, overrides: Partial<AutoScalingGroup> = {}): AutoScalingGroup {
  return {
    AutoScalingGroupName: name,
    MinSize: 0,
    MaxSize: 10,
    DesiredCapacity: 2,
    DefaultCooldown: 300,
    AvailabilityZones: ['us-east-1a'],
    HealthCheckType: 'EC2',
    CreatedTime: new Date(0),
    LaunchTemplate: { LaunchTemplateId: `lt-${name}`, Version: '$Latest' },
    Tags: [
      { Key: 'capacity-guard/enabled', Value: 'true' },
      { Key: 'capacity-guard/mode', Value: 'gate' },
    ],
    ...overrides,
  };
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

beforeEach(() => {
  autoScaling.reset();
  ec2.reset();
  autoScaling.on(DescribeLifecycleHooksCommand).resolves({ LifecycleHooks: [] });
  autoScaling.on(PutLifecycleHookCommand).resolves({});
});

afterAll(() => {
  autoScaling.restore();
  ec2.restore();
});

describe('capacity-guard gate install', () => {
  it('dry run: prints the PutLifecycleHook it would make and the missing node-side wait, and changes nothing', async () => {
    // Prepare
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group('workers')] });
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [{ LaunchTemplateData: { UserData: base64(PLAIN_USER_DATA) } }],
    });

    // Act
    const run = await runCapacityGuard('gate', 'install', '--group', 'workers', '--region', 'us-east-1');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Lifecycle hook capacity-guard-launch-gate: create');
    expect(run.stdout).toContain(
      'PutLifecycleHook {"AutoScalingGroupName":"workers","LifecycleHookName":"capacity-guard-launch-gate","LifecycleTransition":"autoscaling:EC2_INSTANCE_LAUNCHING","HeartbeatTimeout":600,"DefaultResult":"CONTINUE"}',
    );
    expect(run.stdout).toContain(
      'Node-side wait: launch template lt-workers version $Latest: no node-side wait',
    );
    expect(run.stdout).toContain('capacity-guard gate snippet --os');
    expect(run.stdout).toContain('Dry run: nothing changed.');
    expect(autoScaling).not.toHaveReceivedCommand(PutLifecycleHookCommand);
  });

  it('--apply puts the hook with the given heartbeat timeout', async () => {
    // Prepare
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group('workers')] });
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [{ LaunchTemplateData: { UserData: base64(GATED_USER_DATA) } }],
    });

    // Act
    const run = await runCapacityGuard(
      'gate',
      'install',
      '--group',
      'workers',
      '--region',
      'us-east-1',
      '--heartbeat-timeout-sec',
      '300',
      '--apply',
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Node-side wait: launch template lt-workers version $Latest: carries the wait block',
    );
    // The template's wait reports; the group lacks the tag that lets the gate count on it from the first scale-out.
    expect(run.stdout).toContain('Node reports: sent, not tagged\n  its wait reports, but without the tag');
    expect(run.stdout).toContain('Hook capacity-guard-launch-gate put on workers.');
    expect(autoScaling).toHaveReceivedCommandTimes(PutLifecycleHookCommand, 1);
    expect(autoScaling).toHaveReceivedCommandWith(PutLifecycleHookCommand, {
      AutoScalingGroupName: 'workers',
      HeartbeatTimeout: 300,
      DefaultResult: 'CONTINUE',
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
    });
  });

  it.each([
    [[], "capacity-guard gate install: --group is required (see 'gate --help')\n"],
    [
      ['--group', 'g', '--heartbeat-timeout-sec', '10'],
      'capacity-guard --heartbeat-timeout-sec: 10 is out of range (expected 30..7200)\n',
    ],
    [
      ['--group', 'g', '--heartbeat-timeout-sec', '5m'],
      "capacity-guard --heartbeat-timeout-sec: '5m' is not a whole number (expected 30..7200)\n",
    ],
  ])('bad flags %j: one line, exit 2, no AWS call', async (flags, message) => {
    // Act
    const run = await runCapacityGuard('gate', 'install', ...flags);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(message);
    expect(autoScaling.calls()).toHaveLength(0);
  });

  it('names a group that does not exist, exit 2', async () => {
    // Prepare
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });

    // Act
    const run = await runCapacityGuard('gate', 'install', '--group', 'nope', '--region', 'us-east-1');

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("capacity-guard --group: no Auto Scaling group named 'nope' in this Region\n");
  });
});

describe('capacity-guard gate status', () => {
  it('tabulates opted-in groups: mode, hook, node wait, instances in Pending:Wait, the oldest wait and the protected', async () => {
    // Prepare
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        group('gated', {
          Instances: [
            {
              InstanceId: 'i-0aaaaaaaaaaaaaaaa',
              LifecycleState: 'Pending:Wait',
              AvailabilityZone: 'us-east-1a',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: false,
            },
            {
              InstanceId: 'i-0bbbbbbbbbbbbbbbb',
              LifecycleState: 'InService',
              AvailabilityZone: 'us-east-1a',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: true,
            },
          ],
        }),
        group('plain', { Tags: [{ Key: 'capacity-guard/enabled', Value: 'true' }] }),
      ],
    });
    autoScaling.on(DescribeLifecycleHooksCommand, { AutoScalingGroupName: 'gated' }).resolves({
      LifecycleHooks: [
        {
          AutoScalingGroupName: 'gated',
          LifecycleHookName: 'capacity-guard-launch-gate',
          LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
          HeartbeatTimeout: 600,
          DefaultResult: 'CONTINUE',
        },
      ],
    });
    autoScaling.on(DescribeScalingActivitiesCommand).resolves({
      Activities: [
        {
          ActivityId: 'a1',
          AutoScalingGroupName: 'gated',
          Cause: 'scale-out',
          StatusCode: 'InProgress',
          StartTime: new Date(Date.now() - 125_000),
          Description: 'Launching a new EC2 instance: i-0aaaaaaaaaaaaaaaa',
        },
      ],
    });
    ec2
      .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-gated' })
      .resolves({ LaunchTemplateVersions: [{ LaunchTemplateData: { UserData: base64(GATED_USER_DATA) } }] })
      .on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-plain' })
      .resolves({ LaunchTemplateVersions: [{ LaunchTemplateData: { UserData: base64(PLAIN_USER_DATA) } }] });

    // Act
    const run = await runCapacityGuard('gate', 'status', '--region', 'us-east-1');

    // Assess
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^GROUP +MODE +HOOK +NODE WAIT +REPORTS +PENDING:WAIT +OLDEST WAIT +PROTECTED$/);
    expect(lines[1]).toMatch(
      /^gated +gate +600 s CONTINUE +yes +sent, not tagged +1 +2m0\ds i-0aaaaaaaaaaaaaaaa +1$/,
    );
    expect(lines[2]).toMatch(/^plain +desired +none +MISSING +no +0 +- +0$/);
    expect(run.stdout).toContain(
      'plain: launch template lt-plain version $Latest: no node-side wait in the user data',
    );
    expect(run.stdout).toContain(
      'gated: its wait reports, but without the tag capacity-guard/gate-reports=true the gate learns it from the first report only',
    );
    expect(autoScaling).not.toHaveReceivedCommand(PutLifecycleHookCommand);
  });

  it('--json gives the rows as data', async () => {
    // Prepare
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [group('plain')] });
    ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
      LaunchTemplateVersions: [{ LaunchTemplateData: { UserData: base64(PLAIN_USER_DATA) } }],
    });

    // Act
    const run = await runCapacityGuard('gate', 'status', '--region', 'us-east-1', '--json');

    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        groupName: 'plain',
        mode: 'gate',
        hook: null,
        nodeWait: { kind: 'missing', source: 'launch template lt-plain version $Latest' },
        reportsTagged: false,
        waitingInstances: 0,
        protectedInstances: 0,
        oldestWait: null,
      },
    ]);
  });

  it('says so when no group is opted in', async () => {
    // Prepare
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });

    // Act
    const run = await runCapacityGuard('gate', 'status', '--region', 'us-east-1');

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('No Auto Scaling group carries capacity-guard/enabled=true in this Region.\n');
  });
});

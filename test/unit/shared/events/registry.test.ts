import { InvalidEventError } from '../../../../shared/events/invalid-event-error.js';
import { parseScaleEvent, SCALE_EVENT_PARSERS } from '../../../../shared/events/registry.js';
import type { ScaleSignal } from '../../../../shared/events/scale-signal.js';
import {
  buildEvent,
  GUARD_ROLE_ARN,
  GUARD_SESSION_ARN,
  listEventFixtures,
  loadEventFixture,
  type Override,
} from './event-fixtures.js';

const OPTS = { selfIdentityArns: [GUARD_ROLE_ARN] } as const;
const ms = (iso: string): number => Date.parse(iso);

const EXPECTED: Record<string, ScaleSignal> = {
  'aws.autoscaling/ec2-instance-launch-successful': {
    kind: 'instance-launched',
    eventId: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    groupName: 'shop-general',
    instanceId: 'i-0a1b2c3d4e5f60718',
    subnetId: 'subnet-0b1c2d3e4f5a60718',
    availabilityZone: 'eu-west-1a',
    atMs: ms('2024-11-29T08:00:41Z'),
  },
  'aws.autoscaling/ec2-instance-launch-unsuccessful': {
    kind: 'instance-launch-failed',
    eventId: 'b7f1d2a4-6c3e-4f59-8a21-0e9d8c7b6a54',
    groupName: 'shop-general',
    subnetId: 'subnet-0c2d3e4f5a6b70819',
    reason: 'subnet-out-of-addresses',
    message:
      "There are not enough free addresses in subnet 'subnet-0c2d3e4f5a6b70819' to satisfy the requested number of instances. Launching EC2 instance failed.",
    atMs: ms('2024-11-29T08:01:12Z'),
  },
  'aws.autoscaling/ec2-instance-terminate-successful': {
    kind: 'instance-terminated',
    eventId: '5a9e0c7d-2b14-4e86-9f3a-c1d2e3f4a5b6',
    groupName: 'shop-general',
    instanceId: 'i-0f9e8d7c6b5a40312',
    atMs: ms('2024-11-30T02:15:33Z'),
  },
  'aws.autoscaling/ec2-instance-launch-lifecycle-action': {
    kind: 'launch-lifecycle-action',
    eventId: '6f2b8e41-3c7d-4a95-b018-2e4f6a8c0d13',
    groupName: 'shop-general',
    instanceId: 'i-0a1b2c3d4e5f60718',
    hookName: 'capacity-guard-launch',
    token: '4c8e2a6f-1b3d-4f57-9a0c-8e6d4b2f0a13',
    origin: 'EC2',
    destination: 'AutoScalingGroup',
    atMs: ms('2024-11-29T08:00:39Z'),
  },
  'aws.autoscaling/ec2-instance-launch-lifecycle-action--into-warm-pool': {
    kind: 'launch-lifecycle-action',
    eventId: '8d0a4c62-5e9f-4b17-a3d2-4f6b8d0e2a35',
    groupName: 'shop-general',
    instanceId: 'i-0b2c3d4e5f6a70819',
    hookName: 'warm-pool-prepare',
    token: '7e1a3c5f-2d4b-4e69-8b1c-0f2e4d6a8c35',
    origin: 'EC2',
    destination: 'WarmPool',
    atMs: ms('2024-11-29T07:40:05Z'),
  },
  'aws.autoscaling/ec2-instance-launch-lifecycle-action--from-warm-pool': {
    kind: 'launch-lifecycle-action',
    eventId: '1a3c5e70-9b2d-4f84-a6c8-e0f2a4b6c8d9',
    groupName: 'shop-general',
    instanceId: 'i-0b2c3d4e5f6a70819',
    hookName: 'warm-pool-prepare',
    token: '2f4a6c8e-0b1d-4a35-9c7e-1d3f5b7d9e02',
    origin: 'WarmPool',
    destination: 'AutoScalingGroup',
    atMs: ms('2024-11-29T08:00:18Z'),
  },
  'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity': {
    kind: 'desired-set',
    eventId: 'c41d7e92-0a3b-4c68-9e15-7f2a8b3c4d50',
    groupName: 'shop-general',
    desired: 200,
    intentAtMs: ms('2024-11-29T08:00:02Z'),
    callerArn: 'arn:aws:sts::123456789012:assumed-role/shop-cluster-autoscaler/1732867203114598003',
    via: 'SetDesiredCapacity',
  },
  'aws.autoscaling/aws-api-call-via-cloudtrail--update-auto-scaling-group': {
    kind: 'desired-set',
    eventId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
    groupName: 'shop-general',
    desired: 200,
    minSize: 50,
    maxSize: 250,
    intentAtMs: ms('2024-11-29T07:55:19Z'),
    callerArn: 'arn:aws:sts::123456789012:assumed-role/shop-deployer/release-pipeline',
    via: 'UpdateAutoScalingGroup',
  },
  'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity-failed': {
    kind: 'ignored',
    eventId: '2d4f6a8c-0e1b-4d35-a7c9-e1f3a5c7e9b0',
    reason: 'failed call (errorCode ValidationError)',
  },
  'aws.eks/aws-api-call-via-cloudtrail--update-nodegroup-config': {
    kind: 'nodegroup-scaling-set',
    eventId: '7c9e1a3c-5e7a-4c9e-b1a3-c5e7a9c1e3a5',
    clusterName: 'shop',
    nodegroupName: 'general',
    desired: 200,
    minSize: 50,
    maxSize: 250,
    intentAtMs: ms('2024-11-29T08:00:00Z'),
    callerArn:
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PlatformAdmin_0123456789abcdef/jane.doe@example.com',
  },
  'aws.eks/aws-api-call-via-cloudtrail--update-nodegroup-config-cluster-name': {
    kind: 'nodegroup-scaling-set',
    eventId: '0e2a4c6e-8a0c-4e2a-9c6e-8a0c2e4a6c8e',
    clusterName: 'shop',
    nodegroupName: 'general',
    desired: 120,
    intentAtMs: ms('2024-11-29T09:12:43Z'),
    callerArn:
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PlatformAdmin_0123456789abcdef/jane.doe@example.com',
  },
  'capacity-guard/scale-request': {
    kind: 'desired-set',
    eventId: 'e5f7a9b1-c3d5-4e7f-9a1b-3c5d7e9f1a2b',
    groupName: 'shop-general',
    desired: 200,
    intentAtMs: ms('2024-11-29T07:45:00Z'),
    via: 'ScaleRequest',
    reason: 'black friday warm-up',
    requestedBy: 'release-pipeline',
  },
};

/** Drops `undefined` members so `toStrictEqual` compares what a JSON log would show. */
const defined = (signal: ScaleSignal): Record<string, unknown> =>
  Object.fromEntries(Object.entries(signal).filter(([, value]) => value !== undefined));

describe('parseScaleEvent on the fixtures', () => {
  it('has an expectation for every fixture file and a fixture for every expectation', () => {
    // Prepare / Act
    const files = listEventFixtures().sort();

    // Assess
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s parses to its signal', (name, expected) => {
    // Prepare
    const event = loadEventFixture(name);

    // Act
    const signal = parseScaleEvent(event, OPTS);

    // Assess
    expect(defined(signal)).toStrictEqual(expected);
  });

  it('covers every registered (source, detail-type) with at least one fixture', () => {
    // Prepare
    const covered = new Set(
      listEventFixtures().map((name) => {
        const event = loadEventFixture(name);
        return `${String(event.source)}|${String(event['detail-type'])}`;
      }),
    );

    // Act
    const uncovered = SCALE_EVENT_PARSERS.filter(
      (entry) => !covered.has(`${entry.source}|${entry.detailType}`),
    );

    // Assess
    expect(uncovered).toEqual([]);
  });
});

describe('parseScaleEvent: ignored events', () => {
  it('ignores an unknown detail-type as a no-op', () => {
    // Prepare
    const event = buildEvent('aws.autoscaling/ec2-instance-launch-successful', [
      [['detail-type'], 'EC2 Instance Refresh Started'],
      [['detail'], { anything: 1 }],
    ]);

    // Act
    const signal = parseScaleEvent(event, OPTS);

    // Assess
    expect(signal).toEqual({
      kind: 'ignored',
      eventId: '3e3c153a-8339-4e30-8c35-687ebef853fe',
      reason: 'no parser for aws.autoscaling / EC2 Instance Refresh Started',
    });
  });

  it('ignores an unknown source even with a known detail-type', () => {
    const event = buildEvent('capacity-guard/scale-request', [[['source'], 'someone-else']]);

    expect(parseScaleEvent(event, OPTS).kind).toBe('ignored');
  });

  it('ignores CloudTrail calls for other operations, before reading their parameters', () => {
    // Prepare
    const event = buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity', [
      [['detail', 'eventName'], 'CreateOrUpdateTags'],
      [['detail', 'requestParameters'], { tags: [] }],
    ]);

    // Act
    const signal = parseScaleEvent(event, OPTS);

    // Assess
    expect(signal).toMatchObject({ kind: 'ignored', reason: 'CreateOrUpdateTags is not a scaling call' });
  });

  it('ignores a failed call even when its parameters are malformed', () => {
    const event = buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity-failed', [
      [['detail', 'requestParameters', 'desiredCapacity'], 'abc'],
    ]);

    expect(parseScaleEvent(event, OPTS)).toMatchObject({
      kind: 'ignored',
      reason: 'failed call (errorCode ValidationError)',
    });
  });

  it('ignores a read-only call', () => {
    const event = buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity', [
      [['detail', 'readOnly'], true],
    ]);

    expect(parseScaleEvent(event, OPTS)).toMatchObject({ kind: 'ignored', reason: 'read-only call' });
  });

  it('ignores an UpdateAutoScalingGroup that changes no capacity', () => {
    const event = buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--update-auto-scaling-group', [
      [
        ['detail', 'requestParameters'],
        { autoScalingGroupName: 'shop-general', launchTemplate: { version: '$Latest' } },
      ],
    ]);

    expect(parseScaleEvent(event, OPTS)).toMatchObject({
      kind: 'ignored',
      reason: 'UpdateAutoScalingGroup without a capacity change',
    });
  });

  it('ignores an UpdateNodegroupConfig without scalingConfig', () => {
    const event = buildEvent('aws.eks/aws-api-call-via-cloudtrail--update-nodegroup-config', [
      [['detail', 'requestParameters', 'scalingConfig'], undefined],
      [['detail', 'requestParameters', 'labels'], { addOrUpdateLabels: { tier: 'web' } }],
    ]);

    expect(parseScaleEvent(event, OPTS)).toMatchObject({
      kind: 'ignored',
      reason: 'UpdateNodegroupConfig without a scaling change',
    });
  });
});

describe('parseScaleEvent: own calls', () => {
  const SET_DESIRED = 'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity';
  const asGuard = [
    [['detail', 'userIdentity', 'arn'], GUARD_SESSION_ARN],
    [['detail', 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn'], GUARD_ROLE_ARN],
  ] as const;

  it.each([
    ['the IAM role ARN (with a path)', [GUARD_ROLE_ARN]],
    ['the assumed-role ARN', [GUARD_SESSION_ARN]],
    [
      'the assumed-role ARN of another session of the role',
      ['arn:aws:sts::123456789012:assumed-role/capacity-guard-reactor/other'],
    ],
  ])('recognises the guard configured by %s', (_label, selfIdentityArns) => {
    // Prepare
    const event = buildEvent(SET_DESIRED, asGuard);

    // Act
    const signal = parseScaleEvent(event, { selfIdentityArns });

    // Assess
    expect(signal).toEqual({
      kind: 'ignored',
      eventId: 'c41d7e92-0a3b-4c68-9e15-7f2a8b3c4d50',
      reason: 'own call',
    });
  });

  it('recognises the guard from userIdentity.arn alone, without a session issuer', () => {
    // Prepare
    const event = buildEvent(SET_DESIRED, [
      [['detail', 'userIdentity'], { type: 'AssumedRole', arn: GUARD_SESSION_ARN }],
    ]);

    // Act
    const signal = parseScaleEvent(event, { selfIdentityArns: [GUARD_ROLE_ARN] });

    // Assess
    expect(signal).toMatchObject({ kind: 'ignored', reason: 'own call' });
  });

  it('recognises the guard from the session issuer alone', () => {
    const event = buildEvent(SET_DESIRED, [[['detail', 'userIdentity', 'arn'], undefined], asGuard[1]]);

    expect(parseScaleEvent(event, { selfIdentityArns: [GUARD_SESSION_ARN] })).toMatchObject({
      reason: 'own call',
    });
  });

  it.each([
    ['a role of the same name in another account', 'arn:aws:iam::210987654321:role/capacity-guard-reactor'],
    ['a role whose name only starts the same', 'arn:aws:iam::123456789012:role/capacity-guard'],
  ])('does not mistake %s for the guard', (_label, otherArn) => {
    const event = buildEvent(SET_DESIRED, asGuard);

    expect(parseScaleEvent(event, { selfIdentityArns: [otherArn] }).kind).toBe('desired-set');
  });

  it('treats an eks UpdateNodegroupConfig by the guard as its own', () => {
    const event = buildEvent('aws.eks/aws-api-call-via-cloudtrail--update-nodegroup-config', asGuard);

    expect(parseScaleEvent(event, OPTS)).toMatchObject({ kind: 'ignored', reason: 'own call' });
  });

  it('acts on a call with no userIdentity at all', () => {
    const event = buildEvent(SET_DESIRED, [[['detail', 'userIdentity'], undefined]]);

    expect(parseScaleEvent(event, OPTS)).toMatchObject({ kind: 'desired-set', callerArn: undefined });
  });
});

describe('parseScaleEvent: value forms', () => {
  const SET_DESIRED = 'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity';

  it('reads CloudTrail numbers given as strings', () => {
    // Prepare
    const event = buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--update-auto-scaling-group', [
      [['detail', 'requestParameters', 'desiredCapacity'], '200'],
      [['detail', 'requestParameters', 'minSize'], '0'],
      [['detail', 'requestParameters', 'maxSize'], 250],
    ]);

    // Act
    const signal = parseScaleEvent(event, OPTS);

    // Assess
    expect(signal).toMatchObject({ kind: 'desired-set', desired: 200, minSize: 0, maxSize: 250 });
  });

  it('turns an UpdateAutoScalingGroup with only bounds into a bounds-set', () => {
    // Prepare
    const event = buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--update-auto-scaling-group', [
      [['detail', 'requestParameters', 'desiredCapacity'], undefined],
      [['detail', 'requestParameters', 'minSize'], undefined],
    ]);

    // Act
    const signal = parseScaleEvent(event, OPTS);

    // Assess
    expect(defined(signal)).toStrictEqual({
      kind: 'bounds-set',
      eventId: 'f0e1d2c3-b4a5-4968-8776-655443322110',
      groupName: 'shop-general',
      maxSize: 250,
      intentAtMs: ms('2024-11-29T07:55:19Z'),
      callerArn: 'arn:aws:sts::123456789012:assumed-role/shop-deployer/release-pipeline',
      via: 'UpdateAutoScalingGroup',
    });
  });

  it('orders intent by eventTime, falling back to the envelope time', () => {
    const event = buildEvent(SET_DESIRED, [[['detail', 'eventTime'], undefined]]);

    expect(parseScaleEvent(event, OPTS)).toMatchObject({ intentAtMs: ms('2024-11-29T08:00:04Z') });
  });

  it('takes the subnet of a failed launch from its message when Details lacks it', () => {
    // Prepare
    const event = buildEvent('aws.autoscaling/ec2-instance-launch-unsuccessful', [
      [['detail', 'Details'], {}],
    ]);

    // Act
    const signal = parseScaleEvent(event, OPTS);

    // Assess
    expect(signal).toMatchObject({ reason: 'subnet-out-of-addresses', subnetId: 'subnet-0c2d3e4f5a6b70819' });
  });

  it('classifies other launch failures as other, falling back to the Description', () => {
    // Prepare
    const description =
      'Launching a new EC2 instance.  Status Reason: We currently do not have sufficient m5.large capacity in the Availability Zone you requested.';
    const event = buildEvent('aws.autoscaling/ec2-instance-launch-unsuccessful', [
      [['detail', 'StatusMessage'], ''],
      [['detail', 'Description'], description],
    ]);

    // Act
    const signal = parseScaleEvent(event, OPTS);

    // Assess
    expect(signal).toMatchObject({
      reason: 'other',
      message: description,
      subnetId: 'subnet-0c2d3e4f5a6b70819',
    });
  });

  it('accepts an eks call naming the cluster twice, consistently', () => {
    const event = buildEvent('aws.eks/aws-api-call-via-cloudtrail--update-nodegroup-config', [
      [['detail', 'requestParameters', 'clusterName'], 'shop'],
    ]);

    expect(parseScaleEvent(event, OPTS)).toMatchObject({ clusterName: 'shop' });
  });
});

describe('parseScaleEvent: malformed events', () => {
  it.each<[string, readonly Override[], string]>([
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity',
      [[['detail', 'requestParameters', 'desiredCapacity'], 'abc']],
      'detail.requestParameters.desiredCapacity: expected a whole number >= 0, got "abc"',
    ],
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity',
      [[['detail', 'requestParameters', 'desiredCapacity'], -1]],
      'detail.requestParameters.desiredCapacity: expected a whole number >= 0, got -1',
    ],
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity',
      [[['detail', 'requestParameters', 'desiredCapacity'], 2.5]],
      'detail.requestParameters.desiredCapacity: expected a whole number >= 0, got 2.5',
    ],
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity',
      [[['detail', 'requestParameters', 'desiredCapacity'], undefined]],
      'detail.requestParameters.desiredCapacity: expected a whole number >= 0, got undefined',
    ],
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity',
      [[['detail', 'requestParameters', 'autoScalingGroupName'], undefined]],
      'detail.requestParameters.autoScalingGroupName: expected a non-empty string, got undefined',
    ],
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity',
      [[['detail', 'requestParameters'], null]],
      'detail.requestParameters: expected a JSON object, got null',
    ],
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity',
      [[['detail', 'eventTime'], 'yesterday']],
      'detail.eventTime: expected an ISO 8601 timestamp such as "2024-11-29T08:00:00Z", got "yesterday"',
    ],
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity',
      [[['detail', 'userIdentity', 'arn'], 42]],
      'detail.userIdentity.arn: expected a string, got 42',
    ],
    [
      'aws.autoscaling/aws-api-call-via-cloudtrail--update-auto-scaling-group',
      [[['detail', 'requestParameters', 'maxSize'], '25O']],
      'detail.requestParameters.maxSize: expected a whole number >= 0, got "25O"',
    ],
    [
      'aws.autoscaling/ec2-instance-launch-successful',
      [[['detail', 'AutoScalingGroupName'], undefined]],
      'detail.AutoScalingGroupName: expected a non-empty string, got undefined',
    ],
    [
      'aws.autoscaling/ec2-instance-launch-successful',
      [[['detail', 'Details', 'Subnet ID'], 7]],
      'detail.Details["Subnet ID"]: expected a string, got 7',
    ],
    [
      'aws.autoscaling/ec2-instance-terminate-successful',
      [[['detail', 'EC2InstanceId'], '']],
      'detail.EC2InstanceId: expected a non-empty string, got ""',
    ],
    [
      'aws.autoscaling/ec2-instance-launch-lifecycle-action',
      [[['detail', 'LifecycleActionToken'], undefined]],
      'detail.LifecycleActionToken: expected a non-empty string, got undefined',
    ],
    [
      'aws.autoscaling/ec2-instance-launch-lifecycle-action',
      [[['detail', 'Destination'], 'Ocean']],
      'detail.Destination: expected one of EC2, AutoScalingGroup, WarmPool, got "Ocean"',
    ],
    [
      'aws.eks/aws-api-call-via-cloudtrail--update-nodegroup-config',
      [[['detail', 'requestParameters', 'name'], undefined]],
      'detail.requestParameters.name: expected a non-empty string (the cluster, or give it as clusterName), got undefined',
    ],
    [
      'aws.eks/aws-api-call-via-cloudtrail--update-nodegroup-config',
      [[['detail', 'requestParameters', 'clusterName'], 'other']],
      'detail.requestParameters.clusterName: expected the same cluster as name ("shop"), got "other"',
    ],
    [
      'aws.eks/aws-api-call-via-cloudtrail--update-nodegroup-config',
      [[['detail', 'requestParameters', 'scalingConfig', 'desiredSize'], 'many']],
      'detail.requestParameters.scalingConfig.desiredSize: expected a whole number >= 0, got "many"',
    ],
    [
      'capacity-guard/scale-request',
      [[['detail', 'desiredCapacity'], '1e3']],
      'detail.desiredCapacity: expected a whole number >= 0, got "1e3"',
    ],
    [
      'capacity-guard/scale-request',
      [[['detail', 'reasn'], 'typo']],
      'detail: expected only the fields autoScalingGroupName, desiredCapacity, reason, requestedBy, got "reasn"',
    ],
    ['capacity-guard/scale-request', [[['id'], '']], 'id: expected a non-empty string, got ""'],
    [
      'capacity-guard/scale-request',
      [[['detail-type'], undefined]],
      'detail-type: expected a non-empty string, got undefined',
    ],
    [
      'capacity-guard/scale-request',
      [[['time'], '2024-11-29 07:45:00']],
      'time: expected an ISO 8601 timestamp such as "2024-11-29T08:00:00Z", got "2024-11-29 07:45:00"',
    ],
    ['capacity-guard/scale-request', [[['detail'], [1, 2]]], 'detail: expected a JSON object, got [1,2]'],
    [
      'capacity-guard/scale-request',
      [[['resources'], 'none']],
      'resources: expected an array of strings, got "none"',
    ],
  ])('%s with %j fails with the path, value and expected form', (name, overrides, message) => {
    // Prepare
    const event = buildEvent(name, overrides);

    // Act
    const act = () => parseScaleEvent(event, OPTS);

    // Assess
    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow(message);
  });

  it('rejects a body that is not an object, naming the event itself', () => {
    expect(() => parseScaleEvent('not json', OPTS)).toThrow(
      '(event): expected a JSON object, got "not json"',
    );
  });

  it('cuts a long offending value in the message', () => {
    // Prepare
    const event = buildEvent('capacity-guard/scale-request', [
      [['detail', 'autoScalingGroupName'], 'x'.repeat(5000)],
    ]);
    const bad = buildEvent('capacity-guard/scale-request', [
      [['detail', 'desiredCapacity'], 'y'.repeat(5000)],
    ]);

    // Act
    const act = () => parseScaleEvent(bad, OPTS);

    // Assess
    expect(parseScaleEvent(event, OPTS).kind).toBe('desired-set');
    expect(act).toThrow(/got "y{79}…$/);
  });
});

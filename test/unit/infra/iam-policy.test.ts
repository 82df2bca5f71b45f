import {
  GATE_AUTO_SCALING_WRITE_POLICY,
  GUARD_AUTO_SCALING_WRITE_POLICY,
} from '../../../shared/adapters/simulated/guard-iam-policy.js';
import { type CfnResource, type CfnTemplate, loadPackagedTemplate } from './packaged-template.js';
import { checkTemplate, FindingKind } from './template-checks.js';

const role = (statements: object[]): CfnResource => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
  },
});

function buildTemplate(resources: Record<string, CfnResource> = {}): CfnTemplate {
  return {
    Resources: {
      Table: { Type: 'AWS::DynamoDB::Table', Properties: { SSESpecification: { SSEEnabled: true } } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/aws/sns' } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
      ...resources,
    },
  };
}

describe('checkTemplate on in-memory templates', () => {
  it('passes scoped writes, conditioned writes and read-only calls on every resource', () => {
    // Prepare
    const template = buildTemplate({
      Role: role([
        {
          Effect: 'Allow',
          Action: ['ec2:DescribeSubnets', 'autoscaling:DescribeAutoScalingGroups'],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: 'autoscaling:SetDesiredCapacity',
          Resource: '*',
          Condition: { StringEquals: { 'autoscaling:ResourceTag/capacity-guard/enabled': 'true' } },
        },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'Topic' } },
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        { Effect: 'Deny', Action: '*', Resource: '*' },
      ]),
      Key: {
        Type: 'AWS::KMS::Key',
        Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Action: 'kms:Create*', Resource: '*' }] } },
      },
    });

    // Act
    const findings = checkTemplate(template);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports wildcard actions, unscoped writes and unencrypted resources', () => {
    // Prepare
    const template = buildTemplate({
      Role: role([
        { Sid: 'All', Effect: 'Allow', Action: '*', Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } },
        { Sid: 'Service', Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::bucket' },
        { Sid: 'Open', Effect: 'Allow', Action: ['autoscaling:SetDesiredCapacity'], Resource: '*' },
        { Sid: 'Not', Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::bucket' },
      ]),
      QueuePolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] },
        },
      },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
      Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: false } },
    });

    // Act
    const findings = checkTemplate(template);

    // Assess
    expect(findings.map((f) => `${f.kind} ${f.resource}`).sort()).toEqual(
      [
        `${FindingKind.wildcardAction} Role/All`,
        `${FindingKind.wildcardAction} Role/Service`,
        `${FindingKind.unscopedMutation} Role/Open`,
        `${FindingKind.wildcardAction} Role/Not`,
        `${FindingKind.unscopedMutation} QueuePolicy`,
        `${FindingKind.unencrypted} Table`,
        `${FindingKind.unencrypted} Topic`,
        `${FindingKind.unencrypted} Queue`,
      ].sort(),
    );
  });

  it('fails when a wildcard is added to an otherwise clean role', () => {
    // Prepare
    const clean = buildTemplate({
      Role: role([{ Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:x' }]),
    });
    const widened = buildTemplate({
      Role: role([{ Effect: 'Allow', Action: 'sns:*', Resource: 'arn:aws:sns:x' }]),
    });

    // Act
    const before = checkTemplate(clean);
    const after = checkTemplate(widened);

    // Assess
    expect(before).toHaveLength(0);
    expect(after).toEqual([{ kind: FindingKind.wildcardAction, resource: 'Role', detail: 'action sns:*' }]);
  });
});

const packaged = loadPackagedTemplate('iam-policy.test');

(packaged ? describe : describe.skip)('the packaged template', () => {
  const template = packaged ?? { Resources: {} };
  const resourcesOfType = (type: string) =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

  it('has no wildcard action, no unscoped write and no unencrypted table, topic or queue', () => {
    // Act
    const findings = checkTemplate(template);

    // Assess
    expect(findings).toEqual([]);
  });

  it('gives every function its own role', () => {
    // Prepare
    const functions = resourcesOfType('AWS::Lambda::Function');

    // Act
    const roles = functions.map(([, fn]) => JSON.stringify(fn.Properties?.Role));

    // Assess
    expect(functions.length).toBeGreaterThanOrEqual(3);
    expect(new Set(roles).size).toBe(functions.length);
  });

  it('lets Auto Scaling writes through only on groups opted in or marked paced, as the simulated account enforces', () => {
    // Prepare
    const roleStatements = resourcesOfType('AWS::IAM::Role').map(([name, resource]) => ({
      name,
      statements: (
        (resource.Properties?.Policies ?? []) as {
          PolicyDocument: { Statement: Record<string, unknown>[] };
        }[]
      ).flatMap((policy) => policy.PolicyDocument.Statement),
    }));
    const writeActions = new Set(
      [...GUARD_AUTO_SCALING_WRITE_POLICY, ...GATE_AUTO_SCALING_WRITE_POLICY].flatMap((s) =>
        [s.Action].flat(),
      ),
    );

    // Act
    const writesByRole = new Map(
      roleStatements
        .map(({ name, statements }) => ({
          name,
          writes: statements
            .filter((s) => [s.Action].flat().some((a) => writeActions.has(a as string)))
            .map((s) => ({ Action: s.Action, Condition: s.Condition })),
        }))
        .filter((r) => r.writes.length > 0)
        .map((r) => [r.name, r.writes]),
    );

    // Assess: the pacing roles and the gate's, each with exactly the statements the simulated guard is held to
    expect([...writesByRole.keys()].sort()).toEqual([
      'GateReleaserRole',
      'LaunchGateRole',
      'ScaleReactorRole',
      'StaggerStepperRole',
    ]);
    expect(writesByRole.get('ScaleReactorRole')).toEqual(GUARD_AUTO_SCALING_WRITE_POLICY);
    expect(writesByRole.get('StaggerStepperRole')).toEqual(GUARD_AUTO_SCALING_WRITE_POLICY);
    expect(writesByRole.get('LaunchGateRole')).toEqual(GATE_AUTO_SCALING_WRITE_POLICY);
    expect(writesByRole.get('GateReleaserRole')).toEqual(GATE_AUTO_SCALING_WRITE_POLICY);
  });

  it('traces every function actively, with the permission to send segments and the switch in its environment', () => {
    // Prepare
    const functions = resourcesOfType('AWS::Lambda::Function');
    const roles = new Map(resourcesOfType('AWS::IAM::Role'));

    // Act
    const seen = functions.map(([name, fn]) => {
      const roleName = (fn.Properties?.Role as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0];
      const policies = (roles.get(roleName ?? '')?.Properties?.Policies ?? []) as {
        PolicyDocument: { Statement: { Action?: unknown }[] };
      }[];
      const actions = policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((st) => [st.Action].flat()));
      const env = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      return {
        name,
        mode: (fn.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode,
        enabled: env?.POWERTOOLS_TRACE_ENABLED,
        canTrace: actions.includes('xray:PutTraceSegments'),
      };
    });

    // Assess
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const fn of seen)
      expect(fn).toEqual({ name: fn.name, mode: 'Active', enabled: 'true', canTrace: true });
  });
});

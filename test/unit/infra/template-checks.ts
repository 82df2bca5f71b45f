import type { CfnTemplate } from './packaged-template.js';

export const FindingKind = {
  wildcardAction: 'wildcard-action',
  unscopedMutation: 'unscoped-mutation',
  unencrypted: 'unencrypted',
} as const;
export type FindingKind = (typeof FindingKind)[keyof typeof FindingKind];

export interface Finding {
  readonly kind: FindingKind;
  readonly resource: string;
  readonly detail: string;
}

interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** Where a policy document sits: a key policy's `Resource: '*'` means the key itself, not every resource. */
type PolicyScope = 'identity' | 'resource' | 'key';

/** Action name prefixes that only read (IAM's "List" and "Read" access levels for the guard's services). */
const READ_ONLY_PREFIXES = ['Describe', 'List', 'Get', 'BatchGet', 'Query', 'Scan', 'Search', 'Lookup'];

/**
 * Writes that accept no resource ARN at all (Service Authorization Reference, AWS X-Ray: "Resource types" is
 * empty for both), so `Resource: '*'` is the narrowest form there is.
 */
const RESOURCELESS_WRITES = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

const asArray = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function isReadOnly(action: string): boolean {
  const name = action.slice(action.indexOf(':') + 1);
  return READ_ONLY_PREFIXES.some((prefix) => name.startsWith(prefix));
}

function isWildcardAction(action: string): boolean {
  return action === '*' || /^[a-z0-9-]+:\*$/i.test(action);
}

function policyDocuments(template: CfnTemplate): { resource: string; scope: PolicyScope; doc: unknown }[] {
  const found: { resource: string; scope: PolicyScope; doc: unknown }[] = [];
  for (const [name, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        for (const policy of asArray(props.Policies)) {
          found.push({
            resource: name,
            scope: 'identity',
            doc: (policy as { PolicyDocument?: unknown }).PolicyDocument,
          });
        }
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        found.push({ resource: name, scope: 'identity', doc: props.PolicyDocument });
        break;
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SQS::QueuePolicy':
        found.push({ resource: name, scope: 'resource', doc: props.PolicyDocument });
        break;
      case 'AWS::KMS::Key':
        found.push({ resource: name, scope: 'key', doc: props.KeyPolicy });
        break;
      default:
        break;
    }
  }
  return found;
}

function checkStatement(resource: string, scope: PolicyScope, statement: Statement): Finding[] {
  if (statement.Effect !== 'Allow') return [];
  const label = `${resource}${statement.Sid ? `/${statement.Sid}` : ''}`;
  const findings: Finding[] = [];
  if (statement.NotAction !== undefined) {
    findings.push({ kind: FindingKind.wildcardAction, resource: label, detail: 'Allow with NotAction' });
  }
  const actions = asArray(statement.Action).filter((a): a is string => typeof a === 'string');
  for (const action of actions.filter(isWildcardAction)) {
    findings.push({ kind: FindingKind.wildcardAction, resource: label, detail: `action ${action}` });
  }
  const everyResource =
    statement.NotResource !== undefined || asArray(statement.Resource).some((r) => r === '*');
  const mutations = actions.filter((a) => !isReadOnly(a) && !RESOURCELESS_WRITES.has(a));
  if (scope !== 'key' && everyResource && statement.Condition === undefined && mutations.length > 0) {
    findings.push({
      kind: FindingKind.unscopedMutation,
      resource: label,
      detail: `${mutations.join(', ')} on every resource without a condition`,
    });
  }
  return findings;
}

function checkEncryption(template: CfnTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const [name, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    const missing = (detail: string) =>
      findings.push({ kind: FindingKind.unencrypted, resource: name, detail });
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        if ((props.SSESpecification as { SSEEnabled?: unknown } | undefined)?.SSEEnabled !== true)
          missing('table without SSESpecification.SSEEnabled: true');
        break;
      case 'AWS::SNS::Topic':
        if (props.KmsMasterKeyId === undefined) missing('topic without KmsMasterKeyId');
        break;
      case 'AWS::SQS::Queue':
        if (props.SqsManagedSseEnabled !== true && props.KmsMasterKeyId === undefined)
          missing('queue without SqsManagedSseEnabled or KmsMasterKeyId');
        break;
      default:
        break;
    }
  }
  return findings;
}

/**
 * Least-privilege and encryption findings of a CloudFormation template: `*` or `service:*` actions (and
 * `NotAction`) in any Allow statement; non-read actions on `Resource: '*'` without a condition (identity and
 * resource policies; a key policy's `*` is the key); tables, topics and queues without encryption at rest.
 */
export function checkTemplate(template: CfnTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const { resource, scope, doc } of policyDocuments(template)) {
    for (const statement of asArray((doc as { Statement?: unknown } | undefined)?.Statement)) {
      findings.push(...checkStatement(resource, scope, statement as Statement));
    }
  }
  return [...findings, ...checkEncryption(template)];
}

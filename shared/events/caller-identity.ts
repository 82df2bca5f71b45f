import { type ObjectAt, optionalObject, optionalString } from './json-fields.js';

/**
 * A principal reduced to what both of its ARN forms share. A Lambda's calls are logged under the STS
 * assumed-role ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, no role path) while configuration
 * names the IAM role (`arn:aws:iam::ACCOUNT:role/PATH/ROLE`): both reduce to account and role name.
 * Any other ARN is compared whole.
 */
type PrincipalKey = string;

const IAM_ROLE = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;
const STS_ASSUMED_ROLE = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/**
 * @example
 * principalKey('arn:aws:iam::123456789012:role/service/capacity-guard') // 'role:123456789012:capacity-guard'
 * principalKey('arn:aws:sts::123456789012:assumed-role/capacity-guard/fn') // 'role:123456789012:capacity-guard'
 */
export function principalKey(arn: string): PrincipalKey {
  const role = IAM_ROLE.exec(arn) ?? STS_ASSUMED_ROLE.exec(arn);
  if (role) return `role:${role[1]}:${role[2]}`;
  return `arn:${arn}`;
}

/** The guard's own principals, built once from the configured role ARNs (either form). */
export interface SelfIdentity {
  readonly keys: ReadonlySet<PrincipalKey>;
}

export function buildSelfIdentity(arns: readonly string[]): SelfIdentity {
  return { keys: new Set(arns.map(principalKey)) };
}

export interface CallerIdentity {
  /** `userIdentity.arn`, else the session issuer's ARN; absent for some AWS service principals. */
  readonly callerArn?: string;
  readonly isSelf: boolean;
}

/**
 * Reads who made a CloudTrail-recorded call: `userIdentity.arn` and
 * `userIdentity.sessionContext.sessionIssuer.arn` (CloudTrail userIdentity element).
 *
 * @example
 * readCallerIdentity(record, buildSelfIdentity(['arn:aws:iam::123456789012:role/capacity-guard'])).isSelf
 */
export function readCallerIdentity(record: ObjectAt, self: SelfIdentity): CallerIdentity {
  const identity = optionalObject(record, 'userIdentity');
  if (identity === undefined) return { isSelf: false };
  const arn = optionalString(identity, 'arn');
  const sessionContext = optionalObject(identity, 'sessionContext');
  const issuer = sessionContext === undefined ? undefined : optionalObject(sessionContext, 'sessionIssuer');
  const issuerArn = issuer === undefined ? undefined : optionalString(issuer, 'arn');
  const isSelf = [arn, issuerArn].some(
    (candidate) => candidate !== undefined && self.keys.has(principalKey(candidate)),
  );
  return { callerArn: arn ?? issuerArn, isSelf };
}

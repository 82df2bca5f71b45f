import {
  buildSelfIdentity,
  principalKey,
  readCallerIdentity,
} from '../../../../shared/events/caller-identity.js';
import { asObject } from '../../../../shared/events/json-fields.js';

describe('principalKey', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/capacity-guard', 'role:123456789012:capacity-guard'],
    ['arn:aws:iam::123456789012:role/a/b/capacity-guard', 'role:123456789012:capacity-guard'],
    ['arn:aws:sts::123456789012:assumed-role/capacity-guard/session-1', 'role:123456789012:capacity-guard'],
    ['arn:aws-cn:sts::123456789012:assumed-role/capacity-guard/s', 'role:123456789012:capacity-guard'],
    ['arn:aws:iam::123456789012:user/ops', 'arn:arn:aws:iam::123456789012:user/ops'],
  ])('reduces %s to %s', (arn, key) => {
    expect(principalKey(arn)).toBe(key);
  });
});

describe('readCallerIdentity', () => {
  const self = buildSelfIdentity(['arn:aws:iam::123456789012:role/platform/capacity-guard']);

  it('prefers userIdentity.arn as the caller and matches the issuer role', () => {
    // Prepare
    const record = asObject(
      {
        userIdentity: {
          arn: 'arn:aws:sts::123456789012:assumed-role/capacity-guard/fn',
          sessionContext: {
            sessionIssuer: { arn: 'arn:aws:iam::123456789012:role/platform/capacity-guard' },
          },
        },
      },
      'detail',
    );

    // Act
    const identity = readCallerIdentity(record, self);

    // Assess
    expect(identity).toEqual({
      callerArn: 'arn:aws:sts::123456789012:assumed-role/capacity-guard/fn',
      isSelf: true,
    });
  });

  it('falls back to the issuer ARN as the caller for principals without userIdentity.arn', () => {
    const record = asObject(
      { userIdentity: { sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::123456789012:role/ops' } } } },
      'detail',
    );

    expect(readCallerIdentity(record, self)).toEqual({
      callerArn: 'arn:aws:iam::123456789012:role/ops',
      isSelf: false,
    });
  });

  it('reads a service principal with no ARN as someone else', () => {
    const record = asObject(
      { userIdentity: { type: 'AWSService', invokedBy: 'eks.amazonaws.com' } },
      'detail',
    );

    expect(readCallerIdentity(record, self)).toEqual({ callerArn: undefined, isSelf: false });
  });
});

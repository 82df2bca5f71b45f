import { GUARD_AUTO_SCALING_WRITE_POLICY } from '../../../../shared/adapters/simulated/guard-iam-policy.js';
import { isAllowed, UnsupportedConditionError } from '../../../../shared/simulator/iam-policy.js';

const allowed = (action: string, tags: Record<string, string>, tagKeys: string[] | null = null) =>
  isAllowed(GUARD_AUTO_SCALING_WRITE_POLICY, { action, resourceTags: tags, requestTagKeys: tagKeys });

describe("the guard role's Auto Scaling writes, as the simulated account judges them", () => {
  it('allows capacity writes on opted-in or paced groups only', () => {
    expect(allowed('autoscaling:SetDesiredCapacity', { 'capacity-guard/enabled': 'true' })).toBe(true);
    expect(allowed('autoscaling:UpdateAutoScalingGroup', { 'capacity-guard/paced': 'true' })).toBe(true);
    expect(allowed('autoscaling:SetDesiredCapacity', { 'capacity-guard/enabled': 'false' })).toBe(false);
    expect(allowed('autoscaling:SetDesiredCapacity', {})).toBe(false);
  });

  it('lets the paced tag alone be set on opted-in groups and removed where it is', () => {
    const optedIn = { 'capacity-guard/enabled': 'true' };
    expect(allowed('autoscaling:CreateOrUpdateTags', optedIn, ['capacity-guard/paced'])).toBe(true);
    expect(allowed('autoscaling:CreateOrUpdateTags', optedIn, ['capacity-guard/enabled'])).toBe(false);
    expect(allowed('autoscaling:CreateOrUpdateTags', optedIn, [])).toBe(true);
    expect(allowed('autoscaling:CreateOrUpdateTags', optedIn, null)).toBe(false);
    expect(allowed('autoscaling:CreateOrUpdateTags', {}, ['capacity-guard/paced'])).toBe(false);
    expect(
      allowed('autoscaling:DeleteTags', { 'capacity-guard/paced': 'true' }, ['capacity-guard/paced']),
    ).toBe(true);
    expect(allowed('autoscaling:DeleteTags', optedIn, ['capacity-guard/paced'])).toBe(false);
  });

  it('refuses to judge a condition key it does not model', () => {
    expect(() =>
      isAllowed([{ Action: 'x', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } }], {
        action: 'x',
        resourceTags: {},
        requestTagKeys: null,
      }),
    ).toThrow(UnsupportedConditionError);
  });
});

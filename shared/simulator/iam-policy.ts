/**
 * The part of an identity-based IAM policy statement the simulated account evaluates on Auto Scaling writes,
 * written as in the deployed template (`infra/iam.yml`) so that a test can hold the two equal.
 */
export interface SimulatedIamStatement {
  readonly Action: string | readonly string[];
  readonly Condition: {
    readonly StringEquals?: Readonly<Record<string, string>>;
    readonly 'ForAllValues:StringEquals'?: Readonly<Record<string, readonly string[]>>;
    readonly Null?: Readonly<Record<string, string>>;
  };
}

/** One request as IAM sees it: the action, the target group's tags, the tag keys the request carries. */
export interface SimulatedIamRequest {
  readonly action: string;
  readonly resourceTags: Readonly<Record<string, string>>;
  readonly requestTagKeys: readonly string[] | null;
}

const RESOURCE_TAG_PREFIX = 'autoscaling:ResourceTag/';
const TAG_KEYS = 'aws:TagKeys';

/** A condition key the simulated account does not evaluate: a policy using it must not silently pass. */
export class UnsupportedConditionError extends Error {
  override readonly name = 'UnsupportedConditionError';
}

function contextValues(key: string, request: SimulatedIamRequest): readonly string[] | null {
  if (key.startsWith(RESOURCE_TAG_PREFIX)) {
    const value = request.resourceTags[key.slice(RESOURCE_TAG_PREFIX.length)];
    return value === undefined ? null : [value];
  }
  if (key === TAG_KEYS) return request.requestTagKeys;
  throw new UnsupportedConditionError(
    `condition key ${key} is not evaluated by the simulated account (expected ${RESOURCE_TAG_PREFIX}<key> or ${TAG_KEYS})`,
  );
}

function conditionHolds(statement: SimulatedIamStatement, request: SimulatedIamRequest): boolean {
  const { StringEquals = {}, 'ForAllValues:StringEquals': forAll = {}, Null = {} } = statement.Condition;
  // IAM policy evaluation: every operator and key of a Condition block must hold (AND); a single-valued
  // operator on a missing key fails; ForAllValues holds on an empty or missing set (hence the Null check).
  const equals = Object.entries(StringEquals).every(([key, expected]) =>
    (contextValues(key, request) ?? []).includes(expected),
  );
  const within = Object.entries(forAll).every(([key, allowed]) =>
    (contextValues(key, request) ?? []).every((value) => allowed.includes(value)),
  );
  const nulls = Object.entries(Null).every(
    ([key, isNull]) => (contextValues(key, request) === null) === (isNull === 'true'),
  );
  return equals && within && nulls;
}

/**
 * Whether an identity-based policy allows the request: some statement names the action and all its
 * conditions hold (no statement: implicit deny).
 *
 * @example
 * isAllowed([{ Action: 'autoscaling:SetDesiredCapacity', Condition: { StringEquals: { 'autoscaling:ResourceTag/team': 'a' } } }],
 *   { action: 'autoscaling:SetDesiredCapacity', resourceTags: { team: 'a' }, requestTagKeys: null }) // true
 */
export function isAllowed(
  statements: readonly SimulatedIamStatement[],
  request: SimulatedIamRequest,
): boolean {
  return statements.some(
    (statement) => [statement.Action].flat().includes(request.action) && conditionHolds(statement, request),
  );
}

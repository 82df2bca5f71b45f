import type { SimulatedIamStatement } from '../../simulator/iam-policy.js';

/**
 * Capacity writes, and the scale-in protection the desired and ceiling modes put on nodes whose attaches already
 * happened before lowering a group (and take off when the plan ends).
 */
const GROUP_ACTIONS = [
  'autoscaling:SetDesiredCapacity',
  'autoscaling:UpdateAutoScalingGroup',
  'autoscaling:SetInstanceProtection',
];
/** Releases and heartbeats, and the scale-in protection of a group's nodes in service while others wait. */
const GATE_ACTIONS = [
  'autoscaling:CompleteLifecycleAction',
  'autoscaling:RecordLifecycleActionHeartbeat',
  'autoscaling:SetInstanceProtection',
];
const ONLY_THE_PACED_TAG = {
  'ForAllValues:StringEquals': { 'aws:TagKeys': ['capacity-guard/paced'] },
  Null: { 'aws:TagKeys': 'false' },
};
const OPTED_IN = { StringEquals: { 'autoscaling:ResourceTag/capacity-guard/enabled': 'true' } };
const MARKED_PACED = { StringEquals: { 'autoscaling:ResourceTag/capacity-guard/paced': 'true' } };

/**
 * `actions` on groups opted in, and again on groups carrying the guard's paced mark (so a hand-back after an
 * opt-out is still allowed once); the mark itself set on opted-in groups and removed from marked ones, that one
 * key only.
 */
function optedInOrMarked(actions: readonly string[]): SimulatedIamStatement[] {
  return [
    { Action: [...actions], Condition: OPTED_IN },
    { Action: [...actions], Condition: MARKED_PACED },
    {
      Action: 'autoscaling:CreateOrUpdateTags',
      Condition: { StringEquals: OPTED_IN.StringEquals, ...ONLY_THE_PACED_TAG },
    },
    {
      Action: 'autoscaling:DeleteTags',
      Condition: { StringEquals: MARKED_PACED.StringEquals, ...ONLY_THE_PACED_TAG },
    },
  ];
}

/**
 * The Auto Scaling write statements (actions and conditions) of the scale reactor's and the stagger stepper's
 * roles in `infra/iam.yml`, which the simulated account enforces on the simulated guard; a test of the packaged
 * template holds the two equal.
 */
export const GUARD_AUTO_SCALING_WRITE_POLICY: readonly SimulatedIamStatement[] =
  optedInOrMarked(GROUP_ACTIONS);

/**
 * The Auto Scaling write statements of the launch gate's roles (`infra/launch-gate.yml`): lifecycle actions and
 * scale-in protection on opted-in groups, and on the groups it marked paced while their instances waited, so an
 * opt-out can still release them and unprotect their nodes once; the paced tag itself, as for the pacing roles.
 */
export const GATE_AUTO_SCALING_WRITE_POLICY: readonly SimulatedIamStatement[] = optedInOrMarked(GATE_ACTIONS);

/** The simulated guard runs every function under one identity: it is held to both roles' statements. */
export const SIMULATED_GUARD_WRITE_POLICY: readonly SimulatedIamStatement[] = [
  ...GUARD_AUTO_SCALING_WRITE_POLICY,
  ...GATE_AUTO_SCALING_WRITE_POLICY,
];

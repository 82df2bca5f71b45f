import type { SimulatedIamStatement } from '../../simulator/iam-policy.js';

const GROUP_ACTIONS = ['autoscaling:SetDesiredCapacity', 'autoscaling:UpdateAutoScalingGroup'];
const ONLY_THE_PACED_TAG = {
  'ForAllValues:StringEquals': { 'aws:TagKeys': ['capacity-guard/paced'] },
  Null: { 'aws:TagKeys': 'false' },
};

/**
 * The Auto Scaling write statements (actions and conditions) of the scale reactor's and the stagger stepper's
 * roles in `infra/iam.yml`, which the simulated account enforces on the simulated guard; a test of the packaged
 * template holds the two equal.
 */
export const GUARD_AUTO_SCALING_WRITE_POLICY: readonly SimulatedIamStatement[] = [
  {
    Action: GROUP_ACTIONS,
    Condition: { StringEquals: { 'autoscaling:ResourceTag/capacity-guard/enabled': 'true' } },
  },
  {
    Action: GROUP_ACTIONS,
    Condition: { StringEquals: { 'autoscaling:ResourceTag/capacity-guard/paced': 'true' } },
  },
  {
    Action: 'autoscaling:CreateOrUpdateTags',
    Condition: {
      StringEquals: { 'autoscaling:ResourceTag/capacity-guard/enabled': 'true' },
      ...ONLY_THE_PACED_TAG,
    },
  },
  {
    Action: 'autoscaling:DeleteTags',
    Condition: {
      StringEquals: { 'autoscaling:ResourceTag/capacity-guard/paced': 'true' },
      ...ONLY_THE_PACED_TAG,
    },
  },
];

const LIFECYCLE_ACTIONS = [
  'autoscaling:CompleteLifecycleAction',
  'autoscaling:RecordLifecycleActionHeartbeat',
];

/**
 * The Auto Scaling write statements of the launch gate's roles (`infra/launch-gate.yml`): lifecycle actions on
 * opted-in groups, and on the groups it marked paced while their instances waited, so an opt-out can still
 * release them once; the paced tag itself, as for the pacing roles.
 */
export const GATE_AUTO_SCALING_WRITE_POLICY: readonly SimulatedIamStatement[] = [
  {
    Action: LIFECYCLE_ACTIONS,
    Condition: { StringEquals: { 'autoscaling:ResourceTag/capacity-guard/enabled': 'true' } },
  },
  {
    Action: LIFECYCLE_ACTIONS,
    Condition: { StringEquals: { 'autoscaling:ResourceTag/capacity-guard/paced': 'true' } },
  },
  {
    Action: 'autoscaling:CreateOrUpdateTags',
    Condition: {
      StringEquals: { 'autoscaling:ResourceTag/capacity-guard/enabled': 'true' },
      ...ONLY_THE_PACED_TAG,
    },
  },
  {
    Action: 'autoscaling:DeleteTags',
    Condition: {
      StringEquals: { 'autoscaling:ResourceTag/capacity-guard/paced': 'true' },
      ...ONLY_THE_PACED_TAG,
    },
  },
];

/** The simulated guard runs every function under one identity: it is held to both roles' statements. */
export const SIMULATED_GUARD_WRITE_POLICY: readonly SimulatedIamStatement[] = [
  ...GUARD_AUTO_SCALING_WRITE_POLICY,
  ...GATE_AUTO_SCALING_WRITE_POLICY,
];

/**
 * Defaults of the guard's settings, shared by the Lambda configuration and the CLI so that `plan` shows the
 * schedule the deployed guard would follow.
 */
export const DEFAULT_GUARD_SETTINGS = Object.freeze({
  /** Account-wide ENI attach budget per rolling 60 s window (DOMAIN.md §3). */
  attachesPerMin: 40,
  /** Fraction of the budget left unplanned for unpredicted attaches. */
  safetyMargin: 0,
  /** Allowance for the spread of actual attach times after a step (boot variance, CNI 5 s cycles). */
  spreadSec: 10,
  /** Reserve for other consumers: their attaches of the last 60 s times this factor. */
  othersBurstFactor: 1.5,
  /** Time a plan may run beyond its schedule before the guard sets the target at once. */
  deadlineGraceSec: 300,
  /** Tag that opts an Auto Scaling group in. */
  optInTagKey: 'capacity-guard/enabled',
  optInTagValue: 'true',
  /**
   * Tag the guard sets on a group while a plan paces it (and removes when the plan ends). Its IAM policy lets it
   * write to groups carrying either tag, so that a group opted out mid-plan still gets its capacity handed back.
   */
  pacedTagKey: 'capacity-guard/paced',
  pacedTagValue: 'true',
  /** Tag that chooses how a group is paced: `gate` (launch lifecycle hook), `ceiling` or `desired`. */
  modeTagKey: 'capacity-guard/mode',
  /** Earlier name of the mode tag, still read when the new one is absent. */
  pacingModeTagKey: 'capacity-guard/pacing',
  /** Name of the launch lifecycle hook that holds a gated group's new instances. */
  gateHookName: 'capacity-guard-launch-gate',
  /** The hook's HeartbeatTimeout: an instance the guard does not release proceeds on its own after it. */
  gateHeartbeatTimeoutSec: 600,
  /**
   * Longest the guard keeps an instance at the gate (heartbeating the hook past its timeout meanwhile): under
   * Cluster Autoscaler's 15 min `--max-node-provision-time` with room for the rest of the boot, and under the
   * node-side wait's own 15 min limit.
   */
  gateMaxHoldSec: 780,
  /** A released node's remaining prediction retires once it attached and then stayed quiet this long. */
  gateSettleQuietSec: 90,
  /** A released node's remaining prediction retires this long after its release, whatever it attached. */
  gateSettleMaxSec: 300,
  /** How long what settled nodes of a group attached is trusted as the prediction for its new nodes. */
  gatePeerRefreshSec: 600,
  /**
   * How long one scheduled gate releaser invocation keeps passing while instances wait: until the next one is
   * due (the schedule invokes it every minute), so no second of a minute goes without a pass.
   */
  gateLoopSec: 60,
  /** Tag giving a gated group's share when several groups wait at once (whole number >= 1). */
  gateWeightTagKey: 'capacity-guard/gate-weight',
  /**
   * Tag `true` on a gated group whose nodes report reaching the wait point (the wait block's report, with the
   * node role allowed to send it): its waiting nodes that have not reported are still booting.
   */
  gateReportsTagKey: 'capacity-guard/gate-reports',
  /** Tag giving kubelet's max pods on the group's nodes when the launch template or nodeadm config sets it. */
  maxPodsTagKey: 'capacity-guard/max-pods',
  /** Tag giving the pods each new node is expected to run (otherwise a full node). */
  podsPerNodeTagKey: 'capacity-guard/pods-per-node',
});

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
  /** Tag that forces a pacing mode (`desired` or `ceiling`). */
  pacingModeTagKey: 'capacity-guard/pacing',
  /** Tag giving the pods each new node is expected to run (otherwise a full node). */
  podsPerNodeTagKey: 'capacity-guard/pods-per-node',
});

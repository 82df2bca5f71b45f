import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';
import { NODE_REPORT_DETAIL_TYPE, NODE_REPORT_SOURCE } from '../events/node-report.js';

/**
 * Gate mode's names and defaults, shared by the node-side snippets, the CLI and the docs.
 *
 * The hook holds each new instance in `Pending:Wait`; the node's user data waits before kubelet starts
 * until IMDS reports the target lifecycle state `InService` (DOMAIN.md §6).
 */
export const GATE_DEFAULTS = Object.freeze({
  /** Launch lifecycle hook the guard releases instances from. */
  hookName: DEFAULT_GUARD_SETTINGS.gateHookName,
  /** Seconds Auto Scaling holds an instance before `DefaultResult` (CONTINUE) applies. */
  heartbeatTimeoutSec: DEFAULT_GUARD_SETTINGS.gateHeartbeatTimeoutSec,
  /**
   * Seconds the node waits at most before starting kubelet anyway: a backstop above the hook's heartbeat
   * timeout, which normally ends an unreleased wait first.
   */
  maxHoldSec: 900,
  /**
   * Seconds between two IMDS reads on the node: the release is seen within this, and the guard must count on the
   * node attaching as early as at once, so a short poll wastes less of the attach budget. Two local IMDS requests a
   * second are far below IMDS's per-instance throttling (EC2 user guide, "Instance metadata limits").
   */
  pollSec: 1,
  /** The node reports reaching the wait to the guard (EventBridge PutEvents); `gate snippet --no-report` turns it off. */
  report: true,
  /** Tag choosing how a group is paced: `gate`, `ceiling` or `desired`. */
  modeTagKey: DEFAULT_GUARD_SETTINGS.modeTagKey,
});

/** Accepted ranges of the node-side parameters. */
export const GATE_WAIT_LIMITS = Object.freeze({
  /** Up to the longest `HeartbeatTimeout` Auto Scaling accepts (7,200 s, DOMAIN.md §6). */
  maxHoldSec: { min: 1, max: 7200 },
  pollSec: { min: 1, max: 300 },
  /** `HeartbeatTimeout` range of PutLifecycleHook (DOMAIN.md §6). */
  heartbeatTimeoutSec: { min: 30, max: 7200 },
});

/**
 * First line of the wait block in every rendered snippet; `gate install` and `gate status` look for it in a
 * launch template's user data. Bump the version only when the block's contract changes: v2 added the node's
 * report (one EventBridge event when the node reaches the wait). Blocks of every version are recognised.
 */
export const GATE_WAIT_MARKER = '# capacity-guard gate-wait v2';

/** Any version of the marker, the version captured: `# capacity-guard gate-wait v1` is still in old templates. */
export const GATE_WAIT_MARKER_PATTERN = /^# capacity-guard gate-wait v([1-9]\d*)$/;

/** Environment variable that points the wait at another IMDS endpoint (tests, proxies). */
export const IMDS_ENDPOINT_ENV = 'CAPACITY_GUARD_IMDS_ENDPOINT';

/** Environment variable that replaces the whole EventBridge endpoint of the node's report (tests, proxies). */
export const EVENTS_ENDPOINT_ENV = 'CAPACITY_GUARD_EVENTS_ENDPOINT';

/**
 * The event a node puts on the account's default event bus (EventBridge PutEvents, signed with the instance
 * role) when it reaches the wait: the first read of its target lifecycle state was not `InService`. Its
 * `Detail` is {@link NodeWaitingDetail}.
 */
export const NODE_REPORT = Object.freeze({
  source: NODE_REPORT_SOURCE,
  detailType: NODE_REPORT_DETAIL_TYPE,
});

/** `Detail` of the node's report. */
export interface NodeWaitingDetail {
  /** `i-…`, from IMDS `meta-data/instance-id`. */
  readonly 'instance-id': string;
  /** When the node read a state other than `InService`, UTC, whole seconds: `2026-12-02T13:00:00Z`. */
  readonly 'reached-at': string;
}

/**
 * The statement the node role needs for the report; without it the node still waits and is released, the
 * guard just does not learn that it has booted. `<region>` and `<account>` are the group's (`arn:aws-cn:` in
 * the China Regions).
 */
export function nodeReportPolicyStatement(): Readonly<Record<string, unknown>> {
  return {
    Effect: 'Allow',
    Action: 'events:PutEvents',
    Resource: 'arn:aws:events:<region>:<account>:event-bus/default',
    Condition: { StringEquals: { 'events:source': NODE_REPORT.source } },
  };
}

/** Tag written to the journal by the wait block (`journalctl -t capacity-guard-gate`). */
export const GATE_LOG_TAG = 'capacity-guard-gate';

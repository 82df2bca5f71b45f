import { BUDGET_WINDOW_MS } from './attach-budget.js';
import {
  ATTACH_TIME_PRECISION_MS,
  CLOCK_SKEW_MS,
  type ObservedAttach,
  type Progress,
  progressOf,
  type ReleasedInstance,
  seenSinceMs,
} from './attach-timing.js';
import { isReady, releaseOrder } from './gate-release-order.js';
import { busiestSpan, type Expected, fitsEveryWindow, spread } from './gate-windows.js';

export type { ObservedAttach, ReleasedInstance } from './attach-timing.js';

/**
 * The launch gate: a launch lifecycle hook holds each new instance in `Pending:Wait` and its node waits for
 * `InService` before kubelet starts (DOMAIN.md §6), so nothing attaches until the guard releases it. The guard
 * releases instances under a closed-loop ledger: the attaches seen in the account in the last 60 s plus the
 * attaches still expected from instances it released and has not yet seen attach.
 */

/** Settings of the gate, validated by the runtime configuration. */
export interface GatePolicy {
  /** Attachments allowed in any rolling 60 s window, less the safety margin (see `effectiveBudget`). */
  readonly attachesPerWindow: number;
  /** Longest the guard keeps an instance waiting; past it the instance is released whatever the budget. */
  readonly maxHoldMs: number;
  /** The hook's HeartbeatTimeout: an instance not released by then proceeds on its own (DefaultResult CONTINUE). */
  readonly heartbeatTimeoutMs: number;
  /** A released instance's prediction retires once it has attached and then attached nothing for this long. */
  readonly settleQuietMs: number;
  /** A released instance's prediction retires this long after its release, whatever it attached. */
  readonly settleMaxMs: number;
}

/** An instance the hook holds, as the guard sees it on one pass. */
export interface WaitingInstance {
  readonly instanceId: string;
  readonly groupName: string;
  /** When the instance began to wait (the lifecycle action's time, or when a pass first saw it). */
  readonly waitingSinceMs: number;
  /** When the guard last restarted the hook's timeout for it; null: never. */
  readonly heartbeatAtMs: number | null;
  /** Attaches this node is expected to make once released (exact type, CNI settings, max-pods cap). */
  readonly predictedAttaches: number;
  /** The group's share when groups wait together (tag), at least 1. */
  readonly weight: number;
  /** How soon after its release a node of this group can attach at the earliest (learned; 0 when unknown). */
  readonly attachDelayMs: number;
  /** How soon after one of its attaches a node of this group can attach again at the earliest (learned; 0). */
  readonly attachGapMs: number;
  /**
   * When the node reported reaching its wait point (booted, kubelet not started); null or absent: no report. A
   * node released after its report attaches within kubelet's and the CNI's start-up.
   */
  readonly readyAtMs?: number | null;
  /**
   * Its group's nodes report reaching the wait point (group tag, or learned from an earlier report): one that has
   * not reported is still booting, and releasing it would hold budget until its boot ends (see
   * {@link BOOT_GRACE_MS}).
   */
  readonly reportsReady?: boolean;
}

/**
 * How long a node of a group whose nodes report may go unreported before it is released like any waiting node
 * (its report was lost, or its user data has an older wait): longer than a boot to user data takes.
 */
export const BOOT_GRACE_MS = 180_000;

/**
 * While no node of a reporting group has reported yet (no waiting node has, no node in flight had), its nodes are
 * held for their report this long at most: a group tagged as reporting whose nodes do not (no permission, an old
 * launch template) then costs this much once per scale-out, not {@link BOOT_GRACE_MS}. Nodes reach the wait point
 * 30-70 s after launch.
 */
export const FIRST_REPORT_GRACE_MS = 90_000;

/**
 * Why an instance was released: the budget had room; it waited the maximum hold; a release before did not take;
 * the kill switch; its group was opted out while it waited (released by the pass, never decided here); or its
 * node attaches while held (its user data does not wait for `InService`, so holding it
 * gains nothing: it is let through and reported).
 */
export type ReleaseReason = 'budget' | 'max-hold' | 'retry' | 'kill-switch' | 'bypassed' | 'opt-out';

export interface GateRelease {
  readonly instance: WaitingInstance;
  readonly reason: ReleaseReason;
}

export interface GateDecision {
  /** Instances to release now with CompleteLifecycleAction CONTINUE. */
  readonly release: readonly GateRelease[];
  /** Waiting instances whose hook would time out before the guard can release them: restart their timeout. */
  readonly heartbeat: readonly WaitingInstance[];
  /** The released instances still expected to attach, this pass's releases included. */
  readonly inFlight: readonly ReleasedInstance[];
  /** Attaches seen in the last 60 s, every consumer. */
  readonly observedInWindow: number;
  /** Attaches still expected from released instances (before this pass's releases). */
  readonly pendingAttaches: number;
  /** Room left after this pass's releases. */
  readonly roomAfter: number;
  /**
   * How long the budget needs, at best, for everything booked and everything still waiting (s), at what other
   * consumers leave of it (their busiest recent minute). Above the maximum hold, some instances will be released by
   * the hold, not by the budget: the scale-out is larger than the gate can pace alone.
   */
  readonly backlogSec: number;
  /** When the next pass can change something (room frees, a hold or a heartbeat falls due); null: nothing waits. */
  readonly nextCheckAtMs: number | null;
  /**
   * Groups tagged as reporting whose nodes have waited {@link FIRST_REPORT_GRACE_MS} with no report from any of
   * them: their launch template or node role likely lacks the report, and each scale-out loses that long.
   */
  readonly silentReportingGroups: readonly string[];
}

export interface GateInput {
  readonly nowMs: number;
  readonly policy: GatePolicy;
  readonly waiting: readonly WaitingInstance[];
  readonly released: readonly ReleasedInstance[];
  /**
   * Attaches since at least two minutes ago and since the oldest in-flight release (see
   * {@link observationStartMs}).
   */
  readonly observed: readonly ObservedAttach[];
  /** The kill switch is on: every waiting instance goes at once (fail open). */
  readonly killSwitch?: boolean;
  /**
   * Instances of the gated groups (any state). Attaches by anything else are other consumers', expected to go on
   * at their busiest rolling minute of the last two.
   */
  readonly gatedInstanceIds?: ReadonlySet<string>;
}

/** A heartbeat is recorded this long before the hook would time out, so one slow pass cannot miss it. */
export const HEARTBEAT_LEAD_MS = 60_000;

/**
 * Other consumers' attaches are expected to go on as in their busiest stretches of this many windows before now:
 * their next minute is unknown, and the last one alone (or a fixed minute) is often a little below their busiest,
 * which left one of their attaches refused when the gated groups took the rest.
 */
export const OTHERS_HISTORY_WINDOWS = 2;

/**
 * Where a pass's observation must start: the last {@link OTHERS_HISTORY_WINDOWS} budget windows (other consumers'
 * busiest), widened to the oldest release still in flight (its attaches since release decide how much of its
 * prediction is still to come).
 *
 * @example
 * observationStartMs(400_000, [{ instanceId: 'i-1', groupName: 'g', releasedAtMs: 200_000, predictedAttaches: 2 }]) // 195_000
 */
export function observationStartMs(nowMs: number, released: readonly ReleasedInstance[]): number {
  let start = nowMs - OTHERS_HISTORY_WINDOWS * BUDGET_WINDOW_MS;
  for (const r of released) start = Math.min(start, seenSinceMs(r) - CLOCK_SKEW_MS);
  return start;
}

/**
 * When a released instance's remaining prediction stops counting: once all its predicted attaches are seen, once
 * it attached and then stayed quiet for `settleQuietMs`, or `settleMaxMs` after its release.
 *
 * @example
 * settlesAtMs({ instanceId: 'i-1', groupName: 'g', releasedAtMs: 0, predictedAttaches: 2 }, { seen: 2, lastAtMs: 9_000 }, policy) // 9_000
 */
export function settlesAtMs(
  released: ReleasedInstance,
  progress: Pick<Progress, 'seen' | 'lastAtMs'>,
  policy: GatePolicy,
): number {
  const cap = released.releasedAtMs + policy.settleMaxMs;
  if (progress.seen >= released.predictedAttaches)
    return Math.min(cap, progress.lastAtMs ?? released.releasedAtMs);
  if (progress.lastAtMs !== null) return Math.min(cap, progress.lastAtMs + policy.settleQuietMs);
  return cap;
}

/**
 * One pass of the gate (pure). Spend = attaches seen in the account in the last 60 s + attaches still expected
 * from released instances not yet settled; waiting instances are released in turn while their predicted attaches
 * fit every window they can fall in. An expected attach counts from the earliest time it can come: a node that
 * has attached can attach again at once, one that has not cannot before its release plus its group's learned
 * delay (kubelet and CNI start-up), so releases overlap the tail of the previous window instead of waiting it out.
 * An instance whose own need exceeds the whole budget goes alone into an empty window. An instance that has waited
 * `maxHoldMs` is released whatever the budget (fail open); one released before but still waiting (a lost call) is
 * released again without a second spend.
 *
 * Why this never overspends (when predictions and delays hold): every predicted attach holds a slot from the
 * earliest time it can come until 60 s after it is seen, and a release happens only while, at every future
 * instant, the slots held fit the budget; any 60 s window ending at t only holds attaches whose slots are held at t.
 *
 * @example
 * decideGate({ nowMs: 0, policy, waiting: [waiting('i-1', 2)], released: [], observed: [] }).release.length // 1
 */
export function decideGate(input: GateInput): GateDecision {
  const { nowMs, policy } = input;
  const budget = policy.attachesPerWindow;
  const releasedIds = new Set(input.released.map((r) => r.instanceId));
  // Each seen attach at the latest it can have happened (AttachTime is whole seconds): its slot is held that long.
  const seenTimesMs = input.observed
    .filter((a) => a.atMs <= nowMs + CLOCK_SKEW_MS)
    .map((a) => a.atMs + ATTACH_TIME_PRECISION_MS - 1)
    .filter((t) => t > nowMs - BUDGET_WINDOW_MS);
  const observedInWindow = seenTimesMs.length;
  // Other consumers (attaches by anything outside the gated groups) are expected to go on as in their busiest
  // stretch of the last two minutes: in the next s seconds, as many as they ever made in s seconds there (not a
  // pro-rated share of a minute: a steady consumer's attaches bunch a little, and a pro-rated share missed one).
  const ours = new Set([...input.released.map((r) => r.instanceId), ...(input.gatedInstanceIds ?? [])]);
  const othersHistoryMs = input.observed
    .filter(
      (a) =>
        a.atMs > nowMs - OTHERS_HISTORY_WINDOWS * BUDGET_WINDOW_MS &&
        a.atMs <= nowMs + CLOCK_SKEW_MS &&
        (a.instanceId === null || !ours.has(a.instanceId)),
    )
    .map((a) => a.atMs)
    .sort((a, b) => a - b);
  const othersBySpan = new Map<number, number>();
  const othersIn = (spanMs: number) => {
    if (spanMs <= 0) return 0;
    const known = othersBySpan.get(spanMs);
    if (known !== undefined) return known;
    // Whole-second times: attaches within s seconds of each other show within s + 1 s.
    const count = busiestSpan(othersHistoryMs, spanMs + ATTACH_TIME_PRECISION_MS);
    othersBySpan.set(spanMs, count);
    return count;
  };

  const inFlight: ReleasedInstance[] = [];
  const expected: Expected[] = [];
  let pendingAttaches = 0;
  let nextCheckAtMs: number | null = null;
  const wake = (atMs: number) => {
    if (atMs > nowMs) nextCheckAtMs = nextCheckAtMs === null ? atMs : Math.min(nextCheckAtMs, atMs);
  };
  for (const r of input.released) {
    const progress = progressOf(r, input.observed);
    const settleAt = settlesAtMs(r, progress, policy);
    if (settleAt <= nowMs) continue;
    inFlight.push(r);
    const remaining = Math.max(0, r.predictedAttaches - progress.seen);
    pendingAttaches += remaining;
    const next = progress.lastAtMs === null ? r.earliestAttachMs : progress.lastAtMs + r.attachGapMs;
    expected.push(...spread(Math.max(nowMs, next), remaining, r.attachGapMs));
    wake(settleAt);
  }

  const release: GateRelease[] = [];
  const heartbeat: WaitingInstance[] = [];
  const attachingWhileHeld = new Set(
    input.waiting
      .filter((w) =>
        input.observed.some(
          (a) => a.instanceId === w.instanceId && a.atMs >= w.waitingSinceMs - CLOCK_SKEW_MS,
        ),
      )
      .map((w) => w.instanceId),
  );
  let blocked = false;
  // An instance kept waiting: its hook's timeout is restarted before it would let the instance go unpaced.
  const keepWaiting = (w: WaitingInstance) => {
    wake(w.waitingSinceMs + policy.maxHoldMs);
    const timeoutAtMs = (w.heartbeatAtMs ?? w.waitingSinceMs) + policy.heartbeatTimeoutMs;
    const holdOutlastsTimeout = w.waitingSinceMs + policy.maxHoldMs > timeoutAtMs;
    if (holdOutlastsTimeout && timeoutAtMs - HEARTBEAT_LEAD_MS <= nowMs) heartbeat.push(w);
    else if (holdOutlastsTimeout) wake(timeoutAtMs - HEARTBEAT_LEAD_MS);
  };
  // Groups one of whose nodes has reported in this scale-out (waiting, or released after its report).
  const groupsHeardFrom = new Set([
    ...input.waiting.filter((w) => isReady(w, nowMs)).map((w) => w.groupName),
    ...input.released.filter((r) => r.readyAtRelease === true).map((r) => r.groupName),
  ]);
  const graceOf = (w: WaitingInstance) =>
    groupsHeardFrom.has(w.groupName) ? BOOT_GRACE_MS : FIRST_REPORT_GRACE_MS;
  const booting = (w: WaitingInstance) =>
    w.reportsReady === true && !isReady(w, nowMs) && nowMs - w.waitingSinceMs < graceOf(w);
  // Nodes still booting wait for their report unless everything waiting fits the budget now.
  const holdBooting =
    input.waiting.some(booting) &&
    !fitsEveryWindow(
      input.waiting
        .filter((w) => !releasedIds.has(w.instanceId))
        .flatMap((w) => spread(nowMs + w.attachDelayMs, w.predictedAttaches, w.attachGapMs)),
      expected,
      seenTimesMs,
      othersIn,
      nowMs,
      budget,
    );
  for (const w of releaseOrder(input.waiting, nowMs)) {
    if (releasedIds.has(w.instanceId)) {
      release.push({ instance: w, reason: 'retry' });
      continue;
    }
    if (attachingWhileHeld.has(w.instanceId)) {
      release.push({ instance: w, reason: 'bypassed' });
      inFlight.push({
        instanceId: w.instanceId,
        groupName: w.groupName,
        releasedAtMs: nowMs,
        predictedAttaches: w.predictedAttaches,
        earliestAttachMs: nowMs,
        waitedMs: nowMs - w.waitingSinceMs,
        attachGapMs: w.attachGapMs,
      });
      continue;
    }
    const held = nowMs - w.waitingSinceMs;
    const failOpen = input.killSwitch === true || held >= policy.maxHoldMs;
    if (!failOpen && holdBooting && booting(w)) {
      // Released now, it would hold budget until its boot ends; it does not block the queue behind it.
      wake(w.waitingSinceMs + graceOf(w));
      keepWaiting(w);
      continue;
    }
    const earliest = nowMs + w.attachDelayMs;
    const own = spread(earliest, w.predictedAttaches, w.attachGapMs);
    const windowEmpty = observedInWindow === 0 && expected.length === 0;
    const fits =
      !blocked &&
      (fitsEveryWindow(own, expected, seenTimesMs, othersIn, nowMs, budget) ||
        (windowEmpty && w.predictedAttaches > budget));
    if (failOpen || fits) {
      release.push({
        instance: w,
        reason: input.killSwitch ? 'kill-switch' : failOpen ? 'max-hold' : 'budget',
      });
      expected.push(...own);
      inFlight.push({
        instanceId: w.instanceId,
        groupName: w.groupName,
        releasedAtMs: nowMs,
        predictedAttaches: w.predictedAttaches,
        earliestAttachMs: earliest,
        waitedMs: held,
        attachGapMs: w.attachGapMs,
        ...(isReady(w, nowMs) ? { readyAtRelease: true } : {}),
      });
      continue;
    }
    if (!blocked) {
      // Room for this one appears as seen attaches leave the window its own attaches would fall in.
      for (const t of seenTimesMs) wake(t + BUDGET_WINDOW_MS - w.attachDelayMs);
    }
    // Strict order: a smaller instance behind a blocked one does not jump the queue (no starvation).
    blocked = true;
    keepWaiting(w);
  }
  const roomAfter = budget - observedInWindow - expected.reduce((sum, e) => sum + e.attaches, 0);
  const releasedNow = new Set(release.map((r) => r.instance.instanceId));
  const outstanding =
    expected.reduce((sum, e) => sum + e.attaches, 0) +
    input.waiting
      .filter((w) => !releasedNow.has(w.instanceId))
      .reduce((sum, w) => sum + w.predictedAttaches, 0);
  return {
    backlogSec:
      outstanding === 0
        ? 0
        : Math.ceil(outstanding / Math.max(1, budget - othersIn(BUDGET_WINDOW_MS))) *
          (BUDGET_WINDOW_MS / 1000),
    release,
    heartbeat,
    inFlight,
    observedInWindow,
    pendingAttaches,
    roomAfter: Math.max(0, roomAfter),
    nextCheckAtMs: input.waiting.length > release.length ? nextCheckAtMs : null,
    silentReportingGroups: [
      ...new Set(
        input.waiting
          .filter(
            (w) =>
              w.reportsReady === true &&
              !groupsHeardFrom.has(w.groupName) &&
              nowMs - w.waitingSinceMs >= FIRST_REPORT_GRACE_MS,
          )
          .map((w) => w.groupName),
      ),
    ].sort(),
  };
}

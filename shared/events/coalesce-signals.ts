import type {
  DesiredSetSignal,
  GroupIntentSignal,
  GroupSignal,
  IgnoredSignal,
  InstanceLaunchFailedSignal,
  LaunchLifecycleActionSignal,
  NodegroupScalingSetSignal,
  ScaleSignal,
} from './scale-signal.js';

export type GroupSignalKind = GroupSignal['kind'];

/** Everything one batch said about one Auto Scaling group: one unit of work for the reactor. */
export interface GroupWork {
  readonly groupName: string;
  /** The newest capacity intent of either kind: the latest intent wins. */
  readonly latestIntent?: GroupIntentSignal;
  /** The newest `desired-set`; older than `latestIntent` when a bounds-only change followed it. */
  readonly latestDesired?: DesiredSetSignal;
  /** How many distinct events of each kind the group received. */
  readonly counts: Readonly<Record<GroupSignalKind, number>>;
  /** Every distinct event id, in arrival order (for acknowledgement and idempotency records). */
  readonly eventIds: readonly string[];
  readonly launchedInstanceIds: readonly string[];
  readonly terminatedInstanceIds: readonly string[];
  readonly launchFailures: readonly InstanceLaunchFailedSignal[];
  /** Each carries its own token: none may be collapsed. */
  readonly lifecycleActions: readonly LaunchLifecycleActionSignal[];
  /** The latest `atMs` of an instance event. */
  readonly lastActivityAtMs?: number;
}

export interface NodegroupWork {
  readonly clusterName: string;
  readonly nodegroupName: string;
  readonly latestIntent: NodegroupScalingSetSignal;
  readonly received: number;
  readonly eventIds: readonly string[];
}

/**
 * A batch folded per target. Nothing is dropped without a trace:
 * `received` = Σ group counts + Σ node group `received` + `ignored.length` + `duplicateEventIds.length`.
 */
export interface CoalescedSignals {
  /** Keyed by Auto Scaling group name. */
  readonly groups: ReadonlyMap<string, GroupWork>;
  /** Keyed by {@link nodegroupKey}. */
  readonly nodegroups: ReadonlyMap<string, NodegroupWork>;
  readonly ignored: readonly IgnoredSignal[];
  /** Ids seen again after their first occurrence (EventBridge delivers at least once). */
  readonly duplicateEventIds: readonly string[];
  readonly received: number;
}

/**
 * EKS cluster and node group names cannot contain `/` (EKS API name pattern), so the key is unambiguous.
 *
 * @example
 * nodegroupKey('shop', 'general') // 'shop/general'
 */
export function nodegroupKey(clusterName: string, nodegroupName: string): string {
  return `${clusterName}/${nodegroupName}`;
}

/**
 * Later intent first by `intentAtMs`, then by `eventId` so that the winner does not depend on arrival order.
 *
 * @example
 * isNewerIntent({ intentAtMs: 2, eventId: 'a' }, { intentAtMs: 1, eventId: 'b' }) // true
 */
export function isNewerIntent(
  candidate: { readonly intentAtMs: number; readonly eventId: string },
  current: { readonly intentAtMs: number; readonly eventId: string } | undefined,
): boolean {
  if (current === undefined) return true;
  if (candidate.intentAtMs !== current.intentAtMs) return candidate.intentAtMs > current.intentAtMs;
  return candidate.eventId > current.eventId;
}

/** The writable form used while folding; structurally a {@link GroupWork}. */
interface GroupWorkDraft {
  readonly groupName: string;
  latestIntent?: GroupIntentSignal;
  latestDesired?: DesiredSetSignal;
  readonly counts: Record<GroupSignalKind, number>;
  readonly eventIds: string[];
  readonly launchedInstanceIds: string[];
  readonly terminatedInstanceIds: string[];
  readonly launchFailures: InstanceLaunchFailedSignal[];
  readonly lifecycleActions: LaunchLifecycleActionSignal[];
  lastActivityAtMs?: number;
}

interface NodegroupWorkDraft {
  readonly clusterName: string;
  readonly nodegroupName: string;
  latestIntent: NodegroupScalingSetSignal;
  received: number;
  readonly eventIds: string[];
}

function emptyGroupWork(groupName: string): GroupWorkDraft {
  return {
    groupName,
    counts: {
      'desired-set': 0,
      'bounds-set': 0,
      'instance-launched': 0,
      'instance-launch-failed': 0,
      'instance-terminated': 0,
      'launch-lifecycle-action': 0,
    },
    eventIds: [],
    launchedInstanceIds: [],
    terminatedInstanceIds: [],
    launchFailures: [],
    lifecycleActions: [],
  };
}

/**
 * Folds a burst of signals (one SQS batch) into one unit of work per Auto Scaling group and per EKS node
 * group, keeping the latest intent of each, so 150 launch events for one group become one piece of work.
 *
 * @example
 * const work = coalesceSignals(signals);
 * work.groups.get('shop-general')?.counts['instance-launched'] // 150
 */
export function coalesceSignals(signals: readonly ScaleSignal[]): CoalescedSignals {
  const groups = new Map<string, GroupWorkDraft>();
  const nodegroups = new Map<string, NodegroupWorkDraft>();
  const ignored: IgnoredSignal[] = [];
  const duplicateEventIds: string[] = [];
  const seen = new Set<string>();

  const groupFor = (groupName: string): GroupWorkDraft => {
    const existing = groups.get(groupName);
    if (existing) return existing;
    const created = emptyGroupWork(groupName);
    groups.set(groupName, created);
    return created;
  };

  for (const signal of signals) {
    if (seen.has(signal.eventId)) {
      duplicateEventIds.push(signal.eventId);
      continue;
    }
    seen.add(signal.eventId);
    switch (signal.kind) {
      case 'ignored':
        ignored.push(signal);
        break;
      case 'nodegroup-scaling-set': {
        const key = nodegroupKey(signal.clusterName, signal.nodegroupName);
        const work = nodegroups.get(key);
        if (work === undefined) {
          nodegroups.set(key, {
            clusterName: signal.clusterName,
            nodegroupName: signal.nodegroupName,
            latestIntent: signal,
            received: 1,
            eventIds: [signal.eventId],
          });
        } else {
          work.received += 1;
          work.eventIds.push(signal.eventId);
          if (isNewerIntent(signal, work.latestIntent)) work.latestIntent = signal;
        }
        break;
      }
      case 'desired-set':
      case 'bounds-set':
      case 'instance-launched':
      case 'instance-launch-failed':
      case 'instance-terminated':
      case 'launch-lifecycle-action':
        addGroupSignal(groupFor(signal.groupName), signal);
        break;
    }
  }
  return { groups, nodegroups, ignored, duplicateEventIds, received: signals.length };
}

function addGroupSignal(work: GroupWorkDraft, signal: GroupSignal): void {
  work.counts[signal.kind] += 1;
  work.eventIds.push(signal.eventId);
  switch (signal.kind) {
    case 'desired-set':
      if (isNewerIntent(signal, work.latestDesired)) work.latestDesired = signal;
      if (isNewerIntent(signal, work.latestIntent)) work.latestIntent = signal;
      return;
    case 'bounds-set':
      if (isNewerIntent(signal, work.latestIntent)) work.latestIntent = signal;
      return;
    case 'instance-launched':
      work.launchedInstanceIds.push(signal.instanceId);
      noteActivity(work, signal.atMs);
      return;
    case 'instance-launch-failed':
      work.launchFailures.push(signal);
      noteActivity(work, signal.atMs);
      return;
    case 'instance-terminated':
      work.terminatedInstanceIds.push(signal.instanceId);
      noteActivity(work, signal.atMs);
      return;
    case 'launch-lifecycle-action':
      work.lifecycleActions.push(signal);
      noteActivity(work, signal.atMs);
      return;
  }
}

function noteActivity(work: GroupWorkDraft, atMs: number): void {
  work.lastActivityAtMs = work.lastActivityAtMs === undefined ? atMs : Math.max(work.lastActivityAtMs, atMs);
}

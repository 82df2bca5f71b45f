import { type DelaySample, usableAttachDelayMs, usableAttachGapMs } from '../../domain/attach-timing.js';
import type { CniConfig } from '../../domain/cni-config.js';
import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';
import type { InstanceLimits } from '../../domain/instance-limits.js';
import type { ReleasedInstance, WaitingInstance } from '../../domain/launch-gate.js';
import type {
  AttachDelay,
  GateState,
  PeerEstimate,
  ReadyReport,
  ReportingGroup,
  WaitRecord,
} from '../../ports/gate-state-store.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import { guardModeOf } from '../group-profile.js';
import { INSTANCE_TYPE_TAG_KEY } from '../group-tags.js';
import { predictForGroup } from '../predict-group-attaches.js';
import type { GateDeps } from './gate-deps.js';
import { gateWeightOf } from './gate-weight.js';

/*
 * What one gate pass knows before it decides: the gated groups and their waiting instances, when each began to
 * wait, what settled peers attached, the delays learned, and instances that left the hook without the guard.
 */

/** Lifecycle state of an instance held by a launch hook. */
export const PENDING_WAIT = 'Pending:Wait';

/** A lifecycle action event can arrive before DescribeAutoScalingGroups shows the instance waiting. */
const UNSEEN_WAIT_KEPT_MS = 120_000;
/** Settled instances of a group sampled to learn what its new nodes will attach. */
const PEERS_SAMPLED = 10;

export interface Member {
  readonly group: ScalingGroup;
  readonly instanceId: string;
  readonly instanceType: string;
}

export function gatedGroups(groups: readonly ScalingGroup[]): ScalingGroup[] {
  return groups.filter((g) => {
    try {
      return guardModeOf(g) === 'gate';
    } catch {
      // A group with an invalid mode tag is not gated; the audit reports the tag.
      return false;
    }
  });
}

export function waitingMembers(groups: readonly ScalingGroup[]): Member[] {
  return groups.flatMap((group) =>
    group.instances
      .filter((i) => i.lifecycleState === PENDING_WAIT)
      .map((i) => ({
        group,
        instanceId: i.instanceId,
        instanceType: i.instanceType ?? group.tags[INSTANCE_TYPE_TAG_KEY] ?? '',
      })),
  );
}

/**
 * Wait records for this pass: the stored ones and the events' (earliest time wins); instances seen waiting are
 * `waiting` (first sightings start now). A record whose instance no longer waits is dropped, unless it came from
 * an event and its instance may not show as waiting yet.
 */
export function mergeWaits(
  stored: readonly WaitRecord[],
  recorded: readonly WaitRecord[],
  waiting: readonly { readonly instanceId: string; readonly groupName: string }[],
  nowMs: number,
): WaitRecord[] {
  const byId = new Map<string, WaitRecord>();
  for (const record of [...stored, ...recorded]) {
    const known = byId.get(record.instanceId);
    byId.set(
      record.instanceId,
      known
        ? {
            ...known,
            sinceMs: Math.min(known.sinceMs, record.sinceMs),
            hookName: known.hookName ?? record.hookName,
            heartbeatAtMs: known.heartbeatAtMs ?? record.heartbeatAtMs,
          }
        : record,
    );
  }
  const waitingIds = new Set(waiting.map((w) => w.instanceId));
  for (const w of waiting) {
    const known = byId.get(w.instanceId);
    byId.set(
      w.instanceId,
      known
        ? { ...known, stage: known.stage === 'released' ? 'released' : 'waiting' }
        : {
            instanceId: w.instanceId,
            groupName: w.groupName,
            sinceMs: nowMs,
            hookName: null,
            heartbeatAtMs: null,
            stage: 'waiting',
          },
    );
  }
  return [...byId.values()].filter(
    (r) =>
      waitingIds.has(r.instanceId) || (r.stage === 'recorded' && nowMs - r.sinceMs < UNSEEN_WAIT_KEPT_MS),
  );
}

/**
 * Readiness reports for this pass: the stored ones and the new ones (earliest wins), kept while their instance has
 * a wait record, or for a while when the report came first (its lifecycle action and listing may follow).
 */
export function mergeReports(
  stored: readonly ReadyReport[],
  received: readonly ReadyReport[],
  waits: readonly WaitRecord[],
  nowMs: number,
): ReadyReport[] {
  const byId = new Map<string, ReadyReport>();
  for (const report of [...stored, ...received]) {
    const known = byId.get(report.instanceId);
    if (!known || report.atMs < known.atMs)
      byId.set(report.instanceId, { instanceId: report.instanceId, atMs: report.atMs });
  }
  const waiting = new Set(waits.map((w) => w.instanceId));
  return [...byId.values()].filter((r) => waiting.has(r.instanceId) || nowMs - r.atMs < UNSEEN_WAIT_KEPT_MS);
}

/** How long a group is remembered as reporting after the last report of one of its nodes. */
export const REPORTING_MEMORY_MS = 7 * 24 * 3_600_000;

/**
 * The groups known to report: the stored ones, those a node of which reported now (the report's group is the
 * waiting instance's), forgotten {@link REPORTING_MEMORY_MS} after their last report.
 */
export function learnReportingGroups(
  stored: readonly ReportingGroup[],
  reports: readonly ReadyReport[],
  waiting: readonly { readonly instanceId: string; readonly groupName: string }[],
  nowMs: number,
): ReportingGroup[] {
  const groupOf = new Map(waiting.map((w) => [w.instanceId, w.groupName]));
  const last = new Map(
    stored.filter((g) => nowMs - g.atMs < REPORTING_MEMORY_MS).map((g) => [g.groupName, g.atMs]),
  );
  for (const report of reports) {
    const groupName = groupOf.get(report.instanceId);
    if (groupName !== undefined) last.set(groupName, Math.max(last.get(groupName) ?? 0, report.atMs));
  }
  return [...last]
    .map(([groupName, atMs]) => ({ groupName, atMs }))
    .sort((a, b) => a.groupName.localeCompare(b.groupName));
}

/**
 * Whether a group's nodes report reaching the wait point: tag `capacity-guard/gate-reports` = `true` (always) or
 * `false` (never); without the tag, once one of its nodes has reported (see {@link learnReportingGroups}).
 */
export function reportsReadyOf(group: ScalingGroup, learned: ReadonlySet<string> = new Set()): boolean {
  return reportsTagOf(group) ?? learned.has(group.name);
}

/** The group's tag `capacity-guard/gate-reports`: true, false, or undefined when absent or another value. */
export function reportsTagOf(group: {
  readonly tags: Readonly<Record<string, string>>;
}): boolean | undefined {
  const tag = group.tags[DEFAULT_GUARD_SETTINGS.gateReportsTagKey];
  return tag === 'true' ? true : tag === 'false' ? false : undefined;
}

export async function refreshPeers(
  deps: GateDeps,
  state: GateState,
  members: readonly Member[],
  nowMs: number,
): Promise<PeerEstimate[]> {
  const fresh = state.peers.filter((p) => nowMs - p.atMs < deps.settings.peerRefreshMs);
  const key = (groupName: string, instanceType: string) => `${groupName}\u0000${instanceType}`;
  const known = new Set(fresh.map((p) => key(p.groupName, p.instanceType)));
  const inFlight = new Set(state.released.map((r) => r.instanceId));
  const samples = new Map<string, { group: ScalingGroup; instanceType: string; ids: string[] }>();
  for (const m of members) {
    const k = key(m.group.name, m.instanceType);
    if (known.has(k) || samples.has(k)) continue;
    const ids = m.group.instances
      .filter(
        (i) =>
          i.lifecycleState === 'InService' &&
          i.instanceType === m.instanceType &&
          !inFlight.has(i.instanceId),
      )
      .map((i) => i.instanceId)
      .sort()
      .slice(0, PEERS_SAMPLED);
    if (ids.length > 0) samples.set(k, { group: m.group, instanceType: m.instanceType, ids });
  }
  if (samples.size === 0) return fresh;
  const counts = await deps.attaches.attachedEniCounts([...samples.values()].flatMap((s) => s.ids));
  const learned = [...samples.values()].map((s) => ({
    groupName: s.group.name,
    instanceType: s.instanceType,
    attaches: Math.max(...s.ids.map((id) => counts.get(id) ?? 0)),
    atMs: nowMs,
  }));
  return [...fresh, ...learned];
}

export function predictionOf(
  m: Member,
  peers: readonly PeerEstimate[],
  limits: ReadonlyMap<string, InstanceLimits>,
  clusterCni: ReadonlyMap<string, CniConfig> = new Map(),
): number {
  const peer = peers.find((p) => p.groupName === m.group.name && p.instanceType === m.instanceType);
  const typeLimits = limits.get(m.instanceType);
  if (!typeLimits) throw new Error(`${m.group.name}: no limits for instance type '${m.instanceType}'`);
  return predictForGroup(m.group, typeLimits, peer?.attaches ?? null, clusterCni.get(m.group.name)).attaches;
}

export function toWaiting(
  members: readonly Member[],
  waits: readonly WaitRecord[],
  peers: readonly PeerEstimate[],
  delays: readonly AttachDelay[],
  gaps: readonly AttachDelay[],
  limits: ReadonlyMap<string, InstanceLimits>,
  clusterCni: ReadonlyMap<string, CniConfig> = new Map(),
  reports: readonly ReadyReport[] = [],
  reportingGroups: readonly ReportingGroup[] = [],
): WaitingInstance[] {
  const learned = new Set(reportingGroups.map((g) => g.groupName));
  const waitOf = new Map(waits.map((w) => [w.instanceId, w]));
  const readyOf = new Map(reports.map((r) => [r.instanceId, r.atMs]));
  const delayOf = new Map(delays.map((d) => [d.groupName, d]));
  const gapOf = new Map(gaps.map((d) => [d.groupName, d]));
  return members.map((m) => {
    const record = waitOf.get(m.instanceId);
    return {
      instanceId: m.instanceId,
      groupName: m.group.name,
      waitingSinceMs: record?.sinceMs ?? 0,
      heartbeatAtMs: record?.heartbeatAtMs ?? null,
      predictedAttaches: predictionOf(m, peers, limits, clusterCni),
      weight: gateWeightOf(m.group),
      attachDelayMs: usableAttachDelayMs(delayOf.get(m.group.name) ?? null),
      attachGapMs: usableAttachGapMs(gapOf.get(m.group.name) ?? null),
      readyAtMs: readyOf.get(m.instanceId) ?? null,
      reportsReady: reportsReadyOf(m.group, learned),
    };
  });
}

/** What the ledger knew per group, updated with what this pass saw (the shortest wins); stale entries drop. */
export function learnShortest(
  stored: readonly AttachDelay[],
  seenNow: ReadonlyMap<string, DelaySample>,
  nowMs: number,
  refreshMs: number,
): AttachDelay[] {
  const byGroup = new Map(stored.filter((d) => nowMs - d.atMs < refreshMs).map((d) => [d.groupName, d]));
  // A node is seen again on later passes until it settles, so samples count views, not nodes: the count only
  // gates the first use; the shortest time is what the gate counts on.
  for (const [groupName, seen] of seenNow) {
    const known = byGroup.get(groupName);
    byGroup.set(groupName, {
      groupName,
      shortestMs: Math.min(known?.shortestMs ?? seen.shortestMs, seen.shortestMs),
      samples: Math.max(known?.samples ?? 0, seen.samples),
      atMs: known && known.shortestMs <= seen.shortestMs ? known.atMs : nowMs,
    });
  }
  return [...byGroup.values()];
}

/**
 * Instances that left the hook without the guard (the heartbeat timeout, or a person), or whose lifecycle event
 * arrived only after a pass had released them and their booking had settled: they join the ledger as released now
 * (their prediction runs its full course from now), and the attaches they made since they began to wait (the
 * earliest they can have left) count as seen, not as still to come. The pass marks their wait records released,
 * so each is booked once.
 */
export function proceededOnTheirOwn(
  groups: readonly ScalingGroup[],
  state: GateState,
  peers: readonly PeerEstimate[],
  limits: ReadonlyMap<string, InstanceLimits>,
  nowMs: number,
  clusterCni: ReadonlyMap<string, CniConfig> = new Map(),
): ReleasedInstance[] {
  const known = new Set(state.released.map((r) => r.instanceId));
  const waitedSince = new Map(
    state.waits.filter((w) => w.stage !== 'released').map((w) => [w.instanceId, w.sinceMs]),
  );
  const out: ReleasedInstance[] = [];
  for (const group of groups) {
    for (const i of group.instances) {
      const sinceMs = waitedSince.get(i.instanceId);
      if (sinceMs === undefined || known.has(i.instanceId) || i.lifecycleState === PENDING_WAIT) continue;
      if (!i.lifecycleState.startsWith('Pending') && i.lifecycleState !== 'InService') continue;
      const type = i.instanceType ?? group.tags[INSTANCE_TYPE_TAG_KEY];
      if (!type || !limits.has(type)) continue;
      const predicted = predictionOf(
        { group, instanceId: i.instanceId, instanceType: type },
        peers,
        limits,
        clusterCni,
      );
      out.push({
        instanceId: i.instanceId,
        groupName: group.name,
        releasedAtMs: nowMs,
        ...(sinceMs < nowMs ? { seenSinceMs: sinceMs } : {}),
        predictedAttaches: predicted,
        earliestAttachMs: nowMs,
        waitedMs: 0,
        attachGapMs: 0,
      });
    }
  }
  return out;
}

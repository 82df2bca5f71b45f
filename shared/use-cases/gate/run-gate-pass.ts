import {
  type DelaySample,
  shortestAttachDelaysMs,
  shortestAttachGapsMs,
  usableAttachDelayMs,
  usableAttachGapMs,
} from '../../domain/attach-timing.js';
import type { InstanceLimits } from '../../domain/instance-limits.js';
import {
  decideGate,
  type GateDecision,
  observationStartMs,
  type ReleasedInstance,
  type ReleaseReason,
  type WaitingInstance,
} from '../../domain/launch-gate.js';
import type { AttachDelay, GateState, PeerEstimate, WaitRecord } from '../../ports/gate-state-store.js';
import { ConcurrentUpdateError } from '../../ports/guard-state-store.js';
import type { LifecycleActionResult } from '../../ports/lifecycle-actions.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import { mapWithConcurrency } from '../audit/map-with-concurrency.js';
import { guardModeOf } from '../group-profile.js';
import { INSTANCE_TYPE_TAG_KEY } from '../group-tags.js';
import { predictForGroup } from '../predict-group-attaches.js';
import { MAX_COMMIT_ATTEMPTS } from '../stagger-deps.js';
import type { GateDeps } from './gate-deps.js';
import { gateWeightOf } from './gate-weight.js';

/** Lifecycle state of an instance held by a launch hook. */
export const PENDING_WAIT = 'Pending:Wait';

/** A lifecycle action event can arrive before DescribeAutoScalingGroups shows the instance waiting. */
const UNSEEN_WAIT_KEPT_MS = 120_000;
/** Settled instances of a group sampled to learn what its new nodes will attach. */
const PEERS_SAMPLED = 10;
/** Lifecycle calls in flight at once. */
const CALLS_IN_FLIGHT = 10;

export interface GatePassOutcome {
  readonly atMs: number;
  readonly waiting: number;
  /** Longest wait at the hook among the instances this pass saw waiting (s); 0 when none waits. */
  readonly oldestWaitSec: number;
  readonly released: Readonly<Record<ReleaseReason, number>>;
  readonly heartbeats: number;
  /** Releases Auto Scaling answered for an instance no longer waiting (proceeded at the timeout, or gone). */
  readonly notWaiting: number;
  readonly observedInWindow: number;
  readonly pendingAttaches: number;
  readonly roomAfter: number;
  /** How long the budget needs for everything booked and waiting (see `GateDecision.backlogSec`). */
  readonly backlogSec: number;
  readonly nextCheckAtMs: number | null;
  /** Lifecycle calls that failed: the instances stay waiting and are released again on the next pass. */
  readonly failedCalls: number;
}

export class GatePassConflictError extends Error {
  override readonly name = 'GatePassConflictError';
}

interface Member {
  readonly group: ScalingGroup;
  readonly instanceId: string;
  readonly instanceType: string;
}

function gatedGroups(groups: readonly ScalingGroup[]): ScalingGroup[] {
  return groups.filter((g) => {
    try {
      return guardModeOf(g) === 'gate';
    } catch {
      // A group with an invalid mode tag is not gated; the audit reports the tag.
      return false;
    }
  });
}

function waitingMembers(groups: readonly ScalingGroup[]): Member[] {
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

async function refreshPeers(
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

function predictionOf(
  m: Member,
  peers: readonly PeerEstimate[],
  limits: ReadonlyMap<string, InstanceLimits>,
): number {
  const peer = peers.find((p) => p.groupName === m.group.name && p.instanceType === m.instanceType);
  const typeLimits = limits.get(m.instanceType);
  if (!typeLimits) throw new Error(`${m.group.name}: no limits for instance type '${m.instanceType}'`);
  return predictForGroup(m.group, typeLimits, peer?.attaches ?? null).attaches;
}

function toWaiting(
  members: readonly Member[],
  waits: readonly WaitRecord[],
  peers: readonly PeerEstimate[],
  delays: readonly AttachDelay[],
  gaps: readonly AttachDelay[],
  limits: ReadonlyMap<string, InstanceLimits>,
): WaitingInstance[] {
  const waitOf = new Map(waits.map((w) => [w.instanceId, w]));
  const delayOf = new Map(delays.map((d) => [d.groupName, d]));
  const gapOf = new Map(gaps.map((d) => [d.groupName, d]));
  return members.map((m) => {
    const record = waitOf.get(m.instanceId);
    return {
      instanceId: m.instanceId,
      groupName: m.group.name,
      waitingSinceMs: record?.sinceMs ?? 0,
      heartbeatAtMs: record?.heartbeatAtMs ?? null,
      predictedAttaches: predictionOf(m, peers, limits),
      weight: gateWeightOf(m.group),
      attachDelayMs: usableAttachDelayMs(delayOf.get(m.group.name) ?? null),
      attachGapMs: usableAttachGapMs(gapOf.get(m.group.name) ?? null),
    };
  });
}

/** What the ledger knew per group, updated with what this pass saw (the shortest wins); stale entries drop. */
function learnShortest(
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
 * Instances that left the hook without the guard (the heartbeat timeout, or a person): they will attach all the
 * same, so they join the ledger as released now.
 */
function proceededOnTheirOwn(
  groups: readonly ScalingGroup[],
  state: GateState,
  peers: readonly PeerEstimate[],
  limits: ReadonlyMap<string, InstanceLimits>,
  nowMs: number,
): ReleasedInstance[] {
  const known = new Set(state.released.map((r) => r.instanceId));
  const waited = new Set(state.waits.filter((w) => w.stage !== 'released').map((w) => w.instanceId));
  const out: ReleasedInstance[] = [];
  for (const group of groups) {
    for (const i of group.instances) {
      if (!waited.has(i.instanceId) || known.has(i.instanceId) || i.lifecycleState === PENDING_WAIT) continue;
      if (!i.lifecycleState.startsWith('Pending') && i.lifecycleState !== 'InService') continue;
      const type = i.instanceType ?? group.tags[INSTANCE_TYPE_TAG_KEY];
      if (!type || !limits.has(type)) continue;
      const predicted = predictionOf({ group, instanceId: i.instanceId, instanceType: type }, peers, limits);
      out.push({
        instanceId: i.instanceId,
        groupName: group.name,
        releasedAtMs: nowMs,
        predictedAttaches: predicted,
        earliestAttachMs: nowMs,
        waitedMs: 0,
        attachGapMs: 0,
      });
    }
  }
  return out;
}

/**
 * One pass of the launch gate, level-triggered: reads the gated groups' waiting instances from Auto Scaling (so
 * a lost event only delays a pass), the account's recent attaches and the ledger; decides; commits the ledger
 * under its version BEFORE releasing anything (a crash in between leaves instances released in the ledger and
 * still waiting, and the next pass releases them again without a second spend); then releases and heartbeats.
 * Every attempt re-reads the clock and the ledger.
 */
export async function runGatePass(
  deps: GateDeps,
  recorded: readonly WaitRecord[] = [],
): Promise<GatePassOutcome> {
  const { settings } = deps;
  const killSwitch = await deps.killSwitch.isOn();
  const groups = gatedGroups(await deps.groups.listTagged(settings.optInTagKey, settings.optInTagValue));
  const members = waitingMembers(groups).filter((m) => m.instanceType !== '');
  const types = [
    ...new Set([
      ...members.map((m) => m.instanceType),
      ...groups.flatMap((g) => g.instances.map((i) => i.instanceType ?? '')).filter((t) => t !== ''),
    ]),
  ];
  const limits = types.length === 0 ? new Map<string, InstanceLimits>() : await deps.catalog.getLimits(types);

  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt += 1) {
    const nowMs = deps.clock.nowMs();
    const stored = await deps.store.readGate();
    const state = stored.value;
    const waits = mergeWaits(
      state.waits,
      recorded,
      members.map((m) => ({ instanceId: m.instanceId, groupName: m.group.name })),
      nowMs,
    );
    const peers = members.length === 0 ? state.peers : await refreshPeers(deps, state, members, nowMs);
    const released = [...state.released, ...proceededOnTheirOwn(groups, state, peers, limits, nowMs)];
    const observed =
      members.length === 0 && released.length === 0
        ? []
        : await deps.attaches.attachesSince(observationStartMs(nowMs, released));
    const delays = learnShortest(
      state.delays,
      shortestAttachDelaysMs(released, observed),
      nowMs,
      settings.peerRefreshMs,
    );
    const gaps = learnShortest(
      state.gaps,
      shortestAttachGapsMs(released, observed),
      nowMs,
      settings.peerRefreshMs,
    );
    const decision = decideGate({
      nowMs,
      policy: settings.policy,
      waiting: toWaiting(members, waits, peers, delays, gaps, limits),
      released,
      observed,
      killSwitch,
      gatedInstanceIds: new Set(groups.flatMap((g) => g.instances.map((i) => i.instanceId))),
    });
    const beating = new Set(decision.heartbeat.map((w) => w.instanceId));
    const releasing = new Set(decision.release.map((r) => r.instance.instanceId));
    const next: GateState = {
      released: decision.inFlight,
      waits: waits.map((w) =>
        beating.has(w.instanceId)
          ? { ...w, heartbeatAtMs: nowMs }
          : releasing.has(w.instanceId)
            ? { ...w, stage: 'released' as const }
            : w,
      ),
      peers,
      delays,
      gaps,
    };
    try {
      await deps.store.commitGate(next, stored.version);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError && attempt < MAX_COMMIT_ATTEMPTS) continue;
      throw error;
    }
    return act(deps, decision, waits, members.length, nowMs);
  }
  throw new GatePassConflictError(`the gate ledger kept changing over ${MAX_COMMIT_ATTEMPTS} attempts`);
}

async function act(
  deps: GateDeps,
  decision: GateDecision,
  waits: readonly WaitRecord[],
  waiting: number,
  nowMs: number,
): Promise<GatePassOutcome> {
  const hookOf = new Map(waits.map((w) => [w.instanceId, w.hookName ?? deps.settings.hookName]));
  const target = (w: WaitingInstance) => ({
    groupName: w.groupName,
    hookName: hookOf.get(w.instanceId) ?? deps.settings.hookName,
    instanceId: w.instanceId,
  });
  let failedCalls = 0;
  const call = async (
    fn: () => Promise<LifecycleActionResult>,
  ): Promise<LifecycleActionResult | 'failed'> => {
    try {
      return await fn();
    } catch {
      failedCalls += 1;
      return 'failed';
    }
  };
  const released = await mapWithConcurrency(decision.release, CALLS_IN_FLIGHT, (r) =>
    call(() => deps.actions.release(target(r.instance))),
  );
  await mapWithConcurrency(decision.heartbeat, CALLS_IN_FLIGHT, (w) =>
    call(() => deps.actions.heartbeat(target(w))),
  );
  const counts: Record<ReleaseReason, number> = {
    budget: 0,
    'max-hold': 0,
    retry: 0,
    'kill-switch': 0,
    bypassed: 0,
  };
  for (const r of decision.release) counts[r.reason] += 1;
  // Records of instances seen at the hook this pass (events not yet matched by the listing aside).
  const oldestSinceMs = Math.min(...waits.filter((w) => w.stage !== 'recorded').map((w) => w.sinceMs));
  const outcome: GatePassOutcome = {
    atMs: nowMs,
    waiting,
    oldestWaitSec:
      waiting === 0 || !Number.isFinite(oldestSinceMs) ? 0 : Math.round((nowMs - oldestSinceMs) / 1000),
    released: counts,
    heartbeats: decision.heartbeat.length,
    notWaiting: released.filter((r) => r === 'not-waiting').length,
    observedInWindow: decision.observedInWindow,
    pendingAttaches: decision.pendingAttaches,
    roomAfter: decision.roomAfter,
    backlogSec: decision.backlogSec,
    nextCheckAtMs: decision.nextCheckAtMs,
    failedCalls,
  };
  const bypassed = decision.release.filter((r) => r.reason === 'bypassed');
  if (bypassed.length > 0) {
    await deps.events.publish([
      {
        detailType: 'Launch Gate Bypassed',
        resources: [...new Set(bypassed.map((r) => r.instance.groupName))],
        detail: {
          reason:
            'these nodes attached ENIs while held at the launch hook: their user data does not wait for InService ' +
            '(capacity-guard gate snippet prints the wait; gate status shows which launch templates lack it)',
          instances: bypassed.map((r) => ({
            instanceId: r.instance.instanceId,
            autoScalingGroupName: r.instance.groupName,
          })),
        },
      },
    ]);
  }
  const fresh = decision.release.filter((r) => r.reason !== 'retry');
  if (fresh.length > 0) {
    await deps.events.publish([
      {
        detailType: 'Launch Gate Released',
        resources: [...new Set(fresh.map((r) => r.instance.groupName))],
        detail: {
          instances: fresh.map((r) => ({
            instanceId: r.instance.instanceId,
            autoScalingGroupName: r.instance.groupName,
            predictedAttaches: r.instance.predictedAttaches,
            waitedSec: Math.round((nowMs - r.instance.waitingSinceMs) / 1000),
            reason: r.reason,
          })),
          observedInWindow: decision.observedInWindow,
          pendingAttaches: decision.pendingAttaches,
          stillWaiting: waiting - decision.release.length,
        },
      },
    ]);
  }
  return outcome;
}

import { shortestAttachDelaysMs, shortestAttachGapsMs } from '../../domain/attach-timing.js';
import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';
import type { InstanceLimits } from '../../domain/instance-limits.js';
import {
  decideGate,
  type GateDecision,
  observationStartMs,
  type ReleaseReason,
  type WaitingInstance,
} from '../../domain/launch-gate.js';
import type { GateState, ReadyReport, WaitRecord } from '../../ports/gate-state-store.js';
import { ConcurrentUpdateError } from '../../ports/guard-state-store.js';
import type { LifecycleActionResult } from '../../ports/lifecycle-actions.js';
import { mapWithConcurrency } from '../audit/map-with-concurrency.js';
import { clusterCniConfigs } from '../cluster-cni.js';
import { MAX_COMMIT_ATTEMPTS } from '../stagger-deps.js';
import type { GateDeps } from './gate-deps.js';
import {
  gatedGroups,
  learnReportingGroups,
  learnShortest,
  mergeReports,
  mergeWaits,
  proceededOnTheirOwn,
  refreshPeers,
  toWaiting,
  waitingMembers,
} from './gate-ledger.js';
import { handOverOptedOut } from './gate-opt-out.js';
import {
  applyProtection,
  protectedEntries,
  protectedGroups,
  protectionChange,
} from './gate-protection-pass.js';

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
  /**
   * Lifecycle and scale-in protection calls that failed: the instances stay waiting and are released again, and the
   * protection is set or removed again, on the next pass.
   */
  readonly failedCalls: number;
  /** EC2 Describe calls (pages) the pass made to observe the account (0 when not counted). */
  readonly describeCalls: number;
  /** Groups tagged as reporting whose waiting nodes have not reported (see `GateDecision`). */
  readonly silentReportingGroups: readonly string[];
}

export class GatePassConflictError extends Error {
  override readonly name = 'GatePassConflictError';
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
  reported: readonly ReadyReport[] = [],
): Promise<GatePassOutcome> {
  const { settings } = deps;
  const callsBefore = deps.attaches.describeCalls?.() ?? 0;
  const killSwitch = await deps.killSwitch.isOn();
  // One listing for the opted-in groups and those still carrying the gate's mark (see gate-opt-out).
  const tagged = await deps.groups.listWithTagKeys([
    settings.optInTagKey,
    DEFAULT_GUARD_SETTINGS.pacedTagKey,
  ]);
  const listed = tagged.filter((g) => g.tags[settings.optInTagKey] === settings.optInTagValue);
  const groups = gatedGroups(listed);
  const members = waitingMembers(groups).filter((m) => m.instanceType !== '');
  const types = [
    ...new Set([
      ...members.map((m) => m.instanceType),
      ...groups.flatMap((g) => g.instances.map((i) => i.instanceType ?? '')).filter((t) => t !== ''),
    ]),
  ];
  const limits = types.length === 0 ? new Map<string, InstanceLimits>() : await deps.catalog.getLimits(types);
  // Only the groups with instances to predict need their cluster's CNI settings.
  const cni = await clusterCniConfigs(deps.clusters, members.length === 0 ? [] : groups);
  const waitingNow = members.map((m) => ({ instanceId: m.instanceId, groupName: m.group.name }));

  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt += 1) {
    const nowMs = deps.clock.nowMs();
    const stored = await deps.store.readGate();
    const state = stored.value;
    const waits = mergeWaits(state.waits, recorded, waitingNow, nowMs);
    const reports = mergeReports(state.reports ?? [], reported, waits, nowMs);
    const reportingGroups = learnReportingGroups(state.reportingGroups ?? [], reports, waitingNow, nowMs);
    const peers = members.length === 0 ? state.peers : await refreshPeers(deps, state, members, nowMs);
    const onTheirOwn = proceededOnTheirOwn(groups, state, peers, limits, nowMs, cni);
    const released = [...state.released, ...onTheirOwn];
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
      waiting: toWaiting(members, waits, peers, delays, gaps, limits, cni, reports, reportingGroups),
      released,
      observed,
      killSwitch,
      gatedInstanceIds: new Set(groups.flatMap((g) => g.instances.map((i) => i.instanceId))),
    });
    const protection = await protectionChange(
      deps,
      tagged,
      groups,
      protectedEntries(state.protectedInstances ?? []),
    );
    const beating = new Set(decision.heartbeat.map((w) => w.instanceId));
    const releasing = new Set([
      ...decision.release.map((r) => r.instance.instanceId),
      ...onTheirOwn.map((r) => r.instanceId),
    ]);
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
      reports,
      reportingGroups,
      protectedInstances: protectedGroups(protection.recorded),
    };
    try {
      await deps.store.commitGate(next, stored.version);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError && attempt < MAX_COMMIT_ATTEMPTS) continue;
      throw error;
    }
    const outcome = await act(
      deps,
      decision,
      waits,
      members.length,
      nowMs,
      (deps.attaches.describeCalls?.() ?? 0) - callsBefore,
    );
    // Recorded and committed above: a pass that dies before these calls makes them on the next.
    const protectionFailures = await applyProtection(deps, protection);
    const optOut = await handOverOptedOut(
      deps,
      tagged,
      listed,
      decision.inFlight,
      new Set(protection.recorded.map((r) => r.groupName)),
    );
    return {
      ...outcome,
      released: { ...outcome.released, 'opt-out': optOut.released },
      failedCalls: outcome.failedCalls + optOut.failedCalls + protectionFailures,
    };
  }
  throw new GatePassConflictError(`the gate ledger kept changing over ${MAX_COMMIT_ATTEMPTS} attempts`);
}

async function act(
  deps: GateDeps,
  decision: GateDecision,
  waits: readonly WaitRecord[],
  waiting: number,
  nowMs: number,
  describeCalls: number,
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
    'opt-out': 0,
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
    silentReportingGroups: decision.silentReportingGroups,
    nextCheckAtMs: decision.nextCheckAtMs,
    failedCalls,
    describeCalls,
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

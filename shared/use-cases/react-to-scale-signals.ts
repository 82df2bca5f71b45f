import { planningWindowMs, pruneSpends } from '../domain/attach-budget.js';
import { OBSERVED_VIA } from '../domain/closed-plan.js';
import {
  decideIntent,
  type IntentDecision,
  type ScaleIntent,
  type StaggerPlan,
} from '../domain/stagger-plan.js';
import {
  type CoalescedSignals,
  coalesceSignals,
  type GroupWork,
  type NodegroupWork,
  nodegroupKey,
} from '../events/coalesce-signals.js';
import { DESIRED_VIA, type DesiredSetSignal } from '../events/scale-signal.js';
import { ConcurrentUpdateError } from '../ports/guard-state-store.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import {
  countInService,
  type GroupProfile,
  guardModeOf,
  isMarkedPaced,
  isOptedIn,
  profileGroup,
} from './group-profile.js';
import { GroupProfileError } from './group-tags.js';
import {
  applyCapacity,
  latestIntentHandBack,
  markPacedBeforeHolding,
  planEvent,
  restoreBounds,
} from './plan-writes.js';

/** What a scale-in is decided with when the group cannot be profiled: no node is added, so none is predicted. */
const SCALE_IN_PROFILE: GroupProfile = {
  mode: 'desired',
  instanceType: '',
  attachesPerNode: 0,
};

import { clusterCniConfigs } from './cluster-cni.js';
import { describeRecentSpenders, unpredictedAttachTimes } from './recent-spenders.js';
import { keepAttachedInstances, protectKept, releaseKept } from './scale-in-protection.js';
import { MAX_COMMIT_ATTEMPTS, type StaggerDeps } from './stagger-deps.js';

/** What the reactor did for one group, for the log and the tests. */
export type GroupOutcome =
  | { readonly groupName: string; readonly outcome: 'not-found' | 'not-opted-in' | 'no-intent' | 'gated' }
  | {
      readonly groupName: string;
      readonly outcome: 'failed';
      readonly error: unknown;
      /** The events whose work failed: their messages go back to the queue. */
      readonly eventIds: readonly string[];
    }
  | {
      readonly groupName: string;
      readonly outcome: IntentDecision['kind'];
      readonly capacity?: number;
      readonly target?: number;
    };

export class ReactorConflictError extends Error {
  override readonly name = 'ReactorConflictError';
}

/**
 * Handles one batch of scale signals, one group at a time: reads the group, decides from the latest intent
 * (stale, pass through, cancel, or hold under a plan), writes the plan and the budget spend in one transaction
 * BEFORE touching the group, then applies the capacity and announces it. Re-running the same batch changes
 * nothing: an intent already applied is stale.
 */
export async function reactToScaleSignals(
  deps: StaggerDeps,
  batch: CoalescedSignals,
): Promise<GroupOutcome[]> {
  const outcomes: GroupOutcome[] = [];
  const works = [...batch.groups.values()];
  for (const nodegroup of batch.nodegroups.values()) {
    const resolved = await nodegroupWork(deps, nodegroup);
    if (typeof resolved === 'string') {
      outcomes.push({
        groupName: nodegroupKey(nodegroup.clusterName, nodegroup.nodegroupName),
        outcome: resolved,
      });
    } else works.push(resolved);
  }
  const names = [...new Set(works.map((w) => w.groupName))];
  if (names.length === 0) return outcomes;
  const killSwitch = await deps.killSwitch.isOn();
  const described = new Map((await deps.groups.describe(names)).map((g) => [g.name, g]));
  for (const work of works) {
    const group = described.get(work.groupName);
    if (!group) {
      outcomes.push({ groupName: work.groupName, outcome: 'not-found' });
      continue;
    }
    if (!isOptedIn(group, deps.settings.optInTagKey, deps.settings.optInTagValue)) {
      outcomes.push({ groupName: work.groupName, outcome: 'not-opted-in' });
      continue;
    }
    try {
      // The launch gate paces these groups instance by instance; their desired capacity is the operator's.
      if (guardModeOf(group) === 'gate') {
        const request = work.latestDesired;
        if (request?.via === DESIRED_VIA.scaleRequest && work.latestIntent === request) {
          const capacity = Math.min(Math.max(request.desired, group.minSize), group.maxSize);
          if (capacity !== group.desiredCapacity) await deps.groups.setDesiredCapacity(group.name, capacity);
        }
        outcomes.push({ groupName: work.groupName, outcome: 'gated' });
        continue;
      }
      outcomes.push(await reactForGroup(deps, work, group, killSwitch));
    } catch (error) {
      // One group's failure must not fail the others' intents: the caller returns only its events to the queue.
      outcomes.push({ groupName: work.groupName, outcome: 'failed', error, eventIds: work.eventIds });
    }
  }
  return outcomes;
}

/**
 * An `UpdateNodegroupConfig` call names the EKS node group, not its Auto Scaling group: resolve it through EKS
 * (`DescribeNodegroup` → `resources.autoScalingGroups`) and carry its desired size as an intent on that group.
 */
async function nodegroupWork(
  deps: StaggerDeps,
  work: NodegroupWork,
): Promise<GroupWork | 'not-found' | 'no-intent'> {
  const intent = work.latestIntent;
  if (intent.desired === undefined) return 'no-intent';
  const described = await deps.clusters?.describeNodeGroup(work.clusterName, work.nodegroupName);
  const groupName = described?.autoScalingGroupNames[0];
  if (!groupName) return 'not-found';
  const desired: DesiredSetSignal = {
    kind: 'desired-set',
    eventId: intent.eventId,
    groupName,
    desired: intent.desired,
    intentAtMs: intent.intentAtMs,
    via: DESIRED_VIA.updateAutoScalingGroup,
    ...(intent.maxSize === undefined ? {} : { maxSize: intent.maxSize }),
    ...(intent.minSize === undefined ? {} : { minSize: intent.minSize }),
  };
  const single = coalesceSignals([desired]).groups.get(groupName);
  return single ?? 'no-intent';
}

function intentFrom(work: GroupWork, group: ScalingGroup, nowMs: number): ScaleIntent | undefined {
  const desired = work.latestDesired;
  if (desired && work.latestIntent === desired) {
    return {
      groupName: group.name,
      requestedCapacity: desired.desired,
      origin: { eventId: desired.eventId, via: desired.via, intentAtMs: desired.intentAtMs },
      ...(desired.maxSize === undefined ? {} : { maxSize: desired.maxSize }),
      ...(desired.minSize === undefined ? {} : { minSize: desired.minSize }),
    };
  }
  // Bounds changes, launches from scaling policies or scheduled actions (no CloudTrail call): the group's own
  // desired capacity is the intent, dated by the latest activity seen (the event's time), else now.
  const lastEventId = work.eventIds.at(-1);
  if (lastEventId === undefined) return undefined;
  const bounds = work.latestIntent?.kind === 'bounds-set' ? work.latestIntent : undefined;
  return {
    groupName: group.name,
    requestedCapacity: group.desiredCapacity,
    origin: {
      eventId: lastEventId,
      via: bounds ? bounds.via : OBSERVED_VIA,
      intentAtMs: bounds?.intentAtMs ?? work.lastActivityAtMs ?? nowMs,
    },
    ...(bounds?.maxSize === undefined ? {} : { maxSize: bounds.maxSize }),
    ...(bounds?.minSize === undefined ? {} : { minSize: bounds.minSize }),
    ...(bounds ? { boundsOnly: true } : {}),
  };
}

/** The plan as still open (the stepper finishes an open plan whose allowed capacity reached its target). */
function reopened(plan: StaggerPlan): StaggerPlan {
  const { completedAtMs: _completed, ...open } = plan;
  return open;
}

async function reactForGroup(
  deps: StaggerDeps,
  work: GroupWork,
  group: ScalingGroup,
  killSwitch: boolean,
): Promise<GroupOutcome> {
  const intent = intentFrom(work, group, deps.clock.nowMs());
  if (!intent) return { groupName: group.name, outcome: 'no-intent' };
  const requested = Math.min(intent.requestedCapacity, intent.maxSize ?? group.maxSize);
  // A Scale Request asks the guard to set the capacity itself; other intents were already applied by their caller.
  const applyRequest = async () => {
    if (intent.origin.via === DESIRED_VIA.scaleRequest && group.desiredCapacity !== requested) {
      await deps.groups.setDesiredCapacity(group.name, requested);
    }
  };
  if (killSwitch) {
    await applyRequest();
    return { groupName: group.name, outcome: 'pass-through', capacity: requested };
  }
  const inService = countInService(group);
  const cni = await clusterCniConfigs(deps.clusters, [group]);
  const profile = await profileGroup(group, deps.catalog, cni.get(group.name)).catch((error: unknown) => {
    // A scale-in needs no profile: an empty group (no instance to learn the type from) can still be handed back.
    if (error instanceof GroupProfileError && requested <= inService) return SCALE_IN_PROFILE;
    throw error;
  });
  const policy = deps.settings.policy;

  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt += 1) {
    // The cheap reads first: most of a launch burst ends here, before the ENI scan.
    const stored = await deps.store.readPlan(group.name);
    const settled = stored ? settledOutcome(stored.value, intent) : null;
    if (settled) return { groupName: group.name, outcome: settled };
    const [ledger, plans] = await Promise.all([deps.store.readLedger(), deps.store.listPlans()]);
    // The clock is read after the ledger, at every attempt: a spend committed before this read is stamped no
    // later than now, so the window counts it (a time read earlier would put it in the future and skip it).
    const nowMs = deps.clock.nowMs();
    const paced = await deps.groups.describe(
      plans.map((p) => p.value.groupName).filter((n) => n !== group.name),
    );
    const known = new Map([group, ...paced].map((g) => [g.name, g]));
    const spenders = await describeRecentSpenders(deps, ledger.value, nowMs, known);
    const others = await unpredictedAttachTimes(
      deps,
      [group, ...paced, ...spenders],
      plans.map((p) => p.value),
      ledger.value,
      nowMs,
    );
    const decision = decideIntent(
      stored?.value,
      intent,
      {
        groupName: group.name,
        desiredCapacity: group.desiredCapacity,
        minSize: group.minSize,
        maxSize: group.maxSize,
        inServiceCount: inService,
      },
      profile.mode,
      profile.attachesPerNode,
      {
        nowMs,
        policy,
        spends: ledger.value,
        otherAttachTimesMs: others,
        deadlineGraceMs: deps.settings.deadlineGraceMs,
        queuedAttaches: queuedAttachesOf(plans.map((p) => p.value).filter((p) => p.groupName !== group.name)),
      },
    );
    const ledgerAfter = (spend: { atMs: number; attaches: number; groupName: string } | null) =>
      spend ? [...pruneSpends(ledger.value, nowMs, planningWindowMs(policy)), spend] : null;
    try {
      switch (decision.kind) {
        case 'stale':
        case 'superseded':
          return { groupName: group.name, outcome: decision.kind };
        case 'pass-through':
          await deps.store.commit({
            ledgerVersion: ledger.version,
            ledger: ledgerAfter(decision.spend),
            putPlans: decision.record
              ? [{ plan: decision.record, expectedVersion: stored?.version ?? 0 }]
              : [],
            deletePlans: [],
          });
          await applyRequest();
          return { groupName: group.name, outcome: 'pass-through', capacity: requested };
        case 'cancel':
          // The plan is recorded open at the new target before the group is touched: if the calls fail, or the
          // invocation dies after them, the stepper finishes the hand-back (it never raises the group above that
          // target) and the redelivered intent is stale.
          await deps.store.commit({
            ledgerVersion: ledger.version,
            ledger: null,
            putPlans: [
              {
                // The protection the plan set stays recorded until it is removed below (or by the stepper).
                plan: { ...reopened(decision.plan), ...keptIdsOf(stored?.value) },
                expectedVersion: stored?.version ?? 0,
              },
            ],
            deletePlans: [],
          });
          await restoreBounds(
            deps,
            decision.plan,
            group,
            decision.restoreMaxSize,
            // The open plan tells which desired capacities the guard wrote; the closed one carries the new target.
            stored
              ? latestIntentHandBack({ ...stored.value, targetCapacity: decision.plan.targetCapacity }, group)
              : null,
          );
          await applyRequest();
          // Only once the group has its new capacity: Auto Scaling then cuts no more than the operator asked.
          if (stored) await releaseKept(deps, stored.value, group.instances);
          // Kept closed, not deleted: its origin makes older intents delivered later superseded.
          await deps.store.commit({
            ledgerVersion: ledger.version,
            ledger: null,
            putPlans: [{ plan: decision.plan, expectedVersion: (stored?.version ?? 0) + 1 }],
            deletePlans: [],
          });
          if (isMarkedPaced(group)) await deps.groups.markPaced(group.name, false);
          await deps.events.publish([
            planEvent('Stagger Plan Cancelled', decision.plan, { reason: 'scale-in' }),
          ]);
          return { groupName: group.name, outcome: 'cancel' };
        case 'hold': {
          // Nodes whose attaches already happened are protected before a hold that would cut them (recorded on
          // the plan first, so that whatever happens next, the plan's end removes the protection).
          const kept = await keepAttachedInstances(
            deps,
            group.instances,
            decision.plan,
            decision.capacityNow,
          );
          await deps.store.commit({
            ledgerVersion: ledger.version,
            ledger: ledgerAfter(decision.spend),
            putPlans: [{ plan: kept.plan, expectedVersion: stored?.version ?? 0 }],
            deletePlans: [],
          });
          await markPacedBeforeHolding(deps, group);
          await protectKept(deps, group.name, kept.protect);
          await applyCapacity(deps, kept.plan, kept.capacity, group);
          await deps.events.publish([
            planEvent(decision.created ? 'Stagger Plan Created' : 'Stagger Plan Updated', kept.plan, {
              capacityNow: kept.capacity,
              ...(kept.protect.length > 0 ? { protectedFromScaleIn: kept.protect.length } : {}),
            }),
          ]);
          return {
            groupName: group.name,
            outcome: 'hold',
            capacity: kept.capacity,
            target: kept.plan.targetCapacity,
          };
        }
        default:
          return assertNever(decision);
      }
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || attempt === MAX_COMMIT_ATTEMPTS) throw error;
    }
  }
  throw new ReactorConflictError(`${group.name}: state kept changing over ${MAX_COMMIT_ATTEMPTS} attempts`);
}

/** The protection an open plan recorded, to carry onto the plan that replaces it. */
function keptIdsOf(plan: StaggerPlan | undefined): Pick<StaggerPlan, 'protectedInstanceIds'> {
  return plan?.completedAtMs === undefined && plan?.protectedInstanceIds
    ? { protectedInstanceIds: plan.protectedInstanceIds }
    : {};
}

/** Attaches the given open plans still have to make. */
function queuedAttachesOf(plans: readonly StaggerPlan[]): number {
  return plans
    .filter((p) => p.completedAtMs === undefined)
    .reduce((sum, p) => sum + Math.max(0, p.targetCapacity - p.allowedCapacity) * p.attachesPerNode, 0);
}

/**
 * Intents that cannot change the stored plan, read before the budget is: the same event again or the group's
 * observed desired capacity while a plan is open, which is the guard's own doing (only explicit intents, API
 * calls and Scale Requests, change a plan's target), are stale; an explicit intent older than the plan's origin
 * is superseded. Null: the intent is decided in full.
 */
function settledOutcome(plan: StaggerPlan, intent: ScaleIntent): 'stale' | 'superseded' | null {
  if (intent.origin.eventId === plan.origin.eventId) return 'stale';
  const observed = intent.origin.via === OBSERVED_VIA;
  if (intent.origin.intentAtMs < plan.origin.intentAtMs) return observed ? 'stale' : 'superseded';
  return plan.completedAtMs === undefined && observed ? 'stale' : null;
}

function assertNever(value: never): never {
  throw new Error(`unexpected decision ${JSON.stringify(value)}`);
}

import { planningWindowMs, pruneSpends } from '../domain/attach-budget.js';
import { handBackDesiredCapacity } from '../domain/closed-plan.js';
import { followScheduledActions, type ScheduledContext } from '../domain/scheduled-actions.js';
import {
  decideSteps,
  reconcileWithGroup,
  type StaggerPlan,
  type StepAction,
} from '../domain/stagger-plan.js';
import type { GuardEvent } from '../ports/event-publisher.js';
import { ConcurrentUpdateError } from '../ports/guard-state-store.js';
import type { ScalingGroup } from '../ports/scaling-groups.js';
import { isMarkedPaced, isOptedIn } from './group-profile.js';
import {
  applyCapacity,
  type DesiredHandBack,
  latestIntentHandBack,
  markPacedBeforeHolding,
  planEvent,
  restoreBounds,
} from './plan-writes.js';
import { describeRecentSpenders, unpredictedAttachTimes } from './recent-spenders.js';
import { keepAttachedInstances, protectKept, releaseKept, withoutKept } from './scale-in-protection.js';
import { MAX_COMMIT_ATTEMPTS, type StaggerDeps } from './stagger-deps.js';

export interface StepOutcome {
  readonly groupName: string;
  readonly action: StepAction['kind'];
  readonly capacity?: number;
  readonly reason?: string;
  /** For a waiting plan: when the budget has room again (null when nothing holds it back). */
  readonly nextCheckAtMs?: number | null;
}

export class StepperConflictError extends Error {
  override readonly name = 'StepperConflictError';
}

/**
 * One stepper tick: advances every open plan under the shared budget, completes the finished ones, and fails
 * open (target at once, configured MaxSize restored) on the kill switch or past a plan's deadline. State is
 * committed before any group is touched; a group whose capacity lags its plan (a crash between the write and
 * the call) is brought back in line on every tick.
 */
export async function advanceStaggerPlans(deps: StaggerDeps): Promise<StepOutcome[]> {
  const killSwitch = await deps.killSwitch.isOn();
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt += 1) {
    const [ledger, stored] = await Promise.all([deps.store.readLedger(), deps.store.listPlans()]);
    // After the read: every spend committed before it is then stamped no later than now (react-to-scale-signals).
    const nowMs = deps.clock.nowMs();
    if (stored.length === 0) return [];
    const policy = deps.settings.policy;
    const groups = new Map(
      (await deps.groups.describe(stored.map((p) => p.value.groupName))).map((g) => [g.name, g]),
    );
    const spenders = await describeRecentSpenders(deps, ledger.value, nowMs, groups);
    const others = await unpredictedAttachTimes(
      deps,
      [...groups.values(), ...spenders],
      stored.map((p) => p.value),
      ledger.value,
      nowMs,
    );
    // What the groups show now wins over what the plans recorded; a plan whose group is gone ends here. A ceiling
    // plan then follows its group's scheduled actions (one refused under the ceiling is still the newest intent).
    const scheduledCtx = {
      nowMs,
      policy,
      otherAttachTimesMs: others,
      deadlineGraceMs: deps.settings.deadlineGraceMs,
    };
    const reconciled = await Promise.all(
      stored.map(async (p) => {
        const plan = reconcileWithGroup(p.value, groups.get(p.value.groupName));
        return {
          stored: p,
          plan: plan && followsSchedule(plan) ? await withSchedule(deps, plan, scheduledCtx) : plan,
        };
      }),
    );
    const gone = reconciled.filter((r) => r.plan === null).map((r) => r.stored);
    const live = reconciled.flatMap((r) => (r.plan === null ? [] : [{ stored: r.stored, plan: r.plan }]));
    // A group whose opt-in tag was removed or changed gets its latest intent back once, then is left alone.
    const { optInTagKey, optInTagValue } = deps.settings;
    const optedOut = new Set(
      live
        .map((r) => groups.get(r.plan.groupName))
        .filter((g) => g !== undefined && !isOptedIn(g, optInTagKey, optInTagValue))
        .map((g) => g?.name ?? ''),
    );
    const decided = decideSteps(
      live.map((r) => r.plan),
      {
        nowMs,
        policy,
        spends: ledger.value,
        otherAttachTimesMs: others,
        deadlineGraceMs: deps.settings.deadlineGraceMs,
      },
      killSwitch,
      optedOut,
    );
    // A step or a repair that would cut attached nodes protects them first (recorded on the plan it commits).
    const { actions, protect } = await keepAttachedInSteps(deps, decided, groups);
    const versionOf = new Map(stored.map((p) => [p.value.groupName, p.version]));
    const spends = actions.flatMap((a) =>
      a.kind === 'advance' ? [a.spend] : a.kind === 'complete' && a.spend ? [a.spend] : [],
    );
    try {
      await deps.store.commit({
        ledgerVersion: ledger.version,
        ledger:
          spends.length > 0
            ? [...pruneSpends(ledger.value, nowMs, planningWindowMs(policy)), ...spends]
            : null,
        putPlans: [
          // What a step or a hand-back gives the group is recorded before the group is touched: a crash after
          // the write, or a lost answer, leaves a plan that already says what the group has.
          ...actions.flatMap((a) =>
            writesPlan(a, protect)
              ? [{ plan: a.plan, expectedVersion: versionOf.get(a.plan.groupName) ?? 0 }]
              : [],
          ),
          ...live
            .filter(
              (r) =>
                r.plan !== r.stored.value &&
                !actions.some((a) => writesPlan(a, protect) && a.plan.groupName === r.plan.groupName),
            )
            .map((r) => ({ plan: r.plan, expectedVersion: r.stored.version })),
        ],
        deletePlans: [
          ...actions.flatMap((a) =>
            a.kind === 'forget'
              ? [{ groupName: a.plan.groupName, expectedVersion: versionOf.get(a.plan.groupName) ?? 0 }]
              : [],
          ),
          ...gone.map((p) => ({ groupName: p.value.groupName, expectedVersion: p.version })),
        ],
      });
    } catch (error) {
      if (error instanceof ConcurrentUpdateError && attempt < MAX_COMMIT_ATTEMPTS) continue;
      throw error;
    }
    return applyActions(deps, actions, groups, versionOf, nowMs, protect);
  }
  throw new StepperConflictError(`state kept changing over ${MAX_COMMIT_ATTEMPTS} attempts`);
}

function followsSchedule(plan: StaggerPlan): boolean {
  return plan.mode === 'ceiling' && plan.completedAtMs === undefined;
}

/**
 * The plan with its group's scheduled actions followed. A listing that fails (throttling, a role without
 * DescribeScheduledActions) leaves the plan to the actions it recorded: pacing goes on, and the next tick reads
 * the list again.
 */
async function withSchedule(
  deps: StaggerDeps,
  plan: StaggerPlan,
  ctx: ScheduledContext,
): Promise<StaggerPlan> {
  const listed = await deps.groups.scheduledActions(plan.groupName).catch(() => null);
  return followScheduledActions(plan, listed, ctx);
}

/** Whether the tick's commit writes the action's plan: a step, a hand-back, or a repair that protects nodes. */
function writesPlan(action: StepAction, protect: ReadonlyMap<string, readonly string[]>): boolean {
  return (
    action.kind === 'advance' ||
    action.kind === 'complete' ||
    (action.kind === 'wait' && protect.has(action.plan.groupName))
  );
}

/** Whether a waiting plan's group lags what the plan allows (a crash between the plan's commit and the write). */
function needsRepair(plan: StaggerPlan, group: ScalingGroup): boolean {
  return plan.mode === 'desired'
    ? group.desiredCapacity < plan.allowedCapacity
    : group.maxSize !== plan.allowedCapacity;
}

/**
 * The tick's actions with the nodes each write would cut and whose attaches already happened kept: their plans
 * record the ids and allow no fewer than the protected count; `protect` lists, per group, the ids to protect
 * once the plans are committed.
 */
async function keepAttachedInSteps(
  deps: StaggerDeps,
  decided: readonly StepAction[],
  groups: ReadonlyMap<string, ScalingGroup>,
): Promise<{ actions: StepAction[]; protect: Map<string, readonly string[]> }> {
  const protect = new Map<string, readonly string[]>();
  const actions: StepAction[] = [];
  for (const action of decided) {
    const group = groups.get(action.plan.groupName);
    const writes =
      action.kind === 'advance' || (action.kind === 'wait' && group && needsRepair(action.plan, group));
    if (!group || !writes) {
      actions.push(action);
      continue;
    }
    const capacity = action.kind === 'advance' ? action.capacity : action.plan.allowedCapacity;
    const kept = await keepAttachedInstances(deps, group.instances, action.plan, capacity);
    if (kept.plan === action.plan) {
      actions.push(action);
      continue;
    }
    protect.set(group.name, kept.protect);
    actions.push(
      action.kind === 'advance'
        ? { ...action, plan: kept.plan, capacity: kept.capacity }
        : { ...action, plan: kept.plan },
    );
  }
  return { actions, protect };
}

async function applyActions(
  deps: StaggerDeps,
  actions: readonly StepAction[],
  groups: ReadonlyMap<string, ScalingGroup>,
  versionOf: ReadonlyMap<string, number>,
  nowMs: number,
  protect: ReadonlyMap<string, readonly string[]>,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  const events: GuardEvent[] = [];
  const failures: { groupName: string; error: unknown }[] = [];
  for (const action of actions) {
    try {
      const group = groups.get(action.plan.groupName);
      if (group) await protectKept(deps, group.name, protect.get(group.name) ?? []);
      await applyAction(deps, action, group, versionOf, nowMs, outcomes, events);
    } catch (error) {
      // One group's failing call (permissions, validation) must not hold back the others: they are applied, and
      // the failure is reported after them so Lambda's retry and alarms see it.
      failures.push({ groupName: action.plan.groupName, error });
      outcomes.push({ groupName: action.plan.groupName, action: action.kind, reason: 'failed' });
    }
  }
  if (events.length > 0) await deps.events.publish(events);
  if (failures.length > 0) {
    throw new StepApplyError(
      `${failures.length} group(s) could not be updated: ${failures.map((f) => `${f.groupName} (${describeError(f.error)})`).join(', ')}`,
      { cause: failures[0]?.error },
    );
  }
  return outcomes;
}

async function applyAction(
  deps: StaggerDeps,
  action: StepAction,
  group: ScalingGroup | undefined,
  versionOf: ReadonlyMap<string, number>,
  nowMs: number,
  outcomes: StepOutcome[],
  events: GuardEvent[],
): Promise<void> {
  switch (action.kind) {
    case 'advance':
      if (group) {
        await markPacedBeforeHolding(deps, group);
        await applyCapacity(deps, action.plan, action.capacity, group);
      }
      events.push(
        planEvent('Stagger Step Applied', action.plan, {
          capacity: action.capacity,
          attaches: action.spend.attaches,
        }),
      );
      outcomes.push({ groupName: action.plan.groupName, action: 'advance', capacity: action.capacity });
      break;
    case 'wait':
      // Reconcile: the plan was written but the group was not set (crash), or the call was lost.
      if (group && needsRepair(action.plan, group)) {
        await applyCapacity(deps, action.plan, action.plan.allowedCapacity, group);
      }
      outcomes.push({
        groupName: action.plan.groupName,
        action: 'wait',
        capacity: action.plan.allowedCapacity,
        nextCheckAtMs: action.nextCheckAtMs,
      });
      break;
    case 'complete': {
      if (group) {
        await restoreBounds(
          deps,
          action.plan,
          group,
          action.restoreMaxSize,
          desiredHandBackOf(action, group),
        );
        // Once the group has its capacity back, the nodes the plan protected can be cut like any other.
        await releaseKept(deps, action.plan, group.instances);
      }
      // Marked finished only once the group has its target: if a call above fails, the plan is still open and
      // the next tick completes it again.
      // The tick's commit wrote the plan once more (a put stores version + 1).
      await markCompleted(deps, action.plan, (versionOf.get(action.plan.groupName) ?? 0) + 1, nowMs);
      // Last: without the mark, an opted-out group is no longer writable by the guard at all.
      if (group && isMarkedPaced(group)) await deps.groups.markPaced(action.plan.groupName, false);
      events.push(planEvent('Stagger Plan Completed', action.plan, { reason: action.reason }));
      outcomes.push({
        groupName: action.plan.groupName,
        action: 'complete',
        capacity: action.capacity,
        reason: action.reason,
      });
      break;
    }
    case 'forget':
      // A mark left behind by a hand-back whose last call failed.
      if (group && isMarkedPaced(group)) await deps.groups.markPaced(action.plan.groupName, false);
      break;
    default:
      assertNever(action);
  }
}

/**
 * The desired capacity a completed plan gives back: in ceiling mode the latest intent over what the guard wrote
 * (every exit: target reached, kill switch, deadline, opt-out, a hand-back retried after a failed call); in desired
 * mode the target, raised to, or on opt-out the target only while the group shows what the guard set.
 */
function desiredHandBackOf(action: StepAction & { kind: 'complete' }, group: ScalingGroup): DesiredHandBack {
  if (action.plan.mode === 'ceiling') return latestIntentHandBack(action.plan, group);
  const capacity =
    action.reason === 'opt-out'
      ? handBackDesiredCapacity(action.plan, group.desiredCapacity)
      : action.capacity;
  return capacity === null ? null : { kind: 'raise', capacity };
}

async function markCompleted(deps: StaggerDeps, plan: StaggerPlan, expectedVersion: number, nowMs: number) {
  try {
    await deps.store.commit({
      ledgerVersion: 0,
      ledger: null,
      putPlans: [
        {
          plan: { ...withoutKept(plan), allowedCapacity: plan.targetCapacity, completedAtMs: nowMs },
          expectedVersion,
        },
      ],
      deletePlans: [],
    });
  } catch (error) {
    // A newer intent replaced the plan meanwhile: that plan stands.
    if (!(error instanceof ConcurrentUpdateError)) throw error;
  }
}

/** One or more groups could not be set to what their plan says; the others were. */
export class StepApplyError extends Error {
  override readonly name = 'StepApplyError';
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function assertNever(value: never): never {
  throw new StepApplyError(`unexpected action ${JSON.stringify(value)}`);
}

import { createSimulatedClients } from '../shared/adapters/simulated/connect-to-simulator.js';
import { createSimulatedCapacityGuard, guardEnvFor } from '../shared/simulation/capacity-guard-plugin.js';
import { withGuardMode } from '../shared/simulator/guard-mode-variant.js';
import type { SimulationSummary } from '../shared/simulator/metrics.js';
import type { Scenario } from '../shared/simulator/scenario.js';
import { SimulatedAccount } from '../shared/simulator/simulated-account.js';
import { finishBoundMs, wholeNodeScheduleMs } from './clairvoyant-schedule.js';

/** How a run paces the scenario's opted-in groups. */
export const Mode = {
  none: 'no guard',
  gate: 'gate',
  ceiling: 'ceiling',
  desired: 'desired',
} as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

/** EC2 Describe* token bucket refill per account and Region: 20 per second (DOMAIN.md §3). */
const DESCRIBE_BUDGET_PER_MIN = 20 * 60;

export interface ModeRow {
  readonly scenario: string;
  readonly mode: Mode;
  readonly seed: number;
  /** How late Auto Scaling and CloudTrail events are delivered in this variant (s). */
  readonly eventDelaySec: number;
  readonly allPodsRunSec: number | null;
  readonly boundSec: number;
  /** A clairvoyant schedule of whole nodes (feasible): the best one ends between `boundSec` and this. */
  readonly wholeNodeScheduleSec: number;
  readonly peakAttachesIn60s: number;
  readonly attachBudgetPerMin: number;
  /** What other consumers attach per minute by themselves (their share of any window). */
  readonly externalPerMin: number;
  readonly throttledAttaches: number;
  readonly launches: number;
  readonly terminationsByGuard: number;
  readonly gateWaitMedianSec: number | null;
  readonly gateWaitMaxSec: number | null;
  readonly gateTimeouts: number;
  readonly peakGuardDescribePerMin: number;
  readonly describeBudgetPerMin: number;
}

/** The scenario as the mode runs it: every opted-in group tagged with the mode, and given the hook in gate mode. */
export function withMode(scenario: Scenario, mode: Mode, eventDelaySec: number | null): Scenario {
  const timing =
    eventDelaySec === null
      ? scenario.timing
      : {
          ...scenario.timing,
          autoScalingEventDelaySec: { min: eventDelaySec, max: eventDelaySec },
          cloudTrailDelaySec: { min: eventDelaySec, max: eventDelaySec },
        };
  const delayed = { ...scenario, timing };
  return mode === Mode.none ? delayed : withGuardMode(delayed, mode);
}

async function run(scenario: Scenario, seed: number, guarded: boolean) {
  const account = new SimulatedAccount(scenario, {
    seed,
    ...(guarded ? { guard: createSimulatedCapacityGuard({ env: guardEnvFor(scenario) }) } : {}),
    clientsFor: createSimulatedClients,
  });
  return { report: await account.run(), account };
}

/** The clairvoyant yardstick of a scenario: a true lower bound, and a feasible schedule of whole nodes. */
export interface Yardstick {
  readonly boundSec: number;
  readonly wholeNodeScheduleSec: number;
}

/**
 * The scenario's clairvoyant yardstick, from a run with no attach limit at all (every node boots and attaches at its
 * own pace, so each attach comes at the earliest it can):
 * - the bound, a true lower bound on "time until all pods run" for any pacing that releases whole nodes under the
 *   budget (as the gate does; a node released later attaches and runs its pods later by as much): the later of that
 *   free run's time and the budget's own bound ({@link finishBoundMs}): attaches sorted by rank are each the
 *   earliest the rank can come (holding an attach back never brings another one forward), any 60 s window holds at
 *   most B = 40 attaches, the other consumers' free-run attaches included (they cannot be moved), and each attach's
 *   node runs its pods as long after it as in the free run (an attach no pod waits for, a warm ENI's, counts less);
 * - a whole-node schedule, the same measure for a clairvoyant pacer that releases each node at a time, placed
 *   greedily ({@link wholeNodeScheduleMs}): feasible, so the best such pacer ends between the bound and it.
 */
export async function clairvoyantYardstick(scenario: Scenario, seed: number): Promise<Yardstick> {
  const free: Scenario = { ...scenario, account: { ...scenario.account, attachBudgetPerMin: 100_000 } };
  const account = new SimulatedAccount(free, { seed, clientsFor: createSimulatedClients });
  const admit = account.ec2.admit.bind(account.ec2);
  account.ec2.admit = (action: string) => {
    if (action !== 'AttachNetworkInterface') admit(action);
  };
  const report = await account.run();
  const firstActionMs = account.startEpochMs + Math.min(...scenario.actions.map((a) => a.atSec * 1000));
  const external = new Set(scenario.externalConsumers.map((c) => c.name));
  const ok = account.ec2.attachRecords.filter((r) => r.outcome === 'ok' && r.timeMs >= firstActionMs);
  const others = ok.filter((r) => external.has(r.caller)).map((r) => r.timeMs);
  const byNode = new Map<string, number[]>();
  for (const r of ok.filter((a) => !external.has(a.caller)))
    byNode.set(r.caller, [...(byNode.get(r.caller) ?? []), r.timeMs]);
  const freeSec = report.summary.timeUntilAllPodsRunSec ?? 0;
  if (byNode.size === 0) return { boundSec: freeSec, wholeNodeScheduleSec: freeSec };
  const budget = scenario.account.attachBudgetPerMin;
  const allPodsRunningAtMs = account.cluster.allPodsRunningAtMs;
  const nodes = [...byNode].map(([instanceId, attachesMs]) => ({
    attachesMs,
    // A node that never ran all its pods leaves the free run without a time; its last attach stands in for it.
    finishMs:
      allPodsRunningAtMs.get(instanceId) ?? Math.max(...attachesMs) + scenario.timing.eniReadySec.min * 1000,
  }));
  const toSec = (ms: number) => Math.round(Math.max(freeSec, (ms - firstActionMs) / 1000));
  return {
    boundSec: toSec(finishBoundMs(nodes, others, budget)),
    wholeNodeScheduleSec: toSec(wholeNodeScheduleMs(nodes, others, budget).finishMs),
  };
}

function row(
  scenario: Scenario,
  mode: Mode,
  seed: number,
  eventDelaySec: number,
  yardstick: Yardstick,
  summary: SimulationSummary,
): ModeRow {
  return {
    scenario: scenario.name,
    mode,
    seed,
    eventDelaySec,
    allPodsRunSec: summary.timeUntilAllPodsRunSec,
    boundSec: yardstick.boundSec,
    wholeNodeScheduleSec: yardstick.wholeNodeScheduleSec,
    peakAttachesIn60s: summary.peakAttachesIn60s,
    attachBudgetPerMin: summary.attachBudgetPerMin,
    externalPerMin: scenario.externalConsumers.reduce((sum, c) => sum + c.attachesPerMin, 0),
    throttledAttaches: summary.throttledAttaches,
    launches: summary.launches,
    terminationsByGuard: summary.terminationsByGuard,
    gateWaitMedianSec: summary.gateWaits.count === 0 ? null : summary.gateWaits.medianSec,
    gateWaitMaxSec: summary.gateWaits.count === 0 ? null : summary.gateWaits.maxSec,
    gateTimeouts: summary.gateTimeouts,
    peakGuardDescribePerMin: summary.peakGuardDescribeCallsPerMin,
    describeBudgetPerMin: DESCRIBE_BUDGET_PER_MIN,
  };
}

/** Every mode on one scenario, one seed, one event delay; the yardstick is computed once for the variant. */
export async function measureModes(
  original: Scenario,
  seed: number,
  eventDelaySec: number | null,
  modes: readonly Mode[] = Object.values(Mode),
): Promise<ModeRow[]> {
  // A drawn delay is shown by its lower end.
  const delay = eventDelaySec ?? original.timing.autoScalingEventDelaySec.min;
  const yardstick = await clairvoyantYardstick(withMode(original, Mode.none, eventDelaySec), seed);
  const rows: ModeRow[] = [];
  for (const mode of modes) {
    const scenario = withMode(original, mode, eventDelaySec);
    const { report } = await run(scenario, seed, mode !== Mode.none);
    rows.push(row(original, mode, seed, delay, yardstick, report.summary));
  }
  return rows;
}

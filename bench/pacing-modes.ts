import {
  createSimulatedCapacityGuard,
  guardEnvFor,
} from '../shared/adapters/simulated/capacity-guard-plugin.js';
import { createSimulatedClients } from '../shared/adapters/simulated/connect-to-simulator.js';
import { withGuardMode } from '../shared/simulator/guard-mode-variant.js';
import type { SimulationSummary } from '../shared/simulator/metrics.js';
import type { Scenario } from '../shared/simulator/scenario.js';
import { SimulatedAccount } from '../shared/simulator/simulated-account.js';
import { earliestPacedAttachesMs } from './clairvoyant-schedule.js';

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

/**
 * A true lower bound on "time until all pods run" for any pacing that keeps the budget: the later of
 * - the scenario with no attach limit at all (every node boots and attaches at its own pace), and
 * - the budget's own bound: the groups' attaches of that free run, sorted, are each the earliest its rank can come
 *   (holding an attach back never brings another one forward), and any 60 s window holds at most B = 40 attaches,
 *   the other consumers' free-run attaches included (they cannot be moved). Placing each attach in rank order at the
 *   earliest instant both allow ({@link earliestPacedAttachesMs}) gives the earliest the last one can come; its pods
 *   need at least the shortest ENI-ready time after it.
 */
export async function clairvoyantBoundSec(scenario: Scenario, seed: number): Promise<number> {
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
  const attaches = ok.filter((r) => !external.has(r.caller)).map((r) => r.timeMs);
  const others = ok.filter((r) => external.has(r.caller)).map((r) => r.timeMs);
  const freeSec = report.summary.timeUntilAllPodsRunSec ?? 0;
  if (attaches.length === 0) return freeSec;
  const paced = earliestPacedAttachesMs(attaches, others, scenario.account.attachBudgetPerMin);
  const lastMs = paced[paced.length - 1] ?? firstActionMs;
  const rateSec = (lastMs - firstActionMs) / 1000 + scenario.timing.eniReadySec.min;
  return Math.round(Math.max(freeSec, rateSec));
}

function row(
  scenario: Scenario,
  mode: Mode,
  seed: number,
  eventDelaySec: number,
  boundSec: number,
  summary: SimulationSummary,
): ModeRow {
  return {
    scenario: scenario.name,
    mode,
    seed,
    eventDelaySec,
    allPodsRunSec: summary.timeUntilAllPodsRunSec,
    boundSec,
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

/** Every mode on one scenario, one seed, one event delay; the bound is computed once for the variant. */
export async function measureModes(
  original: Scenario,
  seed: number,
  eventDelaySec: number | null,
  modes: readonly Mode[] = Object.values(Mode),
): Promise<ModeRow[]> {
  // A drawn delay is shown by its lower end.
  const delay = eventDelaySec ?? original.timing.autoScalingEventDelaySec.min;
  const boundSec = await clairvoyantBoundSec(withMode(original, Mode.none, eventDelaySec), seed);
  const rows: ModeRow[] = [];
  for (const mode of modes) {
    const scenario = withMode(original, mode, eventDelaySec);
    const { report } = await run(scenario, seed, mode !== Mode.none);
    rows.push(row(original, mode, seed, delay, boundSec, report.summary));
  }
  return rows;
}

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../cli/commands/simulate.js';
import { createSimulatedClients } from '../shared/adapters/simulated/connect-to-simulator.js';
import { createSimulatedCapacityGuard, guardEnvFor } from '../shared/simulation/capacity-guard-plugin.js';
import type { SimulatedGuard } from '../shared/simulator/guard-plugin.js';
import type { SimulationReport } from '../shared/simulator/metrics.js';
import type { Scenario, ScenarioAction } from '../shared/simulator/scenario.js';
import { SimulatedAccount } from '../shared/simulator/simulated-account.js';

/** How the operator's scale-out reaches the group in one run. */
export const Variant = {
  guard: 'capacity-guard',
  none: 'no guard',
  fixedScript: 'fixed +5/30 s',
} as const;
export type Variant = (typeof Variant)[keyof typeof Variant];

/** The guide's staggering script: raise desired capacity by this many nodes… */
const SCRIPT_STEP_NODES = 5;
/** …every this many seconds, until the target. */
const SCRIPT_STEP_SEC = 30;

export interface StaggerRow {
  readonly scenario: string;
  readonly variant: Variant;
  /** From the first scale action until every requested node is Ready for good; null: never. */
  readonly nodesReadySec: number | null;
  /** The report's own figure: every desired node Ready with all its pods running. */
  readonly allPodsRunSec: number | null;
  /** Attaches made for the node groups (other consumers' attaches excluded). */
  readonly groupAttaches: number;
  /** Budget left to the groups per minute: the account's budget less other consumers' steady rate. */
  readonly budgetForGroupsPerMin: number;
  /** groupAttaches ÷ budgetForGroupsPerMin, in seconds. */
  readonly lowerBoundSec: number;
  /** allPodsRunSec ÷ lowerBoundSec (nodes Ready without pod IPs do not count as running); null: unknown. */
  readonly ratio: number | null;
  readonly peakAttachCallsIn60s: number;
  readonly attachBudgetPerMin: number;
  readonly throttledAttaches: number;
  readonly podMinutesWaitingForIp: number;
  readonly report: SimulationReport;
}

/**
 * The guide's fixed script applied to the scenario itself: each scale-out action becomes `set-desired`
 * steps of +5 nodes every 30 s up to its target (scale-ins are left as they are). The operator runs it
 * instead of one big call, so the run has no guard.
 */
export function withFixedStaggerScript(scenario: Scenario): Scenario {
  const current = new Map(scenario.groups.map((g) => [g.name, g.desiredCapacity]));
  const actions: ScenarioAction[] = [];
  for (const action of [...scenario.actions].sort((a, b) => a.atSec - b.atSec)) {
    if (action.via !== 'set-desired' && action.via !== 'scale-request') {
      actions.push(action);
      continue;
    }
    const from = current.get(action.group) ?? 0;
    current.set(action.group, action.desired);
    if (action.desired <= from) {
      actions.push({ ...action, via: 'set-desired' });
      continue;
    }
    for (let step = 1; from + (step - 1) * SCRIPT_STEP_NODES < action.desired; step++) {
      actions.push({
        atSec: action.atSec + (step - 1) * SCRIPT_STEP_SEC,
        group: action.group,
        desired: Math.min(action.desired, from + step * SCRIPT_STEP_NODES),
        via: 'set-desired',
        eventDelaySec: action.eventDelaySec,
      });
    }
  }
  return { ...scenario, actions };
}

/** Scenarios in `scenarios/` whose actions scale a group. */
export function scalingScenarioNames(root: string): string[] {
  return readdirSync(join(root, 'scenarios'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''))
    .filter((name) => loadScenario(name, root).actions.length > 0)
    .sort();
}

interface ReadyProbe {
  /** (simulated ms, Ready nodes) after every change. */
  readonly series: { timeMs: number; ready: number }[];
}

/** Records every node Ready / gone with its simulated time (the per-minute timeline is too coarse). */
function probeReadyNodes(account: SimulatedAccount): ReadyProbe {
  const probe: ReadyProbe = { series: [] };
  let ready = 0;
  for (const node of account.nodes.values()) if (node.ready) ready++;
  probe.series.push({ timeMs: 0, ready });
  const recorder = account.metrics;
  const nodeReady = recorder.nodeReady.bind(recorder);
  const nodeGone = recorder.nodeGone.bind(recorder);
  recorder.nodeReady = (group) => {
    nodeReady(group);
    ready++;
    probe.series.push({ timeMs: account.nowSimMs, ready });
  };
  recorder.nodeGone = (group) => {
    nodeGone(group);
    ready--;
    probe.series.push({ timeMs: account.nowSimMs, ready });
  };
  return probe;
}

/** Earliest time from which at least `wanted` nodes stay Ready to the end; null if the run ends short. */
export function settledAtMs(
  series: readonly { timeMs: number; ready: number }[],
  wanted: number,
): number | null {
  let since: number | null = null;
  for (const point of series) {
    if (point.ready >= wanted) since ??= point.timeMs;
    else since = null;
  }
  return since;
}

async function runProbed(
  scenario: Scenario,
  seed: number,
  guard: SimulatedGuard | undefined,
): Promise<{ report: SimulationReport; account: SimulatedAccount; probe: ReadyProbe }> {
  const account = new SimulatedAccount(scenario, {
    seed,
    ...(guard ? { guard } : {}),
    clientsFor: createSimulatedClients,
  });
  const probe = probeReadyNodes(account);
  const report = await account.run();
  return { report, account, probe };
}

/** Runs one scenario in one variant and reads the stagger figures. */
export async function measureStagger(
  original: Scenario,
  variant: Variant,
  seed: number,
): Promise<StaggerRow> {
  const scenario = variant === Variant.fixedScript ? withFixedStaggerScript(original) : original;
  const guard =
    variant === Variant.guard ? createSimulatedCapacityGuard({ env: guardEnvFor(scenario) }) : undefined;
  const { report, account, probe } = await runProbed(scenario, seed, guard);
  const { summary } = report;
  const firstActionMs = Math.min(...original.actions.map((a) => a.atSec * 1000));
  const settled = settledAtMs(probe.series, summary.nodesDesiredAtEnd);
  const nodesReadySec = settled === null ? null : Math.max(0, Math.round((settled - firstActionMs) / 1000));
  const externalNames = new Set(original.externalConsumers.map((c) => c.name));
  const groupAttaches = account.ec2.attachRecords.filter(
    (r) => r.outcome === 'ok' && !externalNames.has(r.caller),
  ).length;
  const externalPerMin = original.externalConsumers.reduce((sum, c) => sum + c.attachesPerMin, 0);
  const budgetForGroupsPerMin = Math.max(1, summary.attachBudgetPerMin - externalPerMin);
  const lowerBoundSec = Math.round((groupAttaches / budgetForGroupsPerMin) * 60);
  return {
    scenario: original.name,
    variant,
    nodesReadySec,
    allPodsRunSec: summary.timeUntilAllPodsRunSec,
    groupAttaches,
    budgetForGroupsPerMin,
    lowerBoundSec,
    ratio:
      summary.timeUntilAllPodsRunSec === null || lowerBoundSec === 0
        ? null
        : Math.round((summary.timeUntilAllPodsRunSec / lowerBoundSec) * 100) / 100,
    peakAttachCallsIn60s: summary.peakAttachCallsIn60s,
    attachBudgetPerMin: summary.attachBudgetPerMin,
    throttledAttaches: summary.throttledAttaches,
    podMinutesWaitingForIp: summary.podMinutesWaitingForIp,
    report,
  };
}

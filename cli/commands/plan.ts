import { type AttachBudgetPolicy, validateBudgetPolicy } from '../../shared/domain/attach-budget.js';
import { maxPodNetworkPods, nodeHoldings } from '../../shared/domain/cni-capacity.js';
import { DEFAULT_GUARD_SETTINGS } from '../../shared/domain/guard-defaults.js';
import {
  maxOtherAttachesPerMin,
  planStagger,
  StaggerInputError,
} from '../../shared/domain/stagger-planner.js';
import { parseFlags, parseIntegerFlag } from '../args.js';
import { parseCapFlag, parseCniFlags } from '../capacity-flags.js';
import { type CliCommand, UsageError } from '../command.js';
import { formatTable } from '../format-table.js';
import { lookupInstanceTypes } from '../instance-lookup.js';

const help = `Usage: capacity-guard plan --instance-type T --from A --to B [options]

The schedule the guard follows to scale a node group from A to B nodes without exceeding the account's
ENI attach budget in any rolling 60 s window. By default steps are kept ${DEFAULT_GUARD_SETTINGS.spreadSec} s further apart than a
window, the guard's allowance for the spread of node boot times.

Options:
  --instance-type T                  the group's instance type
  --from A, --to B                   current and requested capacity (nodes)
  --pods-per-node N                  pods each new node will run (default: a full node, the worst case)
  --cni KEY=VALUE[,...]              VPC CNI settings, comma-separated or repeated, e.g.
                                     --cni WARM_IP_TARGET=5,MINIMUM_IP_TARGET=20 (see 'node-ips --help')
  --cap none|mng|auto-mode|eni-limited  kubelet maxPods cap policy (default none)
  --budget N                         effective attaches per minute, no further margin or spread applied
                                     (default: the guard's ${DEFAULT_GUARD_SETTINGS.attachesPerMin} with its ${DEFAULT_GUARD_SETTINGS.spreadSec} s spread)
  --observed-attaches-per-min N      attaches other consumers make meanwhile (default 0); the guard reserves
                                     ${DEFAULT_GUARD_SETTINGS.othersBurstFactor} times that for their bursts
  --spread-sec S                     allowance for attach-time spread (default ${DEFAULT_GUARD_SETTINGS.spreadSec}, or 0 with --budget)
  --json                             { attachesPerNode, totalAttaches, steps: [{ atSec, desired, attaches }],
                                       durationSec, peakAttachesPerMin, lowerBoundSec }`;

/**
 * `--observed-attaches-per-min N`: the guard reserves N times the burst factor, which must leave room for at
 * least one attach of the plan (stagger-planner.ts `maxOtherAttachesPerMin`).
 */
function parseObservedFlag(value: string | undefined, policy: AttachBudgetPolicy): number {
  if (value === undefined) return 0;
  const max = maxOtherAttachesPerMin(policy);
  const observed = parseIntegerFlag('observed-attaches-per-min', value, Number.MIN_SAFE_INTEGER);
  if (observed < 0 || observed > max) {
    throw new UsageError(
      `--observed-attaches-per-min: ${observed} ${observed < 0 ? 'is negative' : `leaves no room in a budget of ${policy.attachesPerMin}/min`} ` +
        `(expected 0..${max}: the guard reserves ${policy.othersBurstFactor} times the observed rate for bursts)`,
    );
  }
  return observed;
}

export const planCommand: CliCommand = {
  name: 'plan',
  help,
  async run(args, io) {
    const { values } = parseFlags('plan', args, {
      'instance-type': { type: 'string', valueName: 'T' },
      from: { type: 'string', valueName: 'A' },
      to: { type: 'string', valueName: 'B' },
      'pods-per-node': { type: 'string', valueName: 'N' },
      cni: { type: 'string', multiple: true, valueName: 'KEY=VALUE[,KEY=VALUE...]' },
      cap: { type: 'string', valueName: 'none|mng|auto-mode|eni-limited' },
      budget: { type: 'string', valueName: 'N' },
      'observed-attaches-per-min': { type: 'string', valueName: 'N' },
      'spread-sec': { type: 'string', valueName: 'S' },
      json: { type: 'boolean' },
    });
    for (const required of ['instance-type', 'from', 'to'] as const) {
      if (values[required] === undefined)
        throw new UsageError(`plan: --${required} is required (see 'plan --help')`);
    }
    const [limits, ...extra] = lookupInstanceTypes('instance-type', values['instance-type'] ?? '');
    if (!limits || extra.length > 0)
      throw new UsageError(
        `--instance-type: '${values['instance-type']}' names several types (expected one, e.g. m5.large)`,
      );
    const from = parseIntegerFlag('from', values.from ?? '', 0, 100_000);
    const to = parseIntegerFlag('to', values.to ?? '', 0, 100_000);
    const cap = parseCapFlag(values.cap);
    const cni = await parseCniFlags(values.cni, io);
    const podLimit = maxPodNetworkPods(limits, cni.config, cap);
    const podsPerNode =
      values['pods-per-node'] === undefined
        ? podLimit
        : parseIntegerFlag('pods-per-node', values['pods-per-node'], 0, podLimit);
    const budget =
      values.budget === undefined
        ? DEFAULT_GUARD_SETTINGS.attachesPerMin
        : parseIntegerFlag('budget', values.budget, 1, 10_000);
    // An explicit --budget is the effective budget: no spread allowance on top unless asked for.
    const spreadSec =
      values['spread-sec'] !== undefined
        ? parseIntegerFlag('spread-sec', values['spread-sec'], 0, 600)
        : values.budget !== undefined
          ? 0
          : DEFAULT_GUARD_SETTINGS.spreadSec;
    const policy: AttachBudgetPolicy = validateBudgetPolicy({
      attachesPerMin: budget,
      safetyMargin: 0,
      spreadSec,
      othersBurstFactor: DEFAULT_GUARD_SETTINGS.othersBurstFactor,
    });
    const observed = parseObservedFlag(values['observed-attaches-per-min'], policy);
    const attachesPerNode = nodeHoldings(limits, cni.config, podsPerNode, cap).attaches;
    let schedule: ReturnType<typeof planStagger>;
    try {
      schedule = planStagger({
        fromDesired: from,
        toDesired: to,
        attachesPerNode,
        policy,
        otherAttachesPerMin: observed,
      });
    } catch (error) {
      if (error instanceof StaggerInputError) throw new UsageError(`plan: ${error.message}`);
      throw error;
    }
    if (values.json) {
      io.stdout(`${JSON.stringify(schedule, null, 2)}\n`);
      return 0;
    }
    io.stdout(
      [
        `${limits.instanceType}: ${from} -> ${to} nodes at ${podsPerNode} pods per node: ${attachesPerNode} attaches per node, ` +
          `${schedule.totalAttaches} in all`,
        `budget ${budget}/min${observed > 0 ? ` less ${observed}/min observed` : ''}, spread ${spreadSec} s: ` +
          `last step at ${schedule.durationSec} s (lower bound ${schedule.lowerBoundSec} s), ` +
          `peak ${schedule.peakAttachesPerMin} attaches in any 60 s`,
        '',
        formatTable(
          ['AT (S)', 'DESIRED', 'ATTACHES'],
          schedule.steps.map((s) => [s.atSec, s.desired, s.attaches]),
        ),
        '',
      ].join('\n'),
    );
    return 0;
  },
};

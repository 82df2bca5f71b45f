import { type AttachBudgetPolicy, validateBudgetPolicy } from '../../shared/domain/attach-budget.js';
import { maxPodNetworkPods, nodeHoldings } from '../../shared/domain/cni-capacity.js';
import { DEFAULT_GUARD_SETTINGS } from '../../shared/domain/guard-defaults.js';
import { planStagger } from '../../shared/domain/stagger-planner.js';
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

export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'the staggered schedule for scaling a node group under the ENI attach budget',
  help,
  async run(args, io) {
    const { values } = parseFlags('plan', args, {
      'instance-type': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'pods-per-node': { type: 'string' },
      cni: { type: 'string', multiple: true },
      cap: { type: 'string' },
      budget: { type: 'string' },
      'observed-attaches-per-min': { type: 'string' },
      'spread-sec': { type: 'string' },
      json: { type: 'boolean' },
    });
    for (const required of ['instance-type', 'from', 'to'] as const) {
      if (values[required] === undefined)
        throw new UsageError(`plan: --${required} is required (see 'plan --help')`);
    }
    const [limits, ...extra] = lookupInstanceTypes('instance-type', values['instance-type'] ?? '');
    if (!limits || extra.length > 0)
      throw new UsageError('--instance-type: plan takes exactly one instance type');
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
    const observed =
      values['observed-attaches-per-min'] === undefined
        ? 0
        : parseIntegerFlag('observed-attaches-per-min', values['observed-attaches-per-min'], 0, budget - 1);
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
    const attachesPerNode = nodeHoldings(limits, cni.config, podsPerNode, cap).attaches;
    const schedule = planStagger({
      fromDesired: from,
      toDesired: to,
      attachesPerNode,
      policy,
      otherAttachesPerMin: observed,
    });
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

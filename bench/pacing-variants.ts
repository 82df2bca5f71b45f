import type {
  ExternalConsumer,
  Scenario,
  ScenarioCni,
  ScenarioGroup,
  ScenarioTiming,
} from '../shared/simulator/scenario.js';

/**
 * Variants of the bundled scaling scenarios that change one thing the gate has to learn or live with: the CNI's
 * warm-pool settings (attach timing follows the pods), the instance type (attaches per node), boot and ENI-ready
 * spreads, the budget, a neighbour's pace, a second wave. `npm run bench:variants` paces each with the gate and
 * without a guard, beside the clairvoyant yardstick, so the gate can be checked beyond the scenarios it was tuned on.
 */
export interface PacingVariant {
  readonly name: string;
  /** The bundled scenario it starts from. */
  readonly base: string;
  /** What it changes, and what to expect when the gate cannot keep its promise. */
  readonly change: string;
  readonly apply: (scenario: Scenario) => Scenario;
}

const withCni = (scenario: Scenario, cni: Partial<ScenarioCni>): Scenario => ({
  ...scenario,
  cluster: { ...scenario.cluster, cni: { ...scenario.cluster.cni, ...cni } },
});

const withGroups = (scenario: Scenario, change: (group: ScenarioGroup) => ScenarioGroup): Scenario => ({
  ...scenario,
  groups: scenario.groups.map(change),
});

const withTiming = (scenario: Scenario, timing: Partial<ScenarioTiming>): Scenario => ({
  ...scenario,
  timing: { ...scenario.timing, ...timing },
});

const withNeighbour = (scenario: Scenario, change: Partial<ExternalConsumer>): Scenario => ({
  ...scenario,
  externalConsumers: scenario.externalConsumers.map((c) => ({ ...c, ...change })),
});

const withSteadyNeighbour = (scenario: Scenario): Scenario => withNeighbour(scenario, { gapSpread: 0 });

const withInstanceType = (scenario: Scenario, instanceType: string): Scenario =>
  withGroups(scenario, (g) => ({ ...g, instanceType, instanceTypes: [instanceType] }));

export const PACING_VARIANTS: readonly PacingVariant[] = [
  {
    name: 'black-friday · warm IPs',
    base: 'black-friday',
    change: 'WARM_ENI_TARGET=0, WARM_IP_TARGET=5, MINIMUM_IP_TARGET=10: a node attaches as its pods arrive',
    apply: (s) => withCni(s, { warmEniTarget: 0, warmIpTarget: 5, minimumIpTarget: 10 }),
  },
  {
    name: 'black-friday · c5.xlarge',
    base: 'black-friday',
    change: 'c5.xlarge nodes (4 ENIs of 15 IPs) running the same pods: a larger warm pool per ENI',
    apply: (s) => withInstanceType(s, 'c5.xlarge'),
  },
  {
    name: 'black-friday · t3.medium',
    base: 'black-friday',
    change: 't3.medium nodes (3 ENIs of 6 IPs, 17 pods at most), 15 pods each: every ENI a node can hold',
    apply: (s) => withGroups(withInstanceType(s, 't3.medium'), (g) => ({ ...g, podsPerNode: 15 })),
  },
  {
    name: 'black-friday · wide boot',
    base: 'black-friday',
    change: 'boots take 20-150 s instead of 45-75 s',
    apply: (s) => withTiming(s, { bootSec: { min: 20, max: 150 } }),
  },
  {
    name: 'black-friday · slow ENIs',
    base: 'black-friday',
    change: 'an attached ENI shows in instance metadata after 1-12 s instead of 2-6 s',
    apply: (s) => withTiming(s, { eniReadySec: { min: 1, max: 12 } }),
  },
  {
    name: 'black-friday · budget 20',
    base: 'black-friday',
    change:
      'a budget of 20 a minute: the 300 attaches need 15 min, more than the 13 min hold, so the last instances go at the hold and are refused',
    apply: (s) => ({ ...s, account: { ...s.account, attachBudgetPerMin: 20 } }),
  },
  {
    name: 'noisy-neighbour · second wave',
    base: 'two-groups-noisy-neighbour',
    change: 'both groups scale again, 10 nodes more each, 4 min after the first scale-out',
    apply: (s) => ({
      ...s,
      actions: [
        ...s.actions,
        ...s.actions.flatMap((a) =>
          a.via === 'set-desired' ? [{ ...a, atSec: a.atSec + 240, desired: a.desired + 10 }] : [],
        ),
      ],
    }),
  },
  {
    name: 'noisy-neighbour · neighbour 5/min',
    base: 'two-groups-noisy-neighbour',
    change: 'the neighbour attaches 5 ENIs a minute instead of 15',
    apply: (s) => withNeighbour(s, { attachesPerMin: 5 }),
  },
  {
    name: 'noisy-neighbour · neighbour 25/min',
    base: 'two-groups-noisy-neighbour',
    change:
      'the neighbour attaches 25 a minute: the groups get 15 a minute for about 14 min of attaches, more than the hold, so the last instances go at the hold and are refused',
    apply: (s) => withNeighbour(s, { attachesPerMin: 25 }),
  },
  {
    name: 'noisy-neighbour · steady neighbour',
    base: 'two-groups-noisy-neighbour',
    change:
      'the neighbour attaches every 4 s exactly instead of every 3.2-4.8 s: its next minute is its last',
    apply: withSteadyNeighbour,
  },
  {
    name: 'noisy-neighbour · certain timing',
    base: 'two-groups-noisy-neighbour',
    change:
      'a steady neighbour, every ENI ready after 4 s and nodes that see their release at once: what is left is the 1 s of AttachTime, the safety margins and the boot order',
    apply: (s) => withTiming(withSteadyNeighbour(s), { eniReadySec: { min: 4, max: 4 }, gatePollSec: 0 }),
  },
  {
    name: 'noisy-neighbour · pods-per-node tag',
    base: 'two-groups-noisy-neighbour',
    change: 'each group tags the pods its nodes run, so the gate books them instead of a full node',
    apply: (s) =>
      withGroups(s, (g) => ({
        ...g,
        tags: { ...g.tags, 'capacity-guard/pods-per-node': String(g.podsPerNode) },
      })),
  },
];

/** The variants whose names are listed (all when none is), or an error naming the unknown ones and the known. */
export function selectVariants(names: readonly string[]): PacingVariant[] {
  if (names.length === 0) return [...PACING_VARIANTS];
  const known = new Map(PACING_VARIANTS.map((v) => [v.name, v]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new Error(
      `--only: unknown variant ${unknown.map((n) => `'${n}'`).join(', ')} (expected names separated by commas, from: ${PACING_VARIANTS.map((v) => `'${v.name}'`).join(', ')})`,
    );
  }
  return names.map((n) => known.get(n) as PacingVariant);
}

/** Seeds from `1,2,3` or a count `3` (seeds 1..3); an error names the option and the expected form. */
export function parseSeeds(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const numbers = parts.map(Number);
  if (parts.some((p) => !/^\d+$/.test(p)) || numbers.some((n) => n < 1)) {
    throw new Error(`--seeds: '${text}' is not a count (3) or a list of seeds (1,2,3), whole numbers >= 1`);
  }
  if (numbers.length === 1) return Array.from({ length: numbers[0] as number }, (_, i) => i + 1);
  return numbers;
}

/** How late Auto Scaling and CloudTrail events are delivered (s), 0 to 3600; an error names the option and the form. */
export function parseEventDelay(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value > 3600) {
    throw new Error(`--events-late: '${text}' is not a whole number of seconds from 0 to 3600`);
  }
  return value;
}

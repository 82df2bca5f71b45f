import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PACING_VARIANTS,
  parseEventDelay,
  parseSeeds,
  selectVariants,
} from '../../../bench/pacing-variants.js';
import { loadScenario } from '../../../cli/commands/simulate.js';
import { findSimulatorInstanceLimits } from '../../../shared/simulator/instance-catalog.js';
import type { Scenario } from '../../../shared/simulator/scenario.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const variant = (name: string) => {
  const found = PACING_VARIANTS.find((v) => v.name === name);
  if (!found) throw new Error(`no variant ${name}`);
  const base = loadScenario(found.base, ROOT);
  return { base, varied: found.apply(base) };
};

/** The scenario with the given top-level keys left out, to compare what a variant must not touch. */
const without = (scenario: Scenario, ...keys: (keyof Scenario)[]) =>
  Object.fromEntries(Object.entries(scenario).filter(([key]) => !keys.includes(key as keyof Scenario)));

describe('pacing variants', () => {
  it('have unique names, start from bundled scenarios, and each changes its scenario', () => {
    expect(new Set(PACING_VARIANTS.map((v) => v.name)).size).toBe(PACING_VARIANTS.length);
    for (const v of PACING_VARIANTS) {
      const base = loadScenario(v.base, ROOT);
      expect(JSON.stringify(v.apply(base))).not.toBe(JSON.stringify(base));
      expect(v.change.length).toBeGreaterThan(10);
    }
  });

  it('use instance types the simulator knows', () => {
    for (const v of PACING_VARIANTS) {
      for (const group of v.apply(loadScenario(v.base, ROOT)).groups) {
        expect({
          type: group.instanceType,
          known: findSimulatorInstanceLimits(group.instanceType) !== undefined,
        }).toEqual({ type: group.instanceType, known: true });
      }
    }
  });

  it('change only what they say: the budget, the warm pool, the neighbour, the second wave', () => {
    const budget = variant('black-friday · budget 20');
    expect(budget.varied.account.attachBudgetPerMin).toBe(20);
    expect(without(budget.varied, 'account')).toEqual(without(budget.base, 'account'));

    const warm = variant('black-friday · warm IPs');
    expect(warm.varied.cluster.cni).toEqual({
      ...warm.base.cluster.cni,
      warmEniTarget: 0,
      warmIpTarget: 5,
      minimumIpTarget: 10,
    });
    expect(without(warm.varied, 'cluster')).toEqual(without(warm.base, 'cluster'));

    const neighbour = variant('noisy-neighbour · neighbour 25/min');
    expect(neighbour.varied.externalConsumers.map((c) => c.attachesPerMin)).toEqual([25]);
    expect(without(neighbour.varied, 'externalConsumers')).toEqual(
      without(neighbour.base, 'externalConsumers'),
    );

    const wave = variant('noisy-neighbour · second wave');
    expect(wave.varied.actions.slice(0, wave.base.actions.length)).toEqual(wave.base.actions);
    expect(wave.varied.actions.slice(wave.base.actions.length)).toEqual(
      wave.base.actions.map((a) => ({
        ...a,
        atSec: a.atSec + 240,
        desired: (a as { desired: number }).desired + 10,
      })),
    );
  });

  it('make the neighbour steady, then the node timing certain too', () => {
    const steady = variant('noisy-neighbour · steady neighbour');
    expect(steady.varied.externalConsumers.map((c) => c.gapSpread)).toEqual([0]);
    expect(steady.base.externalConsumers.map((c) => c.gapSpread)).toEqual([0.2]);
    expect(without(steady.varied, 'externalConsumers')).toEqual(without(steady.base, 'externalConsumers'));

    const certain = variant('noisy-neighbour · certain timing');
    expect(certain.varied.externalConsumers).toEqual(steady.varied.externalConsumers);
    expect(certain.varied.timing).toEqual({
      ...certain.base.timing,
      eniReadySec: { min: 4, max: 4 },
      gatePollSec: 0,
    });
    expect(without(certain.varied, 'externalConsumers', 'timing')).toEqual(
      without(certain.base, 'externalConsumers', 'timing'),
    );
  });

  it('tag the pods per node each group runs', () => {
    const { varied } = variant('noisy-neighbour · pods-per-node tag');
    expect(varied.groups.map((g) => g.tags['capacity-guard/pods-per-node'])).toEqual(
      varied.groups.map((g) => String(g.podsPerNode)),
    );
  });
});

describe('selectVariants', () => {
  it('takes every variant when none is named, else the named ones in order', () => {
    expect(selectVariants([])).toHaveLength(PACING_VARIANTS.length);
    expect(
      selectVariants(['black-friday · c5.xlarge', 'black-friday · warm IPs']).map((v) => v.name),
    ).toEqual(['black-friday · c5.xlarge', 'black-friday · warm IPs']);
  });

  it('names the unknown variant, the option and the known names', () => {
    expect(() => selectVariants(['black-friday · warm IPs', 'nope'])).toThrow(
      /^--only: unknown variant 'nope' \(expected names separated by commas, from: 'black-friday · warm IPs', /,
    );
  });
});

describe('parseSeeds', () => {
  it('reads a count as seeds 1..n and a list as given', () => {
    expect(parseSeeds('3')).toEqual([1, 2, 3]);
    expect(parseSeeds('2, 5')).toEqual([2, 5]);
  });

  it.each(['0', 'x', '1,,2', '-1', '1.5'])('refuses %p, naming the option and the forms', (text) => {
    expect(() => parseSeeds(text)).toThrow(
      `--seeds: '${text}' is not a count (3) or a list of seeds (1,2,3)`,
    );
  });
});

describe('parseEventDelay', () => {
  it('reads whole seconds from 0 to 3600', () => {
    expect(parseEventDelay('0')).toBe(0);
    expect(parseEventDelay('180')).toBe(180);
  });

  it.each(['', 'late', '-5', '2.5', '3601'])('refuses %p, naming the option and the form', (text) => {
    expect(() => parseEventDelay(text)).toThrow(
      `--events-late: '${text}' is not a whole number of seconds from 0 to 3600`,
    );
  });
});

import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';
import type { Scenario } from './scenario.js';

/** How a run's guard paces the scenario's opted-in groups (`as-tagged`: as the scenario's tags say). */
export const GUARD_MODES = ['gate', 'ceiling', 'desired', 'as-tagged'] as const;
export type GuardModeVariant = (typeof GUARD_MODES)[number];

/** The launch hook `gate install` creates by default (docs/gate-mode.md). */
const DEFAULT_HOOK = {
  name: DEFAULT_GUARD_SETTINGS.gateHookName,
  heartbeatTimeoutSec: 600,
  defaultResult: 'CONTINUE',
  nodeWaits: true,
  nodeReports: true,
} as const;

const isOptedIn = (tags: Readonly<Record<string, string>>) =>
  tags[DEFAULT_GUARD_SETTINGS.optInTagKey] === DEFAULT_GUARD_SETTINGS.optInTagValue;

/**
 * The scenario with every opted-in group tagged with the mode; in gate mode each also gets the launch hook, the
 * node-side wait with its report and the tag saying its nodes report (the recommended set-up, docs/gate-mode.md),
 * in the other modes no hook (nothing would release its instances).
 *
 * @example
 * withGuardMode(scenario, 'gate').groups[0].launchHook // { name: 'capacity-guard-launch-gate', … }
 */
export function withGuardMode(scenario: Scenario, mode: GuardModeVariant): Scenario {
  if (mode === 'as-tagged') return scenario;
  return {
    ...scenario,
    groups: scenario.groups.map((g) =>
      isOptedIn(g.tags)
        ? {
            ...g,
            tags: {
              ...g.tags,
              [DEFAULT_GUARD_SETTINGS.modeTagKey]: mode,
              ...(mode === 'gate' ? { [DEFAULT_GUARD_SETTINGS.gateReportsTagKey]: 'true' } : {}),
            },
            launchHook: mode === 'gate' ? { ...DEFAULT_HOOK } : null,
          }
        : g,
    ),
  };
}

import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, PowertoolsMetricsSink } from '../adapters/aws/powertools-metrics-sink.js';
import {
  type MetricPoint,
  type MetricsSink,
  MetricUnitName,
  PacingMetricName,
} from '../ports/metrics-sink.js';
import { advanceStaggerPlans, type StepOutcome } from '../use-cases/advance-stagger-plans.js';
import type { StaggerDeps } from '../use-cases/stagger-deps.js';
import { buildStaggerClients } from './aws-clients.js';
import { parseConfig } from './config.js';
import { logger, SERVICE_NAME } from './logger.js';
import { buildStaggerDeps } from './stagger-runtime.js';

export interface StepperWiring {
  readonly deps: StaggerDeps;
  /** Shortest pause between two ticks of one invocation. */
  readonly stepIntervalSec: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long one invocation keeps stepping: up to the next scheduled invocation. */
  readonly invocationBudgetMs: number;
  /** Per-tick metrics (EMF in Lambda); none when absent. */
  readonly metrics?: MetricsSink;
}

/** The metric points of one stepper tick. */
export function stepperTickMetrics(outcomes: readonly StepOutcome[]): MetricPoint[] {
  const open = outcomes.filter((o) => o.action === 'wait' || o.action === 'advance').length;
  const steps = outcomes.filter((o) => o.action === 'advance').length;
  return [
    { name: PacingMetricName.plansOpen, unit: MetricUnitName.count, value: open, dimensions: {} },
    { name: PacingMetricName.stepsApplied, unit: MetricUnitName.count, value: steps, dimensions: {} },
  ];
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The stagger stepper's body: up to `stepsPerInvocation` ticks `stepIntervalSec` apart, stopping early once no
 * plan is open, so plans advance as soon as the budget has room rather than once a minute.
 */
export function createStaggerStepper(wiring?: StepperWiring) {
  let resolved = wiring;
  const resolve = (): StepperWiring => {
    if (!resolved) {
      const config = parseConfig(process.env);
      resolved = {
        deps: buildStaggerDeps(config, buildStaggerClients()),
        stepIntervalSec: config.stepIntervalSec,
        sleep: realSleep,
        invocationBudgetMs: 55_000,
        metrics: new PowertoolsMetricsSink(
          new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
        ),
      };
    }
    return resolved;
  };
  if (!wiring) resolve();

  return async (): Promise<{ ticks: StepOutcome[][] }> => {
    const { deps, stepIntervalSec, sleep, invocationBudgetMs, metrics } = resolve();
    const startMs = deps.clock.nowMs();
    const ticks: StepOutcome[][] = [];
    for (;;) {
      const outcomes = await advanceStaggerPlans(deps);
      ticks.push(outcomes);
      if (outcomes.length > 0) {
        logger.info('stagger tick', { tick: ticks.length, outcomes });
        await metrics?.emit(stepperTickMetrics(outcomes));
      }
      const wake = nextWakeMs(outcomes, deps.clock.nowMs(), stepIntervalSec * 1000);
      if (wake === null || wake - startMs > invocationBudgetMs) break;
      await sleep(wake - deps.clock.nowMs());
    }
    return { ticks };
  };
}

/**
 * When the next tick is worth making: as soon as a waiting plan's budget has room again (but not sooner than
 * the minimum interval); null when no plan waits.
 */
export function nextWakeMs(
  outcomes: readonly StepOutcome[],
  nowMs: number,
  minIntervalMs: number,
): number | null {
  const waits = outcomes.filter((o) => o.action === 'wait' || o.action === 'advance');
  if (waits.length === 0) return null;
  const times = waits.map((o) =>
    o.action === 'wait' && o.nextCheckAtMs ? o.nextCheckAtMs : nowMs + minIntervalMs,
  );
  // Never sooner than the minimum interval: each tick scans ENIs, and ipamd shares those EC2 rate limits.
  return Math.max(nowMs + minIntervalMs, Math.min(...times));
}

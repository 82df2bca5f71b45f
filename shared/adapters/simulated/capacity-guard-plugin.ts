import { parseConfig } from '../../runtime/config.js';
import { logger } from '../../runtime/logger.js';
import { createScaleReactor } from '../../runtime/scale-reactor.js';
import { buildStaggerDeps } from '../../runtime/stagger-runtime.js';
import { nextWakeMs } from '../../runtime/stagger-stepper.js';
import type { EventBridgeEnvelope } from '../../simulator/eventbridge-events.js';
import type { GuardContext, SimulatedGuard } from '../../simulator/guard-plugin.js';
import { advanceStaggerPlans } from '../../use-cases/advance-stagger-plans.js';
import { InMemoryStateStore } from '../memory/in-memory-state-store.js';

/** The role the simulated guard's calls are made under (its CloudTrail events carry it). */
export const SIMULATED_GUARD_ROLE_ARN = 'arn:aws:iam::111122223333:role/capacity-guard-simulated';

/** Sources whose events reach the reactor, as the deployed EventBridge rules route them. */
const ROUTED_SOURCES = new Set(['aws.autoscaling', 'aws.eks']);

/** SQS FIFO hands the reactor at most 10 messages per batch. */
const SQS_BATCH_SIZE = 10;

export interface SimulatedGuardOptions {
  /** Environment overrides, as the deployed functions would read them (e.g. ATTACH_SPREAD_SEC). */
  readonly env?: Readonly<Record<string, string>>;
  /** How often the buffered events are handed to the reactor (the SQS poller's cadence). */
  readonly bufferFlushSec?: number;
  /** Powertools log level of the guard's functions during the run (default SILENT). */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/**
 * The deployed guard inside a simulation: the real scale reactor (fed in SQS batches through the burst buffer,
 * as in AWS) and the real stagger stepper (invoked every minute, stepping again inside the invocation as soon
 * as the budget has room), with real SDK clients answered by the simulated account. State lives in memory.
 */
export function createSimulatedCapacityGuard(options: SimulatedGuardOptions = {}): SimulatedGuard {
  const buffer: EventBridgeEnvelope[] = [];
  let reactor: ReturnType<typeof createScaleReactor> | undefined;
  let deps: ReturnType<typeof buildStaggerDeps> | undefined;
  let nextStepAtMs = 0;
  let invocationStartMs = 0;
  const config = parseConfig({
    STATE_TABLE_NAME: 'simulated',
    GUARD_ROLE_ARNS: SIMULATED_GUARD_ROLE_ARN,
    ...options.env,
  });

  const flush = async (): Promise<void> => {
    if (!reactor || buffer.length === 0) return;
    const events = buffer.splice(0, buffer.length);
    for (let i = 0; i < events.length; i += SQS_BATCH_SIZE) {
      const batch = events.slice(i, i + SQS_BATCH_SIZE);
      const response = await reactor({
        Records: batch.map((event) => ({ messageId: event.id, body: JSON.stringify(event), attributes: {} })),
      });
      if ('batchItemFailures' in response && response.batchItemFailures.length > 0) {
        throw new Error(`simulated reactor rejected ${response.batchItemFailures.length} events`);
      }
    }
  };

  const step = async (ctx: GuardContext): Promise<void> => {
    if (!deps) return;
    const now = ctx.nowMs();
    const scheduledInvocation = now - invocationStartMs >= 60_000;
    if (!scheduledInvocation && now < nextStepAtMs) return;
    if (scheduledInvocation) invocationStartMs = Math.floor(now / 60_000) * 60_000;
    const outcomes = await advanceStaggerPlans(deps);
    const wake = nextWakeMs(outcomes, now, config.stepIntervalSec * 1000);
    nextStepAtMs = wake !== null && wake - invocationStartMs <= 55_000 ? wake : Number.POSITIVE_INFINITY;
  };

  return {
    name: 'capacity-guard',
    identityArn: SIMULATED_GUARD_ROLE_ARN,
    async start(ctx) {
      // A what-if run prints its own report; the functions' operational logs would only drown it.
      logger.setLogLevel(options.logLevel ?? 'SILENT');
      deps = buildStaggerDeps(
        config,
        { ec2: ctx.clients.ec2, autoScaling: ctx.clients.autoScaling, eventBridge: ctx.clients.eventBridge },
        { nowMs: () => ctx.nowMs() },
        new InMemoryStateStore(),
      );
      reactor = createScaleReactor({ deps, selfRoleArns: config.selfRoleArns });
      invocationStartMs = ctx.nowMs();
      nextStepAtMs = Number.POSITIVE_INFINITY;
    },
    async onEvent(event) {
      const routed =
        ROUTED_SOURCES.has(event.source) ||
        (event.source === 'capacity-guard' && event['detail-type'] === 'Scale Request');
      if (routed) buffer.push(event);
    },
    schedules: [
      { name: 'scale-reactor-buffer', everySec: options.bufferFlushSec ?? 1, run: flush },
      { name: 'stagger-stepper', everySec: 1, run: step },
    ],
  };
}

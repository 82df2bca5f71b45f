import { InMemoryAuditStore } from '../adapters/memory/in-memory-audit-store.js';
import { InMemoryGateStore } from '../adapters/memory/in-memory-gate-store.js';
import { InMemoryStateStore } from '../adapters/memory/in-memory-state-store.js';
import { RecordingDeadLetterQueue } from '../adapters/memory/recording-dead-letter-queue.js';
import { RecordingMetricsSink } from '../adapters/memory/recording-metrics-sink.js';
import { SIMULATED_GUARD_WRITE_POLICY } from '../adapters/simulated/guard-iam-policy.js';
import { NODE_REPORT_SOURCE } from '../events/node-report.js';
import type { MetricPoint } from '../ports/metrics-sink.js';
import { buildAuditorDeps } from '../runtime/auditor-deps.js';
import { createCapacityAuditor } from '../runtime/capacity-auditor.js';
import { parseConfig } from '../runtime/config.js';
import { buildGateDeps, nextGatePassAtMs, waitRecordsOf } from '../runtime/launch-gate.js';
import { logger } from '../runtime/logger.js';
import { createScaleReactor } from '../runtime/scale-reactor.js';
import { buildStaggerDeps } from '../runtime/stagger-runtime.js';
import { nextWakeMs } from '../runtime/stagger-stepper.js';
import type { EventBridgeEnvelope } from '../simulator/eventbridge-events.js';
import type { GuardContext, SimulatedGuard } from '../simulator/guard-plugin.js';
import { advanceStaggerPlans, StepApplyError } from '../use-cases/advance-stagger-plans.js';
import type { AuditMode } from '../use-cases/audit/audit-report.js';
import type { AuditSummary } from '../use-cases/audit/summarize-report.js';
import type { GateDeps } from '../use-cases/gate/gate-deps.js';
import { type GatePassOutcome, runGatePass } from '../use-cases/gate/run-gate-pass.js';

/** The role the simulated guard's calls are made under (its CloudTrail events carry it). */
export const SIMULATED_GUARD_ROLE_ARN = 'arn:aws:iam::111122223333:role/capacity-guard-simulated';

/** Sources whose events reach the reactor, as the deployed EventBridge rules route them. */
const ROUTED_SOURCES = new Set(['aws.autoscaling', 'aws.eks']);

/** The burst buffer's event source hands the reactor at most 10 messages per batch (serverless.yml). */
const SQS_BATCH_SIZE = 10;

/**
 * The burst buffer's visibility timeout and redrive limit (infra/queues.yml): a message whose invocation failed or
 * died is received again this long after, and is dead-lettered after this many receives.
 */
const SCALE_BUFFER_VISIBILITY_TIMEOUT_SEC = 360;
const MAX_RECEIVE_COUNT = 5;

/** Name of the simulated alert topic; its ARN takes the Region and account the guard runs in. */
export const SIMULATED_ALERT_TOPIC_NAME = 'capacity-guard-alerts';

/** The deployed schedules (serverless.yml): headroom audit every 5 minutes, full audit daily. */
const HEADROOM_AUDIT_EVERY_SEC = 300;
const FULL_AUDIT_EVERY_SEC = 86_400;

/**
 * A failed scheduled audit is invoked again once (serverless.yml: the auditor's `maximumRetryAttempts: 1`), a minute
 * later (Lambda asynchronous invocation: "one minute between the first two attempts"). A failed pre-flight batch
 * is not: it comes back after the queue's 1,440 s visibility timeout, past its 900 s retention.
 */
const AUDIT_RETRY_AFTER_SEC = 60;

/** One audit invocation that failed on AWS errors (throttling, a service fault), as the function threw it. */
export interface SimulatedAuditFailure {
  readonly atMs: number;
  readonly mode: AuditMode;
  readonly trigger: 'schedule' | 'preflight' | 'retry';
  readonly error: unknown;
}

/** Whether `error`, or an error it was caused by, is an AWS service's answer (what a Lambda invocation may fail on). */
function isAwsFailure(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('$metadata' in e || '$fault' in e) return true;
  }
  return false;
}

/** One run of the simulated capacity auditor, as its function returned it. */
export interface SimulatedAuditRun {
  /** Simulated epoch ms of the run. */
  readonly atMs: number;
  readonly mode: AuditMode;
  /** The summary the function puts on the bus (`Capacity Audit Completed`). */
  readonly summary: AuditSummary;
  /** The CloudWatch metric points it emitted (free IPs, free /28 blocks, minutes to exhaustion, …). */
  readonly metrics: readonly MetricPoint[];
}

export interface SimulatedAuditorOptions {
  /** Period of the headroom audit (default 300 s). */
  readonly headroomEverySec?: number;
  /** Period of the full audit (default 86,400 s). */
  readonly fullEverySec?: number;
  /** Called after every audit run. */
  readonly onAudit?: (run: SimulatedAuditRun) => void;
  /** Called for every audit invocation that failed on AWS errors (the run goes on, as Lambda's would). */
  readonly onAuditFailed?: (failure: SimulatedAuditFailure) => void;
}

export interface SimulatedGuardOptions {
  /** Environment overrides, as the deployed functions would read them (e.g. ATTACH_SPREAD_SEC). */
  readonly env?: Readonly<Record<string, string>>;
  /** How often the buffered events are handed to the reactor (the SQS poller's cadence). */
  readonly bufferFlushSec?: number;
  /** Powertools log level of the guard's functions during the run (default SILENT). */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** The capacity auditor on its schedules; `false` leaves it out (default: on, deployed schedules). */
  readonly auditor?: SimulatedAuditorOptions | false;
  /** Called after every pass of the launch gate. */
  readonly onGatePass?: (outcome: GatePassOutcome) => void;
}

/**
 * The guard's settings for a scenario's account, as an operator would deploy them: its attach budget is the
 * account's.
 */
export function guardEnvFor(scenario: { readonly account: { readonly attachBudgetPerMin: number } }) {
  return { ATTACH_BUDGET_PER_MIN: String(scenario.account.attachBudgetPerMin) };
}

/** The pre-flight queue's batching window: a burst of scale intents makes one headroom audit. */
const PREFLIGHT_BATCH_SEC = 10;

/** Lifecycle action events go to the launch gate's queue, not the reactor's. */
const LIFECYCLE_ACTION = 'EC2 Instance-launch Lifecycle Action';

function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/**
 * The deployed guard inside a simulation: the real scale reactor (fed in SQS batches through the burst buffer,
 * as in AWS) and the real stagger stepper (invoked every minute, stepping again inside the invocation as soon
 * as the budget has room), with real SDK clients answered by the simulated account. State lives in memory.
 */
export function createSimulatedCapacityGuard(options: SimulatedGuardOptions = {}): SimulatedGuard {
  const buffer: EventBridgeEnvelope[] = [];
  // The stagger functions and the auditor share one table when deployed: here, one in-memory store.
  const staggerState = new InMemoryStateStore();
  let reactor: ReturnType<typeof createScaleReactor> | undefined;
  let deps: ReturnType<typeof buildStaggerDeps> | undefined;
  let nextStepAtMs = 0;
  let invocationStartMs = 0;
  const gateBuffer: EventBridgeEnvelope[] = [];
  let gateDeps: GateDeps | undefined;
  let nextGatePassMs: number | null = null;
  let gateLoopEndMs = 0;
  const config = parseConfig({
    STATE_TABLE_NAME: 'simulated',
    GUARD_ROLE_ARNS: SIMULATED_GUARD_ROLE_ARN,
    ...options.env,
  });

  const auditorOptions = options.auditor === false ? null : (options.auditor ?? {});
  let auditor: ((mode: AuditMode) => Promise<void>) | undefined;
  // Scale intents also reach the auditor through the pre-flight queue: one headroom audit per batch window.
  let preflightDueMs: number | null = null;
  let lastNowMs = 0;
  const auditRetries: { dueMs: number; mode: AuditMode }[] = [];
  // An invocation that fails on AWS errors fails as a Lambda's would; anything else is a defect and ends the run.
  const runAudit = async (ctx: GuardContext, mode: AuditMode, trigger: SimulatedAuditFailure['trigger']) => {
    try {
      await auditor?.(mode);
    } catch (error) {
      if (!isAwsFailure(error)) throw error;
      const atMs = ctx.nowMs();
      auditorOptions?.onAuditFailed?.({ atMs, mode, trigger, error });
      if (trigger === 'schedule') auditRetries.push({ dueMs: atMs + AUDIT_RETRY_AFTER_SEC * 1000, mode });
    }
  };
  const preflight = async (ctx: GuardContext): Promise<void> => {
    lastNowMs = ctx.nowMs();
    const due = auditRetries.filter((r) => r.dueMs <= lastNowMs);
    auditRetries.splice(0, auditRetries.length, ...auditRetries.filter((r) => r.dueMs > lastNowMs));
    for (const retry of due) await runAudit(ctx, retry.mode, 'retry');
    if (preflightDueMs === null || lastNowMs < preflightDueMs) return;
    preflightDueMs = null;
    await runAudit(ctx, 'headroom', 'preflight');
  };

  // Messages a failed or dead invocation gave back: visible again once their visibility timeout is over.
  const redeliveries: { dueMs: number; event: EventBridgeEnvelope }[] = [];
  const receives = new Map<string, number>();
  const giveBack = (events: readonly EventBridgeEnvelope[], nowMs: number) => {
    for (const event of events) {
      const count = receives.get(event.id) ?? 1;
      if (count >= MAX_RECEIVE_COUNT) {
        throw new Error(
          `simulated reactor failed event ${event.id} ${count} times: it would be dead-lettered`,
        );
      }
      receives.set(event.id, count + 1);
      redeliveries.push({ dueMs: nowMs + SCALE_BUFFER_VISIBILITY_TIMEOUT_SEC * 1000, event });
    }
  };

  const flush = async (ctx: GuardContext): Promise<void> => {
    const now = ctx.nowMs();
    for (let i = redeliveries.length - 1; i >= 0; i -= 1) {
      const due = redeliveries[i];
      if (due && due.dueMs <= now) {
        buffer.push(due.event);
        redeliveries.splice(i, 1);
      }
    }
    if (!reactor || buffer.length === 0) return;
    const events = buffer.splice(0, buffer.length);
    for (let i = 0; i < events.length; i += SQS_BATCH_SIZE) {
      const batch = events.slice(i, i + SQS_BATCH_SIZE);
      let failed: readonly EventBridgeEnvelope[];
      try {
        const response = await reactor({
          Records: batch.map((event) => ({
            messageId: event.id,
            body: JSON.stringify(event),
            attributes: {},
          })),
        });
        const failedIds = new Set(
          'batchItemFailures' in response ? response.batchItemFailures.map((f) => f.itemIdentifier) : [],
        );
        failed = batch.filter((event) => failedIds.has(event.id));
      } catch (error) {
        if (!ctx.takeCrash()) throw error;
        failed = batch;
      }
      // A dead invocation never answered SQS: its whole batch comes back, whatever it returned.
      if (ctx.takeCrash()) failed = batch;
      giveBack(failed, ctx.nowMs());
    }
  };

  /** One gate pass; a pass that leaves instances waiting keeps its invocation looping (as the functions do). */
  const gatePass = async (
    ctx: GuardContext,
    records: Parameters<typeof runGatePass>[1] = [],
    reports: Parameters<typeof runGatePass>[2] = [],
  ) => {
    if (!gateDeps) return;
    const outcome = await runGatePass(gateDeps, records, reports);
    options.onGatePass?.(outcome);
    const now = ctx.nowMs();
    const wake = nextGatePassAtMs(outcome, now);
    if (wake === null) nextGatePassMs = null;
    else {
      if (nextGatePassMs === null) gateLoopEndMs = now + config.gate.loopSec * 1000;
      nextGatePassMs = wake <= gateLoopEndMs ? wake : null;
    }
  };

  const flushGate = async (ctx: GuardContext): Promise<void> => {
    if (!gateDeps || gateBuffer.length === 0) return;
    const events = gateBuffer.splice(0, gateBuffer.length);
    const { records, warmPool, reports, invalid } = waitRecordsOf(
      events.map((e) => ({ messageId: e.id, body: e })),
      config.selfRoleArns,
    );
    if (invalid.length > 0)
      throw new Error(
        `simulated launch gate rejected ${invalid.length} events: ${invalid.map((i) => i.reason).join('; ')}`,
      );
    for (const w of warmPool) {
      await gateDeps.actions.release({
        groupName: w.groupName,
        hookName: w.hookName ?? config.gate.hookName,
        instanceId: w.instanceId,
      });
    }
    if (nextGatePassMs === null) gateLoopEndMs = ctx.nowMs() + config.gate.loopSec * 1000;
    await gatePass(ctx, records, reports);
  };

  /** The scheduled releaser: a pass at the top of every minute, then passes while its invocation loops. */
  const releaseTick = async (ctx: GuardContext): Promise<void> => {
    if (!gateDeps) return;
    const now = ctx.nowMs();
    const scheduled = Math.floor(now / 60_000) !== Math.floor((now - 1000) / 60_000);
    if (scheduled) {
      gateLoopEndMs = now + config.gate.loopSec * 1000;
      await gatePass(ctx);
    } else if (nextGatePassMs !== null && now >= nextGatePassMs) {
      await gatePass(ctx);
    }
  };

  const step = async (ctx: GuardContext): Promise<void> => {
    if (!deps) return;
    const now = ctx.nowMs();
    const scheduledInvocation = now - invocationStartMs >= 60_000;
    if (!scheduledInvocation && now < nextStepAtMs) return;
    if (scheduledInvocation) invocationStartMs = Math.floor(now / 60_000) * 60_000;
    let outcomes: Awaited<ReturnType<typeof advanceStaggerPlans>>;
    try {
      outcomes = await advanceStaggerPlans(deps);
    } catch (error) {
      // A dead or failed invocation ends; the schedule invokes the stepper again at the next minute.
      if (!ctx.takeCrash() && !(error instanceof StepApplyError)) throw error;
      nextStepAtMs = Number.POSITIVE_INFINITY;
      return;
    }
    if (ctx.takeCrash()) {
      nextStepAtMs = Number.POSITIVE_INFINITY;
      return;
    }
    const wake = nextWakeMs(outcomes, now, config.stepIntervalSec * 1000);
    nextStepAtMs = wake !== null && wake - invocationStartMs <= 55_000 ? wake : Number.POSITIVE_INFINITY;
  };

  return {
    name: 'capacity-guard',
    identityArn: SIMULATED_GUARD_ROLE_ARN,
    autoScalingWritePolicy: SIMULATED_GUARD_WRITE_POLICY,
    async start(ctx) {
      // A what-if run prints its own report; the functions' operational logs would only drown it.
      logger.setLogLevel(options.logLevel ?? 'SILENT');
      const { ec2, autoScaling, eventBridge, eks } = ctx.clients;
      const clients = { ec2, autoScaling, eventBridge, eks };
      const clock = { nowMs: () => ctx.nowMs() };
      deps = {
        ...buildStaggerDeps(config, clients, clock, staggerState),
        // The deployed guard reads an SSM parameter; here the scenario's `kill-switch` actions set it.
        killSwitch: { isOn: async () => ctx.killSwitchOn() },
      };
      reactor = createScaleReactor({
        deps,
        selfRoleArns: config.selfRoleArns,
        deadLetters: new RecordingDeadLetterQueue(),
        metrics: new RecordingMetricsSink(),
      });
      gateDeps = buildGateDeps(config, clients, clock, new InMemoryGateStore());
      invocationStartMs = ctx.nowMs();
      nextStepAtMs = Number.POSITIVE_INFINITY;
      if (auditorOptions !== null) auditor = await startAuditor(ctx, auditorOptions);
    },
    async onEvent(event) {
      const intent =
        ROUTED_SOURCES.has(event.source) ||
        (event.source === 'capacity-guard' && event['detail-type'] === 'Scale Request');
      if (intent && auditorOptions !== null) preflightDueMs ??= lastNowMs + PREFLIGHT_BATCH_SEC * 1000;
      if (
        (event.source === 'aws.autoscaling' && event['detail-type'] === LIFECYCLE_ACTION) ||
        event.source === NODE_REPORT_SOURCE
      ) {
        gateBuffer.push(event);
        return;
      }
      if (intent) buffer.push(event);
    },
    schedules: [
      { name: 'scale-reactor-buffer', everySec: options.bufferFlushSec ?? 1, run: flush },
      { name: 'stagger-stepper', everySec: 1, run: step },
      { name: 'launch-gate-queue', everySec: options.bufferFlushSec ?? 1, run: flushGate },
      { name: 'gate-releaser', everySec: 1, run: releaseTick, wakeAtMs: () => nextGatePassMs },
      ...(auditorOptions === null
        ? []
        : [
            { name: 'capacity-auditor-preflight', everySec: 1, run: preflight },
            {
              name: 'capacity-auditor-headroom',
              everySec: auditorOptions.headroomEverySec ?? HEADROOM_AUDIT_EVERY_SEC,
              run: (ctx: GuardContext) => runAudit(ctx, 'headroom', 'schedule'),
            },
            {
              name: 'capacity-auditor-full',
              everySec: auditorOptions.fullEverySec ?? FULL_AUDIT_EVERY_SEC,
              run: (ctx: GuardContext) => runAudit(ctx, 'full', 'schedule'),
            },
          ]),
    ],
  };

  /**
   * The capacity auditor's function body with the deployed wiring: SNS alerts to a topic in the guard's
   * account and Region, metric points recorded instead of printed as EMF, samples and alert states in memory.
   */
  async function startAuditor(
    ctx: GuardContext,
    settings: SimulatedAuditorOptions,
  ): Promise<(mode: AuditMode) => Promise<void>> {
    const region = await ctx.clients.sns.config.region();
    // The simulated guard's role lives in the simulated account: alerts and the topic name the same one.
    const accountId = accountOfArn(SIMULATED_GUARD_ROLE_ARN);
    const auditConfig = parseConfig({
      STATE_TABLE_NAME: 'simulated',
      GUARD_ROLE_ARNS: SIMULATED_GUARD_ROLE_ARN,
      ALERT_TOPIC_ARN: `arn:aws:sns:${region}:${accountId}:${SIMULATED_ALERT_TOPIC_NAME}`,
      ...options.env,
    });
    const metrics = new RecordingMetricsSink();
    // One store for the whole run: the forecast reads the samples earlier runs stored, and alert states
    // carry over, as they do in the deployed table.
    const wiring = buildAuditorDeps(
      auditConfig,
      ctx.clients,
      { nowMs: () => ctx.nowMs() },
      {
        region,
        accountId,
        overrides: { store: new InMemoryAuditStore(), metrics, staggerPlans: staggerState },
      },
    );
    const handler = createCapacityAuditor(wiring, logger);
    return async (mode) => {
      const atMs = ctx.nowMs();
      // The deployed schedules send constant input: `{ "mode": … }` is the whole event.
      const summary = await handler({ mode });
      const points = metrics.points.splice(0);
      settings.onAudit?.({ atMs, mode, summary, metrics: points });
    };
  }
}

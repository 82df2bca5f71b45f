import { Metrics } from '@aws-lambda-powertools/metrics';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { AutoScalingGroupsAdapter } from '../adapters/aws/auto-scaling-groups.js';
import { AutoScalingLifecycleActions } from '../adapters/aws/auto-scaling-lifecycle-actions.js';
import { DynamoDbGateStore } from '../adapters/aws/dynamodb-gate-store.js';
import { Ec2AttachObserver } from '../adapters/aws/ec2-attach-observer.js';
import { Ec2InstanceCatalog } from '../adapters/aws/ec2-instance-catalog.js';
import { EksClusterDirectory } from '../adapters/aws/eks-cluster-directory.js';
import { EventBridgePublisher } from '../adapters/aws/eventbridge-publisher.js';
import { METRICS_NAMESPACE, PowertoolsMetricsSink } from '../adapters/aws/powertools-metrics-sink.js';
import { SqsDeadLetterQueue } from '../adapters/aws/sqs-dead-letter-queue.js';
import { killSwitchOff, SsmKillSwitch } from '../adapters/aws/ssm-kill-switch.js';
import { effectiveBudget } from '../domain/attach-budget.js';
import { InvalidEventError } from '../events/invalid-event-error.js';
import { isNodeReportEvent, parseNodeReport } from '../events/node-report.js';
import { parseScaleEvent } from '../events/registry.js';
import { parseSqsRecords } from '../events/sqs-records.js';
import type { Clock } from '../ports/clock.js';
import type { DeadLetterQueue } from '../ports/dead-letter-queue.js';
import type { GateStateStore, ReadyReport, WaitRecord } from '../ports/gate-state-store.js';
import {
  type MetricPoint,
  type MetricsSink,
  MetricUnitName,
  PacingMetricName,
} from '../ports/metrics-sink.js';
import type { GateDeps } from '../use-cases/gate/gate-deps.js';
import { type GatePassOutcome, runGatePass } from '../use-cases/gate/run-gate-pass.js';
import { buildSqsClient, buildStaggerClients } from './aws-clients.js';
import { cachedCniAddons } from './cached-cni-addons.js';
import type { GuardConfig } from './config.js';
import { parseConfig } from './config.js';
import { currentCorrelationId } from './correlation-id.js';
import { parseLaunchGateConfig } from './dead-letter-config.js';
import { deadLetterInvalid } from './dead-letters.js';
import { logger, SERVICE_NAME } from './logger.js';
import { type StaggerClients, systemClock } from './stagger-runtime.js';

/** Shortest pause between two passes of one invocation: each pass reads the account's ENIs once. */
export const GATE_MIN_PASS_INTERVAL_MS = 1_000;
/**
 * Pause after each Describe call a pass made: the gate's own reads stay within 10 % of the account's Describe
 * refill of 20 per second (DOMAIN.md §3), 120 a minute, however many pages the account's ENIs take.
 */
export const GATE_PAUSE_PER_DESCRIBE_MS = 500;
/** Longest pause while instances wait: picks up instances whose events were lost. */
export const GATE_MAX_PASS_INTERVAL_MS = 10_000;

/** Wires the launch gate to AWS clients (or the simulator's), once per container. */
export function buildGateDeps(
  config: GuardConfig,
  clients: StaggerClients & { readonly autoScaling: AutoScalingClient },
  clock: Clock = systemClock,
  store?: GateStateStore,
): GateDeps {
  const gateStore =
    store ??
    (clients.dynamodb
      ? new DynamoDbGateStore(clients.dynamodb, config.stateTableName)
      : (() => {
          throw new Error('buildGateDeps: a DynamoDB client or a gate store is required');
        })());
  const g = config.gate;
  return {
    groups: new AutoScalingGroupsAdapter(clients.autoScaling),
    attaches: new Ec2AttachObserver(clients.ec2, clock, config.attachTimeFilter),
    actions: new AutoScalingLifecycleActions(clients.autoScaling),
    store: gateStore,
    catalog: new Ec2InstanceCatalog(clients.ec2),
    events: new EventBridgePublisher(clients.eventBridge, config.eventBusName, currentCorrelationId(logger)),
    killSwitch:
      config.killSwitchParameter && clients.ssm
        ? new SsmKillSwitch(clients.ssm, config.killSwitchParameter)
        : killSwitchOff,
    clock,
    ...(clients.eks ? { clusters: cachedCniAddons(new EksClusterDirectory(clients.eks), clock) } : {}),
    settings: {
      policy: {
        attachesPerWindow: effectiveBudget({
          attachesPerMin: config.attachesPerMin,
          safetyMargin: config.safetyMargin,
          spreadSec: 0,
        }),
        maxHoldMs: g.maxHoldSec * 1000,
        heartbeatTimeoutMs: g.heartbeatTimeoutSec * 1000,
        settleQuietMs: g.settleQuietSec * 1000,
        settleMaxMs: g.settleMaxSec * 1000,
      },
      hookName: g.hookName,
      optInTagKey: config.optInTagKey,
      optInTagValue: config.optInTagValue,
      peerRefreshMs: g.peerRefreshSec * 1000,
    },
  };
}

/**
 * When the next pass is worth making: when the decision said room frees (or a hold falls due), never sooner than
 * the minimum interval nor than the pass's Describe calls allow (`GATE_PAUSE_PER_DESCRIBE_MS` each: an account
 * with many ENI pages is read less often), never later than the maximum while anything waits; null when nothing
 * waits.
 */
export function nextGatePassAtMs(outcome: GatePassOutcome, nowMs: number): number | null {
  const released = Object.values(outcome.released).reduce((a, b) => a + b, 0);
  if (outcome.waiting - released <= 0) return null;
  const wanted = outcome.nextCheckAtMs ?? nowMs + GATE_MAX_PASS_INTERVAL_MS;
  const pause = Math.max(GATE_MIN_PASS_INTERVAL_MS, outcome.describeCalls * GATE_PAUSE_PER_DESCRIBE_MS);
  return Math.min(nowMs + Math.max(GATE_MAX_PASS_INTERVAL_MS, pause), Math.max(nowMs + pause, wanted));
}

export interface GateWiring {
  readonly deps: GateDeps;
  /** Per-pass metrics (EMF in Lambda); none when absent. */
  readonly metrics?: MetricsSink;
  readonly selfRoleArns: readonly string[];
  readonly sleep: (ms: number) => Promise<void>;
  /** How long one scheduled invocation keeps releasing while instances wait. */
  readonly loopMs: number;
  /**
   * Where the launch gate sends invalid messages at once, with their reason; absent, they are batch item failures
   * and reach the queue's dead-letter queue by its redrive policy.
   */
  readonly deadLetters?: DeadLetterQueue;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function resolveWiring(wiring: GateWiring | undefined, deadLetters: boolean): () => GateWiring {
  let resolved = wiring;
  return () => {
    if (!resolved) {
      const config = parseConfig(process.env);
      resolved = {
        ...(deadLetters
          ? {
              deadLetters: new SqsDeadLetterQueue(
                buildSqsClient(),
                parseLaunchGateConfig(process.env).deadLetterQueueUrl,
              ),
            }
          : {}),
        deps: buildGateDeps(config, buildStaggerClients()),
        selfRoleArns: config.selfRoleArns,
        sleep: realSleep,
        loopMs: config.gate.loopSec * 1000,
        metrics: new PowertoolsMetricsSink(
          new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
        ),
      };
    }
    return resolved;
  };
}

/** The metric points of one gate pass. */
export function gatePassMetrics(outcome: GatePassOutcome): MetricPoint[] {
  const point = (name: PacingMetricName, value: number): MetricPoint => ({
    name,
    unit:
      name === PacingMetricName.gateOldestWaitSec || name === PacingMetricName.gateBacklogSec
        ? MetricUnitName.none
        : MetricUnitName.count,
    value,
    dimensions: {},
  });
  return [
    point(PacingMetricName.gateWaiting, outcome.waiting),
    point(
      PacingMetricName.gateReleased,
      Object.values(outcome.released).reduce((a, b) => a + b, 0),
    ),
    point(PacingMetricName.gateOldestWaitSec, outcome.oldestWaitSec),
    point(PacingMetricName.gateBacklogSec, outcome.backlogSec),
    point(PacingMetricName.attachesObserved, outcome.observedInWindow),
    point(PacingMetricName.attachesBooked, outcome.pendingAttaches),
  ];
}

/** A scale-out the budget cannot release within the hold, or reporting groups whose nodes are silent: said at once. */
function warnAboutPass(outcome: GatePassOutcome, maxHoldMs: number): void {
  if (outcome.silentReportingGroups.length > 0) {
    logger.warn('launch gate: groups tagged as reporting have nodes that did not report reaching the wait', {
      groups: outcome.silentReportingGroups,
      advice:
        "check the launch template's wait block (capacity-guard gate snippet, v2 reports) and the node role's events:PutEvents permission, or remove the tag capacity-guard/gate-reports",
    });
  }
  if (outcome.backlogSec * 1000 <= maxHoldMs) return;
  logger.warn('launch gate backlog exceeds the maximum hold', {
    backlogSec: outcome.backlogSec,
    maxHoldSec: maxHoldMs / 1000,
    waiting: outcome.waiting,
    advice:
      'instances past the hold proceed unpaced: cap the group (MaxSize) to what the budget releases in time, or raise the budget',
  });
}

/**
 * Lifecycle action events as wait records (entries into a warm pool are listed apart: they never join) and the
 * nodes' reports that they reached the wait point.
 */
export function waitRecordsOf(
  bodies: readonly { readonly messageId: string; readonly body: unknown }[],
  selfRoleArns: readonly string[],
): {
  records: WaitRecord[];
  warmPool: WaitRecord[];
  reports: ReadyReport[];
  invalid: { messageId: string; reason: string }[];
} {
  const records: WaitRecord[] = [];
  const warmPool: WaitRecord[] = [];
  const reports: ReadyReport[] = [];
  const invalid: { messageId: string; reason: string }[] = [];
  for (const message of bodies) {
    try {
      if (isNodeReportEvent(message.body)) {
        const report = parseNodeReport(message.body);
        reports.push({ instanceId: report.instanceId, atMs: report.atMs });
        continue;
      }
      const signal = parseScaleEvent(message.body, { selfIdentityArns: selfRoleArns });
      if (signal.kind !== 'launch-lifecycle-action') {
        // Only launch lifecycle actions and node reports are routed here: anything else is set aside, not dropped.
        const detailType = (message.body as Record<string, unknown>)['detail-type'];
        invalid.push({
          messageId: message.messageId,
          reason: `detail-type: expected 'EC2 Instance-launch Lifecycle Action' or 'Launch Gate Node Waiting', got ${JSON.stringify(detailType)}`,
        });
        continue;
      }
      const record: WaitRecord = {
        instanceId: signal.instanceId,
        groupName: signal.groupName,
        sinceMs: signal.atMs,
        hookName: signal.hookName,
        heartbeatAtMs: null,
        stage: 'recorded',
      };
      (signal.destination === 'WarmPool' ? warmPool : records).push(record);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      invalid.push({ messageId: message.messageId, reason: error.message });
    }
  }
  return { records, warmPool, reports, invalid };
}

/**
 * The launch gate's event body: SQS batches of `EC2 Instance-launch Lifecycle Action` events and nodes' reports
 * (`Launch Gate Node Waiting`). Records when each instance began to wait and when its node said it booted, lets
 * instances bound for a warm pool through at once (they do not join the cluster then), and runs one pass so that
 * instances the budget has room for go without waiting for the schedule.
 * An invalid message goes to the dead-letter queue at once with its reason (GATE_DEAD_LETTER_QUEUE_URL) and is
 * acknowledged; one that cannot be sent there is a batch item failure, so nothing is lost.
 */
export function createLaunchGate(wiring?: GateWiring) {
  const resolve = resolveWiring(wiring, true);
  if (!wiring) resolve();
  return async (event: unknown): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> => {
    const { deps, selfRoleArns, metrics, deadLetters } = resolve();
    const messages = parseSqsRecords(event);
    const { records, warmPool, reports, invalid } = waitRecordsOf(messages, selfRoleArns);
    for (const w of warmPool) {
      await deps.actions.release({
        groupName: w.groupName,
        hookName: w.hookName ?? deps.settings.hookName,
        instanceId: w.instanceId,
      });
    }
    const outcome = await runGatePass(deps, records, reports);
    logger.info('launch gate pass', {
      trigger: 'event',
      recorded: records.length,
      reported: reports.length,
      ...outcome,
    });
    warnAboutPass(outcome, deps.settings.policy.maxHoldMs);
    await metrics?.emit(gatePassMetrics(outcome));
    // After the pass: should it throw, the whole batch comes back and these would be sent twice.
    const rawBodies = new Map(messages.map((m) => [m.messageId, m.rawBody]));
    const unsent = deadLetters
      ? await deadLetterInvalid(
          deadLetters,
          invalid.map((i) => ({ ...i, rawBody: rawBodies.get(i.messageId) ?? '' })),
          'launch gate event',
        )
      : invalid.map((i) => {
          logger.error('invalid launch gate event', i);
          return i.messageId;
        });
    return { batchItemFailures: unsent.map((messageId) => ({ itemIdentifier: messageId })) };
  };
}

/**
 * The gate releaser's scheduled body (every minute): passes while instances wait, each as soon as the budget's
 * window frees room, until the next scheduled invocation takes over. Also the safety net for lost events.
 */
export function createGateReleaser(wiring?: GateWiring) {
  const resolve = resolveWiring(wiring, false);
  if (!wiring) resolve();
  return async (): Promise<{ passes: GatePassOutcome[] }> => {
    const { deps, sleep, loopMs, metrics } = resolve();
    const startMs = deps.clock.nowMs();
    const passes: GatePassOutcome[] = [];
    for (;;) {
      const outcome = await runGatePass(deps);
      passes.push(outcome);
      if (outcome.waiting > 0 || passes.length === 1) await metrics?.emit(gatePassMetrics(outcome));
      warnAboutPass(outcome, deps.settings.policy.maxHoldMs);
      if (outcome.waiting > 0) logger.info('launch gate pass', { trigger: 'schedule', ...outcome });
      const wake = nextGatePassAtMs(outcome, deps.clock.nowMs());
      if (wake === null || wake - startMs > loopMs) break;
      await sleep(wake - deps.clock.nowMs());
    }
    return { passes };
  };
}

import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, PowertoolsMetricsSink } from '../adapters/aws/powertools-metrics-sink.js';
import { SqsDeadLetterQueue } from '../adapters/aws/sqs-dead-letter-queue.js';
import { coalesceSignals } from '../events/coalesce-signals.js';
import { InvalidEventError } from '../events/invalid-event-error.js';
import { parseScaleEvent } from '../events/registry.js';
import type { ScaleSignal } from '../events/scale-signal.js';
import { parseSqsRecords } from '../events/sqs-records.js';
import type { DeadLetterQueue } from '../ports/dead-letter-queue.js';
import {
  type MetricsSink,
  MetricUnitName,
  PacingMetricName,
  ReactorMetricName,
} from '../ports/metrics-sink.js';
import { reactToScaleSignals } from '../use-cases/react-to-scale-signals.js';
import type { StaggerDeps } from '../use-cases/stagger-deps.js';
import { buildSqsClient, buildStaggerClients } from './aws-clients.js';
import { parseConfig } from './config.js';
import { parseReactorConfig } from './dead-letter-config.js';
import { deadLetterInvalid, type InvalidMessage } from './dead-letters.js';
import { errorText, logger, SERVICE_NAME } from './logger.js';
import { buildStaggerDeps } from './stagger-runtime.js';

export interface ReactorWiring {
  readonly deps: StaggerDeps;
  readonly selfRoleArns: readonly string[];
  /** The burst buffer's dead-letter queue: invalid events go there at once, with their reason. */
  readonly deadLetters: DeadLetterQueue;
  /** Where the `InvalidEvents` count goes. */
  readonly metrics: MetricsSink;
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

function isSqsBatch(event: unknown): boolean {
  return (
    typeof event === 'object' && event !== null && Array.isArray((event as { Records?: unknown }).Records)
  );
}

/**
 * The scale reactor's body. Given an SQS batch, a message that is not a valid scale event is acknowledged and
 * sent to the dead-letter queue at once with its reason (retrying it cannot make it valid); only a failure that
 * may pass (a throttled or failed AWS call, a conflicting write) is reported as a batch item failure, and the
 * rest of the batch goes on. Given a single EventBridge event, an invalid one throws (Lambda's retries, then
 * its DLQ).
 */
export function createScaleReactor(wiring?: ReactorWiring) {
  let resolved = wiring;
  const resolve = (): ReactorWiring => {
    if (!resolved) {
      const config = parseConfig(process.env);
      const reactorConfig = parseReactorConfig(process.env);
      resolved = {
        deps: buildStaggerDeps(config, buildStaggerClients()),
        selfRoleArns: config.selfRoleArns,
        deadLetters: new SqsDeadLetterQueue(buildSqsClient(), reactorConfig.deadLetterQueueUrl),
        metrics: new PowertoolsMetricsSink(
          new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
        ),
      };
    }
    return resolved;
  };
  if (!wiring) resolve();

  return async (event: unknown): Promise<SqsBatchResponse | { outcomes: unknown[] }> => {
    const { deps, selfRoleArns, deadLetters, metrics } = resolve();
    if (!isSqsBatch(event)) {
      const outcomes = await reactToScaleSignals(
        deps,
        coalesceSignals([parseScaleEvent(event, { selfIdentityArns: selfRoleArns })]),
      );
      const failed = outcomes.find((o) => o.outcome === 'failed');
      if (failed && failed.outcome === 'failed') throw failed.error;
      logger.info('scale signals handled', { outcomes });
      return { outcomes };
    }
    const messages = parseSqsRecords(event);
    const signals: ScaleSignal[] = [];
    const invalid: InvalidMessage[] = [];
    const failedIds = new Set<string>();
    const messageOfEvent = new Map<string, string>();
    for (const message of messages) {
      try {
        const signal = parseScaleEvent(message.body, { selfIdentityArns: selfRoleArns });
        signals.push(signal);
        messageOfEvent.set(signal.eventId, message.messageId);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        invalid.push({ messageId: message.messageId, rawBody: message.rawBody, reason: error.message });
      }
    }
    const batch = coalesceSignals(signals);
    const outcomes = await reactToScaleSignals(deps, batch);
    for (const outcome of outcomes) {
      if (outcome.outcome !== 'failed') continue;
      logger.error('scale reaction failed', {
        asgName: outcome.groupName,
        error: errorText(outcome.error),
      });
      for (const eventId of outcome.eventIds) {
        const messageId = messageOfEvent.get(eventId);
        if (messageId) failedIds.add(messageId);
      }
    }
    // After the reaction: should it throw, the whole batch comes back and these would be sent twice.
    for (const messageId of await deadLetterInvalid(deadLetters, invalid, 'scale event'))
      failedIds.add(messageId);
    const superseded = outcomes.filter((o) => o.outcome === 'superseded');
    if (superseded.length > 0) {
      logger.info('superseded intents acknowledged', { asgNames: superseded.map((o) => o.groupName) });
    }
    const count = (name: ReactorMetricName | PacingMetricName, value: number) => ({
      name,
      unit: MetricUnitName.count,
      value,
      dimensions: {},
    });
    await metrics.emit([
      count(PacingMetricName.intentsSeen, batch.received - batch.ignored.length),
      count(PacingMetricName.plansHeld, outcomes.filter((o) => o.outcome === 'hold').length),
      count(PacingMetricName.intentsSuperseded, superseded.length),
      ...(invalid.length > 0 ? [count(ReactorMetricName.invalidEvents, invalid.length)] : []),
    ]);
    logger.info('scale signals handled', {
      received: batch.received,
      invalid: invalid.length,
      ignored: batch.ignored.length,
      duplicates: batch.duplicateEventIds.length,
      failed: failedIds.size,
      outcomes: outcomes.map((o) =>
        o.outcome === 'failed' ? { groupName: o.groupName, outcome: o.outcome } : o,
      ),
    });
    // A standard queue keeps no order to protect: each failed message alone goes back.
    return {
      batchItemFailures: messages
        .filter((m) => failedIds.has(m.messageId))
        .map((m) => ({ itemIdentifier: m.messageId })),
    };
  };
}

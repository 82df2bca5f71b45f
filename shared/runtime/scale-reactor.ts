import { coalesceSignals } from '../events/coalesce-signals.js';
import { InvalidEventError } from '../events/invalid-event-error.js';
import { parseScaleEvent } from '../events/registry.js';
import type { ScaleSignal } from '../events/scale-signal.js';
import { parseSqsRecords, type SqsMessage } from '../events/sqs-records.js';
import { reactToScaleSignals } from '../use-cases/react-to-scale-signals.js';
import type { StaggerDeps } from '../use-cases/stagger-deps.js';
import { buildStaggerClients } from './aws-clients.js';
import { parseConfig } from './config.js';
import { logger } from './logger.js';
import { buildStaggerDeps } from './stagger-runtime.js';

export interface ReactorWiring {
  readonly deps: StaggerDeps;
  readonly selfRoleArns: readonly string[];
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
 * The scale reactor's body. Given an SQS batch, a message that is not a valid scale event is reported as a
 * batch item failure (SQS moves it to the dead-letter queue after its receive limit) and the rest of the batch
 * goes on; given a single EventBridge event, an invalid one throws (Lambda's retries, then its DLQ).
 */
export function createScaleReactor(wiring?: ReactorWiring) {
  let resolved = wiring;
  const resolve = (): ReactorWiring => {
    if (!resolved) {
      const config = parseConfig(process.env);
      resolved = { deps: buildStaggerDeps(config, buildStaggerClients()), selfRoleArns: config.selfRoleArns };
    }
    return resolved;
  };
  if (!wiring) resolve();

  return async (event: unknown): Promise<SqsBatchResponse | { outcomes: unknown[] }> => {
    const { deps, selfRoleArns } = resolve();
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
    const failedIds = new Set<string>();
    const messageOfEvent = new Map<string, string>();
    for (const message of messages) {
      try {
        const signal = parseScaleEvent(message.body, { selfIdentityArns: selfRoleArns });
        signals.push(signal);
        messageOfEvent.set(signal.eventId, message.messageId);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        logger.error('invalid scale event', { messageId: message.messageId, reason: error.message });
        failedIds.add(message.messageId);
      }
    }
    const batch = coalesceSignals(signals);
    const outcomes = await reactToScaleSignals(deps, batch);
    for (const outcome of outcomes) {
      if (outcome.outcome !== 'failed') continue;
      logger.error('scale reaction failed', {
        asgName: outcome.groupName,
        error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      });
      for (const eventId of outcome.eventIds) {
        const messageId = messageOfEvent.get(eventId);
        if (messageId) failedIds.add(messageId);
      }
    }
    logger.info('scale signals handled', {
      received: batch.received,
      ignored: batch.ignored.length,
      duplicates: batch.duplicateEventIds.length,
      failed: failedIds.size,
      outcomes: outcomes.map((o) =>
        o.outcome === 'failed' ? { groupName: o.groupName, outcome: o.outcome } : o,
      ),
    });
    return { batchItemFailures: fifoFailures(messages, failedIds) };
  };
}

/**
 * SQS FIFO keeps order within a message group only if, after a group's first failed message, every later
 * message of that group is returned too (AWS Lambda, "Implementing partial batch responses").
 */
export function fifoFailures(
  messages: readonly SqsMessage[],
  failedIds: ReadonlySet<string>,
): { itemIdentifier: string }[] {
  const blocked = new Set<string>();
  const failures: { itemIdentifier: string }[] = [];
  for (const message of messages) {
    const group = message.messageGroupId ?? message.messageId;
    if (failedIds.has(message.messageId) || blocked.has(group)) {
      failures.push({ itemIdentifier: message.messageId });
      if (message.messageGroupId !== undefined) blocked.add(group);
    }
  }
  return failures;
}

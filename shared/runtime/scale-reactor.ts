import { coalesceSignals } from '../events/coalesce-signals.js';
import { InvalidEventError } from '../events/invalid-event-error.js';
import { parseScaleEvent } from '../events/registry.js';
import type { ScaleSignal } from '../events/scale-signal.js';
import { parseSqsRecords } from '../events/sqs-records.js';
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
    const signals: ScaleSignal[] = [];
    const failures: { itemIdentifier: string }[] = [];
    if (isSqsBatch(event)) {
      for (const message of parseSqsRecords(event)) {
        try {
          signals.push(parseScaleEvent(message.body, { selfIdentityArns: selfRoleArns }));
        } catch (error) {
          if (!(error instanceof InvalidEventError)) throw error;
          logger.error('invalid scale event', { messageId: message.messageId, reason: error.message });
          failures.push({ itemIdentifier: message.messageId });
        }
      }
    } else {
      signals.push(parseScaleEvent(event, { selfIdentityArns: selfRoleArns }));
    }
    const batch = coalesceSignals(signals);
    const outcomes = await reactToScaleSignals(deps, batch);
    logger.info('scale signals handled', {
      received: batch.received,
      ignored: batch.ignored.length,
      duplicates: batch.duplicateEventIds.length,
      invalid: failures.length,
      outcomes,
    });
    return isSqsBatch(event) ? { batchItemFailures: failures } : { outcomes };
  };
}

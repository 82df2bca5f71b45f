import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { EventPublisher, GuardEvent } from '../../ports/event-publisher.js';
import { AwsCallError, callAws } from './aws-error.js';

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;
const SOURCE = 'capacity-guard';

export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
}

/**
 * Puts the guard's events on its bus; entries EventBridge rejects are retried once, then reported. Each
 * detail carries `correlationId`, the id of the event that started the invocation, when there is one.
 */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly eventBusName: string,
    private readonly correlationId: () => string | undefined = () => undefined,
  ) {}

  async publish(events: readonly GuardEvent[]): Promise<void> {
    const correlationId = this.correlationId();
    for (let i = 0; i < events.length; i += ENTRIES_PER_CALL) {
      let entries: PutEventsRequestEntry[] = events.slice(i, i + ENTRIES_PER_CALL).map((event) => ({
        Source: SOURCE,
        DetailType: event.detailType,
        Detail: JSON.stringify(
          correlationId === undefined ? event.detail : { ...event.detail, correlationId },
        ),
        EventBusName: this.eventBusName,
        Resources: event.resources ? [...event.resources] : [],
      }));
      for (let attempt = 0; attempt < 2 && entries.length > 0; attempt += 1) {
        const response = await callAws('events:PutEvents', () =>
          this.client.send(new PutEventsCommand({ Entries: entries })),
        );
        if (!response.FailedEntryCount) {
          entries = [];
          break;
        }
        entries = entries.filter((_, index) => response.Entries?.[index]?.ErrorCode !== undefined);
        if (attempt === 1) {
          const codes = (response.Entries ?? []).map((e) => e.ErrorCode).filter((c) => c !== undefined);
          throw new EventPublishError(
            `events:PutEvents rejected ${entries.length} entries (${codes.join(', ')})`,
          );
        }
      }
    }
  }
}

export { AwsCallError };

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgePublisher } from '../../../../../shared/adapters/aws/eventbridge-publisher.js';

const event = { detailType: 'Stagger Plan Created', detail: { groupName: 'ng-a', targetCapacity: 12 } };

describe('EventBridgePublisher correlation', () => {
  it('adds the invocation correlation id to every detail', async () => {
    // Prepare
    const events = mockClient(EventBridgeClient);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const publisher = new EventBridgePublisher(
      new EventBridgeClient({ region: 'us-east-1' }),
      'default',
      () => 'evt-7',
    );

    // Act
    await publisher.publish([event, event]);

    // Assess
    const entries = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((entry) => JSON.parse(entry.Detail ?? '{}'))).toEqual([
      { groupName: 'ng-a', targetCapacity: 12, correlationId: 'evt-7' },
      { groupName: 'ng-a', targetCapacity: 12, correlationId: 'evt-7' },
    ]);
    events.restore();
  });

  it('leaves the detail as it is when the invocation has no correlation id', async () => {
    // Prepare
    const events = mockClient(EventBridgeClient);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'default');

    // Act
    await publisher.publish([event]);

    // Assess
    const detail = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail;
    expect(JSON.parse(detail ?? '{}')).toEqual(event.detail);
    events.restore();
  });
});

import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AlertPublishError,
  SnsAlertPublisher,
} from '../../../../../shared/adapters/aws/sns-alert-publisher.js';
import { DEFAULT_ALERT_POLICIES, evaluateAlert } from '../../../../../shared/domain/alert-policy.js';
import {
  buildAlertMessage,
  validateChatbotNotification,
} from '../../../../../shared/domain/chatbot-message.js';

const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:capacity-alerts';

function buildMessage() {
  const subject = {
    accountId: '111122223333',
    region: 'eu-west-1',
    subjectId: 'subnet-a',
    kind: 'subnet-ips' as const,
    clusterName: 'prod',
  };
  const { notification } = evaluateAlert(
    undefined,
    { subject, headroom: 3, capacity: 251, minutesToExhaustion: null },
    DEFAULT_ALERT_POLICIES['subnet-ips'],
    Date.parse('2025-03-01T12:00:00Z'),
  );
  if (notification === null) throw new Error('expected a notification');
  return buildAlertMessage(notification);
}

beforeEach(() => {
  snsMock.reset();
});

describe('SnsAlertPublisher', () => {
  it('publishes the JSON message structure, subject and attributes', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const message = buildMessage();

    // Act
    const published = await new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish(
      message,
    );

    // Assess
    expect(published).toEqual({ messageId: 'm-1' });
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Subject: message.subject,
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'CRITICAL' },
        cluster: { DataType: 'String', StringValue: 'prod' },
        subnetId: { DataType: 'String', StringValue: 'subnet-a' },
        kind: { DataType: 'String', StringValue: 'subnet-ips' },
        notification: { DataType: 'String', StringValue: 'raised' },
      },
    });
    const sent = JSON.parse(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}');
    expect(validateChatbotNotification(JSON.parse(sent.https))).toEqual([]);
  });

  it('wraps a failed Publish', async () => {
    // Prepare
    const cause = new Error('throttled');
    snsMock.on(PublishCommand).rejects(cause);

    // Act
    const failure = new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC).publish(
      buildMessage(),
    );

    // Assess
    await expect(failure).rejects.toThrow(AlertPublishError);
    await expect(failure).rejects.toMatchObject({ cause });
  });
});

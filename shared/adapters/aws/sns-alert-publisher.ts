import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertMessage } from '../../domain/chatbot-message.js';
import type { AlertPublisher, PublishedAlert } from '../../ports/alert-publisher.js';

/** SNS Publish of an alert failed. */
export class AlertPublishError extends Error {
  override readonly name = 'AlertPublishError';
}

/**
 * Publishes alerts to one SNS topic with `MessageStructure: 'json'`: AWS Chatbot (https) gets the custom
 * notification, email the plain text (EVENTS.md); message attributes feed subscription filter policies.
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(message: AlertMessage): Promise<PublishedAlert> {
    try {
      const answer = await this.sns.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Message: message.snsMessageJson,
          MessageStructure: 'json',
          Subject: message.subject,
          MessageAttributes: Object.fromEntries(
            Object.entries(message.attributes).map(([name, value]) => [
              name,
              { DataType: value.DataType, StringValue: value.StringValue },
            ]),
          ),
        }),
      );
      return { messageId: answer.MessageId ?? null };
    } catch (error) {
      throw new AlertPublishError(`SNS Publish to ${this.topicArn} failed for '${message.subject}'`, {
        cause: error,
      });
    }
  }
}

import type { AlertMessage } from '../domain/chatbot-message.js';

export interface PublishedAlert {
  /** The publisher's ID for the message (SNS `MessageId`); null when the publisher has none. */
  readonly messageId: string | null;
}

/** Delivers an alert built by `buildAlertMessage` to people (SNS → AWS Chatbot, email). */
export interface AlertPublisher {
  publish(message: AlertMessage): Promise<PublishedAlert>;
}

/** The simulated account's publishing APIs: SNS Publish (with its validation) and EventBridge PutEvents. */
import type { SimulatedAccount } from '../../simulator/simulated-account.js';
import { SimulatedApiError } from '../../simulator/simulated-api-error.js';
import { type Input, type Output, strings } from './simulated-api-input.js';

/** SNS `Subject`: ASCII, no line breaks or control characters, less than 100 characters. */
const SNS_SUBJECT_PATTERN = /^[\x20-\x7e]{1,99}$/;
const SNS_ATTRIBUTE_TYPES = /^(String|String\.Array|Number|Binary)(\..+)?$/;

/** `MessageStructure: json`: a JSON object with a string `default` entry (SNS API reference, Publish). */
function checkJsonStructure(message: string): void {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SimulatedApiError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  }
  if (typeof (body as Record<string, unknown>).default !== 'string') {
    throw new SimulatedApiError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    );
  }
}

/** `MessageAttributes` as name → string value; each needs a known `DataType` and a value. */
function messageAttributes(input: Input): Record<string, string> {
  const raw = input.MessageAttributes;
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) {
    throw new SimulatedApiError('InvalidParameter', 'Invalid parameter: MessageAttributes');
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, Input>)) {
    const dataType = typeof value?.DataType === 'string' ? value.DataType : '';
    if (!SNS_ATTRIBUTE_TYPES.test(dataType)) {
      throw new SimulatedApiError(
        'InvalidParameter',
        `Invalid parameter: The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const stringValue = value.StringValue;
    if (dataType !== 'Binary' && (typeof stringValue !== 'string' || stringValue.length === 0)) {
      throw new SimulatedApiError(
        'InvalidParameter',
        `Invalid parameter: The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
      );
    }
    attributes[name] = typeof stringValue === 'string' ? stringValue : '';
  }
  return attributes;
}

export function publish(account: SimulatedAccount, input: Input, identityArn: string): Output {
  const message = typeof input.Message === 'string' ? input.Message : '';
  const topicArn = typeof input.TopicArn === 'string' ? input.TopicArn : '';
  if (!topicArn || !message)
    throw new SimulatedApiError('InvalidParameter', 'TopicArn and Message are required');
  const subject = typeof input.Subject === 'string' ? input.Subject : null;
  if (subject !== null && !SNS_SUBJECT_PATTERN.test(subject)) {
    throw new SimulatedApiError('InvalidParameter', 'Invalid parameter: Subject');
  }
  const messageStructure = typeof input.MessageStructure === 'string' ? input.MessageStructure : null;
  if (messageStructure !== null && messageStructure !== 'json') {
    throw new SimulatedApiError('InvalidParameter', 'Invalid parameter: MessageStructure');
  }
  if (messageStructure === 'json') checkJsonStructure(message);
  const attributes = messageAttributes(input);
  return {
    MessageId: account.publishSns(topicArn, message, subject, identityArn, { attributes, messageStructure }),
  };
}

export function putEvents(account: SimulatedAccount, input: Input): Output {
  const entries = Array.isArray(input.Entries) ? (input.Entries as Input[]) : [];
  const results = entries.map((entry) => {
    let detail: Record<string, unknown> = {};
    try {
      detail = JSON.parse(typeof entry.Detail === 'string' ? entry.Detail : '{}') as Record<string, unknown>;
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const eventId = account.bus.putEvent({
      source: String(entry.Source ?? ''),
      detailType: String(entry.DetailType ?? ''),
      detail,
      resources: strings(entry.Resources),
    });
    return { EventId: eventId };
  });
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
}

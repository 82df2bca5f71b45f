/**
 * Turns an alert notification into one SNS Publish: an AWS Chatbot custom notification for Slack (the
 * https subscription Chatbot makes), a plain-text body for email, a subject line and message attributes
 * for subscription filter policies. Pure.
 *
 * Sources: EVENTS.md "SNS → Slack through AWS Chatbot" (custom notification shape; plain-text messages are
 * dropped by Chatbot; `threadId` groups one alert's updates); SNS API reference `Publish` (`Subject`: no
 * line breaks or control characters, under 100 characters; `MessageStructure: json` with one string per
 * protocol and a required `default`).
 */
import type { AlertKind, Notification } from './alert-policy.js';

export interface ChatbotNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly id?: string;
  readonly content: {
    readonly textType?: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps?: readonly string[];
    readonly keywords?: readonly string[];
  };
  readonly metadata?: {
    readonly threadId?: string;
    readonly summary?: string;
    readonly eventType?: string;
    readonly relatedResources?: readonly string[];
    readonly additionalContext?: Readonly<Record<string, string>>;
  };
}

/** SNS `MessageAttributeValue` for a String attribute, as Publish takes it. */
export interface SnsStringAttribute {
  readonly DataType: 'String';
  readonly StringValue: string;
}

export interface AlertMessageContext {
  /** Falls back to the subject's `clusterName`. */
  readonly clusterName?: string;
  /** Shown as Chatbot `nextSteps` and as a list in the email (e.g. recommendation titles). */
  readonly nextSteps?: readonly string[];
  /** ARNs or IDs besides the subject itself. */
  readonly relatedResources?: readonly string[];
  /** Extra facts for `additionalContext` and the email (e.g. free /28 blocks, fragmentation score). */
  readonly details?: Readonly<Record<string, string | number>>;
}

export interface AlertMessage {
  /** SNS `Subject`: printable ASCII, at most {@link SNS_SUBJECT_MAX_CHARS} characters. */
  readonly subject: string;
  /** SNS `Message` for `MessageStructure: 'json'`. */
  readonly snsMessageJson: string;
  /** SNS `MessageAttributes`: `severity`, `kind`, `notification`, and `cluster` / `subnetId` when known. */
  readonly attributes: Readonly<Record<string, SnsStringAttribute>>;
  readonly chatbot: ChatbotNotification;
  readonly emailText: string;
}

/** SNS `Publish`: subjects must be "less than 100 characters long". */
export const SNS_SUBJECT_MAX_CHARS = 99;

const PRODUCT = 'eks-capacity-guard';

const UNIT: Readonly<Record<AlertKind, string>> = {
  'subnet-ips': 'IPs',
  'subnet-prefix-blocks': 'free /28 blocks',
  'node-group-headroom': 'nodes',
};

const SUBJECT_NOUN: Readonly<Record<AlertKind, string>> = {
  'subnet-ips': 'Subnet',
  'subnet-prefix-blocks': 'Subnet',
  'node-group-headroom': 'Node group',
};

function headline(notification: Notification): string {
  const { subject, observation } = notification;
  const what = `${SUBJECT_NOUN[subject.kind]} ${subject.subjectId}`;
  const amount = `${formatNumber(observation.headroom)} ${UNIT[subject.kind]}`;
  switch (notification.kind) {
    case 'raised':
      return `${notification.severity}: ${what} has ${amount} of headroom`;
    case 'escalated':
      return `CRITICAL (was WARNING): ${what} has ${amount} of headroom`;
    case 'de-escalated':
      return `WARNING (was CRITICAL): ${what} has ${amount} of headroom`;
    case 'reminder':
      return `Still ${notification.severity}: ${what} has ${amount} of headroom`;
    case 'resolved':
      return `RESOLVED: ${what} is back to ${amount} of headroom`;
    default: {
      const unknown: never = notification;
      return String(unknown);
    }
  }
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function toSnsSubject(text: string): string {
  // Printable ASCII only: SNS rejects control characters and email clients mangle the rest.
  const ascii = text.replace(/[^\x20-\x7e]/g, '').trim();
  if (ascii.length <= SNS_SUBJECT_MAX_CHARS) return ascii;
  return `${ascii.slice(0, SNS_SUBJECT_MAX_CHARS - 3).trimEnd()}...`;
}

interface Fact {
  readonly label: string;
  readonly value: string;
}

function facts(notification: Notification, clusterName: string | undefined): Fact[] {
  const { subject, observation } = notification;
  const list: Fact[] = [];
  if (clusterName) list.push({ label: 'Cluster', value: clusterName });
  list.push({ label: 'Account', value: subject.accountId }, { label: 'Region', value: subject.region });
  const capacity = observation.capacity ?? null;
  const percent =
    capacity !== null && capacity > 0
      ? ` (${((100 * observation.headroom) / capacity).toFixed(1)} % of ${capacity})`
      : '';
  list.push({
    label: 'Headroom',
    value: `${formatNumber(observation.headroom)} ${UNIT[subject.kind]}${percent}`,
  });
  if (observation.minutesToExhaustion !== null) {
    list.push({
      label: 'Time to exhaustion',
      value: `about ${Math.round(observation.minutesToExhaustion)} min`,
    });
  }
  list.push({ label: 'Active since', value: new Date(notification.activeSinceMs).toISOString() });
  return list;
}

function reasonLines(notification: Notification): string[] {
  return notification.reasons.map((reason) => {
    switch (reason.metric) {
      case 'headroom':
        return `headroom ${formatNumber(reason.value)} is below ${formatNumber(reason.threshold)}`;
      case 'headroom-percent':
        return `headroom ${reason.value.toFixed(1)} % is below ${formatNumber(reason.threshold)} %`;
      case 'minutes-to-exhaustion':
        return `exhaustion in ${Math.round(reason.value)} min is sooner than ${formatNumber(reason.threshold)} min`;
      case 'no-capacity-possible':
        return notification.subject.kind === 'subnet-prefix-blocks'
          ? 'no /28 prefix can ever fit in this subnet (too small, or every block reserved)'
          : 'no headroom is possible';
      default: {
        const unknown: never = reason.metric;
        return String(unknown);
      }
    }
  });
}

function attribute(value: string): SnsStringAttribute {
  return { DataType: 'String', StringValue: value };
}

/**
 * Builds the SNS Publish parts for one alert notification. Chatbot gets the custom-notification JSON on
 * `https` (also sent to `sqs` and `lambda` subscribers); email and everything else get `emailText`.
 *
 * @example
 * const message = buildAlertMessage(notification, { nextSteps: ['Set WARM_IP_TARGET=2, MINIMUM_IP_TARGET=20'] });
 * // message.subject 'eks-capacity-guard: WARNING: Subnet subnet-0abc has 40 IPs of headroom'
 * // JSON.parse(message.snsMessageJson).https → the Chatbot notification, threadId = alert key
 * // message.attributes.severity → { DataType: 'String', StringValue: 'WARNING' }
 */
export function buildAlertMessage(
  notification: Notification,
  context: AlertMessageContext = {},
): AlertMessage {
  const { subject, observation } = notification;
  const clusterName = context.clusterName ?? subject.clusterName;
  const title = headline(notification);
  const factList = facts(notification, clusterName);
  const reasons = reasonLines(notification);
  const details = Object.entries(context.details ?? {}).map(([label, value]) => ({
    label,
    value: typeof value === 'number' ? formatNumber(value) : value,
  }));
  const nextSteps = notification.kind === 'resolved' ? [] : [...(context.nextSteps ?? [])];

  const description = [
    ...[...factList, ...details].map((fact) => `*${fact.label}:* ${fact.value}`),
    ...(reasons.length > 0 ? [`*Why:* ${reasons.join('; ')}`] : []),
  ].join('\n');

  const additionalContext: Record<string, string> = {
    alertKey: notification.key,
    accountId: subject.accountId,
    region: subject.region,
    subjectId: subject.subjectId,
    alertKind: subject.kind,
    notification: notification.kind,
    severity: notification.severity,
    headroom: String(observation.headroom),
  };
  if (clusterName) additionalContext.cluster = clusterName;
  if (observation.minutesToExhaustion !== null) {
    additionalContext.minutesToExhaustion = String(Math.round(observation.minutesToExhaustion));
  }
  for (const fact of details) additionalContext[fact.label] = fact.value;

  const chatbot: ChatbotNotification = {
    version: '1.0',
    source: 'custom',
    id: `${notification.key}:${notification.kind}:${notification.atMs}`,
    content: {
      textType: 'client-markdown',
      title,
      description,
      nextSteps,
      keywords: [notification.severity, subject.kind, ...(clusterName ? [clusterName] : [])],
    },
    metadata: {
      threadId: notification.key,
      summary: title,
      eventType: `${PRODUCT}:${subject.kind}:${notification.kind}`,
      relatedResources: [...new Set([subject.subjectId, ...(context.relatedResources ?? [])])],
      additionalContext,
    },
  };

  const emailText = [
    title,
    '',
    ...[...factList, ...details].map((fact) => `${fact.label}: ${fact.value}`),
    ...(reasons.length > 0 ? ['', 'Why:', ...reasons.map((line) => `  - ${line}`)] : []),
    ...(nextSteps.length > 0 ? ['', 'Next steps:', ...nextSteps.map((line) => `  - ${line}`)] : []),
    '',
    `Alert key: ${notification.key}`,
    `Sent by ${PRODUCT} at ${new Date(notification.atMs).toISOString()}`,
  ].join('\n');

  const chatbotJson = JSON.stringify(chatbot);
  const attributes: Record<string, SnsStringAttribute> = {
    severity: attribute(notification.severity),
    kind: attribute(subject.kind),
    notification: attribute(notification.kind),
  };
  if (clusterName) attributes.cluster = attribute(clusterName);
  if (subject.kind === 'subnet-ips' || subject.kind === 'subnet-prefix-blocks') {
    attributes.subnetId = attribute(subject.subjectId);
  }

  return {
    subject: toSnsSubject(`${PRODUCT}: ${title}`),
    snsMessageJson: JSON.stringify({
      default: emailText,
      email: emailText,
      https: chatbotJson,
      sqs: chatbotJson,
      lambda: chatbotJson,
    }),
    attributes,
    chatbot,
    emailText,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkString(problems: string[], path: string, value: unknown, required: boolean): void {
  if (value === undefined) {
    if (required) problems.push(`${path} is missing (expected a string)`);
    return;
  }
  if (typeof value !== 'string') problems.push(`${path} is ${typeof value} (expected a string)`);
  else if (required && value.trim() === '') problems.push(`${path} is empty (expected a non-empty string)`);
}

function checkStringArray(problems: string[], path: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.push(`${path} is ${typeof value} (expected an array of strings)`);
    return;
  }
  value.forEach((item, index) => {
    if (typeof item !== 'string') problems.push(`${path}[${index}] is ${typeof item} (expected a string)`);
  });
}

function checkKeys(
  problems: string[],
  path: string,
  value: Record<string, unknown>,
  known: readonly string[],
) {
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      problems.push(`${path}.${key} is not a known field (expected one of ${known.join(', ')})`);
  }
}

/**
 * Checks a value against the AWS Chatbot custom-notification shape (EVENTS.md): `version` "1.0" and
 * `source` "custom" required; `content.title` and `content.description` non-empty strings; optional
 * fields of the right types; unknown fields reported. Returns the problems; empty means valid.
 *
 * @example
 * validateChatbotNotification({ version: '1.0', source: 'custom', content: { title: 't', description: 'd' } }) // []
 * validateChatbotNotification({ source: 'custom' }) // ['version is missing (expected "1.0")', 'content is missing …']
 */
export function validateChatbotNotification(value: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(value)) return ['notification is not an object'];
  checkKeys(problems, 'notification', value, ['version', 'source', 'id', 'content', 'metadata']);
  if (value.version === undefined) problems.push('version is missing (expected "1.0")');
  else if (value.version !== '1.0')
    problems.push(`version is ${JSON.stringify(value.version)} (expected "1.0")`);
  if (value.source === undefined) problems.push('source is missing (expected "custom")');
  else if (value.source !== 'custom')
    problems.push(`source is ${JSON.stringify(value.source)} (expected "custom")`);
  checkString(problems, 'id', value.id, false);

  const content = value.content;
  if (!isRecord(content)) {
    problems.push('content is missing (expected an object with title and description)');
  } else {
    checkKeys(problems, 'content', content, ['textType', 'title', 'description', 'nextSteps', 'keywords']);
    if (content.textType !== undefined && content.textType !== 'client-markdown') {
      problems.push(`content.textType is ${JSON.stringify(content.textType)} (expected "client-markdown")`);
    }
    checkString(problems, 'content.title', content.title, true);
    checkString(problems, 'content.description', content.description, true);
    checkStringArray(problems, 'content.nextSteps', content.nextSteps);
    checkStringArray(problems, 'content.keywords', content.keywords);
  }

  const metadata = value.metadata;
  if (metadata !== undefined) {
    if (!isRecord(metadata)) {
      problems.push('metadata is not an object');
    } else {
      checkKeys(problems, 'metadata', metadata, [
        'threadId',
        'summary',
        'eventType',
        'relatedResources',
        'additionalContext',
      ]);
      checkString(problems, 'metadata.threadId', metadata.threadId, false);
      checkString(problems, 'metadata.summary', metadata.summary, false);
      checkString(problems, 'metadata.eventType', metadata.eventType, false);
      checkStringArray(problems, 'metadata.relatedResources', metadata.relatedResources);
      const extra = metadata.additionalContext;
      if (extra !== undefined) {
        if (!isRecord(extra)) problems.push('metadata.additionalContext is not an object');
        else {
          for (const [key, item] of Object.entries(extra)) {
            if (typeof item !== 'string') {
              problems.push(`metadata.additionalContext.${key} is ${typeof item} (expected a string)`);
            }
          }
        }
      }
    }
  }
  return problems;
}

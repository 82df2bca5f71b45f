import fc from 'fast-check';
import {
  type AlertObservation,
  type AlertPolicy,
  type AlertSubject,
  evaluateAlert,
  type Notification,
} from '../../../../shared/domain/alert-policy.js';
import {
  buildAlertMessage,
  SNS_SUBJECT_MAX_CHARS,
  validateChatbotNotification,
} from '../../../../shared/domain/chatbot-message.js';

const T0 = Date.UTC(2025, 0, 1, 8);

const POLICY: AlertPolicy = {
  warning: { headroomBelow: 50, minutesToExhaustionBelow: 120 },
  critical: { headroomBelow: 20 },
  clearMargin: { headroom: 10, headroomPercent: 0, minutes: 0 },
  renotifyIntervalMs: 0,
};

function buildSubject(overrides: Partial<AlertSubject> = {}): AlertSubject {
  return {
    accountId: '111122223333',
    region: 'eu-west-1',
    subjectId: 'subnet-0abc',
    kind: 'subnet-ips',
    clusterName: 'prod',
    ...overrides,
  };
}

function buildObservation(overrides: Partial<AlertObservation> = {}): AlertObservation {
  return { subject: buildSubject(), headroom: 40, capacity: 251, minutesToExhaustion: 85, ...overrides };
}

/** A real notification from the alert policy: raised, then resolved when `resolve` is set. */
function buildNotification(overrides: Partial<AlertObservation> = {}, resolve = false): Notification {
  const raised = evaluateAlert(undefined, buildObservation(overrides), POLICY, T0);
  if (!resolve && raised.notification) return raised.notification;
  const cleared = evaluateAlert(
    raised.next,
    buildObservation({ ...overrides, headroom: 200, minutesToExhaustion: null }),
    POLICY,
    T0 + 3_600_000,
  );
  if (!cleared.notification) throw new Error('fixture: expected a notification');
  return cleared.notification;
}

describe('buildAlertMessage', () => {
  it('builds a Chatbot notification that validates, threaded on the alert key', () => {
    // Prepare
    const notification = buildNotification();

    // Act
    const message = buildAlertMessage(notification, { nextSteps: ['Set WARM_IP_TARGET=2'] });

    // Assess
    expect(validateChatbotNotification(message.chatbot)).toEqual([]);
    expect(message.chatbot).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: 'WARNING: Subnet subnet-0abc has 40 IPs of headroom',
        nextSteps: ['Set WARM_IP_TARGET=2'],
        keywords: ['WARNING', 'subnet-ips', 'prod'],
      },
      metadata: {
        threadId: '111122223333:eu-west-1:subnet-0abc:subnet-ips',
        eventType: 'eks-capacity-guard:subnet-ips:raised',
        relatedResources: ['subnet-0abc'],
      },
    });
    expect(message.chatbot.content.description).toContain('*Headroom:* 40 IPs (15.9 % of 251)');
    expect(message.chatbot.content.description).toContain('exhaustion in 85 min is sooner than 120 min');
  });

  it('says that no /28 prefix can ever fit when the alert is held by that', () => {
    // Prepare
    const notification = buildNotification({
      subject: buildSubject({ kind: 'subnet-prefix-blocks' }),
      headroom: 0,
      capacity: null,
      minutesToExhaustion: null,
      noCapacityPossible: true,
    });

    // Act
    const message = buildAlertMessage(notification);

    // Assess
    expect(notification.severity).toBe('CRITICAL');
    expect(message.chatbot.content.description).toContain('no /28 prefix can ever fit in this subnet');
  });

  it('carries one body per protocol: Chatbot JSON on https, sqs and lambda, text on email and default', () => {
    // Prepare
    const notification = buildNotification();

    // Act
    const message = buildAlertMessage(notification);
    const parsed = JSON.parse(message.snsMessageJson) as Record<string, string>;

    // Assess
    expect(Object.keys(parsed).sort()).toEqual(['default', 'email', 'https', 'lambda', 'sqs']);
    for (const protocol of ['https', 'sqs', 'lambda']) {
      expect(validateChatbotNotification(JSON.parse(parsed[protocol] ?? 'null'))).toEqual([]);
    }
    expect(parsed.email).toBe(message.emailText);
    expect(parsed.default).toBe(message.emailText);
    expect(message.emailText).toContain('Headroom: 40 IPs');
    expect(message.emailText).toContain('Alert key: 111122223333:eu-west-1:subnet-0abc:subnet-ips');
  });

  it('sets the message attributes subscribers filter on', () => {
    // Act
    const subnet = buildAlertMessage(buildNotification());
    const group = buildAlertMessage(
      buildNotification({
        subject: buildSubject({ kind: 'node-group-headroom', subjectId: 'prod/ng-1' }),
        headroom: 3,
      }),
    );

    // Assess
    expect(subnet.attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'WARNING' },
      kind: { DataType: 'String', StringValue: 'subnet-ips' },
      notification: { DataType: 'String', StringValue: 'raised' },
      cluster: { DataType: 'String', StringValue: 'prod' },
      subnetId: { DataType: 'String', StringValue: 'subnet-0abc' },
    });
    expect(group.attributes.subnetId).toBeUndefined();
    expect(group.attributes.severity?.StringValue).toBe('CRITICAL');
    expect(group.chatbot.content.title).toBe('CRITICAL: Node group prod/ng-1 has 3 nodes of headroom');
  });

  it('says RESOLVED without next steps once back to OK', () => {
    // Prepare
    const notification = buildNotification({}, true);

    // Act
    const message = buildAlertMessage(notification, { nextSteps: ['ignored when resolved'] });

    // Assess
    expect(message.chatbot.content.title).toBe('RESOLVED: Subnet subnet-0abc is back to 200 IPs of headroom');
    expect(message.chatbot.content.nextSteps).toEqual([]);
    expect(message.attributes.severity?.StringValue).toBe('OK');
    expect(message.attributes.notification?.StringValue).toBe('resolved');
    expect(message.chatbot.metadata?.threadId).toBe('111122223333:eu-west-1:subnet-0abc:subnet-ips');
  });

  it('adds details to the description, the email and the additional context as strings', () => {
    // Act
    const message = buildAlertMessage(buildNotification(), {
      details: { freePrefixBlocks: 3, fragmentationScore: 0.8125 },
      relatedResources: ['arn:aws:eks:eu-west-1:111122223333:cluster/prod', 'subnet-0abc'],
    });

    // Assess
    expect(message.chatbot.metadata?.additionalContext).toMatchObject({
      freePrefixBlocks: '3',
      fragmentationScore: '0.8',
    });
    expect(message.chatbot.metadata?.relatedResources).toEqual([
      'subnet-0abc',
      'arn:aws:eks:eu-west-1:111122223333:cluster/prod',
    ]);
    expect(message.emailText).toContain('freePrefixBlocks: 3');
  });

  it('keeps the SNS subject printable ASCII and under 100 characters for any subject id', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.integer({ min: -10, max: 10_000 }),
        (subjectId, headroom) => {
          const notification = buildNotification({
            subject: buildSubject({ subjectId }),
            headroom: Math.min(headroom, 10),
          });
          const { subject } = buildAlertMessage(notification);
          expect(subject.length).toBeLessThanOrEqual(SNS_SUBJECT_MAX_CHARS);
          expect(subject).toMatch(/^[\x20-\x7e]*$/);
        },
      ),
    );
  });
});

describe('validateChatbotNotification', () => {
  it('accepts the minimal shape', () => {
    // Act
    const problems = validateChatbotNotification({
      version: '1.0',
      source: 'custom',
      content: { title: 't', description: 'd' },
    });

    // Assess
    expect(problems).toEqual([]);
  });

  it('lists every problem with its path', () => {
    // Act
    const problems = validateChatbotNotification({
      version: 1,
      content: { title: '', description: 7, keywords: ['a', 2], textType: 'html' },
      metadata: { threadId: 5, additionalContext: { a: 1 }, colour: 'red' },
      extra: true,
    });

    // Assess
    expect(problems).toEqual([
      'notification.extra is not a known field (expected one of version, source, id, content, metadata)',
      'version is 1 (expected "1.0")',
      'source is missing (expected "custom")',
      'content.textType is "html" (expected "client-markdown")',
      'content.title is empty (expected a non-empty string)',
      'content.description is number (expected a string)',
      'content.keywords[1] is number (expected a string)',
      'metadata.colour is not a known field (expected one of threadId, summary, eventType, relatedResources, additionalContext)',
      'metadata.threadId is number (expected a string)',
      'metadata.additionalContext.a is number (expected a string)',
    ]);
  });

  it('rejects a plain-text message, which Chatbot would drop', () => {
    // Act
    const problems = validateChatbotNotification('subnet is full');

    // Assess
    expect(problems).toEqual(['notification is not an object']);
  });
});

import { NODE_REPORT_DETAIL_TYPE, NODE_REPORT_SOURCE } from '../../../shared/events/node-report.js';
import { SCALE_EVENT_PARSERS } from '../../../shared/events/registry.js';
import { listEventFixtures, loadEventFixture } from '../shared/events/event-fixtures.js';
import { loadPackagedTemplate } from './packaged-template.js';

type Pattern = { readonly [key: string]: readonly unknown[] | Pattern };

/** EventBridge matching for the pattern forms the stack uses: lists of literal values and nested objects. */
function matches(pattern: Pattern, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (event as Record<string, unknown>)[key];
    return Array.isArray(expected) ? expected.includes(actual) : matches(expected as Pattern, actual);
  });
}

interface RuleTarget {
  readonly Arn: unknown;
  readonly SqsParameters?: { readonly MessageGroupId?: string };
  readonly RetryPolicy?: unknown;
  readonly DeadLetterConfig?: { readonly Arn: unknown };
}

const packaged = loadPackagedTemplate('event-rules.test');

(packaged ? describe : describe.skip)('EventBridge wiring of the packaged template', () => {
  const rules = Object.entries(packaged?.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::Events::Rule' && resource.Properties?.EventPattern)
    .map(([name, resource]) => ({
      name,
      pattern: resource.Properties?.EventPattern as Pattern,
      targets: (resource.Properties?.Targets ?? []) as RuleTarget[],
    }));
  const bufferRules = rules.filter((rule) =>
    rule.targets.some(
      (t) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': ['ScaleBufferQueue', 'Arn'] }),
    ),
  );

  it.each(SCALE_EVENT_PARSERS.map((p) => [p.source, p.detailType] as const))(
    'routes %s / %s to the burst buffer',
    (source, detailType) => {
      // Act
      const routed = bufferRules.filter((rule) => {
        const p = rule.pattern as { source?: unknown[]; 'detail-type'?: unknown[] };
        return p.source?.includes(source) && p['detail-type']?.includes(detailType);
      });

      // Assess
      expect(routed.map((rule) => rule.name)).toHaveLength(1);
    },
  );

  it.each(listEventFixtures().filter((name) => !name.endsWith('-failed')))(
    'delivers fixture %s through exactly one rule',
    (name) => {
      // Prepare
      const event = loadEventFixture(name);

      // Act
      const matched = bufferRules.filter((rule) => matches(rule.pattern, event));

      // Assess
      expect(matched).toHaveLength(1);
    },
  );

  it('gives every buffer target a retry policy and a dead-letter queue, and no message group', () => {
    // Act
    const targets = bufferRules.flatMap((rule) => rule.targets);

    // Assess
    expect(targets.length).toBeGreaterThanOrEqual(4);
    for (const target of targets) {
      // Both queues are standard queues: a group ID per rule would only tie unrelated groups together.
      expect(target.SqsParameters?.MessageGroupId).toBeUndefined();
      expect(target.RetryPolicy).toEqual(
        expect.objectContaining({ MaximumRetryAttempts: expect.any(Number) }),
      );
      expect(target.DeadLetterConfig?.Arn).toEqual({ 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] });
    }
  });

  it("routes the nodes' reports to the launch gate's queue only, with a retry policy and a dead-letter queue", () => {
    // Prepare
    const report = {
      source: NODE_REPORT_SOURCE,
      'detail-type': NODE_REPORT_DETAIL_TYPE,
      detail: { 'instance-id': 'i-0123456789abcdef0' },
    };
    const gateQueue = { 'Fn::GetAtt': ['LaunchGateQueue', 'Arn'] };

    // Act
    const matched = rules.filter((rule) => matches(rule.pattern, report));

    // Assess
    expect(matched.map((rule) => rule.name)).toEqual(['NodeReportsRule']);
    const targets = matched.flatMap((rule) => rule.targets);
    expect(targets.map((t) => t.Arn)).toEqual([gateQueue]);
    expect(targets[0]?.DeadLetterConfig?.Arn).toEqual({ 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] });
    // The queue's policy lets that rule send.
    const policy = JSON.stringify(packaged?.Resources?.LaunchGateQueuePolicy?.Properties ?? {});
    expect(policy).toContain('NodeReportsRule');
  });

  it('gives every schedule a retry policy and a dead-letter queue', () => {
    // Prepare
    const schedules = Object.values(packaged?.Resources ?? {}).filter(
      (resource) => resource.Type === 'AWS::Events::Rule' && resource.Properties?.ScheduleExpression,
    );

    // Act
    const targets = schedules.flatMap((rule) => (rule.Properties?.Targets ?? []) as RuleTarget[]);

    // Assess
    expect(schedules.map((rule) => rule.Properties?.ScheduleExpression)).toEqual(
      expect.arrayContaining(['rate(1 minute)', 'rate(5 minutes)']),
    );
    for (const target of targets) {
      expect(target.RetryPolicy).toBeDefined();
      expect(target.DeadLetterConfig?.Arn).toEqual({ 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] });
    }
  });
});

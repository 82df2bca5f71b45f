import type { GuardEvent } from '../../../../shared/ports/event-publisher.js';
import { InvalidAuditEventError, parseAuditEvent } from '../../../../shared/runtime/audit-event.js';
import { buildAlertPolicies } from '../../../../shared/runtime/auditor-deps.js';
import {
  AUDIT_COMPLETED_DETAIL_TYPE,
  accountOfArn,
  createCapacityAuditor,
} from '../../../../shared/runtime/capacity-auditor.js';
import { parseConfig } from '../../../../shared/runtime/config.js';
import { buildAuditWorld, buildScalingGroup } from '../../shared/use-cases/audit-world.js';

const NOW_MS = Date.parse('2025-03-01T12:00:00Z');

function scheduledEvent(detail: unknown) {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '444455556666',
    time: '2025-03-01T12:00:00Z',
    region: 'eu-west-1',
    resources: ['arn:aws:events:eu-west-1:444455556666:rule/capacity-audit-full'],
    detail,
  };
}

describe('parseAuditEvent', () => {
  it('reads the mode from the detail or from a constant input, and the account from the envelope', () => {
    expect(parseAuditEvent(scheduledEvent({ mode: 'full' }))).toEqual({
      mode: 'full',
      trigger: 'schedule',
      accountId: '444455556666',
    });
    expect(parseAuditEvent({ mode: 'headroom' })).toEqual({ mode: 'headroom', trigger: 'schedule' });
    expect(parseAuditEvent(scheduledEvent({}))).toEqual({
      mode: 'headroom',
      trigger: 'schedule',
      accountId: '444455556666',
    });
  });

  it('turns a batch of scale intents from the pre-flight queue into one headroom audit', () => {
    const intent = JSON.stringify({ account: '111122223333', 'detail-type': 'Scale Request', detail: {} });
    expect(parseAuditEvent({ Records: [{ body: 'not json' }, { body: intent }] })).toEqual({
      mode: 'headroom',
      trigger: 'scale-intent',
      accountId: '111122223333',
    });
    expect(parseAuditEvent({ Records: [] })).toEqual({ mode: 'headroom', trigger: 'scale-intent' });
  });

  it('names an unknown mode', () => {
    expect(() => parseAuditEvent(scheduledEvent({ mode: 'weekly' }))).toThrow(
      new InvalidAuditEventError('mode "weekly" is not an audit mode (expected "headroom" or "full")'),
    );
    expect(() => parseAuditEvent('full')).toThrow(InvalidAuditEventError);
  });
});

describe('createCapacityAuditor', () => {
  it('runs the audit and puts a Capacity Audit Completed summary on the bus', async () => {
    // Prepare
    const world = buildAuditWorld({
      groups: [buildScalingGroup({ desiredCapacity: 4 })],
      subnets: [{ subnetId: 'subnet-a', usedIpCount: 240 }],
    });
    const published: GuardEvent[] = [];
    const logged: string[] = [];
    const auditor = createCapacityAuditor(
      {
        deps: world.deps,
        events: { publish: async (events) => void published.push(...events) },
        clock: { nowMs: () => NOW_MS },
      },
      { info: (message: string) => void logged.push(message), warn: () => undefined },
    );

    // Act
    const summary = await auditor(scheduledEvent({ mode: 'full' }));

    // Assess
    expect(published).toHaveLength(1);
    expect(published[0]?.detailType).toBe(AUDIT_COMPLETED_DETAIL_TYPE);
    expect(published[0]?.detail).toMatchObject({ mode: 'full', accountId: '444455556666' });
    expect(summary.counts).toMatchObject({ subnets: 1, nodeGroups: 1, critical: 2 });
    expect(Buffer.byteLength(JSON.stringify(published[0]?.detail))).toBeLessThan(256 * 1024);
    expect(world.publisher.messages.length).toBeGreaterThan(0);
    expect(logged).toEqual(['audit completed']);
  });
});

describe('auditor configuration', () => {
  it('reads thresholds and per-cluster CNI overrides, naming a bad key', () => {
    // Prepare
    const env = {
      STATE_TABLE_NAME: 'guard',
      ALERT_SUBNET_WARNING_PERCENT: '25',
      REMINDER_INTERVAL_MIN: '60',
      CNI_OVERRIDES: '{"prod": {"WARM_IP_TARGET": "2"}}',
      CLUSTER_NAMES: 'prod, staging',
    };

    // Act
    const config = parseConfig(env);
    const policies = buildAlertPolicies(config.audit);

    // Assess
    expect(config.audit).toMatchObject({
      clusterNames: ['prod', 'staging'],
      cniOverrides: { prod: { WARM_IP_TARGET: '2' } },
    });
    expect(policies['subnet-ips'].warning.headroomPercentBelow).toBe(25);
    expect(policies['node-group-headroom'].renotifyIntervalMs).toBe(3_600_000);
    expect(() => parseConfig({ ...env, CNI_OVERRIDES: '{"prod": ["x"]}' })).toThrow(
      /CNI_OVERRIDES: .*"prod" is not an object/,
    );
    expect(() => parseConfig({ ...env, ALERT_CRITICAL_MINUTES: '200' })).toThrow(
      'ALERT_CRITICAL_MINUTES: 200 is invalid (expected below ALERT_WARNING_MINUTES, which is 120)',
    );
  });
});

describe('accountOfArn', () => {
  it('reads the account of a function ARN and nothing else', () => {
    expect(accountOfArn('arn:aws:lambda:eu-west-1:111122223333:function:capacity-guard-prod-auditor')).toBe(
      '111122223333',
    );
    expect(accountOfArn('not-an-arn')).toBeUndefined();
    expect(accountOfArn(undefined)).toBeUndefined();
  });
});

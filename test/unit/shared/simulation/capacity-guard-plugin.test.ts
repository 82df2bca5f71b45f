import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulatedClients } from '../../../../shared/adapters/simulated/connect-to-simulator.js';
import { validateChatbotNotification } from '../../../../shared/domain/chatbot-message.js';
import { AuditMetricName } from '../../../../shared/ports/metrics-sink.js';
import {
  createSimulatedCapacityGuard,
  SIMULATED_ALERT_TOPIC_NAME,
  type SimulatedAuditFailure,
  type SimulatedAuditRun,
} from '../../../../shared/simulation/capacity-guard-plugin.js';
import type { SimulationReport } from '../../../../shared/simulator/metrics.js';
import { formatReport } from '../../../../shared/simulator/report-text.js';
import { parseScenario } from '../../../../shared/simulator/scenario.js';
import { SimulatedAccount, type SnsPublish } from '../../../../shared/simulator/simulated-account.js';
import { SimulatedApiError } from '../../../../shared/simulator/simulated-api-error.js';

const SUBNET_ID = 'subnet-0a1b2c3d4e5f60001';

function bundledJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(process.cwd(), 'scenarios', `${name}.json`), 'utf8'));
}

/**
 * Steady growth into a /24 (one m5.large of 20 pods, 30 addresses, every `everySec`), one launch more than
 * fits, then a scale-in to `recoverTo` nodes so that the subnet recovers.
 */
function buildRecoveryScenarioJson(
  overrides: { everySec?: number; recoverAtSec?: number; recoverTo?: number; durationMin?: number } = {},
): Record<string, unknown> {
  const everySec = overrides.everySec ?? 600;
  const actions: Record<string, unknown>[] = [];
  for (let desired = 3; desired <= 9; desired++) {
    actions.push({ atSec: (desired - 2) * everySec, group: 'workers', desired, via: 'set-desired' });
  }
  actions.push({
    atSec: overrides.recoverAtSec ?? 4800,
    group: 'workers',
    desired: overrides.recoverTo ?? 1,
    via: 'set-desired',
  });
  return {
    name: 'exhaust-and-recover',
    description: 'Growth into a /24 until launches fail, then a scale-in that frees the subnet.',
    durationMin: overrides.durationMin ?? 150,
    cluster: { name: 'shop', cni: {} },
    vpc: { subnets: [{ id: SUBNET_ID, cidr: '10.0.0.0/24', availabilityZone: 'us-east-1a' }] },
    groups: [
      {
        name: 'workers',
        instanceType: 'm5.large',
        subnets: [SUBNET_ID],
        minSize: 1,
        maxSize: 20,
        desiredCapacity: 2,
        podsPerNode: 20,
        tags: { 'capacity-guard/enabled': 'true' },
      },
    ],
    actions,
  };
}

interface GuardedRun {
  readonly report: SimulationReport;
  readonly account: SimulatedAccount;
  readonly audits: readonly (SimulatedAuditRun & {
    readonly simFreePrefixBlocks: ReadonlyMap<string, number>;
  })[];
}

async function runGuarded(json: Record<string, unknown>, seed = 1): Promise<GuardedRun> {
  const audits: GuardedRun['audits'][number][] = [];
  let account: SimulatedAccount | undefined;
  const guard = createSimulatedCapacityGuard({
    auditor: {
      onAudit: (run) => {
        // The audit takes no simulated time: the account is still in the state the audit read.
        const usage = account?.ec2.subnetUsage() ?? [];
        audits.push({
          ...run,
          simFreePrefixBlocks: new Map(usage.map((u) => [u.subnetId, u.freePrefixBlocks])),
        });
      },
    },
  });
  account = new SimulatedAccount(parseScenario(json), { seed, guard, clientsFor: createSimulatedClients });
  const report = await account.run();
  return { report, account, audits };
}

function attribute(publish: SnsPublish, name: string): string {
  return publish.attributes[name] ?? '';
}

function threadOf(publish: SnsPublish): string {
  const body = JSON.parse(publish.message) as { https: string };
  const chatbot = JSON.parse(body.https) as { metadata: { threadId: string } };
  return chatbot.metadata.threadId;
}

const sec = (publish: SnsPublish) => publish.atMs / 1000;

describe('createSimulatedCapacityGuard with the capacity auditor', () => {
  describe('subnet-exhaustion (seed 1)', () => {
    let run: GuardedRun;
    beforeAll(async () => {
      run = await runGuarded(bundledJson('subnet-exhaustion'));
    });

    it('raises the first WARNING at least 30 minutes before the first allocation failure, ahead of a static 10 % alarm', () => {
      // Assess
      const { summary } = run.report;
      const failureSec = summary.firstAllocationFailureSec;
      const firstWarning = run.account.snsPublishes.find((p) => attribute(p, 'severity') === 'WARNING');
      expect(failureSec).not.toBeNull();
      expect(firstWarning).toBeDefined();
      expect(((failureSec ?? 0) - sec(firstWarning as SnsPublish)) / 60).toBeGreaterThanOrEqual(30);
      expect(summary.firstWarningSec).toBe(sec(firstWarning as SnsPublish));
      expect(summary.alertLeadTimeMin).toBeGreaterThanOrEqual(30);
      expect(summary.staticAlarmLeadTimeMin).not.toBeNull();
      expect(summary.alertLeadTimeMin ?? 0).toBeGreaterThan(summary.staticAlarmLeadTimeMin ?? 0);
      expect(summary.firstCriticalSec).toBeGreaterThan(summary.firstWarningSec ?? 0);
      expect(summary.firstCriticalSec).toBeLessThan(failureSec ?? 0);
    });

    it('publishes through the simulated SNS topic, exactly once per (thread, severity)', () => {
      // Assess
      const publishes = run.account.snsPublishes;
      expect(publishes.length).toBeGreaterThan(0);
      expect(run.report.summary.alerts).toBe(publishes.length);
      const counts = new Map<string, number>();
      for (const publish of publishes) {
        expect(publish.topicArn).toBe(`arn:aws:sns:us-east-1:111122223333:${SIMULATED_ALERT_TOPIC_NAME}`);
        const key = `${threadOf(publish)}|${attribute(publish, 'severity')}|${attribute(publish, 'kind')}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    });

    it('publishes once per change of the subnet status the audits report, and never in between', () => {
      // Prepare
      const subnetId = 'subnet-01a1b2c3d4e5f6a7b1';
      const statuses = run.audits.map((audit) => ({
        atMs: audit.atMs,
        status: audit.summary.subnets.find((s) => s.subnetId === subnetId)?.status ?? 'OK',
      }));
      const changes = statuses.filter(
        (entry, index) => entry.status !== (statuses[index - 1]?.status ?? 'OK'),
      );
      // Act
      const published = run.account.snsPublishes.filter(
        (p) => attribute(p, 'subnetId') === subnetId && attribute(p, 'kind') === 'subnet-ips',
      );
      // Assess
      expect(changes.length).toBeGreaterThanOrEqual(2);
      expect(published.map((p) => [run.account.startEpochMs + p.atMs, attribute(p, 'severity')])).toEqual(
        changes.map((change) => [change.atMs, change.status]),
      );
    });

    it('sends a Chatbot custom notification with the severity, cluster, subnetId and kind attributes', () => {
      // Prepare
      const publish = run.account.snsPublishes.find((p) => attribute(p, 'kind') === 'subnet-ips');
      // Act
      const body = JSON.parse(publish?.message ?? '{}') as Record<string, string>;
      const chatbot: unknown = JSON.parse(body.https ?? 'null');
      // Assess
      expect(publish?.messageStructure).toBe('json');
      expect(typeof body.default).toBe('string');
      expect(validateChatbotNotification(chatbot)).toEqual([]);
      expect(publish?.attributes).toMatchObject({
        severity: 'WARNING',
        cluster: 'shop',
        subnetId: 'subnet-01a1b2c3d4e5f6a7b1',
        kind: 'subnet-ips',
      });
      expect(publish?.subject).toMatch(/^eks-capacity-guard: WARNING: Subnet subnet-01a1b2c3d4e5f6a7b1/);
    });

    it('runs the headroom audit every 5 minutes and announces each on the bus', () => {
      // Assess
      const offsetsSec = run.audits.map((audit) => (audit.atMs - run.account.startEpochMs) / 1000);
      // The schedule's audits, every 5 minutes; the others are pre-flights of scale intents.
      expect(offsetsSec.filter((t) => t % 300 === 0).slice(0, 3)).toEqual([300, 600, 900]);
      expect(run.audits.every((audit) => audit.mode === 'headroom')).toBe(true);
      expect(run.report.summary.eventsEmitted['Capacity Audit Completed']).toBe(run.audits.length);
    });
  });

  describe('growth, exhaustion and recovery in a /24', () => {
    let run: GuardedRun;
    beforeAll(async () => {
      run = await runGuarded(buildRecoveryScenarioJson());
    });

    it('walks the subnet alert through raised, escalated, de-escalated and resolved, one publish each', () => {
      // Act
      const subnetPublishes = run.account.snsPublishes.filter((p) => attribute(p, 'subnetId') === SUBNET_ID);
      // Assess
      expect(subnetPublishes.map((p) => attribute(p, 'notification'))).toEqual([
        'raised',
        'escalated',
        'de-escalated',
        'resolved',
      ]);
      expect(subnetPublishes.map((p) => attribute(p, 'severity'))).toEqual([
        'WARNING',
        'CRITICAL',
        'WARNING',
        'OK',
      ]);
      expect(new Set(subnetPublishes.map(threadOf)).size).toBe(1);
      expect(sec(subnetPublishes[0] as SnsPublish)).toBeLessThan(
        run.report.summary.firstAllocationFailureSec ?? 0,
      );
      expect(sec(subnetPublishes.at(-1) as SnsPublish)).toBeGreaterThan(4800);
    });

    it('resolves the node-group alert too once the group can add nodes again', () => {
      // Act
      const groupPublishes = run.account.snsPublishes.filter(
        (p) => attribute(p, 'kind') === 'node-group-headroom',
      );
      // Assess
      expect(groupPublishes.at(-1)?.attributes.notification).toBe('resolved');
      const perSeverity = new Map<string, number>();
      for (const p of groupPublishes) {
        const key = `${attribute(p, 'notification')}:${attribute(p, 'severity')}`;
        perSeverity.set(key, (perSeverity.get(key) ?? 0) + 1);
      }
      expect([...perSeverity.values()].every((count) => count === 1)).toBe(true);
    });

    it('gives byte-identical reports for the same seed', async () => {
      // Act
      const again = await runGuarded(buildRecoveryScenarioJson());
      // Assess
      expect(formatReport(again.report)).toBe(formatReport(run.report));
      expect(JSON.stringify(again.report)).toBe(JSON.stringify(run.report));
    });
  });

  it('takes an audit that fails on throttling as a failed invocation: the run goes on, the scheduled one runs again a minute later', async () => {
    // Prepare: EC2 refuses DescribeSubnets from 290 s to 310 s (the 300 s headroom audit's reads).
    const failures: SimulatedAuditFailure[] = [];
    const auditsAtSec: number[] = [];
    let account: SimulatedAccount | undefined;
    const guard = createSimulatedCapacityGuard({
      auditor: {
        onAudit: (run) => auditsAtSec.push((run.atMs - (account?.startEpochMs ?? 0)) / 1000),
        onAuditFailed: (failure) => failures.push(failure),
      },
    });
    account = new SimulatedAccount(parseScenario(buildRecoveryScenarioJson()), {
      seed: 1,
      guard,
      clientsFor: createSimulatedClients,
    });
    const ec2 = account.ec2;
    const admit = ec2.admit.bind(ec2);
    ec2.admit = (action: string) => {
      const sec = (account?.nowSimMs ?? 0) / 1000;
      if (action === 'DescribeSubnets' && sec >= 290 && sec <= 310) {
        throw new SimulatedApiError('RequestLimitExceeded', 'Request limit exceeded.');
      }
      admit(action);
    };
    // Act
    const report = await account.run();
    // Assess
    expect(report.summary.nodesReadyAtEnd).toBeGreaterThan(0);
    expect(failures.map((f) => [(f.atMs - account.startEpochMs) / 1000, f.mode, f.trigger])).toEqual([
      [300, 'headroom', 'schedule'],
    ]);
    expect(auditsAtSec).toContain(360);
    expect(auditsAtSec).not.toContain(300);
  });

  describe('prefix-fragmented', () => {
    it('reports the free aligned /28 blocks the subnets really have; the pre-flight warns before the 100 s failure', async () => {
      // Act
      const run = await runGuarded(bundledJson('prefix-fragmented'));
      // Assess
      const { summary } = run.report;
      expect(summary.firstAllocationFailure).toMatch(/^InsufficientCidrBlocks/);
      expect(summary.firstAllocationFailureSec).toBe(100);
      // The scale-out at 60 s reaches the auditor as a scale intent: its headroom audit, not the 5-minute one, warns.
      expect(summary.firstWarningSec).toBe(75);
      expect(summary.alertLeadTimeMin).toBeGreaterThan(0);
      expect(summary.staticAlarmSec).toBeNull();
      for (const audit of run.audits) {
        const reported = audit.metrics.filter((m) => m.name === AuditMetricName.freePrefixBlocks);
        expect(reported).toHaveLength(2);
        for (const point of reported) {
          expect(point.value).toBe(audit.simFreePrefixBlocks.get(point.dimensions.SubnetId ?? ''));
        }
      }
      const prefixAlerts = run.account.snsPublishes.filter(
        (p) => attribute(p, 'kind') === 'subnet-prefix-blocks',
      );
      expect(prefixAlerts.map((p) => attribute(p, 'subnetId')).sort()).toEqual([
        'subnet-01a1b2c3d4e5f6a7b1',
        'subnet-02a1b2c3d4e5f6a7b2',
      ]);
    });

    it('warns before InsufficientCidrBlocks when the scale-out comes after an audit', async () => {
      // Prepare
      const json = bundledJson('prefix-fragmented');
      json.actions = [{ atSec: 600, group: 'api-workers', desired: 16, via: 'set-desired' }];
      // Act
      const run = await runGuarded(json);
      // Assess
      const { summary } = run.report;
      expect(summary.firstAllocationFailure).toMatch(/^InsufficientCidrBlocks/);
      expect(summary.firstWarningSec).toBe(300);
      expect(summary.firstAllocationFailureSec).toBeGreaterThan(600);
      expect(summary.alertLeadTimeMin).toBeGreaterThan(0);
      expect(summary.staticAlarmSec).toBeNull();
      const first = run.audits[0];
      expect(first?.summary.subnets.map((s) => [s.subnetId, s.freePrefixBlocks, s.status])).toEqual(
        expect.arrayContaining([['subnet-02a1b2c3d4e5f6a7b2', 0, 'CRITICAL']]),
      );
    });
  });
});

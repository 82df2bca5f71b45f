import { InMemoryAuditStore } from '../../../../shared/adapters/memory/in-memory-audit-store.js';
import { InMemoryStateStore } from '../../../../shared/adapters/memory/in-memory-state-store.js';
import { RecordingAlertPublisher } from '../../../../shared/adapters/memory/recording-alert-publisher.js';
import { DEFAULT_ALERT_POLICIES } from '../../../../shared/domain/alert-policy.js';
import type { AlertMessage } from '../../../../shared/domain/chatbot-message.js';
import { validateChatbotNotification } from '../../../../shared/domain/chatbot-message.js';
import { ConcurrentUpdateError } from '../../../../shared/ports/audit-store.js';
import { AlertDeliveryError, runCapacityAudit } from '../../../../shared/use-cases/run-capacity-audit.js';
import { buildAuditWorld, buildManagedNodeGroup, buildScalingGroup } from './audit-world.js';

const NOW_MS = Date.parse('2025-03-01T12:00:00Z');
const MINUTE_MS = 60_000;

/** Two nodes in service (one per AZ), desired 4: two pending nodes, one per subnet. */
const growingGroup = () => buildScalingGroup({ desiredCapacity: 4 });

describe('runCapacityAudit', () => {
  it('subtracts what pending nodes take at boot from each subnet', async () => {
    // Prepare
    const world = buildAuditWorld({ groups: [growingGroup()] });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess: an idle m5.large holds its primary and one full ENI of 9 secondaries (DOMAIN.md §2): 10 IPs.
    const subnetA = report.subnets.find((s) => s.subnetId === 'subnet-a');
    expect(subnetA).toMatchObject({
      cidr: '10.0.0.0/24',
      availableIps: 251,
      inFlightIps: 10,
      headroomIps: 241,
    });
    expect(subnetA?.freePrefixBlocks).toBe(14);
  });

  it('counts the capacity an open stagger plan has yet to release as in-flight demand', async () => {
    // Prepare: the guard holds the group at desired 4 on its way to 10: six more nodes will boot.
    const world = buildAuditWorld({ groups: [growingGroup()] });
    const plans = new InMemoryStateStore();
    const group = growingGroup();
    await plans.commit({
      ledgerVersion: 0,
      ledger: null,
      putPlans: [
        {
          expectedVersion: 0,
          plan: {
            groupName: group.name,
            mode: 'desired',
            targetCapacity: 10,
            startCapacity: 2,
            allowedCapacity: 4,
            configuredMaxSize: 20,
            configuredMinSize: 0,
            attachesPerNode: 2,
            origin: { eventId: 'e', via: 'SetDesiredCapacity', intentAtMs: NOW_MS },
            createdAtMs: NOW_MS,
            deadlineMs: NOW_MS + 600_000,
            steps: [],
          },
        },
      ],
      deletePlans: [],
    });

    // Act
    const report = await runCapacityAudit(
      { ...world.deps, staggerPlans: plans },
      { nowMs: NOW_MS, mode: 'headroom' },
    );

    // Assess: 2 launching + 6 planned, 4 per subnet at 10 boot addresses each.
    expect(report.nodeGroups[0]?.pendingNodes).toBe(8);
    expect(report.subnets.find((s) => s.subnetId === 'subnet-a')?.inFlightIps).toBe(40);
  });

  it('counts the surge of a managed node group update in progress as in-flight demand', async () => {
    // Prepare: two nodes in service over two subnets; an update surges by max(2 × 2 AZs, maxUnavailable 1) = 4.
    const asg = buildScalingGroup({
      name: 'eks-general-1234',
      desiredCapacity: 2,
      tags: { 'capacity-guard/enabled': 'true', 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'general' },
    });
    const updating = buildAuditWorld({
      groups: [asg],
      nodeGroups: [buildManagedNodeGroup({ status: 'UPDATING', maxUnavailable: 1 })],
    });
    const steady = buildAuditWorld({
      groups: [asg],
      nodeGroups: [buildManagedNodeGroup({ status: 'ACTIVE' })],
    });

    // Act
    const during = await runCapacityAudit(updating.deps, { nowMs: NOW_MS, mode: 'headroom' });
    const after = await runCapacityAudit(steady.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess: each surge node takes 10 addresses at boot (primary ENI + 9 secondaries), two per subnet.
    expect(during.nodeGroups[0]?.pendingNodes).toBe(4);
    expect(during.subnets.find((s) => s.subnetId === 'subnet-a')?.inFlightIps).toBe(20);
    expect(after.nodeGroups[0]?.pendingNodes).toBe(0);
  });

  it('counts node-group headroom at full density and at boot', async () => {
    // Prepare
    const world = buildAuditWorld({ groups: [growingGroup()] });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess: a full m5.large (27 pods) holds 3 ENIs × 10 = 30 addresses; 241 per subnet fits 8 of them
    // (8 × 30 = 240), so 16 over two subnets; at boot 10 each: 24 per subnet, 48 in all.
    expect(report.nodeGroups).toEqual([
      expect.objectContaining({
        name: 'ng-workers',
        cluster: 'prod',
        instanceType: 'm5.large',
        pendingNodes: 2,
        headroomNodes: 16,
        headroomNodesAtBoot: 48,
        status: 'OK',
      }),
    ]);
  });

  it('notifies once per state change across runs, then resolves', async () => {
    // Prepare: 200 of 251 used, 10 in flight: 41 IPs (16 %) is WARNING (below 20 %).
    const store = new InMemoryAuditStore();
    const low = buildAuditWorld(
      {
        groups: [growingGroup()],
        subnets: [
          { subnetId: 'subnet-a', usedIpCount: 200 },
          { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
        ],
      },
      store,
    );
    const recovered = buildAuditWorld({ groups: [growingGroup()] }, store);

    // Act
    const first = await runCapacityAudit(low.deps, { nowMs: NOW_MS, mode: 'headroom' });
    const second = await runCapacityAudit(low.deps, { nowMs: NOW_MS + 5 * MINUTE_MS, mode: 'headroom' });
    const third = await runCapacityAudit(recovered.deps, {
      nowMs: NOW_MS + 10 * MINUTE_MS,
      mode: 'headroom',
    });

    // Assess
    const subnetAlerts = (report: typeof first) =>
      report.alerts.filter((a) => a.key.endsWith(':subnet-a:subnet-ips'));
    expect(subnetAlerts(first)).toEqual([
      expect.objectContaining({ severity: 'WARNING', notification: 'raised', published: true, headroom: 41 }),
    ]);
    expect(subnetAlerts(second)).toEqual([
      expect.objectContaining({ severity: 'WARNING', notification: null }),
    ]);
    expect(subnetAlerts(third)).toEqual([
      expect.objectContaining({ severity: 'OK', previousSeverity: 'WARNING', notification: 'resolved' }),
    ]);
    const subnetMessages = [...low.publisher.messages, ...recovered.publisher.messages].filter(
      (m) => m.attributes.subnetId?.StringValue === 'subnet-a',
    );
    expect(subnetMessages.map((m) => m.attributes.notification?.StringValue)).toEqual(['raised', 'resolved']);
    expect(first.subnets.find((s) => s.subnetId === 'subnet-a')?.status).toBe('WARNING');
  });

  it('publishes a body AWS Chatbot accepts, with the filtering attributes', async () => {
    // Prepare
    const world = buildAuditWorld({
      groups: [growingGroup()],
      subnets: [
        { subnetId: 'subnet-a', usedIpCount: 230 },
        { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
      ],
    });

    // Act
    await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    const message = world.publisher.messages.find((m) => m.attributes.subnetId?.StringValue === 'subnet-a');
    expect(message).toBeDefined();
    const perProtocol = JSON.parse(message?.snsMessageJson ?? '{}') as Record<string, string>;
    expect(validateChatbotNotification(JSON.parse(perProtocol.https ?? 'null'))).toEqual([]);
    expect(perProtocol.default).toContain('subnet-a');
    expect(message?.attributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'CRITICAL' },
      cluster: { DataType: 'String', StringValue: 'prod' },
      subnetId: { DataType: 'String', StringValue: 'subnet-a' },
      kind: { DataType: 'String', StringValue: 'subnet-ips' },
    });
  });

  it('forecasts exhaustion from stored samples and warns on time alone', async () => {
    // Prepare: losing 3 IPs a minute for the last hour; 120 available now, 110 after the pending node.
    const store = new InMemoryAuditStore();
    await store.putSamples(
      Array.from({ length: 12 }, (_, index) => {
        const minutesAgo = 5 * (index + 1);
        return {
          subnetId: 'subnet-a',
          sample: { atMs: NOW_MS - minutesAgo * MINUTE_MS, freeIpCount: 120 + 3 * minutesAgo },
          expiresAtMs: NOW_MS,
        };
      }),
    );
    const world = buildAuditWorld(
      {
        groups: [growingGroup()],
        subnets: [
          { subnetId: 'subnet-a', usedIpCount: 131 },
          { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
        ],
      },
      store,
    );

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess: 110 / 3 = 36.7 minutes, inside the 60-minute horizon, under the 120-minute WARNING threshold.
    const subnetA = report.subnets.find((s) => s.subnetId === 'subnet-a');
    expect(subnetA).toMatchObject({ headroomIps: 110, minutesToExhaustion: 36.7, status: 'WARNING' });
    expect(store.samples.get('subnet-a')).toHaveLength(13);
  });

  it('adds recommendations in full mode only', async () => {
    // Prepare: 12 pods per node keep 3 whole ENIs under WARM_ENI_TARGET=1; IP targets would keep 14.
    const group = buildScalingGroup({
      desiredCapacity: 4,
      tags: {
        'capacity-guard/enabled': 'true',
        'eks:cluster-name': 'prod',
        'capacity-guard/pods-per-node': '12',
      },
    });
    const world = buildAuditWorld({ groups: [group] });

    // Act
    const headroom = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });
    const full = await runCapacityAudit(world.deps, { nowMs: NOW_MS + MINUTE_MS, mode: 'full' });

    // Assess
    expect(headroom.recommendations).toEqual([]);
    expect(full.recommendations.map((r) => r.kind)).toContain('warm-ip-target');
    expect(full.recommendations.every((r) => r.groupNames.includes('ng-workers'))).toBe(true);
    expect(full.recommendations.every((r) => r.clusterName === 'prod' && r.apply.length > 0)).toBe(true);
  });

  it('audits an Auto Scaling group behind a managed node group once, with the add-on CNI settings', async () => {
    // Prepare: prefix delegation from the add-on; a /26 has two eligible /28 blocks.
    const asg = buildScalingGroup({
      name: 'eks-general-1234',
      desiredCapacity: 3,
      tags: { 'capacity-guard/enabled': 'true', 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'general' },
    });
    const world = buildAuditWorld({
      groups: [asg],
      nodeGroups: [buildManagedNodeGroup()],
      addons: new Map([
        [
          'prod',
          { addonVersion: 'v1.19.0', configurationValues: '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}' },
        ],
      ]),
      subnets: [
        { subnetId: 'subnet-a', cidr: '10.0.0.0/26' },
        { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
      ],
    });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess: the one pending node lands in subnet-a and takes its primary plus one /28 prefix (17 IPs).
    expect(report.nodeGroups.map((g) => g.name)).toEqual(['prod/general']);
    expect(report.subnets.find((s) => s.subnetId === 'subnet-a')).toMatchObject({
      freePrefixBlocks: 2,
      inFlightIps: 17,
      headroomIps: 59 - 17,
      status: 'CRITICAL',
    });
    expect(report.alerts).toContainEqual(
      expect.objectContaining({
        kind: 'subnet-prefix-blocks',
        subjectId: 'subnet-a',
        severity: 'CRITICAL',
        headroom: 1,
      }),
    );
  });

  it('reads a /27 under prefix delegation as "no /28 possible" and CRITICAL, even with no block threshold', async () => {
    // Prepare: a /27's two /28 blocks hold the network and broadcast addresses; no prefix can ever fit.
    const asg = buildScalingGroup({
      name: 'eks-general-1234',
      desiredCapacity: 1,
      tags: { 'capacity-guard/enabled': 'true', 'eks:cluster-name': 'prod', 'eks:nodegroup-name': 'general' },
    });
    const noBlockThresholds = {
      ...DEFAULT_ALERT_POLICIES['subnet-prefix-blocks'],
      warning: {},
      critical: {},
    };
    const world = buildAuditWorld({
      groups: [asg],
      nodeGroups: [buildManagedNodeGroup()],
      addons: new Map([
        [
          'prod',
          { addonVersion: 'v1.19.0', configurationValues: '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}' },
        ],
      ]),
      subnets: [
        { subnetId: 'subnet-a', cidr: '10.0.0.0/27' },
        { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
      ],
      settings: {
        policies: { ...DEFAULT_ALERT_POLICIES, 'subnet-prefix-blocks': noBlockThresholds },
      },
    });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    const subnetA = report.subnets.find((s) => s.subnetId === 'subnet-a');
    expect(subnetA).toMatchObject({
      freePrefixBlocks: 0,
      fragmentationScore: null,
      prefixFeasibility: { kind: 'impossible', reason: 'subnet-too-small' },
      status: 'CRITICAL',
    });
    expect(report.alerts).toContainEqual(
      expect.objectContaining({ kind: 'subnet-prefix-blocks', subjectId: 'subnet-a', severity: 'CRITICAL' }),
    );
    const published = world.publisher.messages.map((m) => m.chatbot.content.description).join('\n');
    expect(published).toContain('no /28 possible (subnet too small)');
    expect(published).toContain('no /28 prefix can ever fit in this subnet');
    expect(published).not.toMatch(/fragmentation 0 %/);
  });

  it('applies per-cluster CNI overrides and warns about a self-managed CNI without them', async () => {
    // Prepare
    const overridden = buildAuditWorld({
      groups: [growingGroup()],
      settings: { cniOverrides: { prod: { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '4' } } },
    });
    const bare = buildAuditWorld({ groups: [growingGroup()] });

    // Act
    const withOverride = await runCapacityAudit(overridden.deps, { nowMs: NOW_MS, mode: 'headroom' });
    const withoutOverride = await runCapacityAudit(bare.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess: MINIMUM_IP_TARGET=4 holds 4 secondaries at boot: 5 IPs per pending node instead of 10.
    expect(withOverride.subnets.find((s) => s.subnetId === 'subnet-a')?.inFlightIps).toBe(5);
    expect(withOverride.warnings.join('\n')).not.toContain('self-managed');
    expect(withoutOverride.warnings.join('\n')).toContain('prod: no vpc-cni add-on (self-managed CNI)');
  });

  it('leaves the notification to the run whose state write landed first', async () => {
    // Prepare
    class ContendedStore extends InMemoryAuditStore {
      override async putAlertState(): Promise<void> {
        throw new ConcurrentUpdateError('changed by another run');
      }
    }
    const world = buildAuditWorld(
      { groups: [growingGroup()], subnets: [{ subnetId: 'subnet-a', usedIpCount: 240 }] },
      new ContendedStore(),
    );

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(report.alerts.some((a) => a.notification === 'raised')).toBe(true);
    expect(report.alerts.every((a) => !a.published)).toBe(true);
    expect(world.publisher.messages).toEqual([]);
  });

  it('sends nothing when publishing is off, but still reports the alert', async () => {
    // Prepare
    const world = buildAuditWorld({
      groups: [growingGroup()],
      subnets: [{ subnetId: 'subnet-a', usedIpCount: 240 }],
      settings: { publishAlerts: false },
    });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(report.alerts).toContainEqual(
      expect.objectContaining({ subjectId: 'subnet-a', severity: 'CRITICAL', published: false }),
    );
    expect(world.publisher.messages).toEqual([]);
  });

  it('emits metrics, stores one sample per subnet and measures the attach budget', async () => {
    // Prepare: one secondary ENI attached 30 s ago, one 90 s ago (outside the window), one primary.
    const eni = (id: string, deviceIndex: number, secondsAgo: number) => ({
      networkInterfaceId: id,
      subnetId: 'subnet-b',
      privateIps: [],
      prefixes: [],
      instanceId: 'i-2',
      deviceIndex,
      attachTimeMs: NOW_MS - secondsAgo * 1000,
    });
    const world = buildAuditWorld({
      groups: [growingGroup()],
      extraEnis: [eni('eni-1', 1, 30), eni('eni-2', 1, 90), eni('eni-3', 0, 10)],
    });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(report.attachBudget).toEqual({ attachesLastMinute: 1, attachesPerMin: 40, usedPercent: 2.5 });
    expect(world.metrics.points).toContainEqual({
      name: 'FreeIps',
      unit: 'Count',
      value: 251,
      dimensions: { SubnetId: 'subnet-a' },
    });
    expect(world.metrics.points).toContainEqual(
      expect.objectContaining({ name: 'HeadroomNodes', value: 16, dimensions: { NodeGroup: 'ng-workers' } }),
    );
    expect(world.metrics.points).toContainEqual(
      expect.objectContaining({ name: 'AttachBudgetUsed', unit: 'Percent', value: 2.5 }),
    );
    expect(world.store.samples.get('subnet-a')).toEqual([
      { atMs: NOW_MS, freeIpCount: 251, freePrefixBlocks: 14 },
    ]);
  });

  it('leaves out a group of an unknown instance type and audits the rest', async () => {
    // Prepare
    const odd = buildScalingGroup({
      name: 'ng-odd',
      instances: [
        {
          instanceId: 'i-9',
          lifecycleState: 'InService',
          instanceType: 'zz9.huge',
          availabilityZone: 'eu-west-1a',
        },
      ],
    });
    const world = buildAuditWorld({ groups: [growingGroup(), odd] });

    // Act
    const report = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(report.nodeGroups.find((g) => g.name === 'ng-odd')).toMatchObject({
      instanceType: 'zz9.huge',
      headroomNodes: null,
    });
    expect(report.nodeGroups.find((g) => g.name === 'ng-workers')?.headroomNodes).toBe(16);
    expect(report.warnings.join('\n')).toContain('zz9.huge');
  });
});

/** Fails the first `failures` publishes of the alert whose Chatbot thread is `key`, before SNS accepts them. */
class FailingPublisher extends RecordingAlertPublisher {
  constructor(
    private readonly key: string,
    private failures = 1,
  ) {
    super();
  }

  override async publish(message: AlertMessage) {
    if (message.chatbot.metadata?.threadId === this.key && this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    return super.publish(message);
  }
}

describe('runCapacityAudit when a publish fails', () => {
  const SUBNET_A_KEY = '111122223333:eu-west-1:subnet-a:subnet-ips';
  /** subnet-a nearly full (CRITICAL), which also leaves the node group short of headroom. */
  const lowWorld = (store: InMemoryAuditStore, publisher: RecordingAlertPublisher) => {
    const world = buildAuditWorld(
      {
        groups: [growingGroup()],
        subnets: [
          { subnetId: 'subnet-a', usedIpCount: 230 },
          { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
        ],
      },
      store,
    );
    return { ...world, deps: { ...world.deps, publisher } };
  };
  const threads = (messages: readonly AlertMessage[]) =>
    messages.map((m) => `${m.chatbot.metadata?.threadId}:${m.attributes.notification?.StringValue}`);

  it('still stores samples, emits metrics and publishes the other alerts, then throws naming the alert', async () => {
    // Prepare
    const store = new InMemoryAuditStore();
    const publisher = new FailingPublisher(SUBNET_A_KEY);
    const world = lowWorld(store, publisher);

    // Act
    const error = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' }).catch((e) => e);

    // Assess
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect(error.message).toContain(SUBNET_A_KEY);
    expect((error as AlertDeliveryError).undelivered).toEqual([
      expect.objectContaining({ key: SUBNET_A_KEY, willRetry: true }),
    ]);
    expect((error as AlertDeliveryError).report.alerts).toContainEqual(
      expect.objectContaining({ key: SUBNET_A_KEY, notification: 'raised', published: false }),
    );
    expect(store.samples.get('subnet-a')).toEqual([expect.objectContaining({ atMs: NOW_MS })]);
    expect(world.metrics.points).toContainEqual(
      expect.objectContaining({ name: 'FreeIps', dimensions: { SubnetId: 'subnet-a' } }),
    );
    expect(publisher.messages.length).toBeGreaterThan(0);
    expect(threads(publisher.messages).some((thread) => thread.startsWith(SUBNET_A_KEY))).toBe(false);
  });

  it('sends the failed notification on the next run, exactly once in all', async () => {
    // Prepare
    const store = new InMemoryAuditStore();
    const publisher = new FailingPublisher(SUBNET_A_KEY);
    const world = lowWorld(store, publisher);

    // Act: the failing run, the next scheduled one, and one more
    const failed = await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' }).catch((e) => e);
    const next = await runCapacityAudit(world.deps, { nowMs: NOW_MS + 5 * MINUTE_MS, mode: 'headroom' });
    await runCapacityAudit(world.deps, { nowMs: NOW_MS + 10 * MINUTE_MS, mode: 'headroom' });

    // Assess
    expect(failed).toBeInstanceOf(AlertDeliveryError);
    expect(next.alerts).toContainEqual(
      expect.objectContaining({ key: SUBNET_A_KEY, notification: 'raised', published: true }),
    );
    const sent = threads(publisher.messages);
    expect(sent.filter((thread) => thread.startsWith(SUBNET_A_KEY))).toEqual([`${SUBNET_A_KEY}:raised`]);
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('on a retry of the same run, sends only what failed', async () => {
    // Prepare
    const store = new InMemoryAuditStore();
    const publisher = new FailingPublisher(SUBNET_A_KEY);
    const world = lowWorld(store, publisher);

    // Act: Lambda invokes the function again with the same event
    await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' }).catch(() => undefined);
    const sentByFailedRun = threads(publisher.messages);
    await runCapacityAudit(world.deps, { nowMs: NOW_MS, mode: 'headroom' });

    // Assess
    expect(threads(publisher.messages)).toEqual([...sentByFailedRun, `${SUBNET_A_KEY}:raised`]);
  });

  it('puts back an active state, so a failed escalation is sent by the next run', async () => {
    // Prepare: WARNING first (200 used), then CRITICAL (230 used) with the escalation failing once
    const store = new InMemoryAuditStore();
    const publisher = new FailingPublisher(SUBNET_A_KEY);
    const warning = buildAuditWorld(
      {
        groups: [growingGroup()],
        subnets: [
          { subnetId: 'subnet-a', usedIpCount: 200 },
          { subnetId: 'subnet-b', cidr: '10.0.1.0/24', availabilityZone: 'eu-west-1b' },
        ],
      },
      store,
    );
    await runCapacityAudit(warning.deps, { nowMs: NOW_MS, mode: 'headroom' });
    const critical = lowWorld(store, publisher);

    // Act
    const failed = await runCapacityAudit(critical.deps, {
      nowMs: NOW_MS + 5 * MINUTE_MS,
      mode: 'headroom',
    }).catch((e) => e);
    const stateAfterFailure = store.alertStates.get(SUBNET_A_KEY);
    const next = await runCapacityAudit(critical.deps, { nowMs: NOW_MS + 10 * MINUTE_MS, mode: 'headroom' });

    // Assess
    expect(failed).toBeInstanceOf(AlertDeliveryError);
    expect(stateAfterFailure?.value).toMatchObject({ severity: 'WARNING', lastNotifiedAtMs: NOW_MS });
    expect(next.alerts).toContainEqual(
      expect.objectContaining({ key: SUBNET_A_KEY, notification: 'escalated', previousSeverity: 'WARNING' }),
    );
    expect(threads(publisher.messages).filter((thread) => thread.startsWith(SUBNET_A_KEY))).toEqual([
      `${SUBNET_A_KEY}:escalated`,
    ]);
  });
});

import { InMemoryClusterDirectory } from '../../../../../shared/adapters/memory/in-memory-cluster-directory.js';
import { ConcurrentUpdateError } from '../../../../../shared/ports/guard-state-store.js';
import { mergeReports, mergeWaits } from '../../../../../shared/use-cases/gate/gate-ledger.js';
import { runGatePass } from '../../../../../shared/use-cases/gate/run-gate-pass.js';
import { buildGateDeps, FakeGateWorld } from '../../../../fakes/gate-fakes.js';

describe('runGatePass', () => {
  it('releases every waiting instance at once when they all fit, and records them in flight', async () => {
    // Prepare
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 15 });
    const { deps, store, events } = buildGateDeps(world);
    // Act
    const outcome = await runGatePass(deps);
    // Assess
    expect(outcome.released.budget).toBe(15);
    expect(world.waitingIds()).toHaveLength(0);
    expect((await store.readGate()).value.released).toHaveLength(15);
    expect(events.events[0]?.detailType).toBe('Launch Gate Released');
    expect(outcome.describeCalls).toBe(world.describeCalls());
    expect(outcome.describeCalls).toBeGreaterThan(0);
  });

  it('holds what the budget cannot take, and releases it once the attaches are seen and the window moves', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 30 });
    const { deps } = buildGateDeps(world);
    const first = await runGatePass(deps);
    expect(first.released.budget).toBe(20);
    // The released nodes attach their two ENIs each within 30 s.
    world.releasedAttachAt(20_000, 25_000);
    world.nowMs = 30_000;
    expect((await runGatePass(deps)).released.budget).toBe(0);
    world.nowMs = 85_001;
    const third = await runGatePass(deps);
    expect(third.released.budget).toBe(10);
    expect(world.waitingIds()).toHaveLength(0);
  });

  it('predicts from settled peers of the group: one attach each, so 30 nodes fit at once', async () => {
    const world = new FakeGateWorld();
    world.addGroup('batch', {
      inService: 4,
      waiting: 30,
      tags: { 'capacity-guard/cni': 'WARM_IP_TARGET=2,MINIMUM_IP_TARGET=10' },
    });
    for (let i = 0; i < 4; i += 1) world.eniCounts.set(`batch-svc-${i}`, 1);
    const { deps } = buildGateDeps(world);
    expect((await runGatePass(deps)).released.budget).toBe(30);
  });

  it("predicts from the cluster's vpc-cni add-on: prefix delegation capped at 29 pods attaches nothing", async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', {
      waiting: 60,
      tags: { 'eks:cluster-name': 'shop', 'capacity-guard/max-pods': '29' },
    });
    const addon = {
      addonVersion: 'v1.19.0',
      configurationValues: '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}',
    };
    const withAddon = buildGateDeps(world, {
      clusters: new InMemoryClusterDirectory([], new Map([['shop', addon]])),
    });
    expect((await runGatePass(withAddon.deps)).released.budget).toBe(60);
    // Without it, each node is booked as a default-CNI node of 27 pods: 2 attaches, 20 nodes.
    const other = new FakeGateWorld();
    other.addGroup('workers', {
      waiting: 60,
      tags: { 'eks:cluster-name': 'shop', 'capacity-guard/max-pods': '29' },
    });
    expect((await runGatePass(buildGateDeps(other).deps)).released.budget).toBe(20);
  });

  it('predicts from the group tags when the add-on cannot be read', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 30, tags: { 'eks:cluster-name': 'shop' } });
    const failing = {
      getCniAddon: async () => {
        throw new Error('AccessDeniedException: not authorized to perform eks:DescribeAddon');
      },
    };
    const outcome = await runGatePass(buildGateDeps(world, { clusters: failing }).deps);
    expect(outcome.released.budget).toBe(20);
  });

  it('marks a group while its instances wait, and releases them at once when it is opted out, then unmarks it', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 30 });
    const { deps } = buildGateDeps(world);
    expect((await runGatePass(deps)).released.budget).toBe(20);
    const group = () => world.groups.get('workers');
    expect(group()?.tags['capacity-guard/paced']).toBe('true');
    // The operator removes the opt-in tag while 10 instances still wait.
    world.optOut('workers');
    world.nowMs = 5_000;
    const outcome = await runGatePass(deps);
    expect(outcome.released['opt-out']).toBe(10);
    expect(world.waitingIds()).toHaveLength(0);
    expect(group()?.tags['capacity-guard/paced']).toBeUndefined();
    // Then the gate never touches it again: an instance launched later waits for the hook alone.
    const after = group();
    const first = after?.instances[0];
    if (!after || !first) throw new Error('no group');
    world.groups.set('workers', {
      ...after,
      instances: [...after.instances, { ...first, instanceId: 'i-later', lifecycleState: 'Pending:Wait' }],
    });
    const releasesBefore = world.releases.length;
    world.nowMs = 10_000;
    await runGatePass(deps);
    expect(world.releases).toHaveLength(releasesBefore);
  });

  it('removes its mark once nothing of the group waits or is still expected to attach', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 2 });
    const { deps } = buildGateDeps(world);
    await runGatePass(deps);
    expect(world.groups.get('workers')?.tags['capacity-guard/paced']).toBe('true');
    world.releasedAttachAt(10_000, 15_000);
    world.nowMs = 20_000;
    await runGatePass(deps);
    expect(world.groups.get('workers')?.tags['capacity-guard/paced']).toBeUndefined();
  });

  it('leaves groups in other modes alone', async () => {
    const world = new FakeGateWorld();
    world.addGroup('desired', { waiting: 3, tags: { 'capacity-guard/mode': 'desired' } });
    world.addGroup('broken', { waiting: 3, tags: { 'capacity-guard/mode': 'gates' } });
    const { deps } = buildGateDeps(world);
    const outcome = await runGatePass(deps);
    expect(outcome.waiting).toBe(0);
    expect(world.releases).toHaveLength(0);
  });

  it('after a failed release call, releases the instance again on the next pass without spending twice', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 2 });
    world.failReleases = 1;
    const { deps, store } = buildGateDeps(world);
    const first = await runGatePass(deps);
    expect(first.failedCalls).toBe(1);
    expect(world.waitingIds()).toHaveLength(1);
    world.nowMs = 3_000;
    const second = await runGatePass(deps);
    expect(second.released.retry).toBe(1);
    expect(world.waitingIds()).toHaveLength(0);
    expect((await store.readGate()).value.released).toHaveLength(2);
  });

  it('re-reads the clock and the ledger on a concurrent update', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 30 });
    const { deps, store } = buildGateDeps(world);
    let conflicts = 1;
    const racing = {
      readGate: () => store.readGate(),
      commitGate: async (next: Parameters<typeof store.commitGate>[0], version: number) => {
        if (conflicts-- > 0) {
          // Another pass released 10 nodes meanwhile, 2 s later by its clock.
          const other = await store.readGate();
          await store.commitGate(
            {
              ...other.value,
              released: Array.from({ length: 10 }, (_, i) => ({
                instanceId: `elsewhere-${i}`,
                groupName: 'other',
                releasedAtMs: 2_000,
                predictedAttaches: 2,
                earliestAttachMs: 2_000,
                waitedMs: 0,
                attachGapMs: 0,
              })),
            },
            other.version,
          );
          throw new ConcurrentUpdateError('changed');
        }
        return store.commitGate(next, version);
      },
    };
    const outcome = await runGatePass({ ...deps, store: racing });
    expect(outcome.pendingAttaches).toBe(20);
    expect(outcome.released.budget).toBe(10);
  });

  it('heartbeats the instances the budget will not reach before the hook times out', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 25 });
    const { deps } = buildGateDeps(world, {});
    const long = {
      ...deps,
      settings: {
        ...deps.settings,
        policy: { ...deps.settings.policy, heartbeatTimeoutMs: 120_000, maxHoldMs: 1_200_000 },
      },
    };
    await runGatePass(long);
    world.releasedAttachAt(59_000, 59_500);
    world.nowMs = 61_000;
    const outcome = await runGatePass(long);
    expect(outcome.heartbeats).toBe(5);
    expect(world.heartbeats).toHaveLength(5);
  });

  it('counts a late lifecycle event of an instance it released and saw attach as seen, not as still to come', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 2 });
    const { deps, store } = buildGateDeps(world);
    world.nowMs = 1_000;
    expect((await runGatePass(deps)).released.budget).toBe(2);
    const [first] = world.releases;
    if (!first) throw new Error('nothing released');
    world.releasedAttachAt(10_000, 15_000);
    const group = world.groups.get('workers');
    if (!group) throw new Error('no group');
    world.groups.set('workers', {
      ...group,
      instances: group.instances.map((i) => ({ ...i, lifecycleState: 'InService' })),
    });
    // A pass sees them past the hook; the launch event of the first comes only later, after its attaches.
    world.nowMs = 12_000;
    await runGatePass(deps);
    world.nowMs = 20_000;
    const late = {
      instanceId: first.instanceId,
      groupName: 'workers',
      sinceMs: 500,
      hookName: null,
      heartbeatAtMs: null,
      stage: 'recorded' as const,
    };
    await runGatePass(deps, [late]);
    for (const nowMs of [30_000, 40_000]) {
      world.nowMs = nowMs;
      const outcome = await runGatePass(deps);
      expect(outcome.pendingAttaches).toBe(0);
    }
    const ledger = (await store.readGate()).value;
    expect(ledger.waits).toEqual([]);
    expect(ledger.released).toEqual([]);
  });

  it('books an instance that proceeded at the hook timeout after a long wait for its attaches still to come', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 1 });
    const { deps } = buildGateDeps(world);
    world.attaches.push(...Array.from({ length: 40 }, () => ({ atMs: 0, instanceId: 'i-other' })));
    world.nowMs = 1_000;
    await runGatePass(deps);
    // The guard was away; the instance went on at the 600 s heartbeat timeout and has not attached yet.
    const group = world.groups.get('workers');
    if (!group) throw new Error('no group');
    world.groups.set('workers', {
      ...group,
      instances: group.instances.map((i) => ({ ...i, lifecycleState: 'InService' })),
    });
    world.addGroup('more', { waiting: 1 });
    world.nowMs = 700_000;
    const outcome = await runGatePass(deps);
    // Its two attaches are booked from now, not settled by a cap counted from when it began to wait.
    expect(outcome.pendingAttaches).toBe(2);
  });

  it('books instances that proceeded at the hook timeout without the guard', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 2 });
    const { deps, store } = buildGateDeps(world);
    const full = Array.from({ length: 40 }, () => ({ atMs: 500, instanceId: 'i-other' }));
    world.attaches.push(...full);
    world.nowMs = 1_000;
    await runGatePass(deps);
    expect(world.waitingIds()).toHaveLength(2);
    const group = world.groups.get('workers');
    if (!group) throw new Error('no group');
    world.groups.set('workers', {
      ...group,
      instances: group.instances.map((i) => ({ ...i, lifecycleState: 'InService' })),
    });
    world.nowMs = 5_000;
    await runGatePass(deps);
    expect((await store.readGate()).value.released.map((r) => r.instanceId)).toEqual([
      'workers-new-000',
      'workers-new-001',
    ]);
  });

  it('learns how soon after release a booted node attaches, and counts on it for the next releases', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 40 });
    const { deps, store } = buildGateDeps(world);
    world.attaches.push(...Array.from({ length: 40 }, () => ({ atMs: 0, instanceId: 'i-other' })));
    await runGatePass(deps);
    expect(world.releases).toHaveLength(0);
    // Released after 130 s at the hook: booted, so their delay is start-up alone.
    world.nowMs = 130_000;
    await runGatePass(deps);
    expect(world.releases).toHaveLength(20);
    world.releasedAttachAt(142_000, 150_000);
    world.nowMs = 155_000;
    await runGatePass(deps);
    expect((await store.readGate()).value.delays).toEqual([
      { groupName: 'workers', shortestMs: 12_000, samples: 20, atMs: 155_000 },
    ]);
    // Nodes released at 193 s attach from 204 s (12 s less the 1 s margin), when the 142 s attaches (made before
    // 143 s: AttachTime is whole seconds) have left the window, and again from 211 s (the 8 s gap less 1 s), when the
    // 150 s ones have: 20 fit. Counted from the release itself, none would.
    world.nowMs = 193_000;
    const outcome = await runGatePass(deps);
    expect(outcome.released.budget).toBe(20);
  });
});

describe('runGatePass with node reports', () => {
  it('releases the nodes that reported first and keeps the booting ones, in a group tagged as reporting', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 30, tags: { 'capacity-guard/gate-reports': 'true' } });
    const { deps, store } = buildGateDeps(world);
    world.nowMs = 50_000;
    const reported = ['workers-new-007', 'workers-new-003'].map((instanceId, i) => ({
      instanceId,
      atMs: 48_000 + i,
    }));
    const outcome = await runGatePass(deps, [], reported);
    expect(world.releases.map((r) => r.instanceId)).toEqual(['workers-new-007', 'workers-new-003']);
    expect(outcome.released.budget).toBe(2);
    const ledger = (await store.readGate()).value;
    expect(ledger.released.every((r) => r.readyAtRelease === true)).toBe(true);
    // A report that came before the next pass is kept in the ledger until its node is released.
    world.nowMs = 51_000;
    await runGatePass(deps, [], [{ instanceId: 'workers-new-020', atMs: 50_500 }]);
    expect(world.releases.map((r) => r.instanceId)).toContain('workers-new-020');
  });

  it('learns that an untagged group reports from its first report, and holds its booting nodes from then on', async () => {
    const world = new FakeGateWorld();
    world.addGroup('batch', { waiting: 30 });
    const { deps, store } = buildGateDeps(world);
    // A report of one of its waiting nodes: the group is remembered, its other nodes wait for theirs.
    world.nowMs = 1_000;
    await runGatePass(deps, [], [{ instanceId: 'batch-new-029', atMs: 500 }]);
    expect((await store.readGate()).value.reportingGroups).toEqual([{ groupName: 'batch', atMs: 500 }]);
    expect(world.releases.map((r) => r.instanceId)).toEqual(['batch-new-029']);
    // Remembered for a week after its last report, whatever waits.
    world.nowMs = 1_000 + 6 * 24 * 3_600_000;
    await runGatePass(deps);
    expect((await store.readGate()).value.reportingGroups).toEqual([{ groupName: 'batch', atMs: 500 }]);
    world.nowMs = 1_000 + 7 * 24 * 3_600_000;
    await runGatePass(deps);
    expect((await store.readGate()).value.reportingGroups).toEqual([]);
  });

  it('never holds a group tagged capacity-guard/gate-reports=false, and orders by reports all the same', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 30, tags: { 'capacity-guard/gate-reports': 'false' } });
    const { deps } = buildGateDeps(world);
    const outcome = await runGatePass(deps, [], [{ instanceId: 'workers-new-029', atMs: 0 }]);
    expect(outcome.released.budget).toBe(20);
    expect(world.releases[0]?.instanceId).toBe('workers-new-029');
  });
});

describe('mergeReports', () => {
  const wait = (instanceId: string) => ({
    instanceId,
    groupName: 'g',
    sinceMs: 0,
    hookName: null,
    heartbeatAtMs: null,
    stage: 'waiting' as const,
  });

  it('keeps the earliest report per node while it waits, and an early report for a while', () => {
    const merged = mergeReports(
      [{ instanceId: 'i-1', atMs: 5_000 }],
      [
        { instanceId: 'i-1', atMs: 4_000 },
        { instanceId: 'i-2', atMs: 9_000 },
        { instanceId: 'i-gone', atMs: 1_000 },
      ],
      [wait('i-1')],
      10_000,
    );
    expect(merged).toEqual([
      { instanceId: 'i-1', atMs: 4_000 },
      { instanceId: 'i-2', atMs: 9_000 },
      { instanceId: 'i-gone', atMs: 1_000 },
    ]);
    // Once its node no longer waits, a report goes; one whose wait was never seen goes after two minutes.
    expect(mergeReports(merged, [], [wait('i-2')], 200_000)).toEqual([{ instanceId: 'i-2', atMs: 9_000 }]);
  });
});

describe('mergeWaits', () => {
  const record = (
    instanceId: string,
    sinceMs: number,
    stage: 'recorded' | 'waiting' | 'released',
    hookName: string | null = null,
  ) => ({
    instanceId,
    groupName: 'g',
    sinceMs,
    hookName,
    heartbeatAtMs: null,
    stage,
  });

  it('keeps the earliest time, adds first sightings, and drops instances no longer waiting', () => {
    const stored = [record('i-1', 5_000, 'waiting')];
    const recorded = [record('i-1', 3_000, 'recorded', 'h'), record('i-early', 9_000, 'recorded', 'h')];
    const merged = mergeWaits(
      stored,
      recorded,
      [
        { instanceId: 'i-1', groupName: 'g' },
        { instanceId: 'i-2', groupName: 'g' },
      ],
      10_000,
    );
    expect(merged).toEqual([
      { ...record('i-1', 3_000, 'waiting', 'h') },
      record('i-early', 9_000, 'recorded', 'h'),
      record('i-2', 10_000, 'waiting'),
    ]);
    // i-early may still show up (events can come first); the others stopped waiting.
    expect(mergeWaits(merged, [], [], 20_000)).toEqual([record('i-early', 9_000, 'recorded', 'h')]);
    expect(mergeWaits(merged, [], [], 200_000)).toEqual([]);
  });
});

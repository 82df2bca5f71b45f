import { ConcurrentUpdateError } from '../../../../../shared/ports/guard-state-store.js';
import { mergeWaits, runGatePass } from '../../../../../shared/use-cases/gate/run-gate-pass.js';
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
  });

  it('holds what the budget cannot take, and releases it once the attaches are seen and the window moves', async () => {
    const world = new FakeGateWorld();
    world.addGroup('workers', { waiting: 30 });
    const { deps } = buildGateDeps(world);
    const first = await runGatePass(deps);
    expect(first.released.budget).toBe(20);
    // The released nodes attach their two ENIs each within 30 s.
    for (const r of world.releases)
      world.attaches.push(
        { atMs: 20_000, instanceId: r.instanceId },
        { atMs: 25_000, instanceId: r.instanceId },
      );
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
    for (const r of world.releases) {
      world.attaches.push(
        { atMs: 59_000, instanceId: r.instanceId },
        { atMs: 59_500, instanceId: r.instanceId },
      );
    }
    world.nowMs = 61_000;
    const outcome = await runGatePass(long);
    expect(outcome.heartbeats).toBe(5);
    expect(world.heartbeats).toHaveLength(5);
  });
});

describe('mergeWaits', () => {
  it('keeps the earliest time, adds first sightings, and drops instances no longer waiting', () => {
    const stored = [
      { instanceId: 'i-1', groupName: 'g', sinceMs: 5_000, hookName: null, heartbeatAtMs: null },
    ];
    const recorded = [
      { instanceId: 'i-1', groupName: 'g', sinceMs: 3_000, hookName: 'h', heartbeatAtMs: null },
      { instanceId: 'i-early', groupName: 'g', sinceMs: 9_000, hookName: 'h', heartbeatAtMs: null },
    ];
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
      { instanceId: 'i-1', groupName: 'g', sinceMs: 3_000, hookName: 'h', heartbeatAtMs: null },
      { instanceId: 'i-early', groupName: 'g', sinceMs: 9_000, hookName: 'h', heartbeatAtMs: null },
      { instanceId: 'i-2', groupName: 'g', sinceMs: 10_000, hookName: null, heartbeatAtMs: null },
    ]);
    expect(mergeWaits(merged, [], [], 200_000)).toEqual([]);
  });
});

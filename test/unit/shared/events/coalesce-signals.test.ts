import fc from 'fast-check';
import {
  type CoalescedSignals,
  coalesceSignals,
  isNewerIntent,
} from '../../../../shared/events/coalesce-signals.js';
import type {
  BoundsSetSignal,
  DesiredSetSignal,
  IgnoredSignal,
  InstanceLaunchedSignal,
  LaunchLifecycleActionSignal,
  NodegroupScalingSetSignal,
  ScaleSignal,
} from '../../../../shared/events/scale-signal.js';

const T0 = Date.parse('2024-11-29T08:00:00Z');

function buildDesiredSet(overrides: Partial<DesiredSetSignal> = {}): DesiredSetSignal {
  return {
    kind: 'desired-set',
    eventId: 'desired-1',
    groupName: 'shop-general',
    desired: 200,
    intentAtMs: T0,
    via: 'SetDesiredCapacity',
    ...overrides,
  };
}

function buildBoundsSet(overrides: Partial<BoundsSetSignal> = {}): BoundsSetSignal {
  return {
    kind: 'bounds-set',
    eventId: 'bounds-1',
    groupName: 'shop-general',
    maxSize: 300,
    intentAtMs: T0,
    via: 'UpdateAutoScalingGroup',
    ...overrides,
  };
}

function buildLaunched(overrides: Partial<InstanceLaunchedSignal> = {}): InstanceLaunchedSignal {
  return {
    kind: 'instance-launched',
    eventId: 'launch-1',
    groupName: 'shop-general',
    instanceId: 'i-0000000000000001',
    subnetId: 'subnet-0b1c2d3e4f5a60718',
    atMs: T0,
    ...overrides,
  };
}

function buildLifecycleAction(
  overrides: Partial<LaunchLifecycleActionSignal> = {},
): LaunchLifecycleActionSignal {
  return {
    kind: 'launch-lifecycle-action',
    eventId: 'hook-1',
    groupName: 'shop-general',
    instanceId: 'i-0000000000000001',
    hookName: 'capacity-guard-launch',
    token: 'token-1',
    atMs: T0,
    ...overrides,
  };
}

function buildNodegroupSet(overrides: Partial<NodegroupScalingSetSignal> = {}): NodegroupScalingSetSignal {
  return {
    kind: 'nodegroup-scaling-set',
    eventId: 'ng-1',
    clusterName: 'shop',
    nodegroupName: 'general',
    desired: 200,
    intentAtMs: T0,
    ...overrides,
  };
}

function buildIgnored(overrides: Partial<IgnoredSignal> = {}): IgnoredSignal {
  return { kind: 'ignored', eventId: 'ignored-1', reason: 'own call', ...overrides };
}

/** Every signal is accounted for somewhere. */
function accounted(work: CoalescedSignals): number {
  const inGroups = [...work.groups.values()].reduce(
    (sum, group) => sum + Object.values(group.counts).reduce((a, b) => a + b, 0),
    0,
  );
  const inNodegroups = [...work.nodegroups.values()].reduce((sum, ng) => sum + ng.received, 0);
  return inGroups + inNodegroups + work.ignored.length + work.duplicateEventIds.length;
}

describe('coalesceSignals', () => {
  it('collapses a burst of 150 launches of one group into one unit of work that still counts them', () => {
    // Prepare
    const burst = Array.from({ length: 150 }, (_, i) =>
      buildLaunched({
        eventId: `launch-${i}`,
        instanceId: `i-${String(i).padStart(17, '0')}`,
        atMs: T0 + i * 20,
      }),
    );

    // Act
    const work = coalesceSignals(burst);

    // Assess
    expect([...work.groups.keys()]).toEqual(['shop-general']);
    const group = work.groups.get('shop-general');
    expect(group?.counts['instance-launched']).toBe(150);
    expect(group?.launchedInstanceIds).toHaveLength(150);
    expect(group?.lastActivityAtMs).toBe(T0 + 149 * 20);
    expect(group?.latestIntent).toBeUndefined();
  });

  it('keeps the latest intent per group by intentAtMs, whatever the arrival order', () => {
    // Prepare
    const older = buildDesiredSet({ eventId: 'a', desired: 120, intentAtMs: T0 + 1_000 });
    const newer = buildDesiredSet({ eventId: 'b', desired: 80, intentAtMs: T0 + 2_000 });

    // Act
    const work = coalesceSignals([newer, older]);

    // Assess
    expect(work.groups.get('shop-general')?.latestIntent).toBe(newer);
    expect(work.groups.get('shop-general')?.counts['desired-set']).toBe(2);
  });

  it('breaks an intentAtMs tie by eventId', () => {
    // Prepare
    const first = buildDesiredSet({ eventId: 'e-1', desired: 10 });
    const second = buildDesiredSet({ eventId: 'e-2', desired: 20 });

    // Act / Assess
    expect(coalesceSignals([second, first]).groups.get('shop-general')?.latestIntent).toBe(second);
    expect(coalesceSignals([first, second]).groups.get('shop-general')?.latestIntent).toBe(second);
  });

  it('keeps the latest desired-set apart when a bounds-only change follows it', () => {
    // Prepare
    const desired = buildDesiredSet({ intentAtMs: T0 });
    const bounds = buildBoundsSet({ intentAtMs: T0 + 5_000 });

    // Act
    const group = coalesceSignals([desired, bounds]).groups.get('shop-general');

    // Assess
    expect(group?.latestIntent).toBe(bounds);
    expect(group?.latestDesired).toBe(desired);
  });

  it('keeps every lifecycle action, since each has its own token', () => {
    // Prepare
    const actions = [
      buildLifecycleAction({ eventId: 'h-1', token: 't-1' }),
      buildLifecycleAction({ eventId: 'h-2', token: 't-2' }),
    ];

    // Act
    const group = coalesceSignals(actions).groups.get('shop-general');

    // Assess
    expect(group?.lifecycleActions.map((action) => action.token)).toEqual(['t-1', 't-2']);
  });

  it('drops a repeated event id once, and says so', () => {
    // Prepare
    const launch = buildLaunched();

    // Act
    const work = coalesceSignals([launch, launch, buildIgnored(), buildIgnored()]);

    // Assess
    expect(work.groups.get('shop-general')?.counts['instance-launched']).toBe(1);
    expect(work.ignored).toHaveLength(1);
    expect(work.duplicateEventIds).toEqual(['launch-1', 'ignored-1']);
    expect(accounted(work)).toBe(4);
  });

  it('keys node groups by cluster and node group, apart from Auto Scaling groups', () => {
    // Prepare
    const signals = [
      buildNodegroupSet({ eventId: 'n-1', desired: 150, intentAtMs: T0 }),
      buildNodegroupSet({ eventId: 'n-2', desired: 200, intentAtMs: T0 + 1 }),
      buildNodegroupSet({ eventId: 'n-3', nodegroupName: 'batch' }),
      buildDesiredSet({ groupName: 'shop/general' }),
    ];

    // Act
    const work = coalesceSignals(signals);

    // Assess
    expect([...work.nodegroups.keys()].sort()).toEqual(['shop/batch', 'shop/general']);
    expect(work.nodegroups.get('shop/general')).toMatchObject({
      received: 2,
      latestIntent: { desired: 200 },
    });
    expect([...work.groups.keys()]).toEqual(['shop/general']);
  });

  const groupNames = fc.constantFrom('a', 'b', 'c');
  const eventIds = fc.integer({ min: 0, max: 40 }).map((n) => `e-${n}`);
  const times = fc.integer({ min: 0, max: 5 }).map((n) => T0 + n * 1000);
  const anySignal: fc.Arbitrary<ScaleSignal> = fc.oneof(
    fc
      .record({ eventId: eventIds, groupName: groupNames, intentAtMs: times, desired: fc.nat(300) })
      .map(buildDesiredSet),
    fc.record({ eventId: eventIds, groupName: groupNames, intentAtMs: times }).map(buildBoundsSet),
    fc.record({ eventId: eventIds, groupName: groupNames, atMs: times }).map(buildLaunched),
    fc.record({ eventId: eventIds, groupName: groupNames, token: fc.uuid() }).map(buildLifecycleAction),
    fc.record({ eventId: eventIds, nodegroupName: groupNames, intentAtMs: times }).map(buildNodegroupSet),
    fc.record({ eventId: eventIds }).map(buildIgnored),
  );

  it('accounts for every signal it receives', () => {
    fc.assert(
      fc.property(fc.array(anySignal, { maxLength: 80 }), (signals) => {
        const work = coalesceSignals(signals);

        expect(work.received).toBe(signals.length);
        expect(accounted(work)).toBe(signals.length);
      }),
    );
  });

  it('picks the same latest intent for any order of distinct events', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(anySignal, { selector: (signal) => signal.eventId, maxLength: 40 })
          .chain((signals) =>
            fc.tuple(fc.constant(signals), fc.shuffledSubarray(signals, { minLength: signals.length })),
          ),
        ([signals, shuffled]) => {
          // Act
          const a = coalesceSignals(signals);
          const b = coalesceSignals(shuffled);

          // Assess
          for (const [name, group] of a.groups) {
            expect(b.groups.get(name)?.latestIntent).toBe(group.latestIntent);
            expect(b.groups.get(name)?.latestDesired).toBe(group.latestDesired);
            expect(b.groups.get(name)?.counts).toEqual(group.counts);
          }
          for (const [key, ng] of a.nodegroups)
            expect(b.nodegroups.get(key)?.latestIntent).toBe(ng.latestIntent);
        },
      ),
    );
  });

  it('never keeps an intent older than another of the same group', () => {
    fc.assert(
      fc.property(fc.array(anySignal, { maxLength: 60 }), (signals) => {
        const work = coalesceSignals(signals);
        for (const group of work.groups.values()) {
          const latest = group.latestIntent;
          const firstOfEachId = signals.filter(
            (s, i) => signals.findIndex((t) => t.eventId === s.eventId) === i,
          );
          for (const signal of firstOfEachId) {
            if (
              (signal.kind === 'desired-set' || signal.kind === 'bounds-set') &&
              signal.groupName === group.groupName
            ) {
              expect(signal === latest || !isNewerIntent(signal, latest)).toBe(true);
            }
          }
        }
      }),
    );
  });
});

import { InMemoryStateStore } from '../../shared/adapters/memory/in-memory-state-store.js';
import type { ObservedAttach } from '../../shared/domain/attach-timing.js';
import type { InstanceLimits } from '../../shared/domain/instance-limits.js';
import { findBundledInstanceLimits } from '../../shared/instance-types/bundled-instance-limits.js';
import type { AttachesSeen, AttachObserver } from '../../shared/ports/attach-observer.js';
import type { EventPublisher, GuardEvent } from '../../shared/ports/event-publisher.js';
import type { InstanceCatalog } from '../../shared/ports/instance-catalog.js';
import type {
  GroupBounds,
  ScalingGroup,
  ScalingGroups,
  ScheduledSizes,
} from '../../shared/ports/scaling-groups.js';
import type { StaggerDeps } from '../../shared/use-cases/stagger-deps.js';

const PACED_TAG = 'capacity-guard/paced';

/** Auto Scaling groups in memory; records every mutating call. */
export class FakeScalingGroups implements ScalingGroups {
  readonly groups = new Map<string, ScalingGroup>();
  readonly calls: (
    | { op: 'setDesired'; name: string; value: number }
    | ({ op: 'bounds'; name: string } & GroupBounds)
  )[] = [];
  /** The guard's paced-tag writes, apart from the capacity calls. */
  readonly pacedCalls: { name: string; paced: boolean }[] = [];
  /** SetInstanceProtection calls, in order, apart from the capacity calls. */
  readonly protectionCalls: { name: string; instanceIds: string[]; protect: boolean }[] = [];
  /** Thrown by the next SetInstanceProtection after it took effect (a crash after the write). */
  failAfterNextProtection: Error | null = null;
  failNextMutation: Error | null = null;
  /** Thrown by the next mutating call after it took effect (a crash after the write, or a lost answer). */
  failAfterNextMutation: Error | null = null;

  /** Scheduled actions not run yet, by group name. */
  readonly scheduled = new Map<string, ScheduledSizes[]>();
  /** DescribeScheduledActions calls, by group name. */
  readonly scheduledReads: string[] = [];

  add(group: ScalingGroup): void {
    this.groups.set(group.name, group);
  }

  async scheduledActions(name: string): Promise<ScheduledSizes[]> {
    this.scheduledReads.push(name);
    return [...(this.scheduled.get(name) ?? [])].sort((a, b) => a.startMs - b.startMs);
  }

  /**
   * A scheduled action runs, as Auto Scaling runs it: its sizes under UpdateAutoScalingGroup's validation (a
   * desired capacity outside the bounds is refused and nothing changes), and, run or refused, it is gone.
   */
  runScheduled(groupName: string, actionName: string): boolean {
    const actions = this.scheduled.get(groupName) ?? [];
    const action = actions.find((a) => a.name === actionName);
    this.scheduled.set(
      groupName,
      actions.filter((a) => a !== action),
    );
    const g = this.groups.get(groupName);
    if (!action || !g) return false;
    const minSize = action.minSize ?? g.minSize;
    const maxSize = action.maxSize ?? g.maxSize;
    const desired = action.desiredCapacity ?? Math.min(Math.max(g.desiredCapacity, minSize), maxSize);
    if (minSize > maxSize || desired < minSize || desired > maxSize) return false;
    this.groups.set(groupName, { ...g, minSize, maxSize, desiredCapacity: desired });
    return true;
  }

  async describe(names: readonly string[]): Promise<ScalingGroup[]> {
    return names.flatMap((n) => {
      const g = this.groups.get(n);
      return g ? [structuredClone(g)] : [];
    });
  }

  async listWithTagKeys(tagKeys: readonly string[]): Promise<ScalingGroup[]> {
    return [...this.groups.values()]
      .filter((g) => tagKeys.some((key) => g.tags[key] !== undefined))
      .map((g) => g);
  }

  async listTagged(tagKey: string, tagValue: string): Promise<ScalingGroup[]> {
    return [...this.groups.values()].filter((g) => g.tags[tagKey] === tagValue);
  }

  private mutate(): void {
    const failure = this.failNextMutation;
    this.failNextMutation = null;
    if (failure) throw failure;
  }

  private afterMutation(): void {
    const failure = this.failAfterNextMutation;
    this.failAfterNextMutation = null;
    if (failure) throw failure;
  }

  async setDesiredCapacity(name: string, desiredCapacity: number): Promise<void> {
    this.mutate();
    this.calls.push({ op: 'setDesired', name, value: desiredCapacity });
    const g = this.groups.get(name);
    if (g) this.groups.set(name, { ...g, desiredCapacity });
    this.afterMutation();
  }

  /**
   * As UpdateAutoScalingGroup: without a desired capacity, a MaxSize below the group's desired lowers it and a
   * MinSize above raises it (the API reference's implicit SetDesiredCapacity); one outside the bounds is refused.
   */
  async updateBounds(name: string, bounds: GroupBounds): Promise<void> {
    this.mutate();
    this.calls.push({ op: 'bounds', name, ...bounds });
    const g = this.groups.get(name);
    if (g) {
      const minSize = bounds.minSize ?? g.minSize;
      const maxSize = bounds.maxSize ?? g.maxSize;
      const desired = bounds.desiredCapacity ?? Math.min(Math.max(g.desiredCapacity, minSize), maxSize);
      if (minSize > maxSize || desired < minSize || desired > maxSize) {
        throw Object.assign(new Error(`ValidationError: ${JSON.stringify({ minSize, maxSize, desired })}`), {
          name: 'ValidationError',
        });
      }
      this.groups.set(name, { ...g, minSize, maxSize, desiredCapacity: desired });
    }
    this.afterMutation();
  }

  async markPaced(name: string, paced: boolean): Promise<void> {
    this.pacedCalls.push({ name, paced });
    const g = this.groups.get(name);
    if (!g) return;
    const { [PACED_TAG]: _, ...tags } = g.tags;
    this.groups.set(name, { ...g, tags: paced ? { ...tags, [PACED_TAG]: 'true' } : tags });
  }

  /** As SetInstanceProtection: every instance must be in the group (ValidationError otherwise). */
  async setInstanceProtection(name: string, instanceIds: readonly string[], protect: boolean): Promise<void> {
    const g = this.groups.get(name);
    if (!g) throw Object.assign(new Error(`ValidationError: no group ${name}`), { name: 'ValidationError' });
    const missing = instanceIds.filter((id) => !g.instances.some((i) => i.instanceId === id));
    if (missing.length > 0) {
      throw Object.assign(new Error(`ValidationError: ${missing.join(', ')} not part of ${name}`), {
        name: 'ValidationError',
      });
    }
    this.protectionCalls.push({ name, instanceIds: [...instanceIds], protect });
    const instances = g.instances.map((i) =>
      instanceIds.includes(i.instanceId) ? { ...i, protectedFromScaleIn: protect } : i,
    );
    this.groups.set(name, { ...g, instances });
    const failure = this.failAfterNextProtection;
    this.failAfterNextProtection = null;
    if (failure) throw failure;
  }

  /** Brings every group's in-service instances up to its desired capacity (boot completes instantly). */
  settle(): void {
    for (const [name, g] of this.groups) {
      const instances = Array.from({ length: g.desiredCapacity }, (_, i) => ({
        instanceId: `i-${name}-${i}`,
        lifecycleState: 'InService',
        instanceType: g.instances[0]?.instanceType ?? 'm5.large',
      }));
      this.groups.set(name, { ...g, instances });
    }
  }
}

export class FakeObserver implements AttachObserver {
  /** Attaches by instances outside every group (other consumers). */
  times: number[] = [];
  /** Attaches by named instances, and when those launched. */
  attaches: ObservedAttach[] = [];
  readonly launchedAtMs = new Map<string, number>();
  /** Attached ENIs beyond the primary per instance, besides those the named attaches show. */
  readonly attachedEnis = new Map<string, number>();
  async attachedEniCounts(instanceIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    for (const id of instanceIds) {
      const count =
        (this.attachedEnis.get(id) ?? 0) + this.attaches.filter((a) => a.instanceId === id).length;
      if (count > 0) counts.set(id, count);
    }
    return counts;
  }
  async attachesSeenSince(sinceMs: number): Promise<AttachesSeen> {
    return {
      attaches: [...this.times.map((atMs) => ({ atMs, instanceId: null })), ...this.attaches].filter(
        (a) => a.atMs > sinceMs,
      ),
      launchedAtMs: this.launchedAtMs,
    };
  }
}

export class RecordingPublisher implements EventPublisher {
  readonly events: GuardEvent[] = [];
  async publish(events: readonly GuardEvent[]): Promise<void> {
    this.events.push(...events);
  }
}

export const bundledCatalog: InstanceCatalog = {
  async getLimits(types) {
    const found = new Map<string, InstanceLimits>();
    for (const t of types) {
      const limits = findBundledInstanceLimits(t);
      if (limits) found.set(t, limits);
    }
    return found;
  },
};

export function buildGroup(
  overrides: Partial<ScalingGroup> & { inService?: number; instanceType?: string } = {},
): ScalingGroup {
  const { inService = 50, instanceType = 'm5.large', ...rest } = overrides;
  const name = rest.name ?? 'shop-general';
  return {
    name,
    desiredCapacity: inService,
    minSize: 0,
    maxSize: 500,
    instances: Array.from({ length: inService }, (_, i) => ({
      instanceId: `i-${name}-${i}`,
      lifecycleState: 'InService',
      instanceType,
    })),
    tags: { 'capacity-guard/enabled': 'true' },
    subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
    instanceTypeOverrides: [],
    ...rest,
  };
}

export interface FakeWorld {
  readonly deps: StaggerDeps;
  readonly groups: FakeScalingGroups;
  readonly store: InMemoryStateStore;
  readonly observer: FakeObserver;
  readonly publisher: RecordingPublisher;
  now: number;
  killSwitch: boolean;
}

export function buildWorld(overrides: { spreadSec?: number; attachesPerMin?: number } = {}): FakeWorld {
  const groups = new FakeScalingGroups();
  const store = new InMemoryStateStore();
  const observer = new FakeObserver();
  const publisher = new RecordingPublisher();
  const world = {
    groups,
    store,
    observer,
    publisher,
    now: Date.UTC(2026, 10, 27, 8, 0, 0),
    killSwitch: false,
  } as FakeWorld;
  (world as { deps: StaggerDeps }).deps = {
    groups,
    observer,
    store,
    events: publisher,
    catalog: bundledCatalog,
    killSwitch: { isOn: async () => world.killSwitch },
    clock: { nowMs: () => world.now },
    settings: {
      policy: {
        attachesPerMin: overrides.attachesPerMin ?? 40,
        safetyMargin: 0,
        spreadSec: overrides.spreadSec ?? 5,
      },
      deadlineGraceMs: 300_000,
      optInTagKey: 'capacity-guard/enabled',
      optInTagValue: 'true',
    },
  };
  return world;
}

import { InMemoryGateStore } from '../../shared/adapters/memory/in-memory-gate-store.js';
import type { ObservedAttach } from '../../shared/domain/launch-gate.js';
import type { AccountAttaches } from '../../shared/ports/account-attaches.js';
import type {
  LifecycleActionResult,
  LifecycleActions,
  LifecycleActionTarget,
} from '../../shared/ports/lifecycle-actions.js';
import type { ScalingGroup } from '../../shared/ports/scaling-groups.js';
import type { GateDeps } from '../../shared/use-cases/gate/gate-deps.js';
import { bundledCatalog, RecordingPublisher } from './stagger-fakes.js';

/** A small Auto Scaling world for the gate: groups whose instances wait at the hook until released. */
export class FakeGateWorld implements AccountAttaches, LifecycleActions {
  readonly groups = new Map<string, ScalingGroup>();
  readonly attaches: ObservedAttach[] = [];
  readonly eniCounts = new Map<string, number>();
  readonly releases: LifecycleActionTarget[] = [];
  readonly heartbeats: LifecycleActionTarget[] = [];
  private describeCallCount = 0;
  failReleases = 0;
  nowMs = 0;

  addGroup(
    name: string,
    opts: { inService?: number; waiting?: number; tags?: Record<string, string>; type?: string } = {},
  ) {
    const type = opts.type ?? 'm5.large';
    const instances = [
      ...Array.from({ length: opts.inService ?? 0 }, (_, i) => ({
        instanceId: `${name}-svc-${i}`,
        lifecycleState: 'InService',
        instanceType: type,
      })),
      ...Array.from({ length: opts.waiting ?? 0 }, (_, i) => ({
        instanceId: `${name}-new-${String(i).padStart(3, '0')}`,
        lifecycleState: 'Pending:Wait',
        instanceType: type,
      })),
    ];
    this.groups.set(name, {
      name,
      desiredCapacity: instances.length,
      minSize: 0,
      maxSize: 500,
      instances,
      tags: { 'capacity-guard/enabled': 'true', 'capacity-guard/mode': 'gate', ...opts.tags },
      subnetIds: ['subnet-a'],
      instanceTypeOverrides: [],
    });
  }

  /** Every instance released so far attaches once at each of `timesMs`. */
  releasedAttachAt(...timesMs: number[]): void {
    for (const r of this.releases)
      this.attaches.push(...timesMs.map((atMs) => ({ atMs, instanceId: r.instanceId })));
  }

  /** The operator removes the group's opt-in tag (`capacity-guard/enabled`). */
  optOut(name: string): void {
    const group = this.groups.get(name);
    if (!group) throw new Error(`no group ${name}`);
    const { 'capacity-guard/enabled': _, ...tags } = group.tags;
    this.groups.set(name, { ...group, tags });
  }

  waitingIds(): string[] {
    return [...this.groups.values()].flatMap((g) =>
      g.instances.filter((i) => i.lifecycleState === 'Pending:Wait').map((i) => i.instanceId),
    );
  }

  async listWithTagKeys(tagKeys: readonly string[]): Promise<ScalingGroup[]> {
    return [...this.groups.values()]
      .filter((g) => tagKeys.some((key) => g.tags[key] !== undefined))
      .map((g) => structuredClone(g));
  }

  async listTagged(tagKey: string, tagValue: string): Promise<ScalingGroup[]> {
    return [...this.groups.values()]
      .filter((g) => g.tags[tagKey] === tagValue)
      .map((g) => structuredClone(g));
  }

  async describe(names: readonly string[]): Promise<ScalingGroup[]> {
    return names.flatMap((name) => {
      const group = this.groups.get(name);
      return group ? [structuredClone(group)] : [];
    });
  }

  /** Scale-in protection as SetInstanceProtection sets it: every id must be in the group. */
  async setInstanceProtection(name: string, instanceIds: readonly string[], protect: boolean): Promise<void> {
    const group = this.groups.get(name);
    if (!group) throw new Error(`ValidationError: group ${name} not found`);
    for (const id of instanceIds) {
      if (!group.instances.some((i) => i.instanceId === id))
        throw new Error(`ValidationError: ${id} is not part of ${name}`);
    }
    this.groups.set(name, {
      ...group,
      instances: group.instances.map((i) =>
        instanceIds.includes(i.instanceId) ? { ...i, protectedFromScaleIn: protect } : i,
      ),
    });
  }

  /** The paced tag as the gate sets and removes it. */
  async markPaced(name: string, paced: boolean): Promise<void> {
    const group = this.groups.get(name);
    if (!group) return;
    const { 'capacity-guard/paced': _, ...tags } = group.tags;
    this.groups.set(name, { ...group, tags: paced ? { ...tags, 'capacity-guard/paced': 'true' } : tags });
  }

  describeCalls(): number {
    return this.describeCallCount;
  }

  async attachesSince(sinceMs: number): Promise<ObservedAttach[]> {
    this.describeCallCount += 1;
    return this.attaches.filter((a) => a.atMs > sinceMs && a.atMs <= this.nowMs);
  }

  /** ENIs attached so far: the attaches seen for the instance, unless `eniCounts` says otherwise. */
  async attachedEniCounts(ids: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.describeCallCount += 1;
    const counts = new Map<string, number>();
    for (const a of this.attaches) {
      if (a.instanceId && ids.includes(a.instanceId) && a.atMs <= this.nowMs)
        counts.set(a.instanceId, (counts.get(a.instanceId) ?? 0) + 1);
    }
    for (const [id, count] of this.eniCounts) if (ids.includes(id)) counts.set(id, count);
    return counts;
  }

  private setState(target: LifecycleActionTarget, state: string): LifecycleActionResult {
    const group = this.groups.get(target.groupName);
    const instance = group?.instances.find((i) => i.instanceId === target.instanceId);
    if (!group || !instance || instance.lifecycleState !== 'Pending:Wait') return 'not-waiting';
    this.groups.set(group.name, {
      ...group,
      instances: group.instances.map((i) => (i === instance ? { ...i, lifecycleState: state } : i)),
    });
    return 'done';
  }

  async release(target: LifecycleActionTarget): Promise<LifecycleActionResult> {
    if (this.failReleases > 0) {
      this.failReleases -= 1;
      throw new Error('ThrottlingException: Rate exceeded');
    }
    this.releases.push(target);
    return this.setState(target, 'InService');
  }

  async heartbeat(target: LifecycleActionTarget): Promise<LifecycleActionResult> {
    this.heartbeats.push(target);
    return this.setState(target, 'Pending:Wait');
  }
}

export function buildGateDeps(world: FakeGateWorld, overrides: Partial<GateDeps> = {}) {
  const store = new InMemoryGateStore();
  const events = new RecordingPublisher();
  const deps: GateDeps = {
    groups: world,
    attaches: world,
    actions: world,
    store,
    catalog: bundledCatalog,
    events,
    killSwitch: { isOn: async () => false },
    clock: { nowMs: () => world.nowMs },
    settings: {
      policy: {
        attachesPerWindow: 40,
        maxHoldMs: 600_000,
        heartbeatTimeoutMs: 600_000,
        settleQuietMs: 90_000,
        settleMaxMs: 300_000,
      },
      hookName: 'capacity-guard-launch-gate',
      optInTagKey: 'capacity-guard/enabled',
      optInTagValue: 'true',
      peerRefreshMs: 600_000,
    },
    ...overrides,
  };
  return { deps, store, events };
}

import type {
  GateGroup,
  LaunchSource,
  LifecycleHookAdmin,
  LifecycleHookSpec,
} from '../../ports/lifecycle-hook-admin.js';

/** Gate mode's Auto Scaling and launch template view, in memory; records the hooks it is asked to put. */
export class InMemoryLifecycleHookAdmin implements LifecycleHookAdmin {
  readonly puts: LifecycleHookSpec[] = [];
  private readonly hooks = new Map<string, LifecycleHookSpec[]>();

  constructor(
    private readonly groups: readonly GateGroup[],
    /** User data by `id-or-name@version`. */
    private readonly userData: Readonly<Record<string, string | null>> = {},
    /** Launch start (epoch ms) by instance id. */
    private readonly launchTimes: Readonly<Record<string, number>> = {},
    hooks: readonly LifecycleHookSpec[] = [],
  ) {
    for (const hook of hooks)
      this.hooks.set(hook.groupName, [...(this.hooks.get(hook.groupName) ?? []), hook]);
  }

  async describeGroups(names: readonly string[]): Promise<GateGroup[]> {
    return this.groups.filter((g) => names.includes(g.name));
  }

  async listTaggedGroups(tagKey: string, tagValue: string): Promise<GateGroup[]> {
    return this.groups.filter((g) => g.tags[tagKey] === tagValue);
  }

  async describeHooks(groupName: string): Promise<LifecycleHookSpec[]> {
    return [...(this.hooks.get(groupName) ?? [])];
  }

  async putHook(hook: LifecycleHookSpec): Promise<void> {
    this.puts.push(hook);
    const others = (this.hooks.get(hook.groupName) ?? []).filter((h) => h.hookName !== hook.hookName);
    this.hooks.set(hook.groupName, [...others, hook]);
  }

  async launchTemplateUserData(
    source: Extract<LaunchSource, { kind: 'launch-template' }>,
  ): Promise<string | null> {
    const key = `${source.id ?? source.name}@${source.version}`;
    if (!(key in this.userData)) throw new Error(`no launch template ${key} in memory`);
    return this.userData[key] ?? null;
  }

  async launchStartTimes(
    _groupName: string,
    instanceIds: readonly string[],
  ): Promise<ReadonlyMap<string, number>> {
    const found = new Map<string, number>();
    for (const id of instanceIds) {
      const at = this.launchTimes[id];
      if (at !== undefined) found.set(id, at);
    }
    return found;
  }
}

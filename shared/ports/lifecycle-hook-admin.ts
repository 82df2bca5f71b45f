/** The launch transition gate mode hooks. */
export const LAUNCHING_TRANSITION = 'autoscaling:EC2_INSTANCE_LAUNCHING';

export type LifecycleHookDefaultResult = 'CONTINUE' | 'ABANDON';

/** A lifecycle hook as PutLifecycleHook takes it and DescribeLifecycleHooks returns it. */
export interface LifecycleHookSpec {
  readonly groupName: string;
  readonly hookName: string;
  readonly transition: string;
  readonly heartbeatTimeoutSec: number;
  readonly defaultResult: LifecycleHookDefaultResult;
}

/** The launch template an Auto Scaling group launches from (directly or through a mixed instances policy). */
export type LaunchSource =
  | {
      readonly kind: 'launch-template';
      /** Id or name, whichever the group names; `version` may be `$Latest` or `$Default`. */
      readonly id?: string;
      readonly name?: string;
      readonly version: string;
    }
  | { readonly kind: 'launch-configuration'; readonly name: string }
  | { readonly kind: 'none' };

/** An Auto Scaling group as gate mode's tooling reads it. */
export interface GateGroup {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly launchSource: LaunchSource;
  readonly instances: readonly {
    readonly instanceId: string;
    readonly lifecycleState: string;
    /** Scale-in protection (`ProtectedFromScaleIn`), by anyone: the gate sets it while instances wait. */
    readonly protectedFromScaleIn?: boolean;
  }[];
}

/** Installs and inspects gate mode's launch lifecycle hook, read-mostly. */
export interface LifecycleHookAdmin {
  /** Groups by name; absent names are left out. */
  describeGroups(names: readonly string[]): Promise<GateGroup[]>;
  /** Every group carrying the tag (filtered server-side). */
  listTaggedGroups(tagKey: string, tagValue: string): Promise<GateGroup[]>;
  /** The group's lifecycle hooks. */
  describeHooks(groupName: string): Promise<LifecycleHookSpec[]>;
  /** Creates the hook, or updates it when one of that name exists. */
  putHook(hook: LifecycleHookSpec): Promise<void>;
  /** Decoded (base64, and gzip when compressed) user data of one launch template version; null if it has none. */
  launchTemplateUserData(source: Extract<LaunchSource, { kind: 'launch-template' }>): Promise<string | null>;
  /**
   * When each of the given instances started launching (epoch ms), from the group's scaling activities;
   * instances without an activity are absent.
   */
  launchStartTimes(groupName: string, instanceIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

import type { ScheduledSizes } from '../domain/scheduled-actions.js';

export type { ScheduledSizes };

/** An Auto Scaling group as the guard needs it. */
export interface ScalingGroup {
  readonly name: string;
  readonly desiredCapacity: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly instances: readonly {
    readonly instanceId: string;
    readonly lifecycleState: string;
    readonly instanceType?: string;
    readonly availabilityZone?: string;
    /** Scale-in protection (`ProtectedFromScaleIn`): Auto Scaling never terminates it on scale-in. */
    readonly protectedFromScaleIn?: boolean;
  }[];
  readonly tags: Readonly<Record<string, string>>;
  readonly subnetIds: readonly string[];
  /**
   * The instance types a mixed-instances group launches from (its launch template overrides, in order, each
   * once); empty for a group with a single launch template or configuration, or overrides by attributes.
   */
  readonly instanceTypeOverrides: readonly string[];
}

/** Reads and paces Auto Scaling groups. */
export interface ScalingGroups {
  /** Groups by name; names that do not exist are absent from the result. */
  describe(names: readonly string[]): Promise<ScalingGroup[]>;
  /** Every group carrying the tag (paginated, filtered server-side). */
  listTagged(tagKey: string, tagValue: string): Promise<ScalingGroup[]>;
  /** Groups carrying any of the tag keys, whatever the values (one paginated listing). */
  listWithTagKeys(tagKeys: readonly string[]): Promise<ScalingGroup[]>;
  /** The group's scheduled actions not run yet (DescribeScheduledActions, paginated), in StartTime order. */
  scheduledActions(name: string): Promise<ScheduledSizes[]>;
  setDesiredCapacity(name: string, desiredCapacity: number): Promise<void>;
  /**
   * Changes any of MinSize, MaxSize and the desired capacity in one UpdateAutoScalingGroup call. Without a desired
   * capacity, a MaxSize below the group's desired lowers it and a MinSize above raises it (the API reference's
   * implicit SetDesiredCapacity); a desired capacity outside the new bounds is refused.
   */
  updateBounds(name: string, bounds: GroupBounds): Promise<void>;
  /**
   * Sets (true) or removes (false) the guard's own paced tag on the group, not propagated to instances: the mark
   * that keeps the group writable for the hand-back once its opt-in tag is gone.
   */
  markPaced(name: string, paced: boolean): Promise<void>;
  /**
   * Sets (true) or removes (false) the scale-in protection of instances of the group (SetInstanceProtection, 50
   * ids per call); each must still be in the group.
   */
  setInstanceProtection(name: string, instanceIds: readonly string[], protect: boolean): Promise<void>;
}

export interface GroupBounds {
  readonly minSize?: number;
  readonly maxSize?: number;
  readonly desiredCapacity?: number;
}

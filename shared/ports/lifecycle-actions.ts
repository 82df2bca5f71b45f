/** One instance waiting at a launch lifecycle hook. */
export interface LifecycleActionTarget {
  readonly groupName: string;
  readonly hookName: string;
  readonly instanceId: string;
}

/** `not-waiting`: Auto Scaling has no open lifecycle action for the instance (it proceeded, or is gone). */
export type LifecycleActionResult = 'done' | 'not-waiting';

/** Ends or extends the wait of instances held by a launch lifecycle hook. */
export interface LifecycleActions {
  /** CompleteLifecycleAction with CONTINUE, by instance id. */
  release(target: LifecycleActionTarget): Promise<LifecycleActionResult>;
  /** RecordLifecycleActionHeartbeat: restarts the hook's timeout. */
  heartbeat(target: LifecycleActionTarget): Promise<LifecycleActionResult>;
}

import {
  type AutoScalingClient,
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
} from '@aws-sdk/client-auto-scaling';
import type {
  LifecycleActionResult,
  LifecycleActions,
  LifecycleActionTarget,
} from '../../ports/lifecycle-actions.js';
import { callAws } from './aws-error.js';

/**
 * Auto Scaling answers `ValidationError` "No active Lifecycle Action found with instance ID …" when the instance
 * is not waiting at the hook (it proceeded at the timeout, was released already, or is gone).
 */
function isNotWaiting(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ValidationError' &&
    /no active lifecycle action/i.test(error.message)
  );
}

/** Launch-gate releases through Auto Scaling: CompleteLifecycleAction / RecordLifecycleActionHeartbeat by instance id. */
export class AutoScalingLifecycleActions implements LifecycleActions {
  constructor(private readonly client: AutoScalingClient) {}

  release(target: LifecycleActionTarget): Promise<LifecycleActionResult> {
    return this.send('autoscaling:CompleteLifecycleAction', () =>
      this.client.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: target.groupName,
          LifecycleHookName: target.hookName,
          InstanceId: target.instanceId,
          LifecycleActionResult: 'CONTINUE',
        }),
      ),
    );
  }

  heartbeat(target: LifecycleActionTarget): Promise<LifecycleActionResult> {
    return this.send('autoscaling:RecordLifecycleActionHeartbeat', () =>
      this.client.send(
        new RecordLifecycleActionHeartbeatCommand({
          AutoScalingGroupName: target.groupName,
          LifecycleHookName: target.hookName,
          InstanceId: target.instanceId,
        }),
      ),
    );
  }

  private async send(operation: string, call: () => Promise<unknown>): Promise<LifecycleActionResult> {
    try {
      await call();
      return 'done';
    } catch (error) {
      if (isNotWaiting(error)) return 'not-waiting';
      return callAws(operation, () => Promise.reject(error));
    }
  }
}

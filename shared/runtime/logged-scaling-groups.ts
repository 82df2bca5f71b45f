import { AutoScalingGroupsAdapter } from '../adapters/aws/auto-scaling-groups.js';
import type { ScheduledSizes } from '../domain/scheduled-actions.js';
import { logger } from './logger.js';

/**
 * The Auto Scaling adapter the stagger functions use: a group's scheduled actions that cannot be read are logged
 * with their cause before the error goes on (the stepper then follows the actions its plan recorded, and reads
 * again on the next tick), so a role without `autoscaling:DescribeScheduledActions` or a throttled call shows.
 */
export class LoggedAutoScalingGroups extends AutoScalingGroupsAdapter {
  override async scheduledActions(name: string): Promise<ScheduledSizes[]> {
    try {
      return await super.scheduledActions(name);
    } catch (error) {
      logger.warn('cannot read the scheduled actions of a paced group: following those its plan recorded', {
        autoScalingGroupName: name,
        error,
      });
      throw error;
    }
  }
}

import { AutoScalingClient, DescribeScheduledActionsCommand } from '@aws-sdk/client-auto-scaling';
import { jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { LoggedAutoScalingGroups } from '../../../../shared/runtime/logged-scaling-groups.js';
import { logger } from '../../../../shared/runtime/logger.js';

describe('LoggedAutoScalingGroups', () => {
  const autoScaling = mockClient(AutoScalingClient);
  afterEach(() => {
    autoScaling.reset();
    jest.restoreAllMocks();
  });

  it('logs a scheduled-action read that fails, with the group and the cause, and passes the error on', async () => {
    const denied = Object.assign(
      new Error('not authorized to perform: autoscaling:DescribeScheduledActions'),
      {
        name: 'AccessDenied',
      },
    );
    autoScaling.on(DescribeScheduledActionsCommand).rejects(denied);
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const groups = new LoggedAutoScalingGroups(new AutoScalingClient({ region: 'us-east-1' }));

    await expect(groups.scheduledActions('shop-workers')).rejects.toThrow(/DescribeScheduledActions/);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('scheduled actions'),
      expect.objectContaining({ autoScalingGroupName: 'shop-workers' }),
    );
  });

  it('reads them as the adapter does when the call succeeds, without a warning', async () => {
    autoScaling.on(DescribeScheduledActionsCommand).resolves({
      ScheduledUpdateGroupActions: [
        { ScheduledActionName: 'noon', StartTime: new Date(150_000), DesiredCapacity: 120 },
      ],
    });
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const groups = new LoggedAutoScalingGroups(new AutoScalingClient({ region: 'us-east-1' }));

    expect(await groups.scheduledActions('shop-workers')).toEqual([
      { name: 'noon', startMs: 150_000, desiredCapacity: 120 },
    ]);
    expect(warn).not.toHaveBeenCalled();
  });
});

import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { AwsLifecycleHookAdmin } from '../../shared/adapters/aws/lifecycle-hook-admin.js';
import type { LifecycleHookAdmin } from '../../shared/ports/lifecycle-hook-admin.js';
import type { NodeWaitCheck } from '../../shared/use-cases/gate/node-wait-check.js';
import { liveClientConfig } from '../aws-client-config.js';

/** Live access for `gate install` and `gate status`: the default credential chain, optional profile. */
export function liveHookAdmin(region: string | undefined, profile: string | undefined): LifecycleHookAdmin {
  const options = liveClientConfig(region, profile);
  return new AwsLifecycleHookAdmin(new AutoScalingClient(options), new EC2Client(options));
}

/** One word for a table cell and a sentence for the detail lines. */
export function nodeWaitText(check: NodeWaitCheck): { readonly cell: string; readonly detail: string } {
  switch (check.kind) {
    case 'present': {
      const how = {
        'wait-block': 'the wait block in the user data',
        'bottlerocket-container': 'the Bottlerocket bootstrap container',
        'bottlerocket-should-wait': "Bottlerocket's settings.autoscaling.should-wait (no maximum hold)",
      }[check.how];
      return {
        cell: check.how === 'wait-block' ? 'yes' : `yes (${check.how})`,
        detail: `${check.source}: carries ${how}`,
      };
    }
    case 'missing':
      return { cell: 'MISSING', detail: `${check.source}: no node-side wait in the user data` };
    case 'unchecked':
      return { cell: 'unchecked', detail: check.reason };
  }
}

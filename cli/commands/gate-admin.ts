import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { AwsLifecycleHookAdmin } from '../../shared/adapters/aws/lifecycle-hook-admin.js';
import { FIRST_REPORT_GRACE_MS } from '../../shared/domain/launch-gate.js';
import type { LifecycleHookAdmin } from '../../shared/ports/lifecycle-hook-admin.js';
import type { NodeWaitCheck } from '../../shared/use-cases/gate/node-wait-check.js';
import { liveClientConfig } from '../aws-client-config.js';

/** Live access for `gate install` and `gate status`: the default credential chain, optional profile. */
export function liveHookAdmin(region: string | undefined, profile: string | undefined): LifecycleHookAdmin {
  const options = liveClientConfig(region, profile);
  return new AwsLifecycleHookAdmin(new AutoScalingClient(options), new EC2Client(options));
}

/**
 * Whether the gate can count on the group's nodes reporting that they booted: the tag
 * `capacity-guard/gate-reports=true` and a wait that sends the report must go together.
 */
export function reportsText(
  check: NodeWaitCheck,
  tagged: boolean,
): { readonly cell: string; readonly detail: string | null } {
  const sends = check.kind === 'present' ? check.reports : false;
  if (tagged && sends === true) return { cell: 'yes', detail: null };
  if (tagged && sends === null) {
    return {
      cell: 'tagged (unverified)',
      detail: 'tagged; whether its wait sends the report cannot be read',
    };
  }
  if (tagged) {
    return {
      cell: 'TAGGED, NOT SENT',
      detail:
        "tagged capacity-guard/gate-reports=true but its launch template's wait does not report (a v1 block, --no-report, " +
        `or no wait): booting nodes are held up to ${FIRST_REPORT_GRACE_MS / 1000} s per scale-out; render the wait again with 'gate snippet' or remove the tag`,
    };
  }
  if (sends === true) {
    return {
      cell: 'sent, not tagged',
      detail:
        'its wait reports, but without the tag capacity-guard/gate-reports=true the gate learns it from the first report only: ' +
        'the first scale-out releases booting nodes blind',
    };
  }
  return { cell: 'no', detail: null };
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

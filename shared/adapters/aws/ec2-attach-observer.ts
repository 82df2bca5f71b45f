import { type EC2Client, paginateDescribeNetworkInterfaces } from '@aws-sdk/client-ec2';
import type { ObservedAttach } from '../../domain/launch-gate.js';
import type { AccountAttaches } from '../../ports/account-attaches.js';
import type { AttachesSeen, AttachObserver } from '../../ports/attach-observer.js';
import { callAws } from './aws-error.js';
import { chunk } from './chunk.js';

/**
 * `attachment.attach-time` filter values for every minute from `sinceMs` to `nowMs`, as wildcards
 * (`2026-11-23T08:41*`), so EC2 returns only recently attached ENIs instead of every ENI in the Region.
 */
export function attachTimeFilterValues(sinceMs: number, nowMs: number): string[] {
  const values: string[] = [];
  const startMinute = Math.floor(sinceMs / 60_000);
  const endMinute = Math.floor(nowMs / 60_000);
  for (let minute = startMinute; minute <= endMinute; minute += 1) {
    values.push(`${new Date(minute * 60_000).toISOString().slice(0, 16)}*`);
  }
  return values;
}

/** Instance ids per `attachment.instance-id` filter (EC2 accepts up to 200 values per filter). */
const INSTANCE_IDS_PER_FILTER = 100;

/**
 * Observes recent ENI attachments through DescribeNetworkInterfaces (paginated, filtered to attached ENIs).
 * With `useTimeFilter`, EC2 is also asked to return only ENIs whose `attachment.attach-time` matches the last
 * minutes (a documented filter; wildcard matching on it is not documented, so it is opt-in): far fewer pages in
 * accounts with tens of thousands of ENIs.
 */
export class Ec2AttachObserver implements AttachObserver, AccountAttaches {
  constructor(
    private readonly client: EC2Client,
    private readonly clock: { nowMs(): number },
    private readonly useTimeFilter = false,
  ) {}

  private pages = 0;

  describeCalls(): number {
    return this.pages;
  }

  async attachesSince(sinceMs: number): Promise<ObservedAttach[]> {
    return [...(await this.attachesSeenSince(sinceMs)).attaches];
  }

  /**
   * One paginated DescribeNetworkInterfaces of attached ENIs: the attaches after `sinceMs` (device index > 0),
   * and each instance's launch time from its primary ENI (device index 0 comes with RunInstances).
   */
  async attachesSeenSince(sinceMs: number): Promise<AttachesSeen> {
    const attaches: ObservedAttach[] = [];
    const launchedAtMs = new Map<string, number>();
    await callAws('ec2:DescribeNetworkInterfaces', async () => {
      for await (const page of paginateDescribeNetworkInterfaces(
        { client: this.client, pageSize: 1000 },
        {
          Filters: [
            { Name: 'attachment.status', Values: ['attached', 'attaching'] },
            ...(this.useTimeFilter
              ? [
                  {
                    Name: 'attachment.attach-time',
                    Values: attachTimeFilterValues(sinceMs, this.clock.nowMs()),
                  },
                ]
              : []),
          ],
        },
      )) {
        this.pages += 1;
        for (const eni of page.NetworkInterfaces ?? []) {
          const attachment = eni.Attachment;
          const at = attachment?.AttachTime?.getTime();
          const instanceId = attachment?.InstanceId ?? null;
          if (at === undefined) continue;
          if (attachment?.DeviceIndex === 0) {
            if (instanceId !== null) launchedAtMs.set(instanceId, at);
            continue;
          }
          if (at > sinceMs) attaches.push({ atMs: at, instanceId });
        }
      }
    });
    return { attaches: attaches.sort((a, b) => a.atMs - b.atMs), launchedAtMs };
  }

  async attachedEniCounts(instanceIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    const unique = [...new Set(instanceIds)];
    for (const batch of chunk(unique, INSTANCE_IDS_PER_FILTER)) {
      await callAws('ec2:DescribeNetworkInterfaces', async () => {
        for await (const page of paginateDescribeNetworkInterfaces(
          { client: this.client, pageSize: 1000 },
          { Filters: [{ Name: 'attachment.instance-id', Values: batch }] },
        )) {
          this.pages += 1;
          for (const eni of page.NetworkInterfaces ?? []) {
            const attachment = eni.Attachment;
            if (!attachment?.InstanceId || attachment.DeviceIndex === 0) continue;
            counts.set(attachment.InstanceId, (counts.get(attachment.InstanceId) ?? 0) + 1);
          }
        }
      });
    }
    return counts;
  }
}

import type { ObservedAttach } from '../domain/attach-timing.js';

/** What one look at the account's ENIs shows: recent attaches, and when the attaching instances launched. */
export interface AttachesSeen {
  /** Attachments after the time asked for (device index > 0), every consumer included. */
  readonly attaches: readonly ObservedAttach[];
  /** Launch time per instance (its primary ENI's `AttachTime`), for the instances EC2 listed. */
  readonly launchedAtMs: ReadonlyMap<string, number>;
}

/** Sees ENI attachments made in the account and Region. */
export interface AttachObserver {
  /** Attachments made after `sinceMs`, and the launch times of the instances that made them. */
  attachesSeenSince(sinceMs: number): Promise<AttachesSeen>;
  /** Attached ENIs beyond the primary, per instance (instances with none are absent), whenever attached. */
  attachedEniCounts(instanceIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

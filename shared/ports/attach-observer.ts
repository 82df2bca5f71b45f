/** Sees ENI attachments made in the account and Region. */
export interface AttachObserver {
  /** Attach times (ms) of ENIs attached after `sinceMs`, except those on the given instances. */
  attachTimesSince(sinceMs: number, excludeInstanceIds: ReadonlySet<string>): Promise<number[]>;
}

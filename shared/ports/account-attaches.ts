import type { ObservedAttach } from '../domain/launch-gate.js';

/** The account's ENI attachments as EC2 reports them (`Attachment.AttachTime`), every consumer included. */
export interface AccountAttaches {
  /** Attachments made after `sinceMs` (device index > 0: a node's primary ENI comes with RunInstances). */
  attachesSince(sinceMs: number): Promise<ObservedAttach[]>;
  /** Attached ENIs beyond the primary, per instance (instances with none are absent). */
  attachedEniCounts(instanceIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** EC2 Describe calls (pages) this reader has made so far; absent: not counted. */
  describeCalls?(): number;
}

import type { EventBridgeEnvelope } from './eventbridge-events.js';

/** Everything that happens at a simulated time, in one closed union the account's loop switches on. */
export type SimEvent =
  | { readonly kind: 'ipamd-cycle'; readonly instanceId: string }
  | {
      readonly kind: 'eni-ready';
      readonly instanceId: string;
      readonly eniId: string;
      readonly units: number;
      readonly isTrunk: boolean;
    }
  | { readonly kind: 'ipamd-start'; readonly instanceId: string }
  | { readonly kind: 'node-ready'; readonly instanceId: string }
  | { readonly kind: 'scheduler-tick' }
  | { readonly kind: 'asg-reconcile'; readonly group: string }
  | { readonly kind: 'instance-gone'; readonly instanceId: string }
  | { readonly kind: 'deliver'; readonly event: EventBridgeEnvelope }
  | { readonly kind: 'guard-schedule'; readonly index: number }
  | { readonly kind: 'guard-wake'; readonly index: number }
  | { readonly kind: 'scale-action'; readonly index: number }
  | { readonly kind: 'external-attach'; readonly consumer: number }
  | { readonly kind: 'external-release'; readonly eniId: string; readonly consumer: number }
  | { readonly kind: 'trunk-attach'; readonly instanceId: string }
  | {
      readonly kind: 'lifecycle-timeout';
      readonly group: string;
      readonly instanceId: string;
      readonly hookName: string;
      readonly generation: number;
    }
  | { readonly kind: 'instance-running'; readonly instanceId: string }
  | { readonly kind: 'node-wait-point'; readonly group: string; readonly instanceId: string }
  | { readonly kind: 'guard-up' }
  | { readonly kind: 'sample' };

/** The simulated clock and the queue of what happens next, as the service models see them. */
export interface SimClock {
  /** Simulated milliseconds since the scenario started. */
  readonly nowSimMs: number;
  /** Wall-clock time (epoch ms) of simulated second 0. */
  readonly startEpochMs: number;
  nowEpochMs(): number;
  /** Schedules `event` at simulated `timeMs`. */
  at(timeMs: number, event: SimEvent): void;
}

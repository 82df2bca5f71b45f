import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { EventBridgeEnvelope } from './eventbridge-events.js';
import type { SimulatedIamStatement } from './iam-policy.js';

export type { EventBridgeEnvelope } from './eventbridge-events.js';

/** Real SDK v3 clients whose requests the simulated account answers (see `connectToSimulator`). */
export interface GuardClients {
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  readonly eks: EKSClient;
  readonly sns: SNSClient;
  readonly eventBridge: EventBridgeClient;
}

export interface GuardContext {
  /** Simulated wall-clock time (epoch ms): compare it with `Attachment.AttachTime`. */
  nowMs(): number;
  readonly clients: GuardClients;
  /** The kill switch as the scenario's `kill-switch` actions set it (the deployed guard reads SSM). */
  killSwitchOn(): boolean;
  /**
   * Whether the invocation that just returned (or threw) died at a `guard-crash` action: true once, and the next
   * invocation starts alive. A dead invocation's input comes back as its trigger would bring it again.
   */
  takeCrash(): boolean;
}

export interface GuardSchedule {
  readonly name: string;
  readonly everySec: number;
  run(ctx: GuardContext): Promise<void>;
  /**
   * When the schedule's invocation, still looping, acts next (epoch ms; null: not before its next period): a
   * function that sleeps to an exact instant between two periods is run again at that instant.
   */
  wakeAtMs?(): number | null;
}

/**
 * A guard plugged into a simulation: the loop awaits each callback at its simulated time, and the
 * guard's own work takes no simulated time.
 */
export interface SimulatedGuard {
  readonly name: string;
  /** identity ARN the guard's calls carry in CloudTrail events */
  readonly identityArn: string;
  /**
   * The statements of the guard role's policy that allow Auto Scaling writes (SetDesiredCapacity,
   * UpdateAutoScalingGroup, CreateOrUpdateTags, DeleteTags); when given, the simulated account refuses the
   * guard's writes they do not allow with AccessDenied, as IAM would. Absent: every write is allowed.
   */
  readonly autoScalingWritePolicy?: readonly SimulatedIamStatement[];
  start(ctx: GuardContext): Promise<void>;
  /** every EventBridge event on the default bus, after its delivery delay */
  onEvent(event: EventBridgeEnvelope, ctx: GuardContext): Promise<void>;
  readonly schedules: readonly GuardSchedule[];
}

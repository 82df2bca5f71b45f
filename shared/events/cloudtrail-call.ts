import { readCallerIdentity } from './caller-identity.js';
import type { EventEnvelope } from './envelope.js';
import type { ParseContext } from './event-parser.js';
import {
  type ObjectAt,
  optionalBoolean,
  optionalString,
  optionalTimestampMs,
  requireObject,
  requireString,
} from './json-fields.js';

/** A successful, state-changing call someone else made, ready for its eventName's reader. */
export interface ActionableCall<N extends string> {
  readonly kind: 'call';
  readonly eventName: N;
  readonly requestParameters: ObjectAt;
  /** `detail.eventTime` (when the call was made) orders intents better than the delivery time. */
  readonly intentAtMs: number;
  readonly callerArn?: string;
}

export interface SkippedCall {
  readonly kind: 'ignored';
  readonly reason: string;
}

/**
 * Sorts an `AWS API Call via CloudTrail` event (`detail` is the CloudTrail record) into a call to act on
 * or one to skip: another operation, a failed call (`errorCode` set: nothing changed), a read-only call,
 * or a call the guard made itself (its own changes come back as events too, EVENTS.md).
 */
export function triageCloudTrailCall<N extends string>(
  envelope: EventEnvelope,
  context: ParseContext,
  handledEventNames: readonly N[],
): ActionableCall<N> | SkippedCall {
  const record = envelope.detail;
  const rawName = requireString(record, 'eventName');
  const eventName = handledEventNames.find((name) => name === rawName);
  if (eventName === undefined) return { kind: 'ignored', reason: `${rawName} is not a scaling call` };
  const errorCode = optionalString(record, 'errorCode');
  if (errorCode !== undefined) return { kind: 'ignored', reason: `failed call (errorCode ${errorCode})` };
  if (optionalBoolean(record, 'readOnly') === true) return { kind: 'ignored', reason: 'read-only call' };
  const caller = readCallerIdentity(record, context.self);
  if (caller.isSelf) return { kind: 'ignored', reason: 'own call' };
  return {
    kind: 'call',
    eventName,
    requestParameters: requireObject(record, 'requestParameters'),
    intentAtMs: optionalTimestampMs(record, 'eventTime') ?? envelope.timeMs,
    callerArn: caller.callerArn,
  };
}

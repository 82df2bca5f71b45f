import {
  asObject,
  type ObjectAt,
  requireObject,
  requireString,
  requireStringArray,
  requireTimestampMs,
} from './json-fields.js';

/** The EventBridge envelope every event shares (EVENTS.md, "EventBridge envelope"), read and checked. */
export interface EventEnvelope {
  /** EventBridge's event id: duplicates of one delivery share it, so handlers are idempotent on it. */
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly account: string;
  readonly region: string;
  /** The envelope `time`, whole seconds for AWS events. */
  readonly timeMs: number;
  readonly resources: readonly string[];
  readonly detail: ObjectAt;
}

/**
 * Checks the envelope fields EventBridge always sets (also for `PutEvents`, which fills in id, time, account
 * and region) and returns them typed; `detail` stays raw for the parser of its detail-type.
 *
 * @throws InvalidEventError naming the first field that is missing or of the wrong form.
 * @example
 * validateEnvelope(JSON.parse(sqsBody)).detailType // 'EC2 Instance Launch Successful'
 */
export function validateEnvelope(raw: unknown): EventEnvelope {
  const event = asObject(raw, '');
  return {
    id: requireString(event, 'id'),
    source: requireString(event, 'source'),
    detailType: requireString(event, 'detail-type'),
    account: requireString(event, 'account'),
    region: requireString(event, 'region'),
    timeMs: requireTimestampMs(event, 'time'),
    resources: requireStringArray(event, 'resources'),
    detail: requireObject(event, 'detail'),
  };
}

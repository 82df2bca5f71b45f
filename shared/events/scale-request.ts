import type { EventParser } from './event-parser.js';
import { optionalString, rejectUnknownKeys, requireString, requireWholeNumber } from './json-fields.js';
import { DESIRED_VIA } from './scale-signal.js';

export const SCALE_REQUEST_SOURCE = 'capacity-guard';
export const SCALE_REQUEST_DETAIL_TYPE = 'Scale Request';

/**
 * The `detail` of a `Scale Request` event: asks the guard to bring an Auto Scaling group to a desired
 * capacity at the pace the ENI attach budget allows, instead of setting it directly.
 *
 * Sent with `PutEvents`, `Source: "capacity-guard"`, `DetailType: "Scale Request"`:
 * ```json
 * { "autoScalingGroupName": "shop-general", "desiredCapacity": 200,
 *   "reason": "black friday warm-up", "requestedBy": "release-pipeline" }
 * ```
 * - `autoScalingGroupName` (required): the group's name, not its ARN. For an EKS managed node group, the
 *   name of the group EKS created for it.
 * - `desiredCapacity` (required): a whole number >= 0 (a string of digits is accepted too). A value below
 *   the current capacity passes straight through and cancels any open plan for the group.
 * - `reason`, `requestedBy` (optional): free text, repeated in the guard's notifications and plan events.
 *
 * Any other field is rejected, so a misspelt field fails loudly instead of being dropped.
 * The request's time is the envelope `time` (set it in `PutEvents` to order requests you send in a burst).
 */
export interface ScaleRequestDetail {
  readonly autoScalingGroupName: string;
  readonly desiredCapacity: number;
  readonly reason?: string;
  readonly requestedBy?: string;
}

const SCALE_REQUEST_FIELDS = [
  'autoScalingGroupName',
  'desiredCapacity',
  'reason',
  'requestedBy',
] as const satisfies readonly (keyof ScaleRequestDetail)[];

/**
 * `capacity-guard` / `Scale Request` (see {@link ScaleRequestDetail}).
 *
 * @example
 * parseScaleRequest(validateEnvelope(event), context)
 * // { kind: 'desired-set', groupName: 'shop-general', desired: 200, via: 'ScaleRequest', … }
 */
export const parseScaleRequest: EventParser = (envelope) => {
  const detail = envelope.detail;
  rejectUnknownKeys(detail, SCALE_REQUEST_FIELDS);
  return {
    kind: 'desired-set',
    eventId: envelope.id,
    groupName: requireString(detail, 'autoScalingGroupName'),
    desired: requireWholeNumber(detail, 'desiredCapacity'),
    intentAtMs: envelope.timeMs,
    via: DESIRED_VIA.scaleRequest,
    reason: optionalString(detail, 'reason'),
    requestedBy: optionalString(detail, 'requestedBy'),
  };
};

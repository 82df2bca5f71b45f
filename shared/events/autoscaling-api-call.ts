import { triageCloudTrailCall } from './cloudtrail-call.js';
import type { EventParser } from './event-parser.js';
import { optionalWholeNumber, requireString, requireWholeNumber } from './json-fields.js';
import { DESIRED_VIA } from './scale-signal.js';

const HANDLED_CALLS = [DESIRED_VIA.setDesiredCapacity, DESIRED_VIA.updateAutoScalingGroup] as const;

/**
 * `aws.autoscaling` / `AWS API Call via CloudTrail` for `SetDesiredCapacity` and `UpdateAutoScalingGroup`
 * (request parameters `autoScalingGroupName`, `desiredCapacity`, and for the latter `minSize`, `maxSize`;
 * EVENTS.md). An `UpdateAutoScalingGroup` that leaves all three out changed something else (launch
 * template, subnets, tags) and is ignored.
 *
 * @example
 * parseAutoScalingApiCall(validateEnvelope(event), { self: buildSelfIdentity([]) })
 * // { kind: 'desired-set', groupName: 'my-asg', desired: 200, via: 'SetDesiredCapacity', … }
 */
export const parseAutoScalingApiCall: EventParser = (envelope, context) => {
  const call = triageCloudTrailCall(envelope, context, HANDLED_CALLS);
  if (call.kind === 'ignored') return { kind: 'ignored', eventId: envelope.id, reason: call.reason };
  const params = call.requestParameters;
  const groupName = requireString(params, 'autoScalingGroupName');
  const base = { eventId: envelope.id, groupName, intentAtMs: call.intentAtMs, callerArn: call.callerArn };
  switch (call.eventName) {
    case 'SetDesiredCapacity':
      return {
        kind: 'desired-set',
        ...base,
        desired: requireWholeNumber(params, 'desiredCapacity'),
        via: call.eventName,
      };
    case 'UpdateAutoScalingGroup': {
      const desired = optionalWholeNumber(params, 'desiredCapacity');
      const minSize = optionalWholeNumber(params, 'minSize');
      const maxSize = optionalWholeNumber(params, 'maxSize');
      if (desired !== undefined)
        return { kind: 'desired-set', ...base, desired, minSize, maxSize, via: call.eventName };
      if (minSize !== undefined || maxSize !== undefined) {
        return { kind: 'bounds-set', ...base, minSize, maxSize, via: call.eventName };
      }
      return {
        kind: 'ignored',
        eventId: envelope.id,
        reason: 'UpdateAutoScalingGroup without a capacity change',
      };
    }
  }
};

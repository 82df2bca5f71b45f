import { triageCloudTrailCall } from './cloudtrail-call.js';
import type { EventParser } from './event-parser.js';
import { InvalidEventError } from './invalid-event-error.js';
import {
  childPath,
  type ObjectAt,
  optionalObject,
  optionalString,
  optionalWholeNumber,
  requireString,
} from './json-fields.js';

const HANDLED_CALLS = ['UpdateNodegroupConfig'] as const;

/**
 * `aws.eks` / `AWS API Call via CloudTrail` for `UpdateNodegroupConfig`: `nodegroupName`, the cluster as
 * `name` (the URI parameter) or `clusterName`, and `scalingConfig { minSize, maxSize, desiredSize }`
 * (EVENTS.md). A call without a scaling change (labels, taints, update config) is ignored.
 *
 * @example
 * parseEksApiCall(validateEnvelope(event), { self: buildSelfIdentity([]) })
 * // { kind: 'nodegroup-scaling-set', clusterName: 'shop', nodegroupName: 'general', desired: 200, … }
 */
export const parseEksApiCall: EventParser = (envelope, context) => {
  const call = triageCloudTrailCall(envelope, context, HANDLED_CALLS);
  if (call.kind === 'ignored') return { kind: 'ignored', eventId: envelope.id, reason: call.reason };
  const params = call.requestParameters;
  const clusterName = readClusterName(params);
  const nodegroupName = requireString(params, 'nodegroupName');
  const scaling = optionalObject(params, 'scalingConfig');
  const desired = scaling === undefined ? undefined : optionalWholeNumber(scaling, 'desiredSize');
  const minSize = scaling === undefined ? undefined : optionalWholeNumber(scaling, 'minSize');
  const maxSize = scaling === undefined ? undefined : optionalWholeNumber(scaling, 'maxSize');
  if (desired === undefined && minSize === undefined && maxSize === undefined) {
    return {
      kind: 'ignored',
      eventId: envelope.id,
      reason: 'UpdateNodegroupConfig without a scaling change',
    };
  }
  return {
    kind: 'nodegroup-scaling-set',
    eventId: envelope.id,
    clusterName,
    nodegroupName,
    desired,
    minSize,
    maxSize,
    intentAtMs: call.intentAtMs,
    callerArn: call.callerArn,
  };
};

function readClusterName(params: ObjectAt): string {
  const name = optionalString(params, 'name');
  const clusterName = optionalString(params, 'clusterName');
  if (name !== undefined && clusterName !== undefined && name !== clusterName) {
    throw new InvalidEventError(
      childPath(params.path, 'clusterName'),
      `the same cluster as name ("${name}")`,
      clusterName,
    );
  }
  const cluster = name ?? clusterName;
  if (cluster === undefined) {
    const expected = 'a non-empty string (the cluster, or give it as clusterName)';
    throw new InvalidEventError(childPath(params.path, 'name'), expected, undefined);
  }
  return cluster;
}

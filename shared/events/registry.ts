import { parseAutoScalingApiCall } from './autoscaling-api-call.js';
import {
  parseLaunchLifecycleAction,
  parseLaunchSuccessful,
  parseLaunchUnsuccessful,
  parseTerminateSuccessful,
} from './autoscaling-instance-events.js';
import { buildSelfIdentity } from './caller-identity.js';
import { parseEksApiCall } from './eks-api-call.js';
import { validateEnvelope } from './envelope.js';
import type { EventParser } from './event-parser.js';
import { parseScaleRequest, SCALE_REQUEST_DETAIL_TYPE, SCALE_REQUEST_SOURCE } from './scale-request.js';
import type { ScaleSignal } from './scale-signal.js';

export interface RegisteredParser {
  readonly source: string;
  readonly detailType: string;
  readonly parse: EventParser;
}

const CLOUDTRAIL_CALL = 'AWS API Call via CloudTrail';

/** One parser per (source, detail-type); anything else is a no-op. */
export const SCALE_EVENT_PARSERS: readonly RegisteredParser[] = [
  { source: 'aws.autoscaling', detailType: 'EC2 Instance Launch Successful', parse: parseLaunchSuccessful },
  {
    source: 'aws.autoscaling',
    detailType: 'EC2 Instance Launch Unsuccessful',
    parse: parseLaunchUnsuccessful,
  },
  {
    source: 'aws.autoscaling',
    detailType: 'EC2 Instance Terminate Successful',
    parse: parseTerminateSuccessful,
  },
  {
    source: 'aws.autoscaling',
    detailType: 'EC2 Instance-launch Lifecycle Action',
    parse: parseLaunchLifecycleAction,
  },
  { source: 'aws.autoscaling', detailType: CLOUDTRAIL_CALL, parse: parseAutoScalingApiCall },
  { source: 'aws.eks', detailType: CLOUDTRAIL_CALL, parse: parseEksApiCall },
  { source: SCALE_REQUEST_SOURCE, detailType: SCALE_REQUEST_DETAIL_TYPE, parse: parseScaleRequest },
];

/** A separator neither a source nor a detail-type contains. */
const registryKey = (source: string, detailType: string): string => `${source}\u0000${detailType}`;

const PARSERS_BY_TYPE: ReadonlyMap<string, EventParser> = new Map(
  SCALE_EVENT_PARSERS.map((entry) => [registryKey(entry.source, entry.detailType), entry.parse]),
);

export interface ParseScaleEventOptions {
  /** The guard's own role ARNs, as IAM role ARNs or STS assumed-role ARNs: calls by these are ignored. */
  readonly selfIdentityArns: readonly string[];
}

/**
 * Reads one EventBridge event into a {@link ScaleSignal}.
 *
 * Unknown (source, detail-type) pairs, failed or read-only CloudTrail calls and the guard's own calls
 * become `{ kind: 'ignored' }`. An event whose envelope is malformed, or whose detail lacks what its
 * detail-type documents, throws `InvalidEventError`, whose message is the reason for the dead-letter queue.
 *
 * @throws InvalidEventError
 * @example
 * parseScaleEvent(JSON.parse(record.body), { selfIdentityArns: ['arn:aws:iam::123456789012:role/capacity-guard'] })
 * // { kind: 'desired-set', eventId: '…', groupName: 'shop-general', desired: 200, via: 'SetDesiredCapacity', … }
 */
export function parseScaleEvent(raw: unknown, opts: ParseScaleEventOptions): ScaleSignal {
  const envelope = validateEnvelope(raw);
  const parse = PARSERS_BY_TYPE.get(registryKey(envelope.source, envelope.detailType));
  if (parse === undefined) {
    return {
      kind: 'ignored',
      eventId: envelope.id,
      reason: `no parser for ${envelope.source} / ${envelope.detailType}`,
    };
  }
  return parse(envelope, { self: buildSelfIdentity(opts.selfIdentityArns) });
}

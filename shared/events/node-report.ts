import { validateEnvelope } from './envelope.js';
import { InvalidEventError } from './invalid-event-error.js';
import { requireString } from './json-fields.js';

/**
 * The node's report that it reached the launch gate's wait point: booted, kubelet not started, waiting for
 * `InService`. The wait block (`capacity-guard gate snippet`) sends it once with EventBridge PutEvents, signed
 * with the instance role; a rule routes it to the launch gate's queue (infra/launch-gate.yml).
 */
export const NODE_REPORT_SOURCE = 'capacity-guard.node';
export const NODE_REPORT_DETAIL_TYPE = 'Launch Gate Node Waiting';

export interface NodeReport {
  readonly eventId: string;
  readonly instanceId: string;
  /** When EventBridge received the report (the envelope's `time`): the node was waiting by then. */
  readonly atMs: number;
}

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** Whether an event body comes from a node (then {@link parseNodeReport} reads it). */
export function isNodeReportEvent(raw: unknown): boolean {
  return (
    typeof raw === 'object' && raw !== null && (raw as { source?: unknown }).source === NODE_REPORT_SOURCE
  );
}

/**
 * Reads one node report. The report's own `reached-at` is the node's clock and is not trusted for timing;
 * EventBridge's receipt time is used.
 *
 * @throws InvalidEventError naming the field and the expected form
 * @example
 * parseNodeReport({ version: '0', id: 'e-1', 'detail-type': 'Launch Gate Node Waiting', source: 'capacity-guard.node',
 *   account: '111122223333', time: '2026-12-02T10:00:00Z', region: 'us-east-1', resources: [],
 *   detail: { 'instance-id': 'i-0123456789abcdef0' } }) // { eventId: 'e-1', instanceId: 'i-0123456789abcdef0', atMs: … }
 */
export function parseNodeReport(raw: unknown): NodeReport {
  const envelope = validateEnvelope(raw);
  if (envelope.source !== NODE_REPORT_SOURCE || envelope.detailType !== NODE_REPORT_DETAIL_TYPE) {
    throw new InvalidEventError(
      'detail-type',
      `'${NODE_REPORT_DETAIL_TYPE}' from source ${NODE_REPORT_SOURCE}`,
      envelope.detailType,
    );
  }
  const instanceId = requireString(envelope.detail, 'instance-id');
  if (!INSTANCE_ID.test(instanceId)) {
    throw new InvalidEventError(
      'detail.instance-id',
      'an EC2 instance id (i- and 8 or 17 hex digits)',
      instanceId,
    );
  }
  return { eventId: envelope.id, instanceId, atMs: envelope.timeMs };
}

import { AuditMode } from '../use-cases/audit/audit-report.js';

/** The schedule's input is not an audit request. */
export class InvalidAuditEventError extends Error {
  override readonly name = 'InvalidAuditEventError';
}

export interface AuditRequest {
  readonly mode: AuditMode;
  /** What asked for it: a schedule, or a batch of scale intents from the pre-flight queue. */
  readonly trigger: 'schedule' | 'scale-intent';
  /** The account of the EventBridge envelope, when there is one. */
  readonly accountId?: string;
}

const MODES = Object.values(AuditMode);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the audit mode from a scheduled EventBridge event (`detail.mode`) or from a schedule's constant
 * input (`{ "mode": … }` as the whole event). No mode means `headroom`, the frequent schedule.
 *
 * @example
 * parseAuditEvent({ 'detail-type': 'Scheduled Event', account: '111122223333', detail: { mode: 'full' } })
 * // { mode: 'full', accountId: '111122223333' }
 */
export function parseAuditEvent(event: unknown): AuditRequest {
  if (!isRecord(event)) {
    throw new InvalidAuditEventError(
      `event is ${event === null ? 'null' : typeof event} (expected an object)`,
    );
  }
  if (Array.isArray(event.Records)) return preflightRequest(event.Records);
  const detail = event.detail;
  if (detail !== undefined && !isRecord(detail)) {
    throw new InvalidAuditEventError(
      `detail is ${typeof detail} (expected an object such as {"mode": "full"})`,
    );
  }
  const mode = detail?.mode ?? event.mode ?? AuditMode.headroom;
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
    throw new InvalidAuditEventError(
      `mode ${JSON.stringify(mode)} is not an audit mode (expected ${MODES.map((m) => `"${m}"`).join(' or ')})`,
    );
  }
  const account = event.account;
  return {
    mode: mode as AuditMode,
    trigger: 'schedule',
    ...(typeof account === 'string' && /^\d{12}$/.test(account) ? { accountId: account } : {}),
  };
}

/**
 * A batch from the pre-flight queue: scale intents (CloudTrail capacity calls, Scale Requests, launch lifecycle
 * actions) collected over the queue's batching window. Whatever they say, the answer is one headroom audit now,
 * which counts the capacity they ask for as in-flight demand; the account comes from the first envelope.
 *
 * @example
 * parseAuditEvent({ Records: [{ body: '{"account":"111122223333"}' }] }) // { mode: 'headroom', trigger: 'scale-intent', accountId: '111122223333' }
 */
function preflightRequest(records: readonly unknown[]): AuditRequest {
  let accountId: string | undefined;
  for (const record of records) {
    if (!isRecord(record) || typeof record.body !== 'string') continue;
    try {
      const body: unknown = JSON.parse(record.body);
      if (isRecord(body) && typeof body.account === 'string' && /^\d{12}$/.test(body.account)) {
        accountId = body.account;
        break;
      }
    } catch {
      // A body that is not JSON still asks for the audit; the account then comes from the function's ARN.
    }
  }
  return { mode: AuditMode.headroom, trigger: 'scale-intent', ...(accountId ? { accountId } : {}) };
}

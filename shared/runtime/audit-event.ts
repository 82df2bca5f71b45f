import { AuditMode } from '../use-cases/audit/audit-report.js';

/** The schedule's input is not an audit request. */
export class InvalidAuditEventError extends Error {
  override readonly name = 'InvalidAuditEventError';
}

export interface AuditRequest {
  readonly mode: AuditMode;
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
    ...(typeof account === 'string' && /^\d{12}$/.test(account) ? { accountId: account } : {}),
  };
}

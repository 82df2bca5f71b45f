import type { Logger } from '@aws-lambda-powertools/logger';
import { type AuditSummary, summarizeAuditReport } from '../use-cases/audit/summarize-report.js';
import { runCapacityAudit } from '../use-cases/run-capacity-audit.js';
import { parseAuditEvent } from './audit-event.js';
import type { AuditorWiring } from './auditor-deps.js';

/** Detail type of the event put on the bus after every audit (source `capacity-guard`). */
export const AUDIT_COMPLETED_DETAIL_TYPE = 'Capacity Audit Completed';

/**
 * The auditor's body: parse the schedule's event, run the audit, announce its summary on the bus, log the
 * outcome once. Failures are not caught: Lambda's retries and the dead-letter queue see them.
 */
export function createCapacityAuditor(wiring: AuditorWiring, logger: Pick<Logger, 'info' | 'warn'>) {
  return async (
    event: unknown,
    context?: { readonly invokedFunctionArn?: string },
  ): Promise<AuditSummary> => {
    const request = parseAuditEvent(event);
    // A schedule's constant input has no envelope: the function's own ARN names the account.
    const accountId = request.accountId ?? accountOfArn(context?.invokedFunctionArn);
    const report = await runCapacityAudit(wiring.deps, {
      nowMs: wiring.clock.nowMs(),
      mode: request.mode,
      ...(accountId === undefined ? {} : { accountId }),
    });
    const summary = summarizeAuditReport(report);
    await wiring.events.publish([
      {
        detailType: AUDIT_COMPLETED_DETAIL_TYPE,
        detail: summary as unknown as Record<string, unknown>,
        resources: report.subnets.map((subnet) => subnet.subnetId).slice(0, 10),
      },
    ]);
    if (report.warnings.length > 0) logger.warn('audit warnings', { warnings: report.warnings });
    logger.info('audit completed', { mode: report.mode, counts: summary.counts });
    return summary;
  };
}

/** The account ID field of an ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`), if it has one. */
export function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

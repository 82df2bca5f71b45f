import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditorWiring } from '../../shared/runtime/auditor-deps.js';
import { type AuditSummary, summarizeAuditReport } from '../../shared/use-cases/audit/summarize-report.js';
import { runCapacityAudit } from '../../shared/use-cases/run-capacity-audit.js';
import { parseAuditEvent } from './audit-event.js';

/** Detail type of the event put on the bus after every audit (source `capacity-guard`). */
export const AUDIT_COMPLETED_DETAIL_TYPE = 'Capacity Audit Completed';

/**
 * The auditor's body: parse the schedule's event, run the audit, announce its summary on the bus, log the
 * outcome once. Failures are not caught: Lambda's retries and the dead-letter queue see them.
 */
export function createCapacityAuditor(wiring: AuditorWiring, logger: Pick<Logger, 'info' | 'warn'>) {
  return async (event: unknown): Promise<AuditSummary> => {
    const request = parseAuditEvent(event);
    const report = await runCapacityAudit(wiring.deps, {
      nowMs: wiring.clock.nowMs(),
      mode: request.mode,
      ...(request.accountId === undefined ? {} : { accountId: request.accountId }),
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

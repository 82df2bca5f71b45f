import type { AuditReport } from './audit-report.js';

/** One alert the audit could not deliver; its stored state was left (or put back) so the next run retries. */
export interface UndeliveredAlert {
  readonly key: string;
  /** The message title, when the message was built. */
  readonly title: string | null;
  readonly error: unknown;
  /**
   * False when the stored state could not be put back after the failed publish: that alert waits for its
   * next change or reminder.
   */
  readonly willRetry: boolean;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Thrown by the audit after it stored its samples and emitted its metrics, when some alerts could not be
 * claimed or published, so Lambda's retries and its dead-letter queue see the failure. `report` is the
 * audit that was otherwise completed.
 */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';

  constructor(
    readonly undelivered: readonly UndeliveredAlert[],
    readonly report: AuditReport,
  ) {
    super(
      `${undelivered.length} alert(s) not delivered: ` +
        undelivered
          .map(
            (alert) =>
              `${alert.key} (${describe(alert.error)}${alert.willRetry ? '' : '; state not put back, no retry'})`,
          )
          .join('; '),
      {
        cause: new AggregateError(
          undelivered.map((alert) => alert.error),
          'alert delivery failures',
        ),
      },
    );
  }
}

import { Logger } from '@aws-lambda-powertools/logger';

/** The one service name of the guard's logs, metrics and traces (also POWERTOOLS_SERVICE_NAME in the stack). */
export const SERVICE_NAME = 'capacity-guard';

/** The one logger of every function. */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/** The message of a thrown value, for a log line. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger of every function (service name from POWERTOOLS_SERVICE_NAME). */
export const logger = new Logger({ serviceName: 'capacity-guard' });

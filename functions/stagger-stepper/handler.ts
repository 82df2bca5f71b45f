import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../../shared/runtime/logger.js';
import { createStaggerStepper } from '../../shared/runtime/stagger-stepper.js';

/** Every minute: advances open stagger plans, with sub-minute steps inside the invocation. */
export const handler = middy(createStaggerStepper()).use(injectLambdaContext(logger, { clearState: true }));

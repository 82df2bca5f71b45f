import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { correlateInvocation } from '../../shared/runtime/correlation-id.js';
import { logger } from '../../shared/runtime/logger.js';
import { createStaggerStepper } from '../../shared/runtime/stagger-stepper.js';

/** Every minute: advances open stagger plans, with sub-minute steps inside the invocation. */
export const handler = middy(createStaggerStepper())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateInvocation(logger));

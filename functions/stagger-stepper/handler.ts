import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { correlateInvocation } from '../../shared/runtime/correlation-id.js';
import { logger, SERVICE_NAME } from '../../shared/runtime/logger.js';
import { createStaggerStepper } from '../../shared/runtime/stagger-stepper.js';
import { startTracing, traceInvocation } from '../../shared/runtime/tracing.js';

// Before any SDK client is built, so that every client is traced.
await startTracing(process.env, SERVICE_NAME);

/** Every minute: advances open stagger plans, with sub-minute steps inside the invocation. */
export const handler = middy(createStaggerStepper())
  .use(traceInvocation())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateInvocation(logger));

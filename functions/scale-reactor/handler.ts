import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { correlateInvocation } from '../../shared/runtime/correlation-id.js';
import { logger, SERVICE_NAME } from '../../shared/runtime/logger.js';
import { createScaleReactor } from '../../shared/runtime/scale-reactor.js';
import { startTracing, traceInvocation } from '../../shared/runtime/tracing.js';

// Before any SDK client is built, so that every client is traced.
await startTracing(process.env, SERVICE_NAME);

/** Scale events, from the SQS burst buffer (or straight from EventBridge). */
export const handler = middy(createScaleReactor())
  .use(traceInvocation())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateInvocation(logger));

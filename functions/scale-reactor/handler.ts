import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { correlateInvocation } from '../../shared/runtime/correlation-id.js';
import { logger } from '../../shared/runtime/logger.js';
import { createScaleReactor } from '../../shared/runtime/scale-reactor.js';

/** Scale events, from the SQS FIFO burst buffer (or straight from EventBridge). */
export const handler = middy(createScaleReactor())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateInvocation(logger));

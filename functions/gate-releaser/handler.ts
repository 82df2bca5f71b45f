import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { correlateInvocation } from '../../shared/runtime/correlation-id.js';
import { createGateReleaser } from '../../shared/runtime/launch-gate.js';
import { logger, SERVICE_NAME } from '../../shared/runtime/logger.js';
import { startTracing, traceInvocation } from '../../shared/runtime/tracing.js';

// Before any SDK client is built, so that every client is traced.
await startTracing(process.env, SERVICE_NAME);

/** Every minute: releases waiting instances as the attach budget frees room (also the net for lost events). */
export const handler = middy(createGateReleaser())
  .use(traceInvocation())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateInvocation(logger));

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { correlateInvocation } from '../../shared/runtime/correlation-id.js';
import { createLaunchGate } from '../../shared/runtime/launch-gate.js';
import { logger, SERVICE_NAME } from '../../shared/runtime/logger.js';
import { startTracing, traceInvocation } from '../../shared/runtime/tracing.js';

// Before any SDK client is built, so that every client is traced.
await startTracing(process.env, SERVICE_NAME);

/** `EC2 Instance-launch Lifecycle Action` events, from the launch gate's queue: record the wait, run one pass. */
export const handler = middy(createLaunchGate())
  .use(traceInvocation())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateInvocation(logger));

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createLaunchGate } from '../../shared/runtime/launch-gate.js';
import { logger } from '../../shared/runtime/logger.js';

/** `EC2 Instance-launch Lifecycle Action` events, from the launch gate's queue: record the wait, run one pass. */
export const handler = middy(createLaunchGate()).use(injectLambdaContext(logger, { clearState: true }));

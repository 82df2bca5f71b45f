import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createGateReleaser } from '../../shared/runtime/launch-gate.js';
import { logger } from '../../shared/runtime/logger.js';

/** Every minute: releases waiting instances as the attach budget frees room (also the net for lost events). */
export const handler = middy(createGateReleaser()).use(injectLambdaContext(logger, { clearState: true }));

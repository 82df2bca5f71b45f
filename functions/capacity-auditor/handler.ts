import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { buildAuditorClients, buildAuditorDeps } from '../../shared/runtime/auditor-deps.js';
import { createCapacityAuditor } from '../../shared/runtime/capacity-auditor.js';
import { parseConfig } from '../../shared/runtime/config.js';
import { correlateInvocation } from '../../shared/runtime/correlation-id.js';
import { logger } from '../../shared/runtime/logger.js';
import { systemClock } from '../../shared/runtime/stagger-runtime.js';

const config = parseConfig(process.env);
const clients = buildAuditorClients();
const wiring = buildAuditorDeps(config, clients, systemClock, {
  region: process.env.AWS_REGION ?? 'unknown',
});

/** Scheduled capacity audits: `{ "mode": "headroom" }` every few minutes, `{ "mode": "full" }` daily. */
export const handler = middy(createCapacityAuditor(wiring, logger))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateInvocation(logger));

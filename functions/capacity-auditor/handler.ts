import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { buildAuditorClients, buildAuditorDeps } from '../../shared/runtime/auditor-deps.js';
import { createCapacityAuditor } from '../../shared/runtime/capacity-auditor.js';
import { parseConfig } from '../../shared/runtime/config.js';
import { correlateInvocation } from '../../shared/runtime/correlation-id.js';
import { logger, SERVICE_NAME } from '../../shared/runtime/logger.js';
import { systemClock } from '../../shared/runtime/stagger-runtime.js';
import { startTracing, traceInvocation } from '../../shared/runtime/tracing.js';

// Before any SDK client is built, so that every client is traced.
await startTracing(process.env, SERVICE_NAME);
const config = parseConfig(process.env);
const clients = buildAuditorClients();
const wiring = buildAuditorDeps(config, clients, systemClock, {
  region: process.env.AWS_REGION ?? 'unknown',
});

/** Scheduled capacity audits: `{ "mode": "headroom" }` every few minutes, `{ "mode": "full" }` daily. */
export const handler = middy(createCapacityAuditor(wiring, logger))
  .use(traceInvocation())
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(correlateInvocation(logger));

import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';

/** The environment tracing is decided from (the stack sets POWERTOOLS_TRACE_ENABLED from the `tracing` parameter). */
export interface TracingEnv {
  readonly POWERTOOLS_TRACE_ENABLED?: string;
  readonly AWS_LAMBDA_FUNCTION_NAME?: string;
}

interface LoadedTracing {
  readonly tracer: Tracer;
  readonly middleware: MiddlewareObj;
}

let loaded: LoadedTracing | undefined;

/** On inside Lambda unless POWERTOOLS_TRACE_ENABLED is `false`; never outside Lambda (CLI, tests, simulator). */
export function tracingWanted(env: TracingEnv): boolean {
  return (
    env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false'
  );
}

/**
 * Loads Powertools Tracer (and the X-Ray SDK under it) only when tracing is wanted, so a function with tracing
 * off never evaluates them. Call once at cold start, before any SDK client is built.
 */
export async function startTracing(env: TracingEnv, serviceName: string): Promise<boolean> {
  if (loaded !== undefined) return true;
  if (!tracingWanted(env)) return false;
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]);
  // SDK calls are captured per client below; patching every HTTPS request as well would trace them twice.
  const tracer = new Tracer({ serviceName, captureHTTPsRequests: false });
  loaded = {
    tracer,
    middleware: captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj,
  };
  return true;
}

/** Records the client's calls as X-Ray subsegments when tracing started; returns the client either way. */
export function traceClient<T>(client: T): T {
  return loaded === undefined ? client : loaded.tracer.captureAWSv3Client(client);
}

/** Middy middleware: the handler's subsegment with a ColdStart annotation when tracing started, else nothing. */
export function traceInvocation(): MiddlewareObj {
  return {
    before: (request) => loaded?.middleware.before?.(request),
    after: (request) => loaded?.middleware.after?.(request),
    onError: (request) => loaded?.middleware.onError?.(request),
  };
}

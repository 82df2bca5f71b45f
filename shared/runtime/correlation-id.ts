import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';

/** What names an invocation's origin when its event has no id of its own. */
export interface InvocationContext {
  readonly awsRequestId?: string;
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

/**
 * The correlation id of an invocation, from the event that caused it: an SQS batch's first `messageId` (the
 * burst buffer delivers one Auto Scaling group's messages together), else the EventBridge envelope's `id`,
 * else Lambda's request id (a schedule with constant input has no envelope).
 */
export function correlationIdOf(event: unknown, context?: InvocationContext): string | undefined {
  const records =
    typeof event === 'object' && event !== null ? (event as { Records?: unknown }).Records : undefined;
  if (Array.isArray(records)) {
    const first = stringField(records[0], 'messageId');
    if (first !== undefined) return first;
  }
  return stringField(event, 'id') ?? context?.awsRequestId;
}

/**
 * Middy middleware, placed after `injectLambdaContext(logger, { resetKeys: true })`: sets the logger's
 * `correlation_id` key for the invocation, so every log line and every event published through
 * `currentCorrelationId` carries it.
 */
export function correlateInvocation(logger: Pick<Logger, 'setCorrelationId'>): MiddlewareObj {
  return {
    before: (request) => {
      const id = correlationIdOf(request.event, request.context as InvocationContext);
      if (id !== undefined) logger.setCorrelationId(id);
    },
  };
}

/** Reads the current invocation's correlation id back from the logger (for the events the guard publishes). */
export function currentCorrelationId(logger: Pick<Logger, 'getCorrelationId'>): () => string | undefined {
  return () => {
    const id = logger.getCorrelationId();
    return typeof id === 'string' ? id : undefined;
  };
}

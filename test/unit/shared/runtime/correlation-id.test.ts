import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { jest } from '@jest/globals';
import middy from '@middy/core';
import {
  correlateInvocation,
  correlationIdOf,
  currentCorrelationId,
} from '../../../../shared/runtime/correlation-id.js';

const launchEvent = JSON.parse(
  readFileSync(
    new URL('../../../fixtures/events/aws.autoscaling/ec2-instance-launch-successful.json', import.meta.url),
    'utf8',
  ),
) as { id: string };

const lambdaContext = {
  awsRequestId: 'req-1',
  functionName: 'capacity-guard-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:capacity-guard-test',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/capacity-guard-test',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 1000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

describe('correlationIdOf', () => {
  it('takes the EventBridge envelope id', () => {
    expect(correlationIdOf(launchEvent, { awsRequestId: 'req-1' })).toBe(launchEvent.id);
  });

  it('takes the first SQS message id of a batch', () => {
    const batch = {
      Records: [
        { messageId: 'm-1', body: '{}' },
        { messageId: 'm-2', body: '{}' },
      ],
    };
    expect(correlationIdOf(batch, { awsRequestId: 'req-1' })).toBe('m-1');
  });

  it('falls back to the request id for a schedule with constant input', () => {
    expect(correlationIdOf({ mode: 'headroom' }, { awsRequestId: 'req-1' })).toBe('req-1');
    expect(correlationIdOf({ mode: 'headroom' })).toBeUndefined();
  });

  it('ignores an id that is not a non-empty string', () => {
    expect(correlationIdOf({ id: 42 }, { awsRequestId: 'req-1' })).toBe('req-1');
    expect(correlationIdOf({ id: '' }, { awsRequestId: 'req-1' })).toBe('req-1');
  });
});

describe('correlateInvocation', () => {
  it('puts the event id on every log line of the invocation and on nothing after it', async () => {
    // Prepare
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = new Logger({ serviceName: 'capacity-guard' });
    const seen: (string | undefined)[] = [];
    const handler = middy(async () => {
      seen.push(currentCorrelationId(logger)());
      logger.info('inside');
    })
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(correlateInvocation(logger));

    // Act
    await handler(launchEvent, lambdaContext);
    logger.info('after');
    write.mockRestore();

    // Assess
    expect(seen).toEqual([launchEvent.id]);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((r) => r.message === 'inside')?.correlation_id).toBe(launchEvent.id);
    expect(records.find((r) => r.message === 'after')?.correlation_id).toBeUndefined();
  });
});

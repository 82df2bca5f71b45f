import { SSMClient } from '@aws-sdk/client-ssm';
import { startTracing, traceClient, tracingWanted } from '../../../../shared/runtime/tracing.js';

const middlewareNames = (client: SSMClient) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe('tracingWanted', () => {
  it('is on inside Lambda unless POWERTOOLS_TRACE_ENABLED is false, and never outside Lambda', () => {
    expect(tracingWanted({ AWS_LAMBDA_FUNCTION_NAME: 'fn' })).toBe(true);
    expect(tracingWanted({ AWS_LAMBDA_FUNCTION_NAME: 'fn', POWERTOOLS_TRACE_ENABLED: 'true' })).toBe(true);
    expect(tracingWanted({ AWS_LAMBDA_FUNCTION_NAME: 'fn', POWERTOOLS_TRACE_ENABLED: 'FALSE' })).toBe(false);
    expect(tracingWanted({ POWERTOOLS_TRACE_ENABLED: 'true' })).toBe(false);
  });
});

describe('startTracing and traceClient', () => {
  it('leaves clients untouched until tracing starts, then captures their calls', async () => {
    // Prepare
    const before = new SSMClient({ region: 'us-east-1' });
    const plain = middlewareNames(before);

    // Act
    const off = await startTracing(
      { POWERTOOLS_TRACE_ENABLED: 'false', AWS_LAMBDA_FUNCTION_NAME: 'fn' },
      'svc',
    );
    const untouched = middlewareNames(traceClient(before));
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
    const on = await startTracing({ AWS_LAMBDA_FUNCTION_NAME: 'fn' }, 'svc');
    const traced = middlewareNames(traceClient(new SSMClient({ region: 'us-east-1' })));
    delete process.env.AWS_EXECUTION_ENV;

    // Assess
    expect([off, on]).toEqual([false, true]);
    expect(untouched).toEqual(plain);
    expect(plain).not.toContain('XRaySDKInstrumentation');
    expect(traced).toContain('XRaySDKInstrumentation');
  });
});

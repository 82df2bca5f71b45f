import { describeError } from '../../../cli/describe-error.js';

function awsError(name: string, message: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

describe('describeError', () => {
  it('walks the cause chain, outermost first, with codes and HTTP status', () => {
    const inner = awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
    const outer = new Error('EC2 DescribeSubnets failed (filters [])', { cause: inner });
    outer.name = 'SubnetInventoryError';
    expect(describeError(outer)).toEqual([
      'SubnetInventoryError: EC2 DescribeSubnets failed (filters [])',
      '  caused by UnauthorizedOperation (HTTP 403): You are not authorized to perform this operation.',
      expect.stringMatching(/^ {2}check that the identity .* may call ec2:DescribeSubnets; /),
    ]);
  });

  it.each([
    [
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      /check the credentials/,
    ],
    [
      awsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400),
      /check the credentials/,
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND eks.xx-nowhere-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      /check the --region name/,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      /check network access/,
    ],
    [awsError('ThrottlingException', 'Rate exceeded', 400), /throttled/],
  ])('%s: says what to check', (cause, hint) => {
    const lines = describeError(new Error('EKS ListClusters failed', { cause }));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(hint);
  });

  it('prints an unrecognised error without a hint, and survives a cycle and a non-error', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeError(b)).toEqual(['Error: b', '  caused by Error: a']);
    expect(describeError('boom')).toEqual(['boom']);
  });
});

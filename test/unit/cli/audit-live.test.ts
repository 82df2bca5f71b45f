import { createServer, type Server, type Socket } from 'node:net';
import { EKSClient, EKSServiceException, ListClustersCommand } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { LIVE_CLIENT_LIMITS, liveClientConfig } from '../../../cli/aws-client-config.js';
import { liveAuditDeps } from '../../../cli/commands/audit-live.js';
import { describeError } from '../../../cli/describe-error.js';
import { runCapacityAudit } from '../../../shared/use-cases/run-capacity-audit.js';
import { runCapacityGuard } from '../../helpers/cli.js';

const silentIo = { stdout: () => undefined, stderr: () => undefined, stderrIsTty: false };

describe('capacity-guard audit --region: failures', () => {
  it('shows the AWS error code and message behind the adapter error, and the permission to check', async () => {
    // Prepare
    const eks = mockClient(EKSClient);
    eks.on(ListClustersCommand).rejects(
      new EKSServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: eks:ListClusters',
      }),
    );

    // Act
    const run = await runCapacityGuard('audit', '--region', 'eu-west-1');
    eks.restore();

    // Assess
    expect(run.code).toBe(1);
    const lines = run.stderr.split('\n').filter((line) => !line.startsWith('audit: '));
    expect(lines[0]).toBe('capacity-guard audit: ClusterDirectoryError: EKS ListClusters failed');
    expect(lines[1]).toBe(
      '  caused by AccessDeniedException (HTTP 403): User: arn:aws:iam::111122223333:user/ci is not authorized to perform: eks:ListClusters',
    );
    expect(lines[2]).toMatch(
      /^ {2}check that the identity .* may call eks:ListClusters; a live audit needs ec2:DescribeSubnets, /,
    );
  });

  describe('an endpoint that accepts connections and never answers', () => {
    let server: Server;
    let port: number;
    const sockets: Socket[] = [];
    const saved = { ...process.env };

    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.push(socket);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
      process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
      process.env.AWS_SECRET_ACCESS_KEY = 'example-secret';
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      process.env = saved;
    });

    it('fails with a timeout after the configured attempts, and says what to check', async () => {
      // Prepare
      const limits = { connectionTimeoutMs: 1_000, requestTimeoutMs: 300, maxAttempts: 2 };
      const config = liveClientConfig('us-east-1', undefined, limits, `http://127.0.0.1:${port}`);
      const deps = liveAuditDeps('us-east-1', [], silentIo, config);

      // Act
      const failure = await runCapacityAudit(deps, { nowMs: 0, mode: 'full' }).then(
        () => undefined,
        (error: unknown) => error,
      );

      // Assess
      const lines = describeError(failure);
      expect(lines.join('\n')).toMatch(/caused by TimeoutError/);
      expect(lines.at(-1)).toMatch(/^ {2}check network access to the AWS endpoint of --region/);
      expect(sockets).toHaveLength(limits.maxAttempts);
    }, 20_000);
  });

  it('bounds every call by default: a few attempts, each with connection and response time limits', () => {
    const config = liveClientConfig('us-east-1', 'prod');
    expect(config).toMatchObject({
      region: 'us-east-1',
      profile: 'prod',
      maxAttempts: LIVE_CLIENT_LIMITS.maxAttempts,
      requestHandler: {
        connectionTimeout: LIVE_CLIENT_LIMITS.connectionTimeoutMs,
        requestTimeout: LIVE_CLIENT_LIMITS.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
    const worstCaseMs =
      LIVE_CLIENT_LIMITS.maxAttempts *
      (LIVE_CLIENT_LIMITS.connectionTimeoutMs + LIVE_CLIENT_LIMITS.requestTimeoutMs);
    expect(worstCaseMs).toBeLessThanOrEqual(60_000);
  });
});

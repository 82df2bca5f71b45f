import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake IMDS answers to one request: an HTTP status and a body. */
export interface ImdsAnswer {
  readonly status: number;
  readonly body?: string;
}

export interface ImdsRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** `performance.now()` when the request arrived, to order it against other fakes' requests. */
  readonly at: number;
}

export interface FakeImds {
  readonly endpoint: string;
  readonly requests: ImdsRequest[];
  close(): Promise<void>;
}

export const TOKEN_PATH = '/latest/api/token';
export const STATE_PATH = '/latest/meta-data/autoscaling/target-lifecycle-state';
export const META_PREFIX = '/latest/meta-data/';

/** The instance the fake IMDS describes by default: its id, Region and instance role credentials. */
export const FAKE_NODE = Object.freeze({
  instanceId: 'i-0123456789abcdef0',
  region: 'eu-west-1',
  role: 'eks-node-role',
  accessKeyId: 'ASIAFAKEACCESSKEY0001',
  secretAccessKey: 'fakeSecret/Key+0123456789abcdefghijklmnopq',
  sessionToken: 'FwoGZXIvYXdzEFAKE//session+token/0123456789abcdefghijklmnopqrstuvwxyz==',
});

/** The role's credentials document as IMDS returns it (pretty JSON, `" : "` separators). */
export function credentialsDocument(node: typeof FAKE_NODE = FAKE_NODE): string {
  return [
    '{',
    '  "Code" : "Success",',
    '  "LastUpdated" : "2026-12-02T12:00:00Z",',
    '  "Type" : "AWS-HMAC",',
    `  "AccessKeyId" : "${node.accessKeyId}",`,
    `  "SecretAccessKey" : "${node.secretAccessKey}",`,
    `  "Token" : "${node.sessionToken}",`,
    '  "Expiration" : "2026-12-02T18:00:00Z"',
    '}',
  ].join('\n');
}

/** The `meta-data/` answers besides the lifecycle state, keyed by the path below `meta-data/`. */
export function nodeMetaData(node: typeof FAKE_NODE = FAKE_NODE): Record<string, ImdsAnswer> {
  return {
    'instance-id': { status: 200, body: node.instanceId },
    'placement/region': { status: 200, body: node.region },
    'iam/security-credentials/': { status: 200, body: node.role },
    [`iam/security-credentials/${node.role}`]: { status: 200, body: credentialsDocument(node) },
  };
}

/**
 * A tiny IMDSv2 on 127.0.0.1: token PUTs and lifecycle-state GETs are answered from two scripts, one
 * answer per request, the last one repeating; other `meta-data/` GETs (instance id, Region, the role and its
 * credentials) from `meta`, by default {@link nodeMetaData}, the same answer every time. A GET without the
 * issued token gets 401, like IMDSv2; an unknown path 404.
 */
export async function startFakeImds(script: {
  readonly token?: readonly ImdsAnswer[];
  readonly state: readonly ImdsAnswer[];
  readonly meta?: Readonly<Record<string, ImdsAnswer>>;
}): Promise<FakeImds> {
  const requests: ImdsRequest[] = [];
  const tokenAnswers = script.token ?? [{ status: 200, body: 'token-1' }];
  const meta = script.meta ?? nodeMetaData();
  let tokenCalls = 0;
  let stateCalls = 0;
  const issued = new Set<string>();
  const next = (answers: readonly ImdsAnswer[], index: number): ImdsAnswer =>
    answers[Math.min(index, answers.length - 1)] ?? { status: 500 };
  const reply = (res: ServerResponse, answer: ImdsAnswer) => {
    res.writeHead(answer.status, { 'content-type': 'text/plain' });
    res.end(answer.body ?? '');
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push({ method: req.method ?? '', path, headers: req.headers, at: performance.now() });
    const token = req.headers['x-aws-ec2-metadata-token'];
    const tokenValid = typeof token === 'string' && issued.has(token);
    if (req.method === 'PUT' && path === TOKEN_PATH) {
      const answer = next(tokenAnswers, tokenCalls++);
      if (answer.status === 200 && answer.body) issued.add(answer.body);
      reply(res, answer);
    } else if (req.method === 'GET' && path === STATE_PATH) {
      if (!tokenValid) reply(res, { status: 401 });
      else reply(res, next(script.state, stateCalls++));
    } else if (req.method === 'GET' && path.startsWith(META_PREFIX)) {
      const answer = Object.hasOwn(meta, path.slice(META_PREFIX.length))
        ? meta[path.slice(META_PREFIX.length)]
        : undefined;
      if (!tokenValid) reply(res, { status: 401 });
      else reply(res, answer ?? { status: 404 });
    } else {
      reply(res, { status: 404 });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

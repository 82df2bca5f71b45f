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
}

export interface FakeImds {
  readonly endpoint: string;
  readonly requests: ImdsRequest[];
  close(): Promise<void>;
}

export const TOKEN_PATH = '/latest/api/token';
export const STATE_PATH = '/latest/meta-data/autoscaling/target-lifecycle-state';

/**
 * A tiny IMDSv2 on 127.0.0.1: token PUTs and lifecycle-state GETs are answered from two scripts, one
 * answer per request, the last one repeating. A GET without the issued token gets 401, like IMDSv2.
 */
export async function startFakeImds(script: {
  readonly token?: readonly ImdsAnswer[];
  readonly state: readonly ImdsAnswer[];
}): Promise<FakeImds> {
  const requests: ImdsRequest[] = [];
  const tokenAnswers = script.token ?? [{ status: 200, body: 'token-1' }];
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
    requests.push({ method: req.method ?? '', path, headers: req.headers });
    if (req.method === 'PUT' && path === TOKEN_PATH) {
      const answer = next(tokenAnswers, tokenCalls++);
      if (answer.status === 200 && answer.body) issued.add(answer.body);
      reply(res, answer);
    } else if (req.method === 'GET' && path === STATE_PATH) {
      const token = req.headers['x-aws-ec2-metadata-token'];
      if (typeof token !== 'string' || !issued.has(token)) reply(res, { status: 401 });
      else reply(res, next(script.state, stateCalls++));
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

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ImdsAnswer } from './fake-imds.js';

/** One answer of the fake EventBridge endpoint: a status and body, or `'hang'` (read the request, never answer). */
export type EventsAnswer = ImdsAnswer | 'hang';

export interface EventsRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** `performance.now()` when the whole request had arrived. */
  readonly at: number;
}

export interface FakeEvents {
  readonly endpoint: string;
  readonly requests: EventsRequest[];
  close(): Promise<void>;
}

/** What EventBridge answers to a PutEvents whose one entry was accepted. */
export const PUT_EVENTS_OK: ImdsAnswer = {
  status: 200,
  body: '{"Entries":[{"EventId":"11710aed-b79e-4468-a20b-bb3c0c3b4860"}],"FailedEntryCount":0}',
};

/**
 * A stand-in EventBridge endpoint on 127.0.0.1 that records every request (method, path, headers, body) and
 * answers from a script, one answer per request, the last one repeating. It checks nothing: the tests do.
 */
export async function startFakeEvents(
  answers: readonly EventsAnswer[] = [PUT_EVENTS_OK],
): Promise<FakeEvents> {
  const requests: EventsRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = answers[Math.min(requests.length, answers.length - 1)] ?? { status: 500 };
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      });
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An endpoint nothing listens on: the port of a server started and closed again. */
export async function closedEndpoint(): Promise<string> {
  const fake = await startFakeEvents();
  await fake.close();
  return fake.endpoint;
}

import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { SignatureV4 } from '@smithy/signature-v4';
import { NODE_REPORT, type NodeWaitingDetail } from '../../../../shared/node-gate/gate-defaults.js';
import { resolveGateWaitParams } from '../../../../shared/node-gate/gate-wait-params.js';
import {
  renderAl2023UserData,
  SHELL_SCRIPT_CONTENT_TYPE,
} from '../../../../shared/node-gate/node-user-data.js';
import {
  closedEndpoint,
  type EventsAnswer,
  type EventsRequest,
  type FakeEvents,
  PUT_EVENTS_OK,
  startFakeEvents,
} from '../../../helpers/fake-events.js';
import {
  FAKE_NODE,
  type FakeImds,
  META_PREFIX,
  nodeMetaData,
  STATE_PATH,
  startFakeImds,
  TOKEN_PATH,
} from '../../../helpers/fake-imds.js';
import { parseMultipart } from '../../../helpers/mime.js';

interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly journal: string;
}

let dir: string;
let imds: FakeImds | undefined;
let events: FakeEvents | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gate-wait-'));
  // A stand-in `logger` first on PATH records what the script sends to the journal.
  await writeFile(join(dir, 'logger'), `#!/bin/bash\necho "$*" >> "${join(dir, 'journal.log')}"\n`);
  await chmod(join(dir, 'logger'), 0o755);
});

afterEach(async () => {
  await imds?.close();
  imds = undefined;
  await events?.close();
  events = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The shell part of the rendered AL2023 user data, exactly as cloud-init would run it. */
function shellPart(maxHoldSec: number, pollSec: number, report = true): string {
  const document = renderAl2023UserData(resolveGateWaitParams({ maxHoldSec, pollSec, report }), {
    managedNodeGroup: false,
  });
  const part = parseMultipart(document).parts.find(
    (p) => p.headers['content-type'] === SHELL_SCRIPT_CONTENT_TYPE,
  );
  if (!part) throw new Error('no shell part');
  return part.body;
}

/**
 * Runs the script with bash against the IMDS at `endpoint`. The report goes to `eventsEndpoint`, by default
 * to a fake that accepts it, never to AWS; `null` leaves CAPACITY_GUARD_EVENTS_ENDPOINT unset (only with a
 * stand-in curl first on `path`).
 */
async function runScript(
  script: string,
  endpoint: string,
  options: { readonly eventsEndpoint?: string | null; readonly path?: readonly string[] } = {},
): Promise<ScriptRun> {
  const path = join(dir, 'part.sh');
  await writeFile(path, script);
  let eventsEndpoint = options.eventsEndpoint;
  if (eventsEndpoint === undefined) {
    events ??= await startFakeEvents();
    eventsEndpoint = events.endpoint;
  }
  const child = spawn('bash', [path], {
    env: {
      PATH: [...(options.path ?? []), dir, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
      CAPACITY_GUARD_IMDS_ENDPOINT: endpoint,
      ...(eventsEndpoint === null ? {} : { CAPACITY_GUARD_EVENTS_ENDPOINT: eventsEndpoint }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const journal = await readFile(join(dir, 'journal.log'), 'utf8').catch(() => '');
  return { code, stdout, journal };
}

const stateReads = (server: FakeImds) => server.requests.filter((r) => r.path === STATE_PATH);
const tokenPuts = (server: FakeImds) => server.requests.filter((r) => r.path === TOKEN_PATH);

/** Each test runs bash and curl for real and polls every second: room for a loaded machine. */
const RUN_TIMEOUT_MS = 20_000;
jest.setTimeout(RUN_TIMEOUT_MS);

describe('the node-side wait run by bash against a fake IMDS', () => {
  it('proceeds once the target lifecycle state turns InService, with IMDSv2 headers', async () => {
    // Prepare
    imds = await startFakeImds({
      state: [
        { status: 200, body: 'Pending:Wait' },
        { status: 200, body: 'Pending:Wait' },
        { status: 200, body: 'InService' },
      ],
    });

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('target lifecycle state Pending:Wait; waiting');
    expect(run.stdout).toMatch(/released: target lifecycle state InService after \d+ s/);
    expect(stateReads(imds)).toHaveLength(3);
    expect(tokenPuts(imds)).toHaveLength(1);
    expect(tokenPuts(imds)[0]?.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
    for (const read of stateReads(imds)) expect(read.headers['x-aws-ec2-metadata-token']).toBe('token-1');
    expect(run.journal).toContain('-t capacity-guard-gate -- released: target lifecycle state InService');
  });

  it('gives up after the maximum hold and lets the boot continue', async () => {
    // Prepare
    imds = await startFakeImds({ state: [{ status: 200, body: 'Pending:Wait' }] });

    // Act
    const run = await runScript(`${shellPart(2, 1)}echo after-the-wait\n`, imds.endpoint);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/gave up after \d+ s \(maximum hold 2 s\)/);
    expect(run.stdout).not.toContain('released:');
    expect(run.stdout.trimEnd().endsWith('after-the-wait')).toBe(true);
    expect(stateReads(imds).length).toBeGreaterThanOrEqual(2);
    // A state that does not change is logged once, not at every poll.
    expect(run.stdout.split('target lifecycle state Pending:Wait; waiting')).toHaveLength(2);
  });

  it('survives IMDS errors: a failed token, server errors and a refused token are retried', async () => {
    // Prepare
    imds = await startFakeImds({
      token: [{ status: 500 }, { status: 200, body: 'token-1' }, { status: 200, body: 'token-2' }],
      state: [{ status: 500 }, { status: 503 }, { status: 200, body: 'InService' }],
    });

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('IMDS token request failed; retrying');
    expect(run.stdout).toContain('IMDS answered HTTP 500; retrying');
    expect(run.stdout).toContain('IMDS answered HTTP 503; retrying');
    expect(run.stdout).toContain('released:');
    expect(tokenPuts(imds)).toHaveLength(2);
  });

  it('renews the token when IMDS refuses it', async () => {
    // Prepare: IMDS answers 401 to an expired token
    imds = await startFakeImds({
      token: [
        { status: 200, body: 'token-1' },
        { status: 200, body: 'token-2' },
      ],
      state: [{ status: 401 }, { status: 200, body: 'InService' }],
    });

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('IMDS token refused; renewing');
    expect(run.stdout).toContain('released:');
    expect(tokenPuts(imds)).toHaveLength(2);
    expect(stateReads(imds)[1]?.headers['x-aws-ec2-metadata-token']).toBe('token-2');
  });

  it('does not hold an instance that has no Auto Scaling lifecycle state', async () => {
    // Prepare
    imds = await startFakeImds({ state: [{ status: 404 }] });

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no Auto Scaling lifecycle state in IMDS');
    expect(stateReads(imds)).toHaveLength(3);
  });

  it('keeps waiting while IMDS cannot be reached, then gives up at the maximum hold', async () => {
    // Prepare: a closed port
    const closed = await startFakeImds({ state: [] });
    const endpoint = closed.endpoint;
    await closed.close();

    // Act
    const run = await runScript(shellPart(2, 1), endpoint);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('IMDS token request failed; retrying');
    expect(run.stdout).toContain('gave up after');
  });
});

/** node:crypto in the shape SignatureV4 takes: a SHA-256 hash, or an HMAC when given a secret. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(new Uint8Array(data));
}

/**
 * The Authorization header the SDK's own SigV4 signer computes for the request the node sent, over the
 * headers curl says it signed, at curl's x-amz-date, with the fake instance role's credentials.
 */
async function sdkAuthorization(request: EventsRequest): Promise<string> {
  const signedHeaders = /SignedHeaders=([^,\s]+)/.exec(String(request.headers.authorization))?.[1] ?? '';
  const headers = Object.fromEntries(
    signedHeaders.split(';').map((name) => [name, String(request.headers[name])]),
  );
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  const [hostname = '', port] = String(request.headers.host).split(':');
  const signer = new SignatureV4({
    service: 'events',
    region: FAKE_NODE.region,
    credentials: {
      accessKeyId: FAKE_NODE.accessKeyId,
      secretAccessKey: FAKE_NODE.secretAccessKey,
      sessionToken: FAKE_NODE.sessionToken,
    },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: request.path,
      query: {},
      headers,
      body: request.body,
    },
    { signingDate },
  );
  return String(signed.headers.authorization);
}

const metaReads = (server: FakeImds) =>
  server.requests.filter((r) => r.path.startsWith(META_PREFIX) && r.path !== STATE_PATH);
const reportFailures = (run: ScriptRun) =>
  run.stdout.split('\n').filter((line) => line.includes('could not tell the guard'));
const WAIT_THEN_RELEASE = [
  { status: 200, body: 'Pending:Wait' },
  { status: 200, body: 'InService' },
];

/** A stand-in `curl` that records the events URLs it is given and fails them; IMDS calls go to the real one. */
async function standInCurl(options: { readonly withoutSigv4?: boolean } = {}): Promise<{
  readonly path: string;
  readonly urls: () => Promise<string[]>;
}> {
  const real = spawnSync('bash', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim();
  const bin = join(dir, 'stand-in');
  const log = join(bin, 'events-urls.log');
  await mkdir(bin);
  const help = options.withoutSigv4
    ? `if [ "$1" = --help ]; then echo ' -u, --user <user:password> Server user and password'; exit 0; fi\n`
    : '';
  await writeFile(
    join(bin, 'curl'),
    `#!/bin/bash\n${help}for arg in "$@"; do\n  case "$arg" in https://events.*) echo "$arg" >> "${log}"; exit 7 ;; esac\ndone\nexec "${real}" "$@"\n`,
  );
  await chmod(join(bin, 'curl'), 0o755);
  return {
    path: bin,
    urls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean),
  };
}

describe("the node's report to the guard, run by bash against a fake IMDS and a fake EventBridge", () => {
  it('sends one PutEvents signed with the instance role when the node starts waiting, then waits on', async () => {
    // Prepare
    imds = await startFakeImds({ state: WAIT_THEN_RELEASE });
    events = await startFakeEvents([PUT_EVENTS_OK]);
    const before = Math.floor(Date.now() / 1000) * 1000;

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint, { eventsEndpoint: events.endpoint });

    // Assess
    const after = Date.now();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/released: target lifecycle state InService after \d+ s/);
    expect(run.stdout).toContain(
      'told the guard this instance reached the wait (EventBridge PutEvents, source capacity-guard.node)',
    );
    expect(events.requests).toHaveLength(1);
    const [request] = events.requests;
    if (!request) throw new Error('no request');
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(request.headers['x-amz-security-token']).toBe(FAKE_NODE.sessionToken);
    const authorization = String(request.headers.authorization);
    expect(authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${FAKE_NODE.accessKeyId}/`)).toBe(true);
    expect(authorization).toContain(`/${FAKE_NODE.region}/events/aws4_request`);
    expect(authorization).toMatch(/SignedHeaders=[^,]*\bx-amz-security-token\b/);
    expect(authorization).toMatch(/SignedHeaders=[^,]*\bx-amz-target\b/);
    expect(authorization).toBe(await sdkAuthorization(request));

    const body = JSON.parse(request.body) as { Entries: Record<string, unknown>[] };
    expect(body.Entries).toHaveLength(1);
    const [entry] = body.Entries;
    expect(Object.keys(entry ?? {}).sort()).toEqual(['Detail', 'DetailType', 'Source']);
    expect(entry?.Source).toBe(NODE_REPORT.source);
    expect(entry?.DetailType).toBe(NODE_REPORT.detailType);
    expect(typeof entry?.Detail).toBe('string');
    const detail = JSON.parse(String(entry?.Detail)) as NodeWaitingDetail;
    expect(Object.keys(detail).sort()).toEqual(['instance-id', 'reached-at']);
    expect(detail['instance-id']).toBe(FAKE_NODE.instanceId);
    expect(detail['reached-at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const reachedAt = Date.parse(detail['reached-at']);
    expect(reachedAt).toBeGreaterThanOrEqual(before);
    expect(reachedAt).toBeLessThanOrEqual(after);

    // Once, after the first read said the node waits and before the wait went on; IMDSv2 all along.
    const reads = stateReads(imds);
    expect(reads).toHaveLength(2);
    expect(request.at).toBeGreaterThan(reads[0]?.at ?? Number.POSITIVE_INFINITY);
    expect(request.at).toBeLessThan(reads[1]?.at ?? 0);
    expect(metaReads(imds).map((r) => r.path.slice(META_PREFIX.length))).toEqual([
      'instance-id',
      'placement/region',
      'iam/security-credentials/',
      `iam/security-credentials/${FAKE_NODE.role}`,
    ]);
    for (const read of metaReads(imds)) expect(read.headers['x-aws-ec2-metadata-token']).toBe('token-1');
    expect(tokenPuts(imds)).toHaveLength(1);

    // Credentials are never logged.
    for (const secret of [FAKE_NODE.secretAccessKey, FAKE_NODE.sessionToken, FAKE_NODE.accessKeyId]) {
      expect(run.stdout).not.toContain(secret);
      expect(run.journal).not.toContain(secret);
    }
  });

  const denied = JSON.stringify({
    __type: 'AccessDeniedException',
    Message: `User: arn:aws:sts::111122223333:assumed-role/${FAKE_NODE.role}/${FAKE_NODE.instanceId} is not authorized to perform: events:PutEvents on resource: arn:aws:events:${FAKE_NODE.region}:111122223333:event-bus/default because no identity-based policy allows the events:PutEvents action`,
  });
  const failedEntry =
    '{"Entries":[{"ErrorCode":"InternalFailure","ErrorMessage":"Internal service error"}],"FailedEntryCount":1}';
  // The 400's answer is longer than 200 characters: the ')' right after its first 200 shows the cut.
  it.each<[string, EventsAnswer, number, string]>([
    [
      'a 400 (no permission): not retried',
      { status: 400, body: denied },
      1,
      `HTTP 400: ${denied.slice(0, 200)})`,
    ],
    ['a failed entry: retried once', { status: 200, body: failedEntry }, 2, `HTTP 200: ${failedEntry})`],
    ['a 503: retried once', { status: 503, body: '' }, 2, 'HTTP 503: )'],
    ['no answer: two attempts of at most 5 s', 'hang', 2, 'no answer from http://127.0.0.1:'],
  ])(
    'an endpoint answering %s is logged once, and the wait still ends on InService',
    async (_name, answer, attempts, reason) => {
      // Prepare
      imds = await startFakeImds({ state: WAIT_THEN_RELEASE });
      events = await startFakeEvents([answer]);
      const started = performance.now();

      // Act
      const run = await runScript(shellPart(120, 1), imds.endpoint, { eventsEndpoint: events.endpoint });

      // Assess
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/released: target lifecycle state InService after \d+ s/);
      expect(events.requests).toHaveLength(attempts);
      expect(denied.length).toBeGreaterThan(200);
      const failures = reportFailures(run);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain(reason);
      expect(failures[0]).toMatch(/; waiting anyway$/);
      expect(run.journal.split('could not tell the guard')).toHaveLength(2);
      expect(stateReads(imds)).toHaveLength(2);
      // At most 2 attempts of --max-time 5 (and a 1 s pause before a retry that may pass), plus a 1 s poll.
      expect(performance.now() - started).toBeLessThan(16_000);
    },
    2 * RUN_TIMEOUT_MS,
  );

  it('an endpoint refusing connections is logged once and the wait goes on', async () => {
    // Prepare
    imds = await startFakeImds({ state: WAIT_THEN_RELEASE });

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint, {
      eventsEndpoint: await closedEndpoint(),
    });

    // Assess
    expect(run.code).toBe(0);
    expect(reportFailures(run)).toHaveLength(1);
    expect(reportFailures(run)[0]).toContain('no answer from http://127.0.0.1:');
    expect(run.stdout).toContain('released:');
  });

  it('a node without an instance role logs why and waits as before', async () => {
    // Prepare
    const meta = nodeMetaData();
    delete meta['iam/security-credentials/'];
    imds = await startFakeImds({ state: WAIT_THEN_RELEASE, meta });
    events = await startFakeEvents();

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint, { eventsEndpoint: events.endpoint });

    // Assess
    expect(run.code).toBe(0);
    expect(reportFailures(run)).toEqual([
      'capacity-guard-gate: could not tell the guard this instance reached the wait (IMDS meta-data/iam/security-credentials/ answered HTTP 404); waiting anyway',
    ]);
    expect(events.requests).toHaveLength(0);
    expect(run.stdout).toContain('released:');
  });

  it('sends nothing when the first read is already InService', async () => {
    // Prepare
    imds = await startFakeImds({ state: [{ status: 200, body: 'InService' }] });
    events = await startFakeEvents();

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint, { eventsEndpoint: events.endpoint });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('released:');
    expect(events.requests).toHaveLength(0);
    expect(metaReads(imds)).toHaveLength(0);
    expect(run.stdout).not.toContain('tell the guard');
  });

  it('with report off the block has no trace of it and sends nothing', async () => {
    // Prepare
    imds = await startFakeImds({ state: WAIT_THEN_RELEASE });
    events = await startFakeEvents();
    const script = shellPart(120, 1, false);

    // Act
    const run = await runScript(script, imds.endpoint, { eventsEndpoint: events.endpoint });

    // Assess
    for (const trace of ['PutEvents', 'aws-sigv4', 'security-credentials', 'CAPACITY_GUARD_EVENTS_ENDPOINT'])
      expect(script).not.toContain(trace);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('released:');
    expect(events.requests).toHaveLength(0);
    expect(metaReads(imds)).toHaveLength(0);
  });

  it('a curl without --aws-sigv4 is logged once and reads no credentials', async () => {
    // Prepare
    imds = await startFakeImds({ state: WAIT_THEN_RELEASE });
    events = await startFakeEvents();
    const curl = await standInCurl({ withoutSigv4: true });

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint, {
      eventsEndpoint: events.endpoint,
      path: [curl.path],
    });

    // Assess
    expect(run.code).toBe(0);
    expect(reportFailures(run)).toHaveLength(1);
    expect(reportFailures(run)[0]).toContain('(curl lacks --aws-sigv4');
    expect(events.requests).toHaveLength(0);
    expect(metaReads(imds)).toHaveLength(0);
    expect(run.stdout).toContain('released:');
  });

  it.each([
    ['us-east-1', 'https://events.us-east-1.amazonaws.com/'],
    ['cn-north-1', 'https://events.cn-north-1.amazonaws.com.cn/'],
  ])('without the endpoint override, a node in %s calls %s', async (region, url) => {
    // Prepare: a stand-in curl catches the call before it leaves the machine
    imds = await startFakeImds({
      state: WAIT_THEN_RELEASE,
      meta: { ...nodeMetaData(), 'placement/region': { status: 200, body: region } },
    });
    const curl = await standInCurl();

    // Act
    const run = await runScript(shellPart(120, 1), imds.endpoint, {
      eventsEndpoint: null,
      path: [curl.path],
    });

    // Assess
    expect(run.code).toBe(0);
    expect(await curl.urls()).toEqual([url, url]);
    expect(reportFailures(run)).toEqual([
      `capacity-guard-gate: could not tell the guard this instance reached the wait (no answer from ${url}); waiting anyway`,
    ]);
  });
});

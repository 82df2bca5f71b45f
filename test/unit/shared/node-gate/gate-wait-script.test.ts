import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveGateWaitParams } from '../../../../shared/node-gate/gate-wait-params.js';
import {
  renderAl2023UserData,
  SHELL_SCRIPT_CONTENT_TYPE,
} from '../../../../shared/node-gate/node-user-data.js';
import { type FakeImds, STATE_PATH, startFakeImds, TOKEN_PATH } from '../../../helpers/fake-imds.js';
import { parseMultipart } from '../../../helpers/mime.js';

interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly journal: string;
}

let dir: string;
let imds: FakeImds | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gate-wait-'));
  // A stand-in `logger` first on PATH records what the script sends to the journal.
  await writeFile(join(dir, 'logger'), `#!/bin/bash\necho "$*" >> "${join(dir, 'journal.log')}"\n`);
  await chmod(join(dir, 'logger'), 0o755);
});

afterEach(async () => {
  await imds?.close();
  imds = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The shell part of the rendered AL2023 user data, exactly as cloud-init would run it. */
function shellPart(maxHoldSec: number, pollSec: number): string {
  const document = renderAl2023UserData(resolveGateWaitParams({ maxHoldSec, pollSec }), {
    managedNodeGroup: false,
  });
  const part = parseMultipart(document).parts.find(
    (p) => p.headers['content-type'] === SHELL_SCRIPT_CONTENT_TYPE,
  );
  if (!part) throw new Error('no shell part');
  return part.body;
}

async function runScript(script: string, endpoint: string): Promise<ScriptRun> {
  const path = join(dir, 'part.sh');
  await writeFile(path, script);
  const child = spawn('bash', [path], {
    env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, CAPACITY_GUARD_IMDS_ENDPOINT: endpoint },
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

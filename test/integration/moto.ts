import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';

/** Region, account and credentials every integration test talks to moto with. */
export const MOTO_REGION = 'us-east-1';
export const MOTO_ACCOUNT_ID = '123456789012';
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

export interface MotoServer {
  /** `http://127.0.0.1:PORT` of moto itself. */
  readonly endpoint: string;
  /**
   * EC2 endpoint in front of moto that drops the `DescribeNetworkInterfaces` filters moto 5.2 does not
   * implement (it answers HTTP 500 on `attachment.status` and `attachment.attach-time` once an ENI exists).
   * The attach observer still filters attach times itself, so a wider answer changes nothing it returns.
   */
  readonly ec2Endpoint: string;
  /** How many filters the EC2 endpoint dropped so far. */
  droppedFilterCount(): number;
  /** Forgets every resource (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Filters moto's DescribeNetworkInterfaces rejects; the test setup works around them, not the product. */
const UNSUPPORTED_ENI_FILTERS = new Set(['attachment.status', 'attachment.attach-time']);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function motoInstalled(command: string): boolean {
  return spawnSync(command, ['--help'], { stdio: 'ignore' }).error === undefined;
}

/** Seams for testing the CI rule: the executable to look for and the environment that says whether this is CI. */
export interface MotoOptions {
  readonly command?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** EC2 query-protocol body without the filters moto cannot evaluate, numbered again from 1. */
export function dropUnsupportedFilters(body: string): { body: string; dropped: number } {
  const params = new URLSearchParams(body);
  if (params.get('Action') !== 'DescribeNetworkInterfaces') return { body, dropped: 0 };
  const filters = new Map<string, { name: string; values: string[] }>();
  const rest: [string, string][] = [];
  for (const [key, value] of params) {
    const match = /^Filter\.(\d+)\.(Name|Value\.\d+)$/.exec(key);
    if (!match) {
      rest.push([key, value]);
      continue;
    }
    const [, index = '', field = ''] = match;
    const filter = filters.get(index) ?? { name: '', values: [] };
    if (field === 'Name') filter.name = value;
    else filter.values.push(value);
    filters.set(index, filter);
  }
  const kept = [...filters.values()].filter((f) => !UNSUPPORTED_ENI_FILTERS.has(f.name));
  const out = new URLSearchParams(rest);
  kept.forEach((filter, i) => {
    out.append(`Filter.${i + 1}.Name`, filter.name);
    filter.values.forEach((value, j) => {
      out.append(`Filter.${i + 1}.Value.${j + 1}`, value);
    });
  });
  return { body: out.toString(), dropped: filters.size - kept.length };
}

function startEc2Proxy(target: URL, onDropped: (count: number) => void): Promise<Server> {
  const server = createHttpServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const { body, dropped } = dropUnsupportedFilters(Buffer.concat(chunks).toString('utf8'));
      if (dropped > 0) onDropped(dropped);
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, 'content-length': Buffer.byteLength(body) },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', (error) => {
        outgoing.writeHead(502);
        outgoing.end(String(error));
      });
      forward.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Starts `moto_server` on a free loopback port and sets the process environment the SDK reads (dummy
 * credentials, Region, no request compression: moto fails gzip bodies over 10 KiB). Returns null, after one
 * line on stderr, when moto_server is not installed outside CI; throws when it is missing in CI (`CI=true`).
 */
export async function startMoto(suite: string, options: MotoOptions = {}): Promise<MotoServer | null> {
  const command = options.command ?? 'moto_server';
  if (!motoInstalled(command)) {
    if ((options.env ?? process.env).CI === 'true')
      throw new Error(`${suite}: moto_server is not installed (pip install 'moto[server]')`);
    process.stderr.write(`${suite}: skipped, moto_server is not installed\n`);
    return null;
  }
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_REGION: MOTO_REGION,
    AWS_DISABLE_REQUEST_COMPRESSION: 'true',
    AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
  });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    await waitUntilAnswering(endpoint, child, 30_000);
  } catch (error) {
    child.kill();
    throw error;
  }
  let dropped = 0;
  const proxy = await startEc2Proxy(new URL(endpoint), (count) => {
    dropped += count;
  });
  const ec2Endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    endpoint,
    ec2Endpoint,
    droppedFilterCount: () => dropped,
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
    },
    stop: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

import { spawn } from 'node:child_process';
import type { BuiltHandler } from './bundles.js';

export interface Invocation {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
  /** Everything the function wrote (its structured log lines). */
  readonly output: string;
}

const MARK = '__invocation_result__';

/** Loads the bundle in a fresh Node process (a cold Lambda container), calls the handler once, prints the result. */
const RUNNER = `
import { pathToFileURL } from 'node:url';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const context = {
  functionName: 'integration', functionVersion: '$LATEST', awsRequestId: crypto.randomUUID(),
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:integration', memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/integration', logStreamName: 'integration', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60000,
};
let line;
try {
  const module = await import(pathToFileURL(process.env.BUNDLE_FILE).href);
  const result = await module[process.env.BUNDLE_EXPORT](JSON.parse(input), context);
  line = JSON.stringify({ ok: true, result });
} catch (error) {
  line = JSON.stringify({ ok: false, error: String(error?.stack ?? error) });
}
process.stdout.write('\\n${MARK}' + line + '\\n');
`;

/** Invokes a bundled handler with `event` in a child process whose environment is `env` (and nothing else of AWS). */
export function invokeBundle(
  handler: BuiltHandler,
  event: unknown,
  env: Readonly<Record<string, string>>,
): Promise<Invocation> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', RUNNER], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_NO_WARNINGS: '1',
        ...env,
        BUNDLE_FILE: handler.file,
        BUNDLE_EXPORT: handler.exportName,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', () => {
      const line = output.split('\n').find((l) => l.startsWith(MARK));
      if (line === undefined) {
        resolve({ ok: false, error: 'the handler process printed no result', output });
        return;
      }
      resolve({ ...(JSON.parse(line.slice(MARK.length)) as Omit<Invocation, 'output'>), output });
    });
    child.stdin.end(JSON.stringify(event));
  });
}

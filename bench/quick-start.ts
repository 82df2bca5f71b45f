import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `npm start` runs after building the CLI (package.json "start"). */
export const QUICK_START_ARGS = ['simulate', '--compare', '--mode', 'gate'] as const;

export interface QuickStartResult {
  readonly command: string;
  /** The report as printed, without the scenario's title line. */
  readonly output: string;
}

/**
 * Runs the built CLI exactly as `npm start` does and keeps what it prints, so the README's quick start shows the
 * real output of the code measured (`scripts/build-cli.mjs` must have run).
 */
export function measureQuickStart(root: string): QuickStartResult {
  const run = spawnSync(process.execPath, ['bin/capacity-guard.js', ...QUICK_START_ARGS], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.status !== 0)
    throw new Error(`capacity-guard ${QUICK_START_ARGS.join(' ')} exited ${run.status}: ${run.stderr}`);
  const lines = run.stdout.trimEnd().split('\n');
  const table = lines.findIndex((line) => line.trim().startsWith('guarded'));
  return {
    command: `capacity-guard ${QUICK_START_ARGS.join(' ')}`,
    output: lines.slice(table === -1 ? 0 : table).join('\n'),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(measureQuickStart(dirname(dirname(fileURLToPath(import.meta.url)))).output);
}

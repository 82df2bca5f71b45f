import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../cli/command.js';
import { runCli } from '../../cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process and captures what it prints. */
export async function runCapacityGuard(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stderrIsTty: false,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** An installed copy of the CLI: `bin/`, the built `dist/`, package.json and the bundled scenarios. */
export interface BuiltCli {
  readonly root: string;
  /** Path of `bin/capacity-guard.js`, the file npm links as the `capacity-guard` command. */
  readonly bin: string;
  readonly remove: () => void;
}

/** Builds the CLI with `scripts/build-cli.mjs` into a fresh package folder (a few seconds). */
export function buildCli(): BuiltCli {
  const root = mkdtempSync(join(tmpdir(), 'capacity-guard-cli-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(REPO_ROOT, 'bin', 'capacity-guard.js'), join(root, 'bin', 'capacity-guard.js'));
  copyFileSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(REPO_ROOT, 'scenarios'), join(root, 'scenarios'));
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs', '--outdir', join(root, 'dist')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`CLI build failed: ${build.stderr}`);
  return {
    root,
    bin: join(root, 'bin', 'capacity-guard.js'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Starts the built CLI as a child process in the repository folder (so relative paths resolve). */
export function spawnBuiltCli(cli: BuiltCli, argv: readonly string[]): ChildProcess {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.DEBUG;
  return spawn(process.execPath, [cli.bin, ...argv], { cwd: REPO_ROOT, env, stdio: 'pipe' });
}

/** Runs the built CLI to completion and captures what it prints. */
export function runBuiltCli(cli: BuiltCli, argv: readonly string[]): Promise<CliRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawnBuiltCli(cli, argv);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code: code ?? -1, stdout, stderr }));
  });
}

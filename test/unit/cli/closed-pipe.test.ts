import { type BuiltCli, buildCli, spawnBuiltCli } from '../../helpers/cli.js';

/** Starts the built CLI, closes the read end of its stdout at once (as `| head` does), and waits for it. */
function runWithClosedStdout(cli: BuiltCli, argv: readonly string[]) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve, reject) => {
      const child = spawnBuiltCli(cli, argv);
      child.stdout?.destroy();
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    },
  );
}

describe('capacity-guard with a closed stdout pipe', () => {
  let cli: BuiltCli;
  beforeAll(() => {
    cli = buildCli();
  });
  afterAll(() => cli.remove());

  it.each([
    [['audit', '--snapshot', 'examples/snapshot']],
    [['max-pods', '--all']],
    [['plan', '--instance-type', 'm5.large', '--from', '0', '--to', '300']],
  ])('%j exits quietly with its own exit code', async (argv) => {
    // Act
    const run = await runWithClosedStdout(cli, argv);

    // Assess
    expect(run.stderr).toBe('');
    expect(run).toEqual({ code: 0, signal: null, stderr: '' });
  });
});

import { readFileSync } from 'node:fs';
import { commands } from '../../../cli/commands/index.js';
import { type BuiltCli, buildCli, runBuiltCli, runCapacityGuard } from '../../helpers/cli.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('capacity-guard --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version with exit 0', async (flag) => {
    const run = await runCapacityGuard(flag);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`capacity-guard ${VERSION}\n`);
  });

  it('a subcommand given --version prints the version instead of running', async () => {
    const run = await runCapacityGuard('plan', '--version');
    expect(run).toEqual({ code: 0, stdout: `capacity-guard ${VERSION}\n`, stderr: '' });
  });

  it.each(commands.map((c) => [c.name]))('%s --help names the version', async (name) => {
    const run = await runCapacityGuard(name, '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^capacity-guard ${VERSION.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('the top-level help names --version and the version', async () => {
    const run = await runCapacityGuard('--help');
    expect(run.stdout).toMatch(/--version/);
    expect(run.stdout).toContain(`capacity-guard ${VERSION}`);
  });

  describe('built binary', () => {
    let cli: BuiltCli;
    beforeAll(() => {
      cli = buildCli();
    });
    afterAll(() => cli.remove());

    it('reads the version from the installed package.json', async () => {
      const run = await runBuiltCli(cli, ['--version']);
      expect(run).toEqual({ code: 0, stdout: `capacity-guard ${VERSION}\n`, stderr: '' });
    });
  });
});

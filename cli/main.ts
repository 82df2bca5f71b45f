import { closestMatches } from './closest-matches.js';
import { type CliIo, type CommandEntry, UsageError } from './command.js';
import { commands } from './commands/index.js';
import { describeError } from './describe-error.js';
import { packageVersion } from './package-info.js';
import { processIo } from './process-io.js';

const VERSION_FLAGS = ['--version', '-V'];

function versionLine(): string {
  return `capacity-guard ${packageVersion()}`;
}

function topLevelHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: capacity-guard <command> [options]',
    '',
    'EKS / VPC CNI capacity: subnet IP headroom, /28 prefixes and the ENI attach-rate budget.',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'capacity-guard <command> --help' for the options of one command,",
    "'capacity-guard --version' (-V) for the version.",
    '',
    versionLine(),
  ].join('\n');
}

/** Runs the CLI and returns the exit code; never lets a stack trace reach the user unless DEBUG is set. */
export async function runCli(argv: readonly string[], io: CliIo, debug = false): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${topLevelHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (VERSION_FLAGS.includes(name)) {
    io.stdout(`${versionLine()}\n`);
    return 0;
  }
  const entry: CommandEntry | undefined = commands.find((c) => c.name === name);
  if (!entry) {
    const closest = closestMatches(
      name,
      commands.map((c) => c.name),
    );
    const hint = closest.length > 0 ? ` (did you mean ${closest.join(', ')}?)` : '';
    io.stderr(`capacity-guard: unknown command '${name}'${hint}\n\n${topLevelHelp()}\n`);
    return 2;
  }
  if (rest.some((arg) => VERSION_FLAGS.includes(arg)) && !rest.includes('--help') && !rest.includes('-h')) {
    io.stdout(`${versionLine()}\n`);
    return 0;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.help}\n\n${versionLine()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`capacity-guard ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    const [first, ...more] = describeError(error);
    io.stderr(`capacity-guard ${name}: ${first}\n${more.map((line) => `${line}\n`).join('')}`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 1;
  }
}

const isEntryPoint =
  process.argv[1] !== undefined && /capacity-guard(\.js|\.mjs)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntryPoint) {
  runCli(process.argv.slice(2), processIo(), process.env.DEBUG !== undefined).then((code) => {
    process.exitCode = code;
  });
}

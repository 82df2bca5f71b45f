import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closestMatches } from './closest-matches.js';
import { UsageError } from './command.js';

type ParseArgsOption = NonNullable<ParseArgsConfig['options']>[string];

/** A flag as `node:util` `parseArgs` takes it, plus the placeholder its help uses for the value (`N`, `FILE`). */
export type FlagOption = ParseArgsOption & { readonly valueName?: string };
type Options = Record<string, FlagOption>;

/**
 * Strict flag parsing. Every mistake becomes a one-line `UsageError` naming the flag, the value and the expected
 * form: unknown flags, positional arguments, a missing value, a value given to a switch, and a flag given twice.
 * A value may start with a dash (`--from -5` reaches the range check instead of being taken for a flag).
 */
export function parseFlags<O extends Options>(command: string, args: readonly string[], options: O) {
  return parseArgs({
    args: normalizeArgs(command, args, options),
    options,
    strict: true,
    allowPositionals: false,
  });
}

/** Rewrites every flag as `--name=value` (or `--name` for a switch), checking each on the way. */
function normalizeArgs(command: string, args: readonly string[], options: Options): string[] {
  const normalized: string[] = [];
  const given = new Map<string, string>();
  const see = `see '${command} --help'`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(
        `${command}: unexpected argument '${arg}' (expected flags such as --name VALUE; ${see})`,
      );
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    const option = Object.hasOwn(options, name) ? options[name] : undefined;
    if (option === undefined) {
      const closest = closestMatches(name, Object.keys(options)).map((known) => `--${known}`);
      const hint = closest.length > 0 ? `did you mean ${closest.join(', ')}? ` : '';
      throw new UsageError(`${command}: unknown flag '--${name}' (${hint}${see})`);
    }
    if (option.type === 'boolean') {
      if (equals !== -1) {
        throw new UsageError(
          `--${name}: takes no value, got '${arg.slice(equals + 1)}' (expected --${name} alone)`,
        );
      }
      if (given.has(name)) throw new UsageError(`--${name}: given twice (expected it once)`);
      given.set(name, '');
      normalized.push(arg);
      continue;
    }
    const expected = `--${name} ${option.valueName ?? 'VALUE'}`;
    let value: string;
    if (equals !== -1) value = arg.slice(equals + 1);
    else {
      const next = args[i + 1];
      if (next === undefined || /^--[A-Za-z]/.test(next)) {
        throw new UsageError(`--${name}: no value given (expected ${expected})`);
      }
      value = next;
      i += 1;
    }
    if (option.multiple !== true) {
      const earlier = given.get(name);
      if (earlier !== undefined) {
        throw new UsageError(
          `--${name}: given twice, '${earlier}' and '${value}' (expected ${expected} once)`,
        );
      }
      given.set(name, value);
    }
    normalized.push(`--${name}=${value}`);
  }
  return normalized;
}

/**
 * Parses a whole number flag value, naming the flag and the accepted range on failure.
 */
export function parseIntegerFlag(
  flag: string,
  value: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!/^-?\d+$/.test(value.trim())) {
    throw new UsageError(`--${flag}: '${value}' is not a whole number (expected ${min}..${max})`);
  }
  const parsed = Number(value);
  if (parsed < min || parsed > max) {
    throw new UsageError(`--${flag}: ${parsed} is out of range (expected ${min}..${max})`);
  }
  return parsed;
}

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict flag parsing: unknown flags and missing values become a `UsageError` naming the flag.
 */
export function parseFlags<O extends Options>(command: string, args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `${command}: ${message.replace(/\. To specify a positional.*$/s, '')} (see '${command} --help')`,
    );
  }
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

import { MAX_PODS_CAPS, type MaxPodsCap } from '../shared/domain/cni-capacity.js';
import type { ParsedCniConfig } from '../shared/domain/cni-config-parse.js';
import { type CliIo, UsageError } from './command.js';

/** `--cap none|mng|auto-mode|eni-limited` (default none), naming the accepted values on a bad one. */
export function parseCapFlag(value: string | undefined): MaxPodsCap {
  const cap = (value ?? 'none') as MaxPodsCap;
  if (!MAX_PODS_CAPS.includes(cap)) {
    throw new UsageError(`--cap: '${value}' is not a cap policy (expected ${MAX_PODS_CAPS.join(', ')})`);
  }
  return cap;
}

/**
 * `--cni KEY=VALUE[,KEY=VALUE...]`, repeatable; values the CNI would ignore are reported on stderr as warnings.
 * The parser (and the YAML library beside it) is loaded here, not at start-up, so commands without `--cni`
 * do not pay for it.
 */
export async function parseCniFlags(
  pairs: readonly string[] | undefined,
  io: CliIo,
): Promise<ParsedCniConfig> {
  const { CniConfigError, parseCniPairs } = await import('../shared/domain/cni-config-parse.js');
  let parsed: ParsedCniConfig;
  try {
    parsed = parseCniPairs(pairs ?? []);
  } catch (error) {
    if (error instanceof CniConfigError) throw new UsageError(error.message);
    throw error;
  }
  for (const warning of parsed.warnings) io.stderr(`warning: ${warning.message}\n`);
  return parsed;
}

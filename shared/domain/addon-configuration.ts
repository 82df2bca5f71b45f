/**
 * The EKS `vpc-cni` add-on's `configurationValues` document (JSON or YAML), read for the CNI settings in it. The
 * document is read by the given reader, JSON by default; the caller supplies a YAML reader only for a document that
 * is not JSON (shared/use-cases/addon-document-reader.ts), so nothing else ever loads a YAML parser.
 */
import { type CniConfig, DEFAULT_CNI_CONFIG } from './cni-config.js';
import {
  applyCniSettings,
  CniConfigError,
  type CniConfigWarning,
  isKnownCniSetting,
  type ParsedCniConfig,
} from './cni-config-parse.js';

/** Reads a JSON or YAML document; throws on a malformed one. */
export type DocumentReader = (text: string) => unknown;

/**
 * The document as an object ({} when empty, malformed or not an object): what `update-addon` must be given back,
 * with only the changed keys different.
 */
export function addonDocument(
  configurationValues: string,
  readDocument: DocumentReader = JSON.parse,
): Readonly<Record<string, unknown>> {
  if (configurationValues.trim() === '') return {};
  try {
    const parsed: unknown = readDocument(configurationValues);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? { ...(parsed as Record<string, unknown>) }
      : {};
  } catch {
    return {};
  }
}

/**
 * Parses the EKS add-on `configurationValues` string returned by `eks:DescribeAddon` (JSON, or YAML with a YAML
 * `readDocument`): only its `env` map matters here. An empty string means "no overrides". Non-string scalars are accepted and
 * turned into strings, the way the add-on's schema coerces them.
 *
 * @example
 * parseAddonConfiguration('{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}').config.prefixDelegation // true
 */
export function parseAddonConfiguration(
  configurationValues: string | undefined,
  base: CniConfig = DEFAULT_CNI_CONFIG,
  readDocument: DocumentReader = JSON.parse,
): ParsedCniConfig {
  if (configurationValues === undefined || configurationValues.trim() === '')
    return applyCniSettings({}, base);
  let document: unknown;
  try {
    document = readDocument(configurationValues);
  } catch (error) {
    throw new CniConfigError('configurationValues: not valid JSON or YAML', { cause: error });
  }
  if (document === null || document === undefined) return applyCniSettings({}, base);
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new CniConfigError(
      'configurationValues: expected an object such as {"env": {"WARM_IP_TARGET": "2"}}',
    );
  }
  const env = (document as Record<string, unknown>).env;
  if (env === undefined) return applyCniSettings({}, base);
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    throw new CniConfigError('configurationValues.env: expected a map of NAME: "value" strings');
  }
  const settings: Record<string, string> = {};
  const warnings: CniConfigWarning[] = [];
  for (const [key, value] of Object.entries(env as Record<string, unknown>)) {
    if (typeof value === 'string') settings[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') settings[key] = String(value);
    else {
      throw new CniConfigError(
        `configurationValues.env.${key}: expected a string value, got ${JSON.stringify(value)}`,
      );
    }
  }
  const known: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (isKnownCniSetting(key)) known[key] = value;
    else warnings.push({ key, value, message: `${key}: not a VPC CNI setting known to the guard; ignored` });
  }
  const parsed = applyCniSettings(known, base);
  return { ...parsed, explicit: Object.freeze(settings), warnings: [...warnings, ...parsed.warnings] };
}

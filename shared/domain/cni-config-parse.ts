import { type CniConfig, DEFAULT_CNI_CONFIG } from './cni-config.js';

/** A value the CNI itself would ignore (falling back to its default), reported rather than thrown. */
export interface CniConfigWarning {
  readonly key: string;
  readonly value: string;
  readonly message: string;
}

export interface ParsedCniConfig {
  readonly config: CniConfig;
  /** Only the keys that were set explicitly, as given. */
  readonly explicit: Readonly<Record<string, string>>;
  readonly warnings: readonly CniConfigWarning[];
}

export class CniConfigError extends Error {
  override readonly name = 'CniConfigError';
}

/** Keys that change how many IPs, prefixes and ENIs a node holds. */
const CAPACITY_KEYS = [
  'ENABLE_PREFIX_DELEGATION',
  'WARM_ENI_TARGET',
  'WARM_IP_TARGET',
  'MINIMUM_IP_TARGET',
  'WARM_PREFIX_TARGET',
  'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG',
  'ENABLE_POD_ENI',
  'MAX_ENI',
] as const;
type CapacityKey = (typeof CAPACITY_KEYS)[number];

/**
 * Other aws-node variables the CNI documents (aws/amazon-vpc-cni-k8s `README.md`); accepted and ignored
 * because they do not change address or ENI consumption.
 */
const OTHER_KNOWN_KEYS = new Set([
  'ADDITIONAL_ENI_TAGS',
  'ANNOTATE_POD_IP',
  'AWS_EC2_ENDPOINT',
  'AWS_EXTERNAL_SERVICE_CIDRS',
  'AWS_MANAGE_ENIS_NON_SCHEDULABLE',
  'AWS_VPC_CNI_NODE_PORT_SUPPORT',
  'AWS_VPC_ENI_MTU',
  'AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER',
  'AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS',
  'AWS_VPC_K8S_CNI_EXTERNALSNAT',
  'AWS_VPC_K8S_CNI_LOGLEVEL',
  'AWS_VPC_K8S_CNI_LOG_FILE',
  'AWS_VPC_K8S_CNI_RANDOMIZESNAT',
  'AWS_VPC_K8S_CNI_VETHPREFIX',
  'AWS_VPC_K8S_PLUGIN_LOG_FILE',
  'AWS_VPC_K8S_PLUGIN_LOG_LEVEL',
  'CLUSTER_ENDPOINT',
  'CLUSTER_NAME',
  'DISABLE_INTROSPECTION',
  'DISABLE_LEAKED_ENI_CLEANUP',
  'DISABLE_METRICS',
  'DISABLE_NETWORK_RESOURCE_PROVISIONING',
  'DISABLE_POD_V6',
  'DISABLE_TCP_EARLY_DEMUX',
  'ENABLE_BANDWIDTH_PLUGIN',
  'ENABLE_IMDS_ONLY_MODE',
  'ENABLE_IPv4',
  'ENABLE_IPv6',
  'ENABLE_MULTI_NIC',
  'ENABLE_NFTABLES',
  'ENABLE_SUBNET_DISCOVERY',
  'ENABLE_V4_EGRESS',
  'ENABLE_V6_EGRESS',
  'ENI_CONFIG_ANNOTATION_DEF',
  'ENI_CONFIG_LABEL_DEF',
  'INTROSPECTION_BIND_ADDRESS',
  'IP_COOLDOWN_PERIOD',
  'NETWORK_POLICY_ENFORCING_MODE',
  'POD_SECURITY_GROUP_ENFORCING_MODE',
  'VPC_CNI_VERSION',
  'VPC_ID',
  'WARM_IP_TARGET_DEFAULT',
]);

/**
 * Go's `strconv.ParseBool`, which the CNI uses for boolean variables.
 *
 * @example
 * parseGoBool('True') // true
 * parseGoBool('yes') // undefined
 */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

function parseGoInt(value: string): number | undefined {
  return /^[+-]?\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/**
 * Applies `KEY=value` settings over the shipped defaults.
 *
 * Where the CNI silently falls back to its default (VPC CNI `pkg/utils` `GetBoolAsStringEnvVar`,
 * ipamd `getWarmIPTarget`, `getMinimumIPTarget`, `getWarmENITarget`, `getWarmPrefixTarget`, `getMaxENI`:
 * unparsable booleans and unparsable or negative integers mean "default"), the same value is used here and
 * a warning names the key, the value and the expected form. Keys the CNI does not know are an error, since a
 * typo would otherwise change nothing without a word.
 *
 * @example
 * applyCniSettings({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' }).config.prefixDelegation // true
 */
export function applyCniSettings(
  settings: Readonly<Record<string, string>>,
  base: CniConfig = DEFAULT_CNI_CONFIG,
): ParsedCniConfig {
  const warnings: CniConfigWarning[] = [];
  const config: { -readonly [K in keyof CniConfig]: CniConfig[K] } = { ...base };
  for (const [key, value] of Object.entries(settings)) {
    if (!(CAPACITY_KEYS as readonly string[]).includes(key)) {
      if (OTHER_KNOWN_KEYS.has(key)) continue;
      throw new CniConfigError(
        `${key}: not a VPC CNI setting (capacity settings are ${CAPACITY_KEYS.join(', ')})`,
      );
    }
    applyOne(key as CapacityKey, value, config, warnings);
  }
  return { config: Object.freeze(config), explicit: Object.freeze({ ...settings }), warnings };
}

function applyOne(
  key: CapacityKey,
  value: string,
  config: { -readonly [K in keyof CniConfig]: CniConfig[K] },
  warnings: CniConfigWarning[],
): void {
  const bool = (assign: (v: boolean) => void, fallback: boolean) => {
    const parsed = parseGoBool(value);
    if (parsed === undefined) {
      warnings.push({
        key,
        value,
        message: `${key}: '${value}' is not a boolean (expected true/false, 1/0, t/f); the CNI uses its default ${fallback}`,
      });
      assign(fallback);
    } else assign(parsed);
  };
  const int = (assign: (v: number) => void, fallback: number, unsetLabel: string) => {
    const parsed = parseGoInt(value);
    if (parsed === undefined || parsed < 0) {
      warnings.push({
        key,
        value,
        message: `${key}: '${value}' is not a whole number >= 0; the CNI treats it as ${unsetLabel}`,
      });
      assign(fallback);
    } else assign(parsed);
  };
  switch (key) {
    case 'ENABLE_PREFIX_DELEGATION':
      bool((v) => {
        config.prefixDelegation = v;
      }, DEFAULT_CNI_CONFIG.prefixDelegation);
      return;
    case 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG':
      bool((v) => {
        config.customNetworking = v;
      }, DEFAULT_CNI_CONFIG.customNetworking);
      return;
    case 'ENABLE_POD_ENI':
      bool((v) => {
        config.podEni = v;
      }, DEFAULT_CNI_CONFIG.podEni);
      return;
    case 'WARM_ENI_TARGET':
      int(
        (v) => {
          config.warmEniTarget = v;
        },
        DEFAULT_CNI_CONFIG.warmEniTarget,
        'the default 1',
      );
      return;
    case 'WARM_IP_TARGET':
      int(
        (v) => {
          config.warmIpTarget = v;
        },
        0,
        'unset',
      );
      return;
    case 'MINIMUM_IP_TARGET':
      int(
        (v) => {
          config.minimumIpTarget = v;
        },
        0,
        'unset',
      );
      return;
    case 'WARM_PREFIX_TARGET':
      int(
        (v) => {
          config.warmPrefixTarget = v;
        },
        DEFAULT_CNI_CONFIG.warmPrefixTarget,
        'the default 1',
      );
      return;
    case 'MAX_ENI': {
      // ipamd `getMaxENI`: only values >= 1 cap the ENI count; anything else means "no cap".
      const parsed = parseGoInt(value);
      if (parsed === undefined || parsed < 1) {
        if (parsed === undefined || parsed < -1) {
          warnings.push({
            key,
            value,
            message: `MAX_ENI: '${value}' is not a whole number >= 1; the CNI ignores it`,
          });
        }
        config.maxEni = null;
      } else config.maxEni = parsed;
      return;
    }
    default:
      assertNever(key);
  }
}

/** The settings the guard models: the only keys `--cni` accepts. */
export const MODELLED_CNI_SETTINGS: readonly string[] = CAPACITY_KEYS;

/** Whether `key` is a VPC CNI setting the guard knows (modelled or known not to matter for capacity). */
export function isKnownCniSetting(key: string): boolean {
  return (CAPACITY_KEYS as readonly string[]).includes(key) || OTHER_KNOWN_KEYS.has(key);
}

/** A comma starts a new pair only when `KEY=` follows it, so a value may still hold commas. */
const PAIR_SEPARATOR = /,(?=\s*[A-Za-z_][A-Za-z0-9_]*\s*=)/;

/**
 * Parses `KEY=VALUE` pairs (the CLI's `--cni` flags): one pair per flag or several separated by commas.
 *
 * Only the settings the guard models are accepted: a VPC CNI setting that changes nothing here (such as
 * `ENABLE_IPv6`) would silently give answers for a configuration the model does not cover, and an unknown
 * key is most likely a typo. A key given twice with different values is an error too.
 *
 * @example
 * parseCniPairs(['WARM_IP_TARGET=2,MINIMUM_IP_TARGET=12']).config.minimumIpTarget // 12
 */
export function parseCniPairs(
  pairs: readonly string[],
  base: CniConfig = DEFAULT_CNI_CONFIG,
): ParsedCniConfig {
  const expected = `KEY=VALUE[,KEY=VALUE...] with KEY one of ${CAPACITY_KEYS.join(', ')}`;
  const settings: Record<string, string> = {};
  for (const flag of pairs) {
    const pieces = flag.replace(/^[\s,]+|[\s,]+$/g, '').split(PAIR_SEPARATOR);
    for (const pair of pieces.map((piece) => piece.trim())) {
      const at = pair.indexOf('=');
      if (at <= 0) {
        throw new CniConfigError(
          `--cni: '${pair}' is not KEY=VALUE (expected ${expected}, e.g. WARM_IP_TARGET=2)`,
        );
      }
      const key = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (!(CAPACITY_KEYS as readonly string[]).includes(key)) {
        const what = OTHER_KNOWN_KEYS.has(key)
          ? 'is a VPC CNI setting the guard does not model'
          : 'is not a VPC CNI setting the guard knows';
        throw new CniConfigError(`--cni: '${pair}': ${key} ${what} (expected ${expected})`);
      }
      const earlier = settings[key];
      if (earlier !== undefined && earlier !== value) {
        throw new CniConfigError(
          `--cni: ${key} is given twice, '${earlier}' and '${value}' (expected one value per setting)`,
        );
      }
      settings[key] = value;
    }
  }
  return applyCniSettings(settings, base);
}

/**
 * Renders a configuration as the `KEY=VALUE` settings that differ from the defaults.
 *
 * @example
 * describeCniConfig({ ...DEFAULT_CNI_CONFIG, warmIpTarget: 2 }) // 'WARM_IP_TARGET=2'
 */
export function describeCniConfig(config: CniConfig): string {
  const parts: string[] = [];
  if (config.prefixDelegation) parts.push('ENABLE_PREFIX_DELEGATION=true');
  if (config.warmEniTarget !== DEFAULT_CNI_CONFIG.warmEniTarget)
    parts.push(`WARM_ENI_TARGET=${config.warmEniTarget}`);
  if (config.warmIpTarget > 0) parts.push(`WARM_IP_TARGET=${config.warmIpTarget}`);
  if (config.minimumIpTarget > 0) parts.push(`MINIMUM_IP_TARGET=${config.minimumIpTarget}`);
  if (config.warmPrefixTarget !== DEFAULT_CNI_CONFIG.warmPrefixTarget) {
    parts.push(`WARM_PREFIX_TARGET=${config.warmPrefixTarget}`);
  }
  if (config.customNetworking) parts.push('AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true');
  if (config.podEni) parts.push('ENABLE_POD_ENI=true');
  if (config.maxEni !== null) parts.push(`MAX_ENI=${config.maxEni}`);
  return parts.length === 0 ? 'defaults' : parts.join(' ');
}

function assertNever(value: never): never {
  throw new CniConfigError(`unexpected key ${String(value)}`);
}

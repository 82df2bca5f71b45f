import type { InstanceLimits } from '../domain/instance-limits.js';

/** The row source of every type EC2 `DescribeInstanceTypes` returned. */
export const EC2_API_SOURCE = 'ec2:DescribeInstanceTypes';

/**
 * The fields of an EC2 `InstanceTypeInfo` the limits table reads. Structural, so the SDK's own type
 * is accepted without this module importing the SDK.
 */
export interface DescribedInstanceType {
  readonly InstanceType?: string | undefined;
  readonly Hypervisor?: string | undefined;
  readonly BareMetal?: boolean | undefined;
  readonly VCpuInfo?: { readonly DefaultVCpus?: number | undefined } | undefined;
  readonly NetworkInfo?:
    | {
        readonly MaximumNetworkInterfaces?: number | undefined;
        readonly Ipv4AddressesPerInterface?: number | undefined;
        readonly DefaultNetworkCardIndex?: number | undefined;
        readonly NetworkCards?:
          | readonly {
              readonly NetworkCardIndex?: number | undefined;
              readonly MaximumNetworkInterfaces?: number | undefined;
            }[]
          | undefined;
      }
    | undefined;
}

/** Outcome of converting one described type: a complete row, or the names of the fields EC2 left out. */
export type RowConversion =
  | { readonly kind: 'row'; readonly row: InstanceLimits }
  | { readonly kind: 'incomplete'; readonly instanceType: string; readonly missingFields: readonly string[] };

/**
 * ENI limit of the default network card. Multi-card types (p4d.24xlarge, p5.48xlarge) report in
 * `NetworkInfo.MaximumNetworkInterfaces` the sum over all cards, but the VPC CNI attaches only to
 * the default card. Source: aws/amazon-vpc-cni-k8s `scripts/gen_vpc_ip_limits.go`,
 * `pkg/vpc/vpc_ip_resource_limit.go`; DOMAIN.md section 1.
 */
function defaultCardEniLimit(network: NonNullable<DescribedInstanceType['NetworkInfo']>): number | undefined {
  const cards = network.NetworkCards;
  if (cards === undefined || cards.length === 0) {
    return network.MaximumNetworkInterfaces;
  }
  const defaultIndex = network.DefaultNetworkCardIndex ?? 0;
  const byIndexField = cards.find((card) => card.NetworkCardIndex === defaultIndex);
  return (byIndexField ?? cards[defaultIndex])?.MaximumNetworkInterfaces;
}

function toHypervisor(value: string | undefined): InstanceLimits['hypervisor'] | 'unrecognised' {
  switch (value) {
    case 'nitro':
    case 'xen':
      return value;
    case undefined:
      return null;
    default:
      return 'unrecognised';
  }
}

/**
 * Converts one EC2 `InstanceTypeInfo` into a limits row.
 *
 * @example
 * toInstanceLimitsRow({
 *   InstanceType: 'p4d.24xlarge', Hypervisor: 'nitro', BareMetal: false, VCpuInfo: { DefaultVCpus: 96 },
 *   NetworkInfo: { MaximumNetworkInterfaces: 60, Ipv4AddressesPerInterface: 50, DefaultNetworkCardIndex: 0,
 *     NetworkCards: [{ NetworkCardIndex: 0, MaximumNetworkInterfaces: 15 }] },
 * }) // { kind: 'row', row: { instanceType: 'p4d.24xlarge', maxEnis: 15, ipv4PerEni: 50, ... } }
 */
export function toInstanceLimitsRow(info: DescribedInstanceType, source = EC2_API_SOURCE): RowConversion {
  const instanceType = info.InstanceType ?? '(unnamed)';
  const network = info.NetworkInfo;
  const maxEnis = network === undefined ? undefined : defaultCardEniLimit(network);
  const ipv4PerEni = network?.Ipv4AddressesPerInterface;
  const vcpus = info.VCpuInfo?.DefaultVCpus;
  const hypervisor = toHypervisor(info.Hypervisor);
  const missingFields = [
    info.InstanceType === undefined ? 'InstanceType' : null,
    maxEnis === undefined ? 'NetworkInfo.MaximumNetworkInterfaces' : null,
    ipv4PerEni === undefined ? 'NetworkInfo.Ipv4AddressesPerInterface' : null,
    vcpus === undefined ? 'VCpuInfo.DefaultVCpus' : null,
    hypervisor === 'unrecognised' ? `Hypervisor (unrecognised '${info.Hypervisor}')` : null,
  ].filter((field): field is string => field !== null);
  if (
    missingFields.length > 0 ||
    maxEnis === undefined ||
    ipv4PerEni === undefined ||
    vcpus === undefined ||
    hypervisor === 'unrecognised'
  ) {
    return { kind: 'incomplete', instanceType, missingFields };
  }
  return {
    kind: 'row',
    row: { instanceType, maxEnis, ipv4PerEni, vcpus, hypervisor, bareMetal: info.BareMetal ?? false, source },
  };
}

/**
 * One line of `data/instance-info-complement.jsonl`: published limits of a type the EC2 API did not
 * return. `vcpus` is null where no readable public source states it; such rows cannot enter the table.
 * `overridesApi` lets a row win over the API's answer for the same type.
 */
export interface ComplementRow {
  readonly instanceType: string;
  readonly maxEnis: number;
  readonly ipv4PerEni: number;
  readonly vcpus: number | null;
  readonly hypervisor: 'nitro' | 'xen' | null;
  readonly bareMetal: boolean;
  readonly source: string;
  readonly overridesApi: boolean;
}

/** A complement line that does not have the expected form. */
export class ComplementRowError extends Error {
  override readonly name = 'ComplementRowError';
}

const COMPLEMENT_KEYS = new Set([
  'instanceType',
  'maxEnis',
  'ipv4PerEni',
  'vcpus',
  'hypervisor',
  'bareMetal',
  'source',
  'overridesApi',
]);

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function fail(lineNo: number, field: string, value: unknown, expected: string): never {
  throw new ComplementRowError(
    `complement line ${lineNo}: field '${field}' is ${JSON.stringify(value)}, expected ${expected}`,
  );
}

/**
 * Parses and validates one complement line (1-based `lineNo` for messages).
 *
 * @example
 * parseComplementLine('{"instanceType":"m8idn.large","maxEnis":4,"ipv4PerEni":20,"vcpus":2,' +
 *   '"hypervisor":"nitro","bareMetal":false,"source":"amazon-eks-ami:instance-info.jsonl"}', 1)
 * // { instanceType: 'm8idn.large', maxEnis: 4, ..., overridesApi: false }
 */
export function parseComplementLine(line: string, lineNo: number): ComplementRow {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (cause) {
    throw new ComplementRowError(`complement line ${lineNo}: not JSON`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(lineNo, '(line)', parsed, 'a JSON object');
  }
  const record = parsed as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!COMPLEMENT_KEYS.has(key)) {
      fail(lineNo, key, record[key], `no such field (known: ${[...COMPLEMENT_KEYS].join(', ')})`);
    }
  }
  const { instanceType, maxEnis, ipv4PerEni, vcpus, hypervisor, bareMetal, source, overridesApi } = record;
  if (typeof instanceType !== 'string' || !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType)) {
    fail(lineNo, 'instanceType', instanceType, 'a type name such as "m5.large"');
  }
  if (!isPositiveInteger(maxEnis)) fail(lineNo, 'maxEnis', maxEnis, 'a positive integer');
  if (!isPositiveInteger(ipv4PerEni)) fail(lineNo, 'ipv4PerEni', ipv4PerEni, 'a positive integer');
  if (vcpus !== null && !isPositiveInteger(vcpus)) fail(lineNo, 'vcpus', vcpus, 'a positive integer or null');
  if (hypervisor !== 'nitro' && hypervisor !== 'xen' && hypervisor !== null) {
    fail(lineNo, 'hypervisor', hypervisor, '"nitro", "xen" or null');
  }
  if (typeof bareMetal !== 'boolean') fail(lineNo, 'bareMetal', bareMetal, 'a boolean');
  if (typeof source !== 'string' || source.length === 0) fail(lineNo, 'source', source, 'a non-empty string');
  if (overridesApi !== undefined && typeof overridesApi !== 'boolean') {
    fail(lineNo, 'overridesApi', overridesApi, 'a boolean or absent');
  }
  return {
    instanceType,
    maxEnis,
    ipv4PerEni,
    vcpus,
    hypervisor,
    bareMetal,
    source,
    overridesApi: overridesApi === true,
  };
}

/** Parses a whole JSONL complement; blank lines are skipped. */
export function parseComplement(text: string): readonly ComplementRow[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), lineNo: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, lineNo }) => parseComplementLine(line, lineNo));
}

/** A complement row that disagrees with the API on the same type. */
export interface MergeConflict {
  readonly instanceType: string;
  readonly api: InstanceLimits;
  readonly complement: ComplementRow;
  /** Which side the table kept. */
  readonly kept: 'api' | 'complement';
}

export interface MergeResult {
  /** Sorted by instance type. */
  readonly rows: readonly InstanceLimits[];
  /** Types the table took from the complement. */
  readonly addedFromComplement: readonly string[];
  /** Complement rows left out because they lack a value the table requires. */
  readonly skippedComplement: readonly { readonly instanceType: string; readonly reason: string }[];
  readonly conflicts: readonly MergeConflict[];
}

function complementToLimits(row: ComplementRow, vcpus: number): InstanceLimits {
  return {
    instanceType: row.instanceType,
    maxEnis: row.maxEnis,
    ipv4PerEni: row.ipv4PerEni,
    vcpus,
    hypervisor: row.hypervisor,
    bareMetal: row.bareMetal,
    source: row.source,
  };
}

function sameLimits(api: InstanceLimits, complement: ComplementRow): boolean {
  return (
    api.maxEnis === complement.maxEnis &&
    api.ipv4PerEni === complement.ipv4PerEni &&
    (complement.vcpus === null || api.vcpus === complement.vcpus) &&
    api.hypervisor === complement.hypervisor &&
    api.bareMetal === complement.bareMetal
  );
}

/**
 * Merges API rows with complement rows. The API wins for every type it returned, unless the
 * complement row sets `overridesApi`; the complement fills the types the API did not return.
 * Duplicate types within one input keep their last occurrence.
 *
 * @example
 * mergeInstanceLimits([m5Large], [m8idnLarge]).rows.map((r) => r.instanceType) // ['m5.large', 'm8idn.large']
 */
export function mergeInstanceLimits(
  apiRows: readonly InstanceLimits[],
  complementRows: readonly ComplementRow[],
): MergeResult {
  const byType = new Map(apiRows.map((row) => [row.instanceType, row] as const));
  const addedFromComplement: string[] = [];
  const skippedComplement: { instanceType: string; reason: string }[] = [];
  const conflicts: MergeConflict[] = [];
  for (const complement of complementRows) {
    const api = byType.get(complement.instanceType);
    if (api !== undefined && !complement.overridesApi) {
      if (!sameLimits(api, complement)) {
        conflicts.push({ instanceType: complement.instanceType, api, complement, kept: 'api' });
      }
      continue;
    }
    const vcpus = complement.vcpus ?? api?.vcpus ?? null;
    if (vcpus === null) {
      skippedComplement.push({ instanceType: complement.instanceType, reason: 'vcpus unknown' });
      continue;
    }
    if (api !== undefined) {
      conflicts.push({ instanceType: complement.instanceType, api, complement, kept: 'complement' });
    } else {
      addedFromComplement.push(complement.instanceType);
    }
    byType.set(complement.instanceType, complementToLimits(complement, vcpus));
  }
  const rows = [...byType.values()].sort((a, b) => compareTypes(a.instanceType, b.instanceType));
  return { rows, addedFromComplement: addedFromComplement.sort(compareTypes), skippedComplement, conflicts };
}

/** Plain code-unit order, so the sort does not depend on the machine's locale. */
export function compareTypes(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

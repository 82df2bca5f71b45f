import type { InstanceLimits } from '../domain/instance-limits.js';
import { type ComplementRow, compareTypes, EC2_API_SOURCE } from './instance-limits-rows.js';

/** Row source label of the VPC CNI's own limits table. */
export const CNI_LIMITS_SOURCE = 'amazon-vpc-cni-k8s:vpc_ip_resource_limit.go';

/** Path of that table inside aws/amazon-vpc-cni-k8s. */
export const CNI_LIMITS_PATH = 'pkg/vpc/vpc_ip_resource_limit.go';

/**
 * One entry of the VPC CNI's `instanceNetworkingLimits` map (aws/amazon-vpc-cni-k8s
 * `pkg/vpc/vpc_ip_resource_limit.go`, written by `scripts/gen_vpc_ip_limits.go`). ipamd reads its ENI
 * and IP limits, hypervisor and bare-metal flag from this map (`pkg/vpc/vpc.go` `GetENILimit`,
 * `GetHypervisorType`, `GetIsBareMetal`), and `misc/eni-max-pods.txt` is `ENILimit*(IPv4Limit-1)+2` of it.
 */
export interface CniLimitsRow {
  readonly instanceType: string;
  /** `ENILimit`: the default network card's `MaximumNetworkInterfaces` (gen_vpc_ip_limits.go). */
  readonly maxEnis: number;
  /** `IPv4Limit`: addresses per ENI, the primary included. */
  readonly ipv4PerEni: number;
  /** `HypervisorType`: `nitro`, `xen`, or null for the CNI's `unknown`. */
  readonly hypervisor: 'nitro' | 'xen' | null;
  readonly bareMetal: boolean;
  /** `MaximumNetworkInterfaces` of the card at `DefaultNetworkCardIndex`, when the entry lists cards. */
  readonly defaultCardEnis: number | null;
}

/** The Go source does not have the shape the parser expects. */
export class CniLimitsParseError extends Error {
  override readonly name = 'CniLimitsParseError';
}

const ENTRY = /^\t"([a-z0-9-]+\.[a-z0-9-]+)": \{\n([\s\S]*?)\n\t\},$/gm;
const CARD = /MaximumNetworkInterfaces:\s*(\d+),\s*NetworkCardIndex:\s*(\d+),/g;

function field(body: string, instanceType: string, name: string, pattern: string): string {
  const match = new RegExp(`^\\t\\t${name}:\\s+${pattern},$`, 'm').exec(body);
  if (match?.[1] === undefined) {
    throw new CniLimitsParseError(
      `${CNI_LIMITS_PATH}: entry '${instanceType}' has no ${name} of the form ${pattern}`,
    );
  }
  return match[1];
}

function toHypervisor(value: string, instanceType: string): CniLimitsRow['hypervisor'] {
  switch (value) {
    case 'nitro':
    case 'xen':
      return value;
    case 'unknown':
    case '':
      return null;
    default:
      throw new CniLimitsParseError(
        `${CNI_LIMITS_PATH}: entry '${instanceType}' has HypervisorType '${value}', expected nitro, xen or unknown`,
      );
  }
}

/**
 * Reads every entry of the CNI's `instanceNetworkingLimits` map from the Go source text.
 *
 * @example
 * parseCniResourceLimits('\t"m5.large": {\n\t\tENILimit:                3,\n\t\tIPv4Limit:               10,\n' +
 *   '\t\tDefaultNetworkCardIndex: 0,\n\t\tHypervisorType: "nitro",\n\t\tIsBareMetal:    false,\n\t},')
 * // [{ instanceType: 'm5.large', maxEnis: 3, ipv4PerEni: 10, hypervisor: 'nitro', bareMetal: false,
 * //    defaultCardEnis: null }]
 */
export function parseCniResourceLimits(goSource: string): readonly CniLimitsRow[] {
  const rows: CniLimitsRow[] = [];
  for (const match of goSource.matchAll(ENTRY)) {
    const [, instanceType = '', body = ''] = match;
    const defaultIndex = Number(field(body, instanceType, 'DefaultNetworkCardIndex', '(\\d+)'));
    const cards = [...body.matchAll(CARD)].map((card) => ({
      enis: Number(card[1]),
      index: Number(card[2]),
    }));
    rows.push({
      instanceType,
      maxEnis: Number(field(body, instanceType, 'ENILimit', '(\\d+)')),
      ipv4PerEni: Number(field(body, instanceType, 'IPv4Limit', '(\\d+)')),
      hypervisor: toHypervisor(field(body, instanceType, 'HypervisorType', '"([a-z]*)"'), instanceType),
      bareMetal: field(body, instanceType, 'IsBareMetal', '(true|false)') === 'true',
      defaultCardEnis: cards.find((card) => card.index === defaultIndex)?.enis ?? null,
    });
  }
  if (rows.length === 0) {
    throw new CniLimitsParseError(`${CNI_LIMITS_PATH}: no instanceNetworkingLimits entries found`);
  }
  return rows.sort((a, b) => compareTypes(a.instanceType, b.instanceType));
}

/** A type on which the CNI's table and another source disagree; the CNI's figures are kept. */
export interface CniLimitsDisagreement {
  readonly instanceType: string;
  readonly field: 'maxEnis' | 'ipv4PerEni' | 'hypervisor' | 'bareMetal' | 'defaultCardEnis';
  readonly cni: string;
  readonly other: string;
  readonly otherSource: string;
}

export interface CniLimitsTable {
  /** Sorted by instance type. */
  readonly rows: readonly InstanceLimits[];
  /** Types whose vCPUs no source gave (`vcpus: null`). */
  readonly vcpusUnknown: readonly string[];
  /** Types the API or the complement know and the CNI's table lacks; kept with their own source. */
  readonly notInCni: readonly string[];
  readonly disagreements: readonly CniLimitsDisagreement[];
}

function compare(
  cni: CniLimitsRow,
  other: Pick<InstanceLimits, 'maxEnis' | 'ipv4PerEni' | 'hypervisor' | 'bareMetal'>,
  otherSource: string,
): CniLimitsDisagreement[] {
  const fields = ['maxEnis', 'ipv4PerEni', 'hypervisor', 'bareMetal'] as const;
  return fields
    .filter((name) => cni[name] !== other[name])
    .map((name) => ({
      instanceType: cni.instanceType,
      field: name,
      cni: String(cni[name]),
      other: String(other[name]),
      otherSource,
    }));
}

/**
 * Builds the bundled table from the CNI's limits (ENIs, IPv4 per ENI, hypervisor, bare metal: the figures
 * ipamd itself uses) and takes vCPUs, which that table lacks, from the EC2 API rows, else the complement.
 * Types outside the CNI's table keep the API's (else the complement's) row, as the older generator did.
 *
 * @example
 * buildCniLimitsTable([m5LargeCni], [m5LargeApi], []).rows[0]
 * // { instanceType: 'm5.large', maxEnis: 3, ipv4PerEni: 10, vcpus: 2, ...,
 * //   source: 'amazon-vpc-cni-k8s:vpc_ip_resource_limit.go + ec2:DescribeInstanceTypes' }
 */
export function buildCniLimitsTable(
  cniRows: readonly CniLimitsRow[],
  apiRows: readonly InstanceLimits[],
  complementRows: readonly ComplementRow[],
): CniLimitsTable {
  const api = new Map(apiRows.map((row) => [row.instanceType, row] as const));
  const complement = new Map(complementRows.map((row) => [row.instanceType, row] as const));
  const rows = new Map<string, InstanceLimits>();
  const vcpusUnknown: string[] = [];
  const disagreements: CniLimitsDisagreement[] = [];
  for (const cni of cniRows) {
    const fromApi = api.get(cni.instanceType);
    const fromComplement = complement.get(cni.instanceType);
    if (fromApi !== undefined) disagreements.push(...compare(cni, fromApi, EC2_API_SOURCE));
    if (cni.defaultCardEnis !== null && cni.defaultCardEnis !== cni.maxEnis) {
      disagreements.push({
        instanceType: cni.instanceType,
        field: 'defaultCardEnis',
        cni: String(cni.maxEnis),
        other: String(cni.defaultCardEnis),
        otherSource: `${CNI_LIMITS_SOURCE} NetworkCards`,
      });
    }
    const vcpuSource =
      fromApi !== undefined
        ? { vcpus: fromApi.vcpus, source: EC2_API_SOURCE }
        : fromComplement?.vcpus != null
          ? { vcpus: fromComplement.vcpus, source: fromComplement.source }
          : { vcpus: null, source: null };
    if (vcpuSource.vcpus === null) vcpusUnknown.push(cni.instanceType);
    const labels = [CNI_LIMITS_SOURCE, ...(vcpuSource.source?.split(' + ') ?? [])];
    rows.set(cni.instanceType, {
      instanceType: cni.instanceType,
      maxEnis: cni.maxEnis,
      ipv4PerEni: cni.ipv4PerEni,
      vcpus: vcpuSource.vcpus,
      hypervisor: cni.hypervisor,
      bareMetal: cni.bareMetal,
      source: [...new Set(labels)].join(' + '),
    });
  }
  const notInCni: string[] = [];
  for (const other of [...complementRows, ...apiRows]) {
    if (rows.has(other.instanceType) && !notInCni.includes(other.instanceType)) continue;
    if (!notInCni.includes(other.instanceType)) notInCni.push(other.instanceType);
    if (other.vcpus === null && !vcpusUnknown.includes(other.instanceType))
      vcpusUnknown.push(other.instanceType);
    rows.set(other.instanceType, {
      instanceType: other.instanceType,
      maxEnis: other.maxEnis,
      ipv4PerEni: other.ipv4PerEni,
      vcpus: other.vcpus,
      hypervisor: other.hypervisor,
      bareMetal: other.bareMetal,
      source: other.source,
    });
  }
  return {
    rows: [...rows.values()].sort((a, b) => compareTypes(a.instanceType, b.instanceType)),
    vcpusUnknown,
    notInCni: notInCni.sort(compareTypes),
    disagreements,
  };
}

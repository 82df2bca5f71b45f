import {
  CapacityInputError,
  effectiveNetworking,
  type MaxPodsCap,
  maxPods,
} from '../../shared/domain/cni-capacity.js';
import { type CniConfig, DEFAULT_CNI_CONFIG } from '../../shared/domain/cni-config.js';
import type { InstanceLimits } from '../../shared/domain/instance-limits.js';
import { bundledInstanceLimits } from '../../shared/instance-types/bundled-instance-limits.js';
import { parseFlags, parseIntegerFlag } from '../args.js';
import { parseCapFlag } from '../capacity-flags.js';
import { type CliCommand, UsageError } from '../command.js';
import { formatTable } from '../format-table.js';
import { lookupInstanceTypes } from '../instance-lookup.js';

const help = `Usage: capacity-guard max-pods (--instance-type T[,T...] | --all) [options]

Pods a node can run (kubelet maxPods) under the VPC CNI, per instance type.
Secondary IPs: E*(L-1)+2; prefix delegation: E*(L-1)*16+2 (E: ENIs of the default network card, L: IPv4 per ENI).

Options:
  --instance-type T[,T...]  instance types to show
  --all                     every type in the bundled table
  --prefix-delegation       ENABLE_PREFIX_DELEGATION=true (Nitro and bare metal only; others fall back)
  --custom-networking       AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true (the primary ENI holds no pod IPs)
  --pod-eni                 ENABLE_POD_ENI=true (security groups for pods: the trunk ENI takes a slot)
  --max-eni N               MAX_ENI=N (caps the ENI count, N >= 1)
  --cap none|mng|auto-mode|eni-limited
                            none: the uncapped formula (default, as eni-max-pods.txt publishes);
                            mng: managed node groups (110 up to 30 vCPUs, else 250); auto-mode: min(110, E*(L-1));
                            eni-limited: Karpenter's default, the secondary-IP formula whatever the CNI mode
  --json                    an array of objects instead of a table`;

/** Max pods, or null with a note where the managed-node-group cap needs vCPUs the table lacks. */
function cappedMaxPods(
  limits: InstanceLimits,
  cni: CniConfig,
  cap: MaxPodsCap,
): { maxPods: number | null; note?: string } {
  try {
    return { maxPods: maxPods(limits, cni, cap) };
  } catch (error) {
    if (!(error instanceof CapacityInputError)) throw error;
    return { maxPods: null, note: 'vCPUs unknown: the mng cap (110 or 250) cannot be chosen' };
  }
}

export const maxPodsCommand: CliCommand = {
  name: 'max-pods',
  help,
  async run(args, io) {
    const { values } = parseFlags('max-pods', args, {
      'instance-type': { type: 'string', valueName: 'T[,T...]' },
      all: { type: 'boolean' },
      'prefix-delegation': { type: 'boolean' },
      'custom-networking': { type: 'boolean' },
      'pod-eni': { type: 'boolean' },
      'max-eni': { type: 'string', valueName: 'N' },
      cap: { type: 'string', valueName: 'none|mng|auto-mode|eni-limited' },
      json: { type: 'boolean' },
    });
    if (values.all && values['instance-type'] !== undefined) {
      throw new UsageError('--all: not with --instance-type (expected one of them)');
    }
    if (!values.all && values['instance-type'] === undefined) {
      throw new UsageError("max-pods: --instance-type T[,T...] or --all is required (see 'max-pods --help')");
    }
    const cap = parseCapFlag(values.cap);
    const cni: CniConfig = {
      ...DEFAULT_CNI_CONFIG,
      prefixDelegation: values['prefix-delegation'] === true,
      customNetworking: values['custom-networking'] === true,
      podEni: values['pod-eni'] === true,
      maxEni: values['max-eni'] === undefined ? null : parseIntegerFlag('max-eni', values['max-eni'], 1, 64),
    };
    const types = values.all
      ? [...bundledInstanceLimits().values()]
      : lookupInstanceTypes('instance-type', values['instance-type'] ?? '');
    const rows = types.map((limits) => {
      const net = effectiveNetworking(limits, cni);
      const capped = cappedMaxPods(limits, cni, cap);
      const notes = [
        ...(net.prefixDelegationFellBack ? ['prefix delegation unsupported (not Nitro): secondary IPs'] : []),
        ...(capped.note === undefined ? [] : [capped.note]),
      ];
      return {
        instanceType: limits.instanceType,
        maxEnis: limits.maxEnis,
        ipv4PerEni: limits.ipv4PerEni,
        vcpus: limits.vcpus,
        mode: net.prefixDelegation ? 'prefix' : 'secondary-ip',
        maxPods: capped.maxPods,
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      };
    });
    if (values.json) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    io.stdout(
      `${formatTable(
        ['INSTANCE TYPE', 'ENIS', 'IPV4/ENI', 'VCPUS', 'MODE', 'MAX PODS', 'NOTE'],
        rows.map((r) => [
          r.instanceType,
          r.maxEnis,
          r.ipv4PerEni,
          r.vcpus ?? '?',
          r.mode,
          r.maxPods ?? '?',
          r.note ?? '',
        ]),
      )}\n`,
    );
    return 0;
  },
};

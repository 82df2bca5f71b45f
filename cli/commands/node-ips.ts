import { CapacityInputError, nodeHoldings } from '../../shared/domain/cni-capacity.js';
import { parseFlags, parseIntegerFlag } from '../args.js';
import { parseCapFlag, parseCniFlags } from '../capacity-flags.js';
import { type CliCommand, UsageError } from '../command.js';
import { formatTable } from '../format-table.js';
import { lookupInstanceTypes } from '../instance-lookup.js';

const help = `Usage: capacity-guard node-ips --instance-type T --pods N [--cni KEY=VALUE]... [options]

What one node holds from its subnets once N pod-networked pods ran on it (the CNI's high-water mark):
ENIs, ENI attachments (AttachNetworkInterface calls), secondary IPs or /28 prefixes, and the addresses taken
from the node subnet and (custom networking) from the ENIConfig pod subnet.

Options:
  --instance-type T         one instance type, e.g. m5.large
  --pods N                  pods that use pod networking (host-network pods such as aws-node excluded)
  --cni KEY=VALUE[,...]     VPC CNI settings, comma-separated or one per repeated flag. The settings the
                            guard models: ENABLE_PREFIX_DELEGATION, WARM_ENI_TARGET, WARM_IP_TARGET,
                            MINIMUM_IP_TARGET, WARM_PREFIX_TARGET, AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG,
                            ENABLE_POD_ENI, MAX_ENI; any other key is an error
  --cap none|mng|auto-mode|eni-limited  kubelet maxPods cap policy (default none)
  --json                    one JSON object instead of a table`;

export const nodeIpsCommand: CliCommand = {
  name: 'node-ips',
  help,
  async run(args, io) {
    const { values } = parseFlags('node-ips', args, {
      'instance-type': { type: 'string', valueName: 'T' },
      pods: { type: 'string', valueName: 'N' },
      cni: { type: 'string', multiple: true, valueName: 'KEY=VALUE[,KEY=VALUE...]' },
      cap: { type: 'string', valueName: 'none|mng|auto-mode|eni-limited' },
      json: { type: 'boolean' },
    });
    if (values['instance-type'] === undefined)
      throw new UsageError("node-ips: --instance-type T is required (see 'node-ips --help')");
    if (values.pods === undefined)
      throw new UsageError("node-ips: --pods N is required (see 'node-ips --help')");
    const [limits, ...extra] = lookupInstanceTypes('instance-type', values['instance-type']);
    if (!limits || extra.length > 0)
      throw new UsageError(
        `--instance-type: '${values['instance-type']}' names several types (expected one, e.g. m5.large)`,
      );
    const pods = parseIntegerFlag('pods', values.pods, 0, 100_000);
    const cap = parseCapFlag(values.cap);
    const parsed = await parseCniFlags(values.cni, io);
    let holdings: ReturnType<typeof nodeHoldings>;
    try {
      holdings = nodeHoldings(limits, parsed.config, pods, cap);
    } catch (error) {
      if (error instanceof CapacityInputError) throw new UsageError(`--${error.message}`);
      throw error;
    }
    if (holdings.prefixDelegationFellBack) {
      io.stderr(`warning: ${limits.instanceType} is not Nitro-based: the CNI falls back to secondary IPs\n`);
    }
    if (holdings.eniChurn) {
      io.stderr(
        'warning: the last ENI holds no pod and no warm target keeps it: ipamd frees and re-attaches it ' +
          'about every minute (one more attachment each time)\n',
      );
    }
    const result = {
      instanceType: holdings.instanceType,
      pods: holdings.pods,
      cni: (await import('../../shared/domain/cni-config-parse.js')).describeCniConfig(parsed.config),
      mode: holdings.mode,
      enis: holdings.enis,
      attaches: holdings.attaches,
      ipsHeld: holdings.ipsHeld,
      prefixesHeld: holdings.prefixesHeld,
      nodeSubnetIps: holdings.nodeSubnetIps,
      podSubnetIps: holdings.podSubnetIps,
      maxPods: holdings.maxPods,
    };
    if (values.json) {
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    io.stdout(
      `${formatTable(
        ['FIELD', 'VALUE'],
        Object.entries(result).map(([key, value]) => [key, String(value)]),
      )}\n`,
    );
    return 0;
  },
};

import { GATE_DEFAULTS, GATE_WAIT_LIMITS } from '../../shared/node-gate/gate-defaults.js';
import { type CliCommand, UsageError } from '../command.js';
import { runGateSnippet } from './gate-snippet.js';

const help = `Usage: capacity-guard gate snippet|install|status [options]

Gate mode: a launch lifecycle hook (${GATE_DEFAULTS.hookName}) holds each new instance in Pending:Wait,
the node waits before kubelet starts until IMDS reads target lifecycle state InService, and the guard
releases instances as the ENI attach budget allows. See docs/gate-mode.md.

gate snippet --os al2023|al2|bottlerocket [--max-hold-sec N] [--poll-sec N] [--managed-node-group]
  Prints the node-side wait: MIME user data (al2023: NodeConfig + shell part; al2: shell part that runs
  /etc/eks/bootstrap.sh after the wait) or Bottlerocket settings (a bootstrap container).
  --max-hold-sec N       the node starts kubelet after N s even if not released (default ${GATE_DEFAULTS.maxHoldSec}, ${GATE_WAIT_LIMITS.maxHoldSec.min}..${GATE_WAIT_LIMITS.maxHoldSec.max})
  --poll-sec N           seconds between two IMDS reads (default ${GATE_DEFAULTS.pollSec}, ${GATE_WAIT_LIMITS.pollSec.min}..${GATE_WAIT_LIMITS.pollSec.max})
  --managed-node-group   leave out what EKS merges in (NodeConfig, bootstrap.sh, cluster settings) and
                         print on stderr what the launch template needs (stdout stays pasteable)

Example:
  capacity-guard gate snippet --os al2023 --max-hold-sec 600 > user-data.mime`;

export const gateCommand: CliCommand = {
  name: 'gate',
  summary: 'gate mode: node-side wait snippets, the launch lifecycle hook, and what waits now',
  help,
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'snippet':
        return runGateSnippet(rest, io);
      default:
        throw new UsageError(
          `gate: ${sub === undefined ? 'a sub-command is required' : `unknown sub-command '${sub}'`} (expected snippet) (see 'gate --help')`,
        );
    }
  },
};

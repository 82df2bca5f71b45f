import { GATE_DEFAULTS, GATE_WAIT_LIMITS, NODE_REPORT } from '../../shared/node-gate/gate-defaults.js';
import { type CliCommand, UsageError } from '../command.js';

const help = `Usage: capacity-guard gate snippet|install|status [options]

Gate mode: a launch lifecycle hook (${GATE_DEFAULTS.hookName}) holds each new instance in Pending:Wait,
the node waits before kubelet starts until IMDS reads target lifecycle state InService, and the guard
releases instances as the ENI attach budget allows. See docs/gate-mode.md.

gate snippet --os al2023|al2|bottlerocket [--max-hold-sec N] [--poll-sec N] [--managed-node-group] [--no-report]
  Prints the node-side wait: MIME user data (al2023: NodeConfig + shell part; al2: shell part that runs
  /etc/eks/bootstrap.sh after the wait) or Bottlerocket settings (a bootstrap container). Reaching the
  wait, the node tells the guard once (EventBridge PutEvents, source ${NODE_REPORT.source}); stderr shows the
  events:PutEvents statement its role needs.
  --max-hold-sec N       the node starts kubelet after N s even if not released (default ${GATE_DEFAULTS.maxHoldSec}, ${GATE_WAIT_LIMITS.maxHoldSec.min}..${GATE_WAIT_LIMITS.maxHoldSec.max})
  --poll-sec N           seconds between two IMDS reads (default ${GATE_DEFAULTS.pollSec}, ${GATE_WAIT_LIMITS.pollSec.min}..${GATE_WAIT_LIMITS.pollSec.max})
  --managed-node-group   leave out what EKS merges in (NodeConfig, bootstrap.sh, cluster settings) and
                         print on stderr what the launch template needs (stdout stays pasteable)
  --no-report            leave the node's report out of the wait (no PutEvents, no role statement)

gate install --group G [--region R] [--profile P] [--heartbeat-timeout-sec N] [--apply]
  Dry run by default: prints the PutLifecycleHook it would make (transition EC2_INSTANCE_LAUNCHING,
  DefaultResult CONTINUE) and checks the group's launch template user data for the node-side wait.
  --heartbeat-timeout-sec N   seconds before Auto Scaling lets an unreleased instance go on (default ${GATE_DEFAULTS.heartbeatTimeoutSec}, ${GATE_WAIT_LIMITS.heartbeatTimeoutSec.min}..${GATE_WAIT_LIMITS.heartbeatTimeoutSec.max})
  --apply                     create or update the hook

gate status [--region R] [--profile P] [--json]
  Groups tagged capacity-guard/enabled=true: their ${GATE_DEFAULTS.modeTagKey} tag, the hook, whether the launch
  template carries the node-side wait, instances in Pending:Wait and the oldest wait. Read-only.

Live commands use the default AWS credential chain. Examples:
  capacity-guard gate snippet --os al2023 --max-hold-sec 600 > user-data.mime
  capacity-guard gate install --group eks-workers --region eu-west-1`;

export const gateCommand: CliCommand = {
  name: 'gate',
  help,
  async run(args, io) {
    // Each sub-command is loaded on use: install and status pull in the AWS SDK, which other commands skip.
    const [sub, ...rest] = args;
    switch (sub) {
      case 'snippet':
        return (await import('./gate-snippet.js')).runGateSnippet(rest, io);
      case 'install':
        return (await import('./gate-install.js')).runGateInstall(rest, io);
      case 'status':
        return (await import('./gate-status.js')).runGateStatus(rest, io);
      default:
        throw new UsageError(
          `gate: ${sub === undefined ? 'a sub-command is required' : `unknown sub-command '${sub}'`} (expected snippet, install or status) (see 'gate --help')`,
        );
    }
  },
};

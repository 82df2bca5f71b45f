import { GATE_WAIT_MARKER } from './gate-defaults.js';
import type { GateWaitParams } from './gate-wait-params.js';
import { renderGateWaitScript } from './gate-wait-script.js';
import type { UserDataTarget } from './node-user-data.js';

/** Name of the bootstrap container in the rendered settings; `gate status` looks for it. */
export const BOTTLEROCKET_GATE_CONTAINER = 'capacity-guard-gate';

/** Where a bootstrap container finds its decoded user data (Bottlerocket, sources/api/bootstrap-containers). */
export const BOTTLEROCKET_USER_DATA_PATH = '/.bottlerocket/bootstrap-containers/current/user-data';

const KUBERNETES_SETTINGS = `[settings.kubernetes]
cluster-name = "my-cluster"
api-server = "https://EXAMPLE0123456789.gr7.us-east-1.eks.amazonaws.com"
cluster-certificate = "BASE64-CLUSTER-CA"
`;

const REPORT_NEEDS = `#   - for the node's report to the guard: curl 7.75 or later (--aws-sigv4), the instance role's
#     credentials from IMDS, HTTPS to the Region's EventBridge endpoint, events:PutEvents on the node role.
`;

/*
 * Bottlerocket runs no shell user data. Its bootstrap containers run before kubelet: the unit
 * bootstrap-containers@.service is ordered Before=configured.target and the boot does not go on to the
 * orchestrator until every bootstrap container has exited (bottlerocket-os/bottlerocket,
 * packages/os/bootstrap-containers@.service; "Bootstrap Containers" lifecycle in the Bottlerocket docs).
 * Its built-in warm-pool-wait unit (shibaken, `settings.autoscaling.should-wait`) also waits for InService
 * before kubelet, every 5 s with no limit of its own and no end for an instance that has no lifecycle state
 * (packages/os/warm-pool-wait.service, sources/api/shibaken/src/warmpool/autoscaling_warm_pool.rs).
 */
function header(params: GateWaitParams): string {
  return `${GATE_WAIT_MARKER} (Bottlerocket settings, TOML)
# Bottlerocket runs no shell user data: the wait runs in a bootstrap container, which Bottlerocket
# starts before kubelet and waits for. The image is yours to build and push (the guard ships none):
#   - bash and curl, and this entrypoint:
#       ENTRYPOINT ["bash", "${BOTTLEROCKET_USER_DATA_PATH}"]
#   - it reaches IMDS at 169.254.169.254 like the host (IMDSv2, token hop limit 1 is enough);
#   - the script below is its user data (base64); it holds at most ${params.maxHoldSec} s, polls every
#     ${params.pollSec} s, always exits 0; read its log with journalctl -u bootstrap-containers@${BOTTLEROCKET_GATE_CONTAINER}.
${params.report ? REPORT_NEEDS : ''}# mode "once": only the first boot (the launch) is held. essential false: a failed pull does not stop the node.
#
# Without an image: Bottlerocket's own wait (warm-pool-wait, before kubelet) does the same with
#   [settings.autoscaling]
#   should-wait = true
# but polls every 5 s with no maximum hold: only the hook's heartbeat timeout ends the wait, and an
# instance outside an Auto Scaling group (no lifecycle state) would wait for ever.
`;
}

/**
 * Bottlerocket settings (TOML) that hold kubelet with a bootstrap container running the wait script.
 * For a self-managed group it also carries the `[settings.kubernetes]` placeholders; a managed node group
 * without a custom AMI gets those merged in by EKS.
 *
 * @example
 * renderBottlerocketSettings({ maxHoldSec: 900, pollSec: 5, report: true }, { managedNodeGroup: true });
 * // '# capacity-guard gate-wait v2 (Bottlerocket settings, TOML)\n…[settings.bootstrap-containers.capacity-guard-gate]…'
 */
export function renderBottlerocketSettings(params: GateWaitParams, target: UserDataTarget): string {
  const userData = Buffer.from(renderGateWaitScript(params), 'utf8').toString('base64');
  const container = `[settings.bootstrap-containers.${BOTTLEROCKET_GATE_CONTAINER}]
source = "111122223333.dkr.ecr.us-east-1.amazonaws.com/${BOTTLEROCKET_GATE_CONTAINER}:1"
mode = "once"
essential = false
user-data = "${userData}"
`;
  return [header(params), ...(target.managedNodeGroup ? [] : [KUBERNETES_SETTINGS]), container].join('\n');
}

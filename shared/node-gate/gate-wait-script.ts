import { GATE_LOG_TAG, GATE_WAIT_MARKER, IMDS_ENDPOINT_ENV } from './gate-defaults.js';
import type { GateWaitParams } from './gate-wait-params.js';

/*
 * The wait, in bash, for cloud-init user data (AL2023, AL2) and Bottlerocket bootstrap containers.
 * - IMDSv2: PUT /latest/api/token with the TTL header, then GET with the token header; a 401 renews the token.
 * - `meta-data/autoscaling/target-lifecycle-state` reads InService once the launch may proceed (AWS Auto Scaling
 *   guide, "Retrieve the target lifecycle state through instance metadata"; DOMAIN.md §6).
 * - A 404 three times running means no Auto Scaling lifecycle state at all (an instance outside a group):
 *   nothing will ever release it, so it is not held.
 * - Every error is retried until the maximum hold; the block always returns 0 so the boot goes on.
 * - Messages go to stdout (cloud-init copies it to the console and /var/log/cloud-init-output.log) and, when
 *   `logger` exists, to the journal under the tag below. A state is logged when it changes, not every poll.
 */
const WAIT_BLOCK = `${GATE_WAIT_MARKER}
# Holds kubelet until the Auto Scaling launch lifecycle hook releases this instance (target lifecycle
# state InService), at most @MAX_HOLD_SEC@ s. IMDS errors are retried; the boot always continues.
capacity_guard_gate_wait() {
  local max_hold_sec=@MAX_HOLD_SEC@ poll_sec=@POLL_SEC@
  local imds="\${${IMDS_ENDPOINT_ENV}:-http://169.254.169.254}"
  local started=$SECONDS elapsed=0 remaining=0 token="" reply="" code="" state="" seen="" not_found=0
  _capacity_guard_log() {
    echo "${GATE_LOG_TAG}: $*"
    if command -v logger >/dev/null 2>&1; then logger -t ${GATE_LOG_TAG} -- "$*" || true; fi
    return 0
  }
  _capacity_guard_note() {
    if [ "$1" != "$seen" ]; then seen=$1; _capacity_guard_log "$1"; fi
    return 0
  }
  _capacity_guard_log "waiting for the launch lifecycle hook to release this instance (at most \${max_hold_sec} s)"
  while :; do
    elapsed=$((SECONDS - started))
    if [ -z "$token" ]; then
      token=$(curl -s -f -X PUT --connect-timeout 2 --max-time 5 \\
        -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "$imds/latest/api/token" 2>/dev/null) || token=""
    fi
    if [ -z "$token" ]; then
      _capacity_guard_note "IMDS token request failed; retrying"
    else
      reply=$(curl -s --connect-timeout 2 --max-time 5 -w '\\n%{http_code}' \\
        -H "X-aws-ec2-metadata-token: $token" \\
        "$imds/latest/meta-data/autoscaling/target-lifecycle-state" 2>/dev/null) || reply=$'\\n000'
      code=\${reply##*$'\\n'}
      state=\${reply%$'\\n'*}
      state=\${state//[[:space:]]/}
      case "$code" in
        200)
          not_found=0
          if [ "$state" = "InService" ]; then
            _capacity_guard_log "released: target lifecycle state InService after \${elapsed} s"
            return 0
          fi
          _capacity_guard_note "target lifecycle state \${state:-empty}; waiting"
          ;;
        401)
          token=""
          _capacity_guard_note "IMDS token refused; renewing"
          ;;
        404)
          not_found=$((not_found + 1))
          if [ "$not_found" -ge 3 ]; then
            _capacity_guard_log "no Auto Scaling lifecycle state in IMDS (instance outside a group); not held"
            return 0
          fi
          ;;
        *)
          _capacity_guard_note "IMDS answered HTTP \${code}; retrying"
          ;;
      esac
    fi
    elapsed=$((SECONDS - started))
    if [ "$elapsed" -ge "$max_hold_sec" ]; then
      _capacity_guard_log "gave up after \${elapsed} s (maximum hold \${max_hold_sec} s); starting the node unreleased"
      return 0
    fi
    remaining=$((max_hold_sec - elapsed))
    sleep $((remaining < poll_sec ? remaining : poll_sec))
  done
}
capacity_guard_gate_wait
`;

/**
 * The bash block that waits for the launch lifecycle hook's release, as pasted into user data: it defines
 * `capacity_guard_gate_wait`, calls it, and returns control to the lines after it. It starts with
 * {@link GATE_WAIT_MARKER}. The IMDS endpoint can be overridden with `CAPACITY_GUARD_IMDS_ENDPOINT`.
 *
 * @example
 * const block = renderGateWaitBlock({ maxHoldSec: 900, pollSec: 5 });
 * block.startsWith('# capacity-guard gate-wait v1'); // true
 */
export function renderGateWaitBlock(params: GateWaitParams): string {
  return WAIT_BLOCK.replaceAll('@MAX_HOLD_SEC@', String(params.maxHoldSec)).replaceAll(
    '@POLL_SEC@',
    String(params.pollSec),
  );
}

/**
 * The wait as a stand-alone bash script (shebang first), for a `text/x-shellscript` part or a container.
 *
 * @example
 * renderGateWaitScript({ maxHoldSec: 300, pollSec: 5 }).split('\n')[0]; // '#!/bin/bash'
 */
export function renderGateWaitScript(params: GateWaitParams): string {
  return `#!/bin/bash\n${renderGateWaitBlock(params)}`;
}

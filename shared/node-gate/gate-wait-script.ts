import {
  EVENTS_ENDPOINT_ENV,
  GATE_LOG_TAG,
  GATE_WAIT_MARKER,
  IMDS_ENDPOINT_ENV,
  NODE_REPORT,
} from './gate-defaults.js';
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
@REPORT_NOTE@capacity_guard_gate_wait() {
  local max_hold_sec=@MAX_HOLD_SEC@ poll_sec=@POLL_SEC@
  local imds="\${${IMDS_ENDPOINT_ENV}:-http://169.254.169.254}"
  local started=$SECONDS elapsed=0 remaining=0 token="" reply="" code="" state="" seen="" not_found=0@REPORT_LOCALS@
  _capacity_guard_log() {
    echo "${GATE_LOG_TAG}: $*"
    if command -v logger >/dev/null 2>&1; then logger -t ${GATE_LOG_TAG} -- "$*" || true; fi
    return 0
  }
  _capacity_guard_note() {
    if [ "$1" != "$seen" ]; then seen=$1; _capacity_guard_log "$1"; fi
    return 0
  }
@REPORT_FUNCTIONS@  _capacity_guard_log "waiting for the launch lifecycle hook to release this instance (at most \${max_hold_sec} s)"
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
@REPORT_CALL@          ;;
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

/*
 * The node's report (block v2): when the first read of the target lifecycle state is not InService, the node
 * tells the guard, once, that it has booted this far: one EventBridge PutEvents on the default bus, signed
 * SigV4 by curl (--aws-sigv4, curl 7.75 or later) with the instance role's credentials from IMDS (same token
 * as the wait). It never fails or stalls the wait: IMDS reads of at most 2 s, at most 2 attempts of
 * --connect-timeout 2 --max-time 5 (a second one only when the first may pass on a retry: no answer, 429,
 * 5xx, throttling, a failed entry), one log line whatever the outcome. Credentials reach curl on its
 * standard input (a config) rather than its command line, and are never logged. The JSON is read with
 * bash's own regular expressions: the node may have neither jq nor sed.
 */
const REPORT_NOTE = `# Reaching the wait, it tells the guard once (EventBridge PutEvents, source ${NODE_REPORT.source},
# signed with the instance role: needs events:PutEvents on the node role; without it the wait is the same).
`;

const REPORT_LOCALS = ' reported=0';

const REPORT_FUNCTIONS = `  _capacity_guard_meta() {
    local got=""
    got=$(curl -s --connect-timeout 1 --max-time 2 -w '\\n%{http_code}' \\
      -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/$1" 2>/dev/null) || got=$'\\n000'
    meta=\${got%$'\\n'*}
    if [ "\${got##*$'\\n'}" = 200 ] && [ -n "$meta" ]; then return 0; fi
    why="IMDS meta-data/$1 answered HTTP \${got##*$'\\n'}"
    return 1
  }
  _capacity_guard_report_send() {
    local help="" id="" region="" role="" key="" secret="" session="" config="" events="" body="" answer=""
    local status="" attempt=0 re=""
    help=$(curl --help all 2>/dev/null) || help=""
    if [[ $help != *--aws-sigv4* ]]; then why="curl lacks --aws-sigv4; curl 7.75 or later signs the call"; return 1; fi
    _capacity_guard_meta instance-id || return 1
    id=$meta
    re='^i-[0-9a-f]+$'
    if ! [[ $id =~ $re ]]; then why="IMDS meta-data/instance-id is not an instance id"; return 1; fi
    _capacity_guard_meta placement/region || return 1
    region=$meta
    re='^[a-z0-9-]+$'
    if ! [[ $region =~ $re ]]; then why="IMDS meta-data/placement/region is not a Region"; return 1; fi
    _capacity_guard_meta iam/security-credentials/ || return 1
    role=\${meta%%$'\\n'*}
    role=\${role//[[:space:]]/}
    re='^[A-Za-z0-9+=,.@_-]+$'
    if ! [[ $role =~ $re ]]; then why="IMDS meta-data/iam/security-credentials/ names no role"; return 1; fi
    _capacity_guard_meta "iam/security-credentials/$role" || return 1
    re='"AccessKeyId"[[:space:]]*:[[:space:]]*"([^"]+)"'
    if [[ $meta =~ $re ]]; then key=\${BASH_REMATCH[1]}; fi
    re='"SecretAccessKey"[[:space:]]*:[[:space:]]*"([^"]+)"'
    if [[ $meta =~ $re ]]; then secret=\${BASH_REMATCH[1]}; fi
    re='"Token"[[:space:]]*:[[:space:]]*"([^"]+)"'
    if [[ $meta =~ $re ]]; then session=\${BASH_REMATCH[1]}; fi
    meta=""
    if [ -z "$key" ] || [ -z "$secret" ] || [ -z "$session" ]; then
      why="the role's credentials in IMDS lack AccessKeyId, SecretAccessKey or Token"
      return 1
    fi
    config="user = \\"$key:$secret\\""$'\\n'"header = \\"x-amz-security-token: $session\\""
    case "$region" in
      cn-*) events="https://events.$region.amazonaws.com.cn" ;;
      *) events="https://events.$region.amazonaws.com" ;;
    esac
    events="\${${EVENTS_ENDPOINT_ENV}:-$events}"
    events="\${events%/}/"
    body='{"Entries":[{"Source":"${NODE_REPORT.source}","DetailType":"${NODE_REPORT.detailType}","Detail":"{\\"instance-id\\":\\"'"$id"'\\",\\"reached-at\\":\\"'"$reached_at"'\\"}"}]}'
    for attempt in 1 2; do
      answer=$(curl -s --connect-timeout 2 --max-time 5 -K - -w '\\n%{http_code}' \\
        --aws-sigv4 "aws:amz:$region:events" \\
        -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AWSEvents.PutEvents' \\
        --data-binary "$body" "$events" 2>/dev/null <<<"$config") || answer=$'\\n000'
      status=\${answer##*$'\\n'}
      answer=\${answer%$'\\n'*}
      answer=\${answer//[$'\\r\\n']/ }
      re='"FailedEntryCount"[[:space:]]*:[[:space:]]*0([^0-9]|$)'
      if [ "$status" = 200 ] && [[ $answer =~ $re ]]; then return 0; fi
      if [ "$status" = 000 ]; then why="no answer from $events"; else why="HTTP $status: \${answer:0:200}"; fi
      re='"FailedEntryCount"[[:space:]]*:[[:space:]]*[1-9]|Throttl'
      case "$status" in
        000) ;;
        429 | 5??) sleep 1 ;;
        *) if [[ $answer =~ $re ]]; then sleep 1; else return 1; fi ;;
      esac
    done
    return 1
  }
  _capacity_guard_report() {
    local reached_at="" meta="" why=""
    reached_at=$(date -u +%Y-%m-%dT%H:%M:%SZ) || reached_at=""
    if _capacity_guard_report_send; then
      _capacity_guard_log "told the guard this instance reached the wait (EventBridge PutEvents, source ${NODE_REPORT.source})"
    else
      _capacity_guard_log "could not tell the guard this instance reached the wait (\${why}); waiting anyway"
    fi
    return 0
  }
`;

const REPORT_CALL = `          if [ "$reported" = 0 ]; then reported=1; _capacity_guard_report; fi
`;

/**
 * The bash block that waits for the launch lifecycle hook's release, as pasted into user data: it defines
 * `capacity_guard_gate_wait`, calls it, and returns control to the lines after it. It starts with
 * {@link GATE_WAIT_MARKER}. The IMDS endpoint can be overridden with `CAPACITY_GUARD_IMDS_ENDPOINT`, the
 * report's EventBridge endpoint with `CAPACITY_GUARD_EVENTS_ENDPOINT`. With `report: false` the block
 * carries no trace of the report.
 *
 * @example
 * const block = renderGateWaitBlock({ maxHoldSec: 900, pollSec: 5, report: true });
 * block.startsWith('# capacity-guard gate-wait v2'); // true
 */
export function renderGateWaitBlock(params: GateWaitParams): string {
  const report = params.report;
  const values: Record<string, string> = {
    '@REPORT_NOTE@': report ? REPORT_NOTE : '',
    '@REPORT_LOCALS@': report ? REPORT_LOCALS : '',
    '@REPORT_FUNCTIONS@': report ? REPORT_FUNCTIONS : '',
    '@REPORT_CALL@': report ? REPORT_CALL : '',
    '@MAX_HOLD_SEC@': String(params.maxHoldSec),
    '@POLL_SEC@': String(params.pollSec),
  };
  // A function replacer: the bash text holds `$'...'`, which a replacement string would expand.
  return WAIT_BLOCK.replace(/@[A-Z_]+@/g, (name) => values[name] ?? name);
}

/**
 * The wait as a stand-alone bash script (shebang first), for a `text/x-shellscript` part or a container.
 *
 * @example
 * renderGateWaitScript({ maxHoldSec: 300, pollSec: 5, report: true }).split('\n')[0]; // '#!/bin/bash'
 */
export function renderGateWaitScript(params: GateWaitParams): string {
  return `#!/bin/bash\n${renderGateWaitBlock(params)}`;
}

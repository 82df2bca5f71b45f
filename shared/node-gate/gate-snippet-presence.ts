import { BOTTLEROCKET_GATE_CONTAINER } from './bottlerocket-settings.js';
import { GATE_WAIT_MARKER_PATTERN } from './gate-defaults.js';

/** The report's call as the wait block makes it (`gate-wait-script.ts`). */
const REPORT_CALL = 'X-Amz-Target: AWSEvents.PutEvents';

/** Whether a node's user data makes kubelet wait for the launch hook's release, and how. */
export type GateSnippetPresence =
  | { readonly kind: 'wait-block' }
  | { readonly kind: 'bottlerocket-container' }
  | { readonly kind: 'bottlerocket-should-wait' }
  | { readonly kind: 'absent' };

const SHOULD_WAIT = /^\s*\[settings\.autoscaling\][^[]*^\s*should-wait\s*=\s*true\b/m;
const SHOULD_WAIT_DOTTED = /^\s*(settings\.)?autoscaling\.should-wait\s*=\s*true\b/m;

/**
 * The version of the first wait block's marker in decoded user data (a line of its own), or `undefined`.
 * A version 1 block never reports to the guard; a later one does unless it was rendered with `--no-report`.
 *
 * @example
 * gateWaitBlockVersion('#!/bin/bash\n# capacity-guard gate-wait v1\n'); // 1
 * gateWaitBlockVersion('echo "# capacity-guard gate-wait v2"\n'); // undefined
 */
export function gateWaitBlockVersion(userData: string): number | undefined {
  for (const line of userData.split('\n')) {
    const match = GATE_WAIT_MARKER_PATTERN.exec(line.trimEnd());
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}

/**
 * Looks for the wait in decoded user data: the shell block's marker of any version (AL2023, AL2; v1 blocks of
 * old launch templates wait too), the Bottlerocket bootstrap container by name, or Bottlerocket's own
 * `settings.autoscaling.should-wait = true`. Commented-out TOML does not count.
 *
 * @example
 * detectGateSnippet('#!/bin/bash\n# capacity-guard gate-wait v2\n'); // { kind: 'wait-block' }
 * detectGateSnippet('#!/bin/bash\n# capacity-guard gate-wait v1\n'); // { kind: 'wait-block' } (an old template)
 * detectGateSnippet('[settings.autoscaling]\nshould-wait = true\n'); // { kind: 'bottlerocket-should-wait' }
 */
export function detectGateSnippet(userData: string): GateSnippetPresence {
  if (gateWaitBlockVersion(userData) !== undefined) return { kind: 'wait-block' };
  const active = userData
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  if (active.includes(`[settings.bootstrap-containers.${BOTTLEROCKET_GATE_CONTAINER}]`)) {
    return { kind: 'bottlerocket-container' };
  }
  if (SHOULD_WAIT.test(active) || SHOULD_WAIT_DOTTED.test(active))
    return { kind: 'bottlerocket-should-wait' };
  return { kind: 'absent' };
}

const CONTAINER_USER_DATA = new RegExp(
  `\\[settings\\.bootstrap-containers\\.${BOTTLEROCKET_GATE_CONTAINER}\\][^[]*?^\\s*user-data\\s*=\\s*"([A-Za-z0-9+/=]+)"`,
  'm',
);

/**
 * Whether the node's wait reports reaching it to the guard (`Launch Gate Node Waiting`): a wait block of v2 or
 * later rendered with the report, also inside the Bottlerocket bootstrap container's user data. false for a v1
 * block, `--no-report`, Bottlerocket's should-wait or no wait; null when it cannot be told (a container whose
 * user data is not inline). `presence`: what {@link detectGateSnippet} found in it, when already known.
 *
 * @example
 * waitReports(renderGateSnippet('al2023', resolveGateWaitParams(), { managedNodeGroup: false })); // true
 * waitReports('#!/bin/bash\n# capacity-guard gate-wait v1\n'); // false
 */
export function waitReports(
  userData: string,
  presence: GateSnippetPresence = detectGateSnippet(userData),
): boolean | null {
  if (presence.kind === 'wait-block') {
    return (gateWaitBlockVersion(userData) ?? 1) >= 2 && userData.includes(REPORT_CALL);
  }
  if (presence.kind !== 'bottlerocket-container') return false;
  const inline = CONTAINER_USER_DATA.exec(userData)?.[1];
  return inline === undefined ? null : waitReports(Buffer.from(inline, 'base64').toString('utf8'));
}

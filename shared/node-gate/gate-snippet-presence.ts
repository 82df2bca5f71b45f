import { BOTTLEROCKET_GATE_CONTAINER } from './bottlerocket-settings.js';
import { GATE_WAIT_MARKER } from './gate-defaults.js';

/** Whether a node's user data makes kubelet wait for the launch hook's release, and how. */
export type GateSnippetPresence =
  | { readonly kind: 'wait-block' }
  | { readonly kind: 'bottlerocket-container' }
  | { readonly kind: 'bottlerocket-should-wait' }
  | { readonly kind: 'absent' };

const SHOULD_WAIT = /^\s*\[settings\.autoscaling\][^[]*^\s*should-wait\s*=\s*true\b/m;
const SHOULD_WAIT_DOTTED = /^\s*(settings\.)?autoscaling\.should-wait\s*=\s*true\b/m;

/**
 * Looks for the wait in decoded user data: the shell block's marker (AL2023, AL2), the Bottlerocket bootstrap
 * container by name, or Bottlerocket's own `settings.autoscaling.should-wait = true`. Commented-out TOML
 * does not count.
 *
 * @example
 * detectGateSnippet('#!/bin/bash\n# capacity-guard gate-wait v1\n'); // { kind: 'wait-block' }
 * detectGateSnippet('[settings.autoscaling]\nshould-wait = true\n'); // { kind: 'bottlerocket-should-wait' }
 */
export function detectGateSnippet(userData: string): GateSnippetPresence {
  if (userData.split('\n').some((line) => line.trimEnd() === GATE_WAIT_MARKER)) return { kind: 'wait-block' };
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

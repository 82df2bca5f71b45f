import {
  detectGateSnippet,
  type GateSnippetPresence,
  waitReports,
} from '../../node-gate/gate-snippet-presence.js';
import type { GateGroup, LaunchSource, LifecycleHookAdmin } from '../../ports/lifecycle-hook-admin.js';
import { guardModeOf } from '../group-profile.js';
import { GroupProfileError } from '../group-tags.js';

/** Whether the instances a group launches wait for the hook's release before kubelet starts. */
export type NodeWaitCheck =
  | {
      readonly kind: 'present';
      readonly how: Exclude<GateSnippetPresence['kind'], 'absent'>;
      readonly source: string;
      /** The wait reports reaching it to the guard (see `waitReports`); null: cannot be told. */
      readonly reports: boolean | null;
    }
  | { readonly kind: 'missing'; readonly source: string }
  | { readonly kind: 'unchecked'; readonly reason: string };

/** `lt-0abc version 3`, `my-template version $Latest`. */
export function describeLaunchSource(source: LaunchSource): string {
  switch (source.kind) {
    case 'launch-template':
      return `launch template ${source.id ?? source.name ?? '?'} version ${source.version}`;
    case 'launch-configuration':
      return `launch configuration ${source.name}`;
    case 'none':
      return 'no launch template';
  }
}

/**
 * Reads the group's launch template user data and looks for the node-side wait. A launch configuration is
 * not read (gate mode documents launch templates only); a failed read is reported, not thrown, so one
 * unreadable template does not hide the other groups.
 */
export async function checkNodeWait(admin: LifecycleHookAdmin, group: GateGroup): Promise<NodeWaitCheck> {
  const source = group.launchSource;
  const label = describeLaunchSource(source);
  if (source.kind !== 'launch-template') {
    return { kind: 'unchecked', reason: `${label}: only launch templates are checked` };
  }
  let userData: string | null;
  try {
    userData = await admin.launchTemplateUserData(source);
  } catch (error) {
    return {
      kind: 'unchecked',
      reason: `${label}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const presence = detectGateSnippet(userData ?? '');
  return presence.kind === 'absent'
    ? { kind: 'missing', source: label }
    : { kind: 'present', how: presence.kind, source: label, reports: waitReports(userData ?? '', presence) };
}

/** The group's mode as the guard reads it (mode tag, earlier pacing tag, autoscaler default), or the tag error. */
export function describeGuardMode(group: GateGroup): string {
  try {
    return guardModeOf(group);
  } catch (error) {
    if (error instanceof GroupProfileError) return `invalid: ${error.message}`;
    throw error;
  }
}

import { GATE_DEFAULTS } from '../../shared/node-gate/gate-defaults.js';
import { readGateStatus } from '../../shared/use-cases/gate/gate-status.js';
import { parseFlags } from '../args.js';
import type { CliIo } from '../command.js';
import { formatTable } from '../format-table.js';
import { parseRegionFlag } from '../region-flag.js';
import { liveHookAdmin, nodeWaitText, reportsText } from './gate-admin.js';
import type { HookAdminFactory } from './gate-install.js';

function formatAge(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** `gate status`: opted-in groups, their mode, hook, node-side wait and what waits in Pending:Wait. */
export async function runGateStatus(
  args: readonly string[],
  io: CliIo,
  admin: HookAdminFactory = liveHookAdmin,
  nowMs: () => number = Date.now,
): Promise<number> {
  const { values } = parseFlags('gate status', args, {
    region: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean' },
  });
  const rows = await readGateStatus(admin(parseRegionFlag(values.region), values.profile), {
    nowMs: nowMs(),
    hookName: GATE_DEFAULTS.hookName,
  });
  if (values.json) {
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    io.stdout('No Auto Scaling group carries capacity-guard/enabled=true in this Region.\n');
    return 0;
  }
  const table = formatTable(
    ['GROUP', 'MODE', 'HOOK', 'NODE WAIT', 'REPORTS', 'PENDING:WAIT', 'OLDEST WAIT', 'PROTECTED'],
    rows.map((r) => [
      r.groupName,
      r.mode,
      r.hook ? `${r.hook.heartbeatTimeoutSec} s ${r.hook.defaultResult}` : 'none',
      nodeWaitText(r.nodeWait).cell,
      reportsText(r.nodeWait, r.reportsTagged).cell,
      r.waitingInstances,
      r.oldestWait ? `${formatAge(r.oldestWait.ageSec)} ${r.oldestWait.instanceId}` : '-',
      r.protectedInstances,
    ]),
  );
  const details = rows
    .filter((r) => r.nodeWait.kind !== 'present')
    .map((r) => `  ${r.groupName}: ${nodeWaitText(r.nodeWait).detail}`);
  const reports = rows
    .filter((r) => r.mode === 'gate')
    .flatMap((r) => {
      const { detail } = reportsText(r.nodeWait, r.reportsTagged);
      return detail === null ? [] : [`  ${r.groupName}: ${detail}`];
    });
  io.stdout(
    `${table}\n${details.length > 0 ? `\nNode-side wait not confirmed:\n${details.join('\n')}\n` : ''}` +
      `${reports.length > 0 ? `\nNode reports (docs/gate-mode.md, "Node reports"):\n${reports.join('\n')}\n` : ''}`,
  );
  return 0;
}

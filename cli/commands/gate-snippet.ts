import {
  GATE_WAIT_LIMITS,
  NODE_REPORT,
  nodeReportPolicyStatement,
} from '../../shared/node-gate/gate-defaults.js';
import {
  managedNodeGroupNotes,
  NODE_OS,
  type NodeOs,
  renderGateSnippet,
} from '../../shared/node-gate/gate-snippet.js';
import { resolveGateWaitParams } from '../../shared/node-gate/gate-wait-params.js';
import { parseFlags, parseIntegerFlag } from '../args.js';
import { type CliIo, UsageError } from '../command.js';

function parseOsFlag(value: string | undefined): NodeOs {
  if (value === undefined) throw new UsageError("gate snippet: --os is required (see 'gate --help')");
  if (!(NODE_OS as readonly string[]).includes(value)) {
    throw new UsageError(`--os: '${value}' is not a node OS (expected ${NODE_OS.join(', ')})`);
  }
  return value as NodeOs;
}

/** What the node role needs for the report, for stderr: one line of explanation, then the statement. */
function nodeRoleNote(): string {
  const statement = JSON.stringify(nodeReportPolicyStatement(), null, 2);
  return `The node reports reaching the wait to the guard (EventBridge PutEvents, source ${NODE_REPORT.source}). Give the node role this statement (arn:aws-cn: in the China Regions); without it the node still waits and is released, the guard just does not learn it has booted (--no-report leaves the report out):\n${statement}\n`;
}

/**
 * `gate snippet`: the node-side wait on stdout; on stderr, the node role's statement for the report (unless
 * --no-report) and, with --managed-node-group, the merge notes. stdout stays pasteable.
 */
export async function runGateSnippet(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('gate snippet', args, {
    os: { type: 'string' },
    'max-hold-sec': { type: 'string' },
    'poll-sec': { type: 'string' },
    'managed-node-group': { type: 'boolean' },
    'no-report': { type: 'boolean' },
  });
  const os = parseOsFlag(values.os);
  const { maxHoldSec, pollSec } = GATE_WAIT_LIMITS;
  const params = resolveGateWaitParams({
    ...(values['max-hold-sec'] === undefined
      ? {}
      : {
          maxHoldSec: parseIntegerFlag(
            'max-hold-sec',
            values['max-hold-sec'],
            maxHoldSec.min,
            maxHoldSec.max,
          ),
        }),
    ...(values['poll-sec'] === undefined
      ? {}
      : { pollSec: parseIntegerFlag('poll-sec', values['poll-sec'], pollSec.min, pollSec.max) }),
    report: values['no-report'] !== true,
  });
  const managedNodeGroup = values['managed-node-group'] === true;
  io.stdout(renderGateSnippet(os, params, { managedNodeGroup }));
  if (managedNodeGroup) {
    const notes = managedNodeGroupNotes(os).map((note) => `  - ${note}`);
    io.stderr(`Merging into a managed node group's launch template (${os}):\n${notes.join('\n')}\n`);
  }
  if (params.report) io.stderr(nodeRoleNote());
  return 0;
}

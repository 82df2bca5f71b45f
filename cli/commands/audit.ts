import { statSync } from 'node:fs';
import { Severity } from '../../shared/domain/alert-policy.js';
import { AuditMode } from '../../shared/use-cases/audit/audit-report.js';
import { runCapacityAudit } from '../../shared/use-cases/run-capacity-audit.js';
import { parseFlags } from '../args.js';
import { liveClientConfig } from '../aws-client-config.js';
import { type CliCommand, type CliIo, UsageError } from '../command.js';
import { parseRegionFlag } from '../region-flag.js';
import { jsonReport, renderMarkdown, renderText, severityAtLeast, worstSeverity } from './audit-render.js';
import { snapshotAuditDeps } from './audit-snapshot.js';

const help = `Usage: capacity-guard audit --snapshot DIR | --region R [--profile P] [options]

The capacity audit the deployed guard runs, on a laptop and read-only: per-subnet headroom net of pending
nodes, free aligned /28 blocks, fragmentation, per-node-group headroom in nodes, the alerts that would fire
and (full mode) recommendations. Nothing is published and nothing is stored.

Sources (one of):
  --snapshot DIR     AWS CLI JSON outputs, one file per call:
                       describe-subnets.json, describe-network-interfaces.json,
                       describe-auto-scaling-groups.json, describe-instance-types.json,
                       get-subnet-cidr-reservations.json (optional, an array of responses),
                       describe-addon.json (optional, the vpc-cni add-on),
                       describe-instances.json (optional, the clusters' nodes: Karpenter and others),
                       describe-cluster.json (optional, an array of responses: the clusters' own subnets)
                     every Auto Scaling group and every tagged node in the snapshot is audited
  --region R         live, with the default AWS credential chain: EKS clusters, their managed node groups,
                     every other node found by its cluster tags (Auto Scaling groups, Karpenter node
                     pools, standalone nodes) and the clusters' own subnets, plus Auto Scaling groups
                     tagged capacity-guard/enabled=true; progress on stderr
  --profile P        a named profile of the shared AWS config (live mode)
  --cluster NAME     audit only this EKS cluster (live mode; repeat for several)
                     live calls give up after 3 attempts of 3 s to connect or 5 s to answer; a failure
                     shows the AWS error code and message and what permission, credential or Region to check

Options:
  --mode headroom|full        full adds recommendations (default full)
  --json                      the report as JSON (every key: docs/audit-json.md)
  --markdown                  the report as Markdown
  --fail-on warning|critical  exit 3 when the worst finding (subnet, node group or alert) is at or above it

Exit status: 0 done, 1 the audit failed, 2 bad arguments, 3 a finding at or above --fail-on.

Exit status: 0 when the audit saw every node it found; 1 when part of the account could not be audited
(coverage gaps, listed under Coverage); 2 on bad flags or an unreadable snapshot.

Example:
  capacity-guard audit --snapshot examples/snapshot`;

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Exit status of `audit --fail-on` when the worst finding is at or above the threshold (2 is a usage error). */
export const FAIL_ON_EXIT_CODE = 3;

function parseFailOn(value: string | undefined): Severity | null {
  if (value === undefined) return null;
  if (value === 'warning') return Severity.warning;
  if (value === 'critical') return Severity.critical;
  throw new UsageError(`--fail-on: '${value}' is not a severity (expected warning or critical)`);
}

async function liveDeps(region: string, profile: string | undefined, clusters: readonly string[], io: CliIo) {
  const { liveAuditDeps } = await import('./audit-live.js');
  return liveAuditDeps(region, clusters, io, liveClientConfig(region, profile));
}

export const auditCommand: CliCommand = {
  name: 'audit',
  help,
  async run(args, io) {
    const { values } = parseFlags('audit', args, {
      snapshot: { type: 'string', valueName: 'DIR' },
      region: { type: 'string', valueName: 'R' },
      profile: { type: 'string', valueName: 'P' },
      cluster: { type: 'string', multiple: true, valueName: 'NAME' },
      mode: { type: 'string', valueName: 'headroom|full' },
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
      'fail-on': { type: 'string', valueName: 'warning|critical' },
    });
    if ((values.snapshot === undefined) === (values.region === undefined)) {
      throw new UsageError(
        "audit: give exactly one of --snapshot DIR or --region R (expected one source; see 'audit --help')",
      );
    }
    if (values.json && values.markdown)
      throw new UsageError('--markdown: not with --json (expected one output format)');
    if (values.snapshot !== undefined && (values.profile !== undefined || values.cluster !== undefined)) {
      const flag = values.profile !== undefined ? 'profile' : 'cluster';
      throw new UsageError(
        `--${flag}: applies to live audits only (expected --region R with it, not --snapshot)`,
      );
    }
    parseRegionFlag(values.region);
    if (values.snapshot !== undefined && !isFolder(values.snapshot)) {
      throw new UsageError(
        `--snapshot: '${values.snapshot}' is not a folder (expected a folder of AWS CLI JSON outputs, e.g. examples/snapshot)`,
      );
    }
    const failOn = parseFailOn(values['fail-on']);
    const mode = values.mode ?? AuditMode.full;
    if (mode !== AuditMode.headroom && mode !== AuditMode.full) {
      throw new UsageError(`--mode: '${mode}' is not an audit mode (expected headroom or full)`);
    }
    // A live audit loads the AWS SDK only once the flags are known to be good.
    const deps =
      values.snapshot !== undefined
        ? await snapshotAuditDeps(values.snapshot)
        : await liveDeps(values.region ?? '', values.profile, values.cluster ?? [], io);
    const report = await runCapacityAudit(deps, { nowMs: Date.now(), mode });
    if (values.json) io.stdout(`${JSON.stringify(jsonReport(report), null, 2)}\n`);
    else if (values.markdown) io.stdout(renderMarkdown(report));
    else io.stdout(renderText(report));
    if (failOn !== null && severityAtLeast(worstSeverity(report), failOn)) return FAIL_ON_EXIT_CODE;
    return report.coverage.gaps.length > 0 ? 1 : 0;
  },
};

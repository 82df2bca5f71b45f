import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { AutoScalingGroupsAdapter } from '../../shared/adapters/aws/auto-scaling-groups.js';
import { Ec2ClusterInstances } from '../../shared/adapters/aws/ec2-cluster-instances.js';
import { Ec2InstanceCatalog } from '../../shared/adapters/aws/ec2-instance-catalog.js';
import { Ec2SubnetInventory } from '../../shared/adapters/aws/ec2-subnet-inventory.js';
import { EksClusterDirectory } from '../../shared/adapters/aws/eks-cluster-directory.js';
import { InMemoryAuditStore } from '../../shared/adapters/memory/in-memory-audit-store.js';
import { RecordingAlertPublisher } from '../../shared/adapters/memory/recording-alert-publisher.js';
import { RecordingMetricsSink } from '../../shared/adapters/memory/recording-metrics-sink.js';
import { loadAwsCliSnapshot, SnapshotError } from '../../shared/adapters/snapshot/load-aws-cli-snapshot.js';
import { describePrefixFeasibility } from '../../shared/domain/prefix-feasibility.js';
import { AUDITOR_CLIENT_OPTIONS } from '../../shared/runtime/auditor-deps.js';
import { AuditMode, type AuditReport } from '../../shared/use-cases/audit/audit-report.js';
import { defaultAuditSettings } from '../../shared/use-cases/audit/audit-settings.js';
import { type AuditorDeps, runCapacityAudit } from '../../shared/use-cases/run-capacity-audit.js';
import { parseFlags } from '../args.js';
import { type CliCommand, type CliIo, UsageError } from '../command.js';
import { formatTable } from '../format-table.js';

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

Options:
  --mode headroom|full  full adds recommendations (default full)
  --json                the report as JSON
  --markdown            the report as Markdown

Exit status: 0 when the audit saw every node it found; 1 when part of the account could not be audited
(coverage gaps, listed under Coverage); 2 on bad flags or an unreadable snapshot.

Example:
  capacity-guard audit --snapshot examples/snapshot`;

function fmt(value: number | null, digits = 0): string {
  if (value === null) return '-';
  return digits === 0 ? String(Math.round(value)) : value.toFixed(digits);
}

function subnetRows(report: AuditReport): (string | number)[][] {
  return report.subnets.map((s) => [
    s.subnetId,
    s.availabilityZone,
    s.cidr,
    s.availableIps,
    s.inFlightIps,
    s.headroomIps,
    fmt(s.freePrefixBlocks),
    s.prefixFeasibility === null
      ? fmt(s.fragmentationScore, 2)
      : describePrefixFeasibility({
          prefixFeasibility: s.prefixFeasibility,
          fragmentationScore: s.fragmentationScore,
        }),
    s.minutesToExhaustion === null ? '-' : `${fmt(s.minutesToExhaustion)} min`,
    s.status,
  ]);
}

const SUBNET_HEADERS = [
  'subnet',
  'az',
  'cidr',
  'available',
  'in-flight',
  'headroom',
  'free /28',
  '/28 prefixes',
  'exhaustion',
  'status',
];
const GROUP_HEADERS = [
  'node group',
  'found as',
  'nodes',
  'instance type',
  'pending',
  'headroom nodes',
  'at boot',
  'limited by',
  'status',
];

function groupRows(report: AuditReport): string[][] {
  return report.nodeGroups.map((g) => [
    g.name,
    g.source,
    String(g.nodes),
    g.instanceType ?? '-',
    String(g.pendingNodes),
    fmt(g.headroomNodes),
    fmt(g.headroomNodesAtBoot),
    g.limitingSubnetId ?? '-',
    g.status,
  ]);
}

function coverageLines(report: AuditReport): string[] {
  const { coverage } = report;
  return [
    `${coverage.nodesModelled} of ${coverage.nodes} nodes audited in ${coverage.clusters.length} cluster(s)` +
      (coverage.clusters.length === 0 ? '' : ` (${coverage.clusters.join(', ')})`),
    ...coverage.gaps.map((gap) => `INCOMPLETE: ${gap.message}`),
  ];
}

function alertLine(alert: AuditReport['alerts'][number]): string {
  return alert.title ?? `${alert.severity}: ${alert.kind} ${alert.subjectId} (headroom ${alert.headroom})`;
}

function renderText(report: AuditReport): string {
  const lines = [
    `Capacity audit (${report.mode}) of ${report.region} at ${report.generatedAt}`,
    '',
    'Subnets',
    formatTable(SUBNET_HEADERS, subnetRows(report)),
    '',
    'Node groups',
    report.nodeGroups.length === 0 ? '  none found' : formatTable(GROUP_HEADERS, groupRows(report)),
    '',
    'Coverage',
    ...coverageLines(report).map((line) => `  ${line}`),
    '',
    `Alerts (${report.alerts.length})`,
    ...(report.alerts.length === 0 ? ['  none'] : report.alerts.map((a) => `  ${alertLine(a)}`)),
    '',
    `ENI attach budget: ${report.attachBudget.attachesLastMinute} attaches in the last minute on the audited subnets, of ${report.attachBudget.attachesPerMin} Region-wide (${report.attachBudget.usedPercent} %; other subnets not counted)`,
  ];
  if (report.mode === AuditMode.full) {
    lines.push('', `Recommendations (${report.recommendations.length})`);
    for (const r of report.recommendations) {
      lines.push(
        `  - ${r.title}`,
        `      ${r.detail}`,
        ...r.apply.map((step) => `      ${/^(aws|kubectl) /.test(step) ? '$' : '>'} ${step}`),
      );
    }
    if (report.recommendations.length === 0) lines.push('  none');
  }
  if (report.warnings.length > 0) lines.push('', 'Warnings', ...report.warnings.map((w) => `  - ${w}`));
  return `${lines.join('\n')}\n`;
}

function markdownTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const escapeCell = (cell: string | number) => String(cell).replace(/\|/g, '\\|');
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

function renderMarkdown(report: AuditReport): string {
  const parts = [
    `# Capacity audit (${report.mode})`,
    `Region ${report.region}, ${report.generatedAt}.`,
    '## Subnets',
    markdownTable(SUBNET_HEADERS, subnetRows(report)),
    '## Node groups',
    report.nodeGroups.length === 0 ? '_None found._' : markdownTable(GROUP_HEADERS, groupRows(report)),
    '## Coverage',
    coverageLines(report)
      .map((line) => `- ${line}`)
      .join('\n'),
    '## Alerts',
    report.alerts.length === 0
      ? '_None._'
      : report.alerts.map((a) => `- **${a.severity}** ${alertLine(a)}`).join('\n'),
    '## ENI attach budget',
    `${report.attachBudget.attachesLastMinute} attaches in the last minute on the audited subnets, of ${report.attachBudget.attachesPerMin} per minute Region-wide (${report.attachBudget.usedPercent} %; attaches in other subnets are not counted).`,
  ];
  if (report.mode === AuditMode.full) {
    parts.push(
      '## Recommendations',
      report.recommendations.length === 0
        ? '_None._'
        : report.recommendations
            .map(
              (r) =>
                `- **${r.title}**\n  ${r.detail}\n${r.apply.map((step) => `  - \`${step}\``).join('\n')}`,
            )
            .join('\n'),
    );
  }
  if (report.warnings.length > 0) parts.push('## Warnings', report.warnings.map((w) => `- ${w}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

function jsonReport(report: AuditReport) {
  return {
    subnets: report.subnets.map((s) => ({
      subnetId: s.subnetId,
      cidr: s.cidr,
      availableIps: s.availableIps,
      inFlightIps: s.inFlightIps,
      headroomIps: s.headroomIps,
      freePrefixBlocks: s.freePrefixBlocks,
      fragmentationScore: s.fragmentationScore,
      prefixFeasibility: s.prefixFeasibility,
      minutesToExhaustion: s.minutesToExhaustion,
      status: s.status,
    })),
    nodeGroups: report.nodeGroups.map((g) => ({
      name: g.name,
      source: g.source,
      nodes: g.nodes,
      instanceType: g.instanceType,
      headroomNodes: g.headroomNodes,
      status: g.status,
    })),
    alerts: report.alerts,
    recommendations: report.recommendations,
    coverage: report.coverage,
    warnings: report.warnings,
  };
}

function readOnlyPorts() {
  return {
    store: new InMemoryAuditStore(),
    publisher: new RecordingAlertPublisher(),
    metrics: new RecordingMetricsSink(),
  };
}

async function snapshotDeps(dir: string): Promise<AuditorDeps> {
  let snapshot: Awaited<ReturnType<typeof loadAwsCliSnapshot>>;
  try {
    snapshot = await loadAwsCliSnapshot(dir);
  } catch (error) {
    if (error instanceof SnapshotError) throw new UsageError(`audit: --snapshot ${dir}: ${error.message}`);
    throw error;
  }
  return {
    subnets: snapshot.subnets,
    clusters: snapshot.clusters,
    ...(snapshot.instances === null ? {} : { instances: snapshot.instances }),
    scalingGroups: snapshot.scalingGroups,
    instanceCatalog: snapshot.instanceCatalog,
    ...readOnlyPorts(),
    settings: defaultAuditSettings({
      accountId: snapshot.accountId ?? 'snapshot',
      region: snapshot.region ?? 'snapshot',
      optInTag: null,
      autoScalingGroupNames: snapshot.autoScalingGroupNames,
    }),
  };
}

function liveDeps(
  region: string,
  profile: string | undefined,
  clusters: readonly string[],
  io: CliIo,
): AuditorDeps {
  const options = { ...AUDITOR_CLIENT_OPTIONS, region, ...(profile === undefined ? {} : { profile }) };
  const ec2 = new EC2Client(options);
  return {
    subnets: new Ec2SubnetInventory(ec2),
    clusters: new EksClusterDirectory(new EKSClient(options)),
    instances: new Ec2ClusterInstances(ec2),
    scalingGroups: new AutoScalingGroupsAdapter(new AutoScalingClient(options)),
    instanceCatalog: new Ec2InstanceCatalog(ec2),
    ...readOnlyPorts(),
    settings: defaultAuditSettings({ region, clusterNames: clusters }),
    progress: (message) => io.stderr(`audit: ${message}\n`),
  };
}

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'subnet and node-group headroom, /28 blocks, alerts and recommendations, read-only',
  help,
  async run(args, io) {
    const { values } = parseFlags('audit', args, {
      snapshot: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      cluster: { type: 'string', multiple: true },
      mode: { type: 'string' },
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
    });
    if ((values.snapshot === undefined) === (values.region === undefined)) {
      throw new UsageError('audit: give exactly one of --snapshot DIR or --region R');
    }
    if (values.json && values.markdown)
      throw new UsageError('audit: --json and --markdown exclude each other');
    if (values.snapshot !== undefined && (values.profile !== undefined || values.cluster !== undefined)) {
      throw new UsageError('audit: --profile and --cluster apply to live mode (--region) only');
    }
    const mode = values.mode ?? AuditMode.full;
    if (mode !== AuditMode.headroom && mode !== AuditMode.full) {
      throw new UsageError(`--mode: '${mode}' is not an audit mode (expected headroom or full)`);
    }
    const deps =
      values.snapshot !== undefined
        ? await snapshotDeps(values.snapshot)
        : liveDeps(values.region ?? '', values.profile, values.cluster ?? [], io);
    const report = await runCapacityAudit(deps, { nowMs: Date.now(), mode });
    if (values.json) io.stdout(`${JSON.stringify(jsonReport(report), null, 2)}\n`);
    else if (values.markdown) io.stdout(renderMarkdown(report));
    else io.stdout(renderText(report));
    return report.coverage.gaps.length > 0 ? 1 : 0;
  },
};

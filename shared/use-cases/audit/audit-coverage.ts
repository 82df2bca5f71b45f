import type { AuditCoverage } from './audit-report.js';
import { type CoverageGap, CoverageGapKind } from './coverage-gap.js';
import type { Discovery } from './discover-groups.js';
import type { GroupModel } from './group-models.js';

function live(lifecycleState: string): boolean {
  return !lifecycleState.startsWith('Terminat');
}

/**
 * How much of the clusters the audit saw: nodes seen and modelled, and every gap (discovery's, groups that
 * could not be modelled, subnets that could not be read, or nothing to audit at all).
 */
export function auditCoverage(
  discovery: Discovery,
  models: readonly GroupModel[],
  missingSubnetIds: readonly string[],
): AuditCoverage {
  const gaps: CoverageGap[] = [...discovery.gaps];
  const seen = new Set<string>();
  for (const group of discovery.groups) {
    for (const instance of group.instances) if (live(instance.lifecycleState)) seen.add(instance.instanceId);
  }
  for (const instance of discovery.nodeInstances ?? []) seen.add(instance.instanceId);
  const modelled = new Set(models.map((model) => model.group));
  let nodesModelled = 0;
  for (const group of discovery.groups) {
    const nodes = group.instances.filter((i) => live(i.lifecycleState)).length;
    if (modelled.has(group)) {
      nodesModelled += nodes;
      continue;
    }
    gaps.push({
      kind: CoverageGapKind.groupNotModelled,
      subjectId: group.name,
      message: `${group.name}: ${nodes} node(s) not audited (see the warnings)`,
    });
  }
  for (const subnetId of missingSubnetIds) {
    gaps.push({
      kind: CoverageGapKind.subnetNotRead,
      subjectId: subnetId,
      message: `subnet ${subnetId} could not be read (it does not exist, or belongs to another account)`,
    });
  }
  if (discovery.groups.length === 0 && discovery.clusterNames.length === 0) {
    gaps.push({
      kind: CoverageGapKind.nothingAudited,
      subjectId: '*',
      message: 'no EKS cluster and no node group found: nothing was audited',
    });
  }
  return { clusters: discovery.clusterNames, nodes: seen.size, nodesModelled, gaps };
}

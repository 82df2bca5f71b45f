import { loadAwsCliSnapshot, SnapshotError } from '../../shared/adapters/snapshot/load-aws-cli-snapshot.js';
import { defaultAuditSettings } from '../../shared/use-cases/audit/audit-settings.js';
import type { AuditorDeps } from '../../shared/use-cases/run-capacity-audit.js';
import { UsageError } from '../command.js';
import { readOnlyPorts } from './audit-read-only-ports.js';

/** The auditor's ports over a folder of AWS CLI outputs; every Auto Scaling group in it is audited. */
export async function snapshotAuditDeps(dir: string): Promise<AuditorDeps> {
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

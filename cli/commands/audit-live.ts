import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { AutoScalingGroupsAdapter } from '../../shared/adapters/aws/auto-scaling-groups.js';
import { Ec2ClusterInstances } from '../../shared/adapters/aws/ec2-cluster-instances.js';
import { Ec2InstanceCatalog } from '../../shared/adapters/aws/ec2-instance-catalog.js';
import { Ec2SubnetInventory } from '../../shared/adapters/aws/ec2-subnet-inventory.js';
import { EksClusterDirectory } from '../../shared/adapters/aws/eks-cluster-directory.js';
import { defaultAuditSettings } from '../../shared/use-cases/audit/audit-settings.js';
import type { AuditorDeps } from '../../shared/use-cases/run-capacity-audit.js';
import type { CliIo } from '../command.js';
import { readOnlyPorts } from './audit-read-only-ports.js';

/** Read-only clients of a live audit; the deployed auditor's retry policy (shared/runtime/auditor-deps.ts). */
const CLIENT_OPTIONS = { retryMode: 'adaptive', maxAttempts: 6 } as const;

/** The auditor's ports over a live account and Region, with the default credential chain. */
export function liveAuditDeps(
  region: string,
  profile: string | undefined,
  clusters: readonly string[],
  io: CliIo,
): AuditorDeps {
  const options = { ...CLIENT_OPTIONS, region, ...(profile === undefined ? {} : { profile }) };
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

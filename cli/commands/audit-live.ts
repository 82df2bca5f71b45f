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
import type { liveClientConfig } from '../aws-client-config.js';
import type { CliIo } from '../command.js';
import { readOnlyPorts } from './audit-read-only-ports.js';

/** The auditor's ports over a live account and Region, with the default credential chain. */
export function liveAuditDeps(
  region: string,
  clusters: readonly string[],
  io: CliIo,
  config: ReturnType<typeof liveClientConfig>,
): AuditorDeps {
  const ec2 = new EC2Client(config);
  return {
    subnets: new Ec2SubnetInventory(ec2),
    clusters: new EksClusterDirectory(new EKSClient(config)),
    instances: new Ec2ClusterInstances(ec2),
    scalingGroups: new AutoScalingGroupsAdapter(new AutoScalingClient(config)),
    instanceCatalog: new Ec2InstanceCatalog(ec2),
    ...readOnlyPorts(),
    settings: defaultAuditSettings({ region, clusterNames: clusters }),
    progress: (message) => io.stderr(`audit: ${message}\n`),
  };
}

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

/** How long a live audit waits on AWS before giving up on a call. */
export interface LiveClientLimits {
  /** TCP (and TLS) connection set-up. */
  readonly connectionTimeoutMs: number;
  /** From sending a request to the end of its response; also the longest silence on an open socket. */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first included (the SDK's standard retry strategy). */
  readonly maxAttempts: number;
}

/**
 * A person waits for the CLI: an unreachable endpoint fails after 3 attempts of 3 s to connect, a silent one
 * after 3 of 5 s to answer, instead of the SDK's defaults (no request timeout: a silent endpoint hangs for
 * ever). Three attempts still ride out a throttled call; a page of DescribeNetworkInterfaces takes well under 5 s.
 */
export const LIVE_CLIENT_LIMITS: LiveClientLimits = Object.freeze({
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 5_000,
  maxAttempts: 3,
});

/** SDK client configuration of a live audit: Region, optional profile, endpoint override and time limits. */
export function liveClientConfig(
  region: string,
  profile: string | undefined,
  limits: LiveClientLimits = LIVE_CLIENT_LIMITS,
  endpoint?: string,
) {
  return {
    region,
    ...(profile === undefined ? {} : { profile }),
    ...(endpoint === undefined ? {} : { endpoint }),
    retryMode: 'standard',
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      socketTimeout: limits.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  } as const;
}

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

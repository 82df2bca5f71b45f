import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbStateStore } from '../adapters/aws/dynamodb-state-store.js';
import { Ec2AttachObserver } from '../adapters/aws/ec2-attach-observer.js';
import { Ec2InstanceCatalog } from '../adapters/aws/ec2-instance-catalog.js';
import { EksClusterDirectory } from '../adapters/aws/eks-cluster-directory.js';
import { EventBridgePublisher } from '../adapters/aws/eventbridge-publisher.js';
import { killSwitchOff, SsmKillSwitch } from '../adapters/aws/ssm-kill-switch.js';
import type { Clock } from '../ports/clock.js';
import type { GuardStateStore } from '../ports/guard-state-store.js';
import type { StaggerDeps } from '../use-cases/stagger-deps.js';
import { cachedCniAddons } from './cached-cni-addons.js';
import type { GuardConfig } from './config.js';
import { currentCorrelationId } from './correlation-id.js';
import { LoggedAutoScalingGroups } from './logged-scaling-groups.js';
import { logger } from './logger.js';

export interface StaggerClients {
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  readonly eventBridge: EventBridgeClient;
  readonly dynamodb?: DynamoDBClient;
  readonly ssm?: SSMClient;
  readonly eks?: EKSClient;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/**
 * Wires the stagger use cases to AWS clients. The handlers call it once per container; the simulator and the
 * integration tests call it with their own clients, clock and (optionally) state store.
 */
export function buildStaggerDeps(
  config: GuardConfig,
  clients: StaggerClients,
  clock: Clock = systemClock,
  store?: GuardStateStore,
): StaggerDeps {
  const stateStore =
    store ??
    (clients.dynamodb
      ? new DynamoDbStateStore(clients.dynamodb, config.stateTableName)
      : (() => {
          throw new Error('buildStaggerDeps: a DynamoDB client or a state store is required');
        })());
  return {
    groups: new LoggedAutoScalingGroups(clients.autoScaling),
    observer: new Ec2AttachObserver(clients.ec2, clock, config.attachTimeFilter),
    store: stateStore,
    events: new EventBridgePublisher(clients.eventBridge, config.eventBusName, currentCorrelationId(logger)),
    catalog: new Ec2InstanceCatalog(clients.ec2),
    killSwitch:
      config.killSwitchParameter && clients.ssm
        ? new SsmKillSwitch(clients.ssm, config.killSwitchParameter)
        : killSwitchOff,
    clock,
    ...(clients.eks ? { clusters: eksDirectory(clients.eks, clock) } : {}),
    settings: {
      policy: {
        attachesPerMin: config.attachesPerMin,
        safetyMargin: config.safetyMargin,
        spreadSec: config.spreadSec,
        othersBurstFactor: config.othersBurstFactor,
      },
      deadlineGraceMs: config.deadlineGraceSec * 1000,
      optInTagKey: config.optInTagKey,
      optInTagValue: config.optInTagValue,
    },
  };
}

/** Node group lookups, and the clusters' `vpc-cni` add-on read at most once per TTL. */
function eksDirectory(eks: EKSClient, clock: Clock): NonNullable<StaggerDeps['clusters']> {
  const directory = new EksClusterDirectory(eks);
  const addons = cachedCniAddons(directory, clock);
  return {
    describeNodeGroup: (clusterName, nodegroupName) =>
      directory.describeNodeGroup(clusterName, nodegroupName),
    getCniAddon: (clusterName) => addons.getCniAddon(clusterName),
  };
}

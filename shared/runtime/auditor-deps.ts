import { Metrics } from '@aws-lambda-powertools/metrics';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AutoScalingGroupsAdapter } from '../adapters/aws/auto-scaling-groups.js';
import { DynamoDbAuditStore } from '../adapters/aws/dynamodb-audit-store.js';
import { DynamoDbStateStore } from '../adapters/aws/dynamodb-state-store.js';
import { Ec2ClusterInstances } from '../adapters/aws/ec2-cluster-instances.js';
import { Ec2InstanceCatalog } from '../adapters/aws/ec2-instance-catalog.js';
import { Ec2SubnetInventory } from '../adapters/aws/ec2-subnet-inventory.js';
import { EksClusterDirectory } from '../adapters/aws/eks-cluster-directory.js';
import { EventBridgePublisher } from '../adapters/aws/eventbridge-publisher.js';
import { METRICS_NAMESPACE, PowertoolsMetricsSink } from '../adapters/aws/powertools-metrics-sink.js';
import { SnsAlertPublisher } from '../adapters/aws/sns-alert-publisher.js';
import { RecordingAlertPublisher } from '../adapters/memory/recording-alert-publisher.js';
import type { AlertKind, AlertPolicy } from '../domain/alert-policy.js';
import type { Clock } from '../ports/clock.js';
import type { EventPublisher } from '../ports/event-publisher.js';
import type { AuditSettings } from '../use-cases/audit/audit-settings.js';
import type { AuditorDeps } from '../use-cases/run-capacity-audit.js';
import type { AuditConfig, GuardConfig } from './config.js';
import { currentCorrelationId } from './correlation-id.js';
import { logger, SERVICE_NAME } from './logger.js';
import { traceClient } from './tracing.js';

/** SDK clients the auditor talks to. */
export interface AuditorClients {
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  readonly eks: EKSClient;
  readonly sns: SNSClient;
  readonly eventBridge: EventBridgeClient;
  /** Absent when the caller supplies its own audit store (the simulator). */
  readonly dynamodb?: DynamoDBClient;
}

/** Adaptive retries: throttling slows the audit down instead of failing it. */
export const AUDITOR_CLIENT_OPTIONS = { retryMode: 'adaptive', maxAttempts: 6 } as const;

/** The auditor's clients with the Lambda's default credentials and Region; built once per container (traced when tracing started). */
export function buildAuditorClients(): Required<AuditorClients> {
  return {
    ec2: traceClient(new EC2Client(AUDITOR_CLIENT_OPTIONS)),
    autoScaling: traceClient(new AutoScalingClient(AUDITOR_CLIENT_OPTIONS)),
    eks: traceClient(new EKSClient(AUDITOR_CLIENT_OPTIONS)),
    sns: traceClient(new SNSClient(AUDITOR_CLIENT_OPTIONS)),
    eventBridge: traceClient(new EventBridgeClient(AUDITOR_CLIENT_OPTIONS)),
    dynamodb: traceClient(new DynamoDBClient(AUDITOR_CLIENT_OPTIONS)),
  };
}

const MINUTE_MS = 60_000;

/** Alert policies from the configured thresholds (clear margins as in `DEFAULT_ALERT_POLICIES`). */
export function buildAlertPolicies(audit: AuditConfig): Record<AlertKind, AlertPolicy> {
  const renotifyIntervalMs = audit.reminderIntervalMin * MINUTE_MS;
  return {
    'subnet-ips': {
      warning: {
        headroomPercentBelow: audit.subnetWarningPercent,
        minutesToExhaustionBelow: audit.warningMinutes,
      },
      critical: {
        headroomPercentBelow: audit.subnetCriticalPercent,
        headroomBelow: audit.subnetCriticalIps,
        minutesToExhaustionBelow: audit.criticalMinutes,
      },
      clearMargin: { headroom: 8, headroomPercent: 5, minutes: 60 },
      renotifyIntervalMs,
    },
    'subnet-prefix-blocks': {
      warning: { headroomBelow: audit.prefixWarningBlocks, minutesToExhaustionBelow: audit.warningMinutes },
      critical: {
        headroomBelow: audit.prefixCriticalBlocks,
        minutesToExhaustionBelow: audit.criticalMinutes,
      },
      clearMargin: { headroom: 2, headroomPercent: 0, minutes: 60 },
      renotifyIntervalMs,
    },
    'node-group-headroom': {
      warning: { headroomBelow: audit.groupWarningNodes },
      critical: { headroomBelow: audit.groupCriticalNodes },
      clearMargin: { headroom: 2, headroomPercent: 0, minutes: 0 },
      renotifyIntervalMs,
    },
  };
}

/** The audit settings a deployed auditor runs with. */
export function buildAuditSettings(config: GuardConfig, accountId: string, region: string): AuditSettings {
  const { audit } = config;
  return {
    accountId,
    region,
    clusterNames: audit.clusterNames,
    optInTag: { key: config.optInTagKey, value: config.optInTagValue },
    autoScalingGroupNames: audit.autoScalingGroupNames,
    cniOverrides: audit.cniOverrides,
    eniConfigSubnets: audit.eniConfigSubnets,
    policies: buildAlertPolicies(audit),
    sampleTtlMs: audit.sampleTtlDays * 24 * 60 * MINUTE_MS,
    forecastWindowMs: audit.forecastWindowMin * MINUTE_MS,
    attachesPerMin: config.attachesPerMin,
    publishAlerts: config.alertTopicArn !== null,
  };
}

export interface AuditorWiringOptions {
  readonly region: string;
  /** Used until an event names the account (`runCapacityAudit` input `accountId`). */
  readonly accountId?: string;
  /** Replaces any port (the simulator passes an in-memory store, tests a recording sink). */
  readonly overrides?: Partial<AuditorDeps>;
}

export interface AuditorWiring {
  readonly deps: AuditorDeps;
  readonly events: EventPublisher;
  readonly clock: Clock;
}

/**
 * Wires the capacity audit to AWS clients. The handler calls it once per container; the simulator and the
 * integration tests call it with their own clients, clock and overrides. Without an alert topic, alerts are
 * evaluated and reported but not sent.
 */
export function buildAuditorDeps(
  config: GuardConfig,
  clients: AuditorClients,
  clock: Clock,
  options: AuditorWiringOptions,
): AuditorWiring {
  const overrides = options.overrides ?? {};
  const store =
    overrides.store ??
    (clients.dynamodb
      ? new DynamoDbAuditStore(
          DynamoDBDocumentClient.from(clients.dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
          config.stateTableName,
        )
      : undefined);
  if (store === undefined)
    throw new Error('buildAuditorDeps: a DynamoDB client or an audit store is required');
  const deps: AuditorDeps = {
    subnets: new Ec2SubnetInventory(clients.ec2),
    clusters: new EksClusterDirectory(clients.eks),
    instances: new Ec2ClusterInstances(clients.ec2),
    scalingGroups: new AutoScalingGroupsAdapter(clients.autoScaling),
    instanceCatalog: new Ec2InstanceCatalog(clients.ec2),
    publisher:
      config.alertTopicArn === null
        ? new RecordingAlertPublisher()
        : new SnsAlertPublisher(clients.sns, config.alertTopicArn),
    metrics: new PowertoolsMetricsSink(
      new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    ),
    settings: buildAuditSettings(config, options.accountId ?? 'unknown', options.region),
    ...(clients.dynamodb
      ? { staggerPlans: new DynamoDbStateStore(clients.dynamodb, config.stateTableName) }
      : {}),
    ...overrides,
    store,
  };
  return {
    deps,
    events: new EventBridgePublisher(clients.eventBridge, config.eventBusName, currentCorrelationId(logger)),
    clock,
  };
}

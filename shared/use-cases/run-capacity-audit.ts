import {
  type AlertKind,
  type AlertObservation,
  type AlertState,
  alertKey,
  evaluateAlert,
  type Severity,
  Severity as SeverityLevel,
} from '../domain/alert-policy.js';
import { buildAlertMessage } from '../domain/chatbot-message.js';
import { CapacityInputError, maxPodNetworkPods, nodeHoldings } from '../domain/cni-capacity.js';
import { type CapacitySample, ForecastMetric, forecastExhaustion } from '../domain/exhaustion-forecast.js';
import { type InstanceLimits, supportsPrefixDelegation } from '../domain/instance-limits.js';
import { parseCidr } from '../domain/ipv4.js';
import { describePrefixFeasibility } from '../domain/prefix-feasibility.js';
import { type Recommendation, recommend } from '../domain/recommendations.js';
import {
  mapSubnetAddresses,
  SubnetAddressError,
  type SubnetAddressMap,
} from '../domain/subnet-address-map.js';
import {
  type GroupSubnet,
  inFlightDemandBySubnet,
  type NodeGroupHeadroom,
  type NodeSubnetUsage,
  nodeGroupHeadroom,
  type PendingGroup,
  type SubnetCapacity,
  type SubnetHeadroom,
  subnetHeadroom,
  usageFromHoldings,
} from '../domain/subnet-headroom.js';
import type { AlertPublisher } from '../ports/alert-publisher.js';
import { type AuditStore, ConcurrentUpdateError, type Versioned } from '../ports/audit-store.js';
import type { ClusterDirectory } from '../ports/cluster-directory.js';
import type { GuardStateStore } from '../ports/guard-state-store.js';
import { type InstanceCatalog, UnknownInstanceTypeError } from '../ports/instance-catalog.js';
import {
  AuditMetricName,
  type MetricPoint,
  type MetricsSink,
  MetricUnitName,
} from '../ports/metrics-sink.js';
import type { ScalingGroup, ScalingGroups } from '../ports/scaling-groups.js';
import type { NetworkInterfaceAddresses, SubnetInfo, SubnetInventory } from '../ports/subnet-inventory.js';
import { AlertDeliveryError, type UndeliveredAlert } from './audit/alert-delivery-error.js';
import type {
  AlertReport,
  AuditMode,
  AuditReport,
  NodeGroupReport,
  SubnetReport,
} from './audit/audit-report.js';
import type { AuditSettings } from './audit/audit-settings.js';
import { type AuditedGroup, discoverGroups } from './audit/discover-groups.js';
import { mapWithConcurrency } from './audit/map-with-concurrency.js';
import { estimatePodsPerNode } from './audit/pod-density.js';

export { AlertDeliveryError, type UndeliveredAlert } from './audit/alert-delivery-error.js';
export type { AuditMode, AuditReport } from './audit/audit-report.js';

export interface AuditorDeps {
  readonly subnets: SubnetInventory;
  readonly clusters: ClusterDirectory;
  readonly scalingGroups: Pick<ScalingGroups, 'describe' | 'listTagged'>;
  readonly instanceCatalog: InstanceCatalog;
  readonly store: AuditStore;
  readonly publisher: AlertPublisher;
  readonly metrics: MetricsSink;
  readonly settings: AuditSettings;
  /** Called at each stage with a short line (the CLI prints it on stderr). */
  readonly progress?: (message: string) => void;
  /** The stagger guard's open plans: capacity they have yet to release is in-flight demand too. */
  readonly staggerPlans?: Pick<GuardStateStore, 'listPlans'>;
}

export interface AuditInput {
  readonly nowMs: number;
  readonly mode: AuditMode;
  /** Overrides `settings.accountId` (e.g. the `account` of the triggering event). */
  readonly accountId?: string;
}

/** Calls of one kind made in parallel against a subnet-sized list. */
const CONCURRENCY = 8;
/** DOMAIN.md §3: the attach budget is counted over a rolling 60 s window. */
const ATTACH_WINDOW_MS = 60_000;
/** EKS health issue that confirms the subnets are out of addresses (EVENTS.md). */
const OUT_OF_ADDRESSES_ISSUE = 'InsufficientFreeAddresses';
const RANK: Readonly<Record<Severity, number>> = { OK: 0, WARNING: 1, CRITICAL: 2 };

interface GroupModel {
  readonly group: AuditedGroup;
  readonly limits: InstanceLimits;
  readonly subnets: readonly GroupSubnet[];
  readonly atBoot: NodeSubnetUsage;
  readonly atFullDensity: NodeSubnetUsage;
  readonly podsPerNodeAtFullDensity: number;
  readonly pendingNodes: number;
}

interface SubnetModel {
  readonly info: SubnetInfo;
  readonly map: SubnetAddressMap | null;
  readonly capacity: SubnetCapacity;
  readonly usableIpCount: number;
  readonly clusterName: string | null;
  /** Pod subnet of a group running prefix delegation: /28 blocks are watched too. */
  readonly prefixMode: boolean;
}

interface Observed {
  readonly observation: AlertObservation;
  readonly details: Readonly<Record<string, string | number>>;
  readonly groupNames: readonly string[];
}

function worst(severities: readonly Severity[]): Severity {
  return severities.reduce<Severity>((a, b) => (RANK[b] > RANK[a] ? b : a), SeverityLevel.ok);
}

function minOrNull(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.min(...known);
}

async function loadLimits(
  catalog: InstanceCatalog,
  types: readonly string[],
  warnings: string[],
): Promise<ReadonlyMap<string, InstanceLimits>> {
  if (types.length === 0) return new Map();
  try {
    return await catalog.getLimits(types);
  } catch (error) {
    if (!(error instanceof UnknownInstanceTypeError)) throw error;
    warnings.push(`${error.message}; node groups of those types are left out`);
    const known = types.filter((type) => !error.instanceTypes.includes(type));
    return known.length === 0 ? new Map() : catalog.getLimits(known);
  }
}

function groupSubnetsOf(
  group: AuditedGroup,
  subnets: ReadonlyMap<string, SubnetInfo>,
  eniConfig: Readonly<Record<string, string>> | undefined,
  warnings: string[],
): GroupSubnet[] {
  const known = group.subnetIds.filter((id) => subnets.has(id));
  const perAz = new Map<string, number>();
  for (const asg of group.autoScalingGroups) {
    for (const instance of asg.instances) {
      if (instance.availabilityZone === undefined || instance.lifecycleState.startsWith('Terminat')) continue;
      perAz.set(instance.availabilityZone, (perAz.get(instance.availabilityZone) ?? 0) + 1);
    }
  }
  const result: GroupSubnet[] = [];
  for (const subnetId of known) {
    const az = subnets.get(subnetId)?.availabilityZone ?? '';
    // Several subnets in one AZ: the AZ's instances are counted on the first of them.
    const instanceCount = perAz.get(az) ?? 0;
    perAz.delete(az);
    const podSubnetId = group.cni.customNetworking ? eniConfig?.[az] : undefined;
    if (group.cni.customNetworking && podSubnetId === undefined) {
      warnings.push(
        `${group.name}: custom networking without an ENIConfig subnet for ${az}; pod addresses counted in ${subnetId}`,
      );
    }
    result.push({ subnetId, instanceCount, ...(podSubnetId === undefined ? {} : { podSubnetId }) });
  }
  return result;
}

function buildGroupModel(
  group: AuditedGroup,
  limits: InstanceLimits,
  subnets: readonly GroupSubnet[],
  warnings: string[],
  plannedExtraNodes = 0,
): GroupModel | null {
  try {
    const podsCap = maxPodNetworkPods(limits, group.cni, group.maxPodsCap);
    const pods = Math.min(group.podsPerNodeTag ?? podsCap, podsCap);
    const atBoot = nodeHoldings(limits, group.cni, 0, group.maxPodsCap);
    const full = nodeHoldings(limits, group.cni, pods, group.maxPodsCap);
    if (atBoot.prefixDelegationFellBack) {
      warnings.push(
        `${group.name}: ${limits.instanceType} is not Nitro-based; the CNI falls back to secondary IPs`,
      );
    }
    return {
      group,
      limits,
      subnets,
      atBoot: usageFromHoldings(atBoot, group.cni.customNetworking),
      atFullDensity: usageFromHoldings(full, group.cni.customNetworking),
      podsPerNodeAtFullDensity: pods,
      pendingNodes:
        Math.max(0, group.desiredCapacity - group.inServiceCount) +
        plannedExtraNodes +
        group.updateSurgeNodes,
    };
  } catch (error) {
    if (!(error instanceof CapacityInputError)) throw error;
    warnings.push(`${group.name}: ${error.message}; left out`);
    return null;
  }
}

function usableIpCount(cidr: string): number {
  try {
    // DOMAIN.md §5: AWS keeps 5 addresses of every subnet.
    return Math.max(0, parseCidr(cidr).size - 5);
  } catch {
    return 0;
  }
}

/**
 * Attaches of the last 60 s among the ENIs of the audited subnets. The budget is Region-wide (DOMAIN.md §3):
 * ENIs in other subnets or VPCs are not listed by the audit, so this is the audited subnets' share only.
 */
function attachesInWindow(enis: readonly NetworkInterfaceAddresses[], nowMs: number): number {
  // DOMAIN.md §3: the primary ENI (device index 0) comes with RunInstances, not AttachNetworkInterface.
  return enis.filter(
    (eni) =>
      eni.deviceIndex !== null &&
      eni.deviceIndex > 0 &&
      eni.attachTimeMs !== null &&
      eni.attachTimeMs > nowMs - ATTACH_WINDOW_MS &&
      eni.attachTimeMs <= nowMs,
  ).length;
}

/**
 * Nodes open stagger plans will still add to each Auto Scaling group: their target less the group's desired
 * capacity now (the guard holds desired below the target while it paces the group).
 */
async function plannedExtraNodes(
  plans: Pick<GuardStateStore, 'listPlans'> | undefined,
): Promise<ReadonlyMap<string, (asg: ScalingGroup) => number>> {
  const extra = new Map<string, (asg: ScalingGroup) => number>();
  if (!plans) return extra;
  for (const { value: plan } of await plans.listPlans()) {
    if (plan.completedAtMs !== undefined) continue;
    extra.set(plan.groupName, (asg) =>
      Math.max(0, plan.targetCapacity - Math.max(asg.desiredCapacity, plan.allowedCapacity)),
    );
  }
  return extra;
}

/**
 * One capacity audit: discovers node groups, their CNI settings and subnets; computes per-subnet headroom
 * net of in-flight demand, free aligned /28 blocks, fragmentation and time to exhaustion; per-group
 * headroom in nodes; evaluates alerts against the stored states (one notification per state change,
 * reminders, resolved notices), publishes them, stores samples and states, emits metrics and returns the
 * report. `full` mode adds recommendations to the report.
 *
 * Alert states are claimed with a versioned write before the notification is published: when two runs
 * overlap, only the one whose write lands notifies. A publish that fails puts the state from before the
 * claim back, so the next run notifies again; the other alerts, the samples and the metrics go ahead.
 *
 * @throws AlertDeliveryError after samples and metrics are stored, when some alerts could not be claimed or
 *   published (it carries the report).
 */
export async function runCapacityAudit(deps: AuditorDeps, input: AuditInput): Promise<AuditReport> {
  const { nowMs } = input;
  const { settings } = deps;
  const accountId = input.accountId ?? deps.settings.accountId;
  const progress = deps.progress ?? (() => undefined);

  progress('discovering clusters and node groups');
  const discovery = await discoverGroups(deps);
  const plannedExtra = await plannedExtraNodes(deps.staggerPlans);
  const warnings = [...discovery.warnings];

  const instanceTypes = [
    ...new Set(discovery.groups.map((g) => g.instanceType).filter((t): t is string => t !== null)),
  ];
  for (const group of discovery.groups) {
    if (group.instanceType === null)
      warnings.push(`${group.name}: instance type unknown (no instances); left out`);
  }
  const limitsByType = await loadLimits(deps.instanceCatalog, instanceTypes, warnings);

  const eniConfigSubnetIds = discovery.groups.flatMap((group) =>
    group.cni.customNetworking && group.clusterName !== null
      ? Object.values(deps.settings.eniConfigSubnets[group.clusterName] ?? {})
      : [],
  );
  const subnetIds = [...new Set([...discovery.groups.flatMap((g) => g.subnetIds), ...eniConfigSubnetIds])];
  progress(`reading ${subnetIds.length} subnets`);
  const subnetInfos = await deps.subnets.describeSubnets({ subnetIds });
  const subnetsById = new Map(subnetInfos.map((info) => [info.subnetId, info]));
  for (const id of subnetIds) if (!subnetsById.has(id)) warnings.push(`subnet ${id} does not exist; skipped`);
  const auditedIds = subnetInfos.map((info) => info.subnetId);

  progress(`reading network interfaces of ${auditedIds.length} subnets`);
  const enis = auditedIds.length > 0 ? await deps.subnets.listNetworkInterfaces(auditedIds) : [];
  progress('reading subnet CIDR reservations');
  const reservations = await mapWithConcurrency(auditedIds, CONCURRENCY, (id) =>
    deps.subnets.listCidrReservations(id),
  );

  const groupModels: GroupModel[] = [];
  for (const group of discovery.groups) {
    const limits = group.instanceType === null ? undefined : limitsByType.get(group.instanceType);
    if (limits === undefined) continue;
    const eniConfig =
      group.clusterName === null ? undefined : deps.settings.eniConfigSubnets[group.clusterName];
    const groupSubnets = groupSubnetsOf(group, subnetsById, eniConfig, warnings);
    if (groupSubnets.length === 0) {
      warnings.push(`${group.name}: none of its subnets could be read; left out`);
      continue;
    }
    const extra = group.autoScalingGroups.reduce(
      (sum, asg) => sum + (plannedExtra.get(asg.name)?.(asg) ?? 0),
      0,
    );
    const model = buildGroupModel(group, limits, groupSubnets, warnings, extra);
    if (model !== null) groupModels.push(model);
  }

  const subnetModels = buildSubnetModels(subnetInfos, enis, reservations, groupModels, warnings);
  const capacities = subnetModels.map((model) => model.capacity);
  const pending: PendingGroup[] = groupModels.map((model) => ({
    groupName: model.group.name,
    pendingNodes: model.pendingNodes,
    subnets: model.subnets,
    perNode: model.atBoot,
  }));
  const inFlight = inFlightDemandBySubnet(pending);
  const headrooms = new Map(
    subnetModels.map((model) => [
      model.info.subnetId,
      subnetHeadroom(model.capacity, inFlight.get(model.info.subnetId)),
    ]),
  );

  progress('forecasting');
  const forecasts = await mapWithConcurrency(subnetModels, CONCURRENCY, async (model) => {
    const stored = await deps.store.readSamples(model.info.subnetId, nowMs - settings.forecastWindowMs);
    const current: CapacitySample = {
      atMs: nowMs,
      freeIpCount: model.info.availableIpCount,
      freePrefixBlocks: model.map?.freePrefixBlocks ?? null,
    };
    const samples = [...stored.filter((sample) => sample.atMs < nowMs), current];
    const headroom = headrooms.get(model.info.subnetId);
    const ips = forecastExhaustion(samples, {
      nowMs,
      headroomNow: headroom?.headroomIps ?? 0,
      windowMs: settings.forecastWindowMs,
    });
    const blocksHeadroom = headroom?.prefixBlocksHeadroom ?? null;
    const blocks =
      model.prefixMode && blocksHeadroom !== null
        ? forecastExhaustion(samples, {
            nowMs,
            headroomNow: blocksHeadroom,
            metric: ForecastMetric.freePrefixBlocks,
            windowMs: settings.forecastWindowMs,
          })
        : null;
    return { subnetId: model.info.subnetId, current, ips, blocks };
  });
  const forecastById = new Map(forecasts.map((forecast) => [forecast.subnetId, forecast]));

  const groupHeadrooms = new Map<string, NodeGroupHeadroom>();
  for (const model of groupModels) {
    groupHeadrooms.set(
      model.group.name,
      nodeGroupHeadroom({
        groupName: model.group.name,
        subnets: model.subnets,
        pendingNodes: model.pendingNodes,
        capacities,
        inFlight,
        perNodeAtBoot: model.atBoot,
        perNodeAtFullDensity: model.atFullDensity,
        podsPerNodeAtFullDensity: model.podsPerNodeAtFullDensity,
      }),
    );
  }

  // Indexed once: per-group scans of every ENI or subnet made a 1,000-subnet audit quadratic.
  const enisByInstance = new Map<string, NetworkInterfaceAddresses[]>();
  for (const eni of enis) {
    if (eni.instanceId === null) continue;
    const list = enisByInstance.get(eni.instanceId) ?? [];
    list.push(eni);
    enisByInstance.set(eni.instanceId, list);
  }
  const subnetModelsById = new Map(subnetModels.map((model) => [model.info.subnetId, model]));
  const recommendations = groupModels.flatMap((model) =>
    recommendFor(model, enisByInstance, headrooms, subnetModelsById, warnings),
  );
  const usersBySubnet = groupsBySubnet(groupModels, (s) => [s.subnetId, s.podSubnetId]);

  const observed: Observed[] = [];
  for (const model of subnetModels) {
    const headroom = headrooms.get(model.info.subnetId);
    const forecast = forecastById.get(model.info.subnetId);
    if (headroom === undefined || forecast === undefined) continue;
    const groupNames = (usersBySubnet.get(model.info.subnetId) ?? []).map((g) => g.group.name);
    const subject = (kind: AlertKind) => ({
      accountId,
      region: settings.region,
      subjectId: model.info.subnetId,
      kind,
      ...(model.clusterName === null ? {} : { clusterName: model.clusterName }),
    });
    const details = {
      'Available IPs': model.info.availableIpCount,
      'In-flight IPs': headroom.inFlightIps,
      ...(model.map === null
        ? {}
        : {
            'Free /28 blocks': model.map.freePrefixBlocks,
            '/28 prefixes': describePrefixFeasibility(model.map),
          }),
    };
    observed.push({
      observation: {
        subject: subject('subnet-ips'),
        headroom: headroom.headroomIps,
        capacity: model.usableIpCount,
        minutesToExhaustion: forecast.ips.minutesToExhaustion,
      },
      details,
      groupNames,
    });
    if (model.prefixMode && headroom.prefixBlocksHeadroom !== null) {
      observed.push({
        observation: {
          subject: subject('subnet-prefix-blocks'),
          headroom: headroom.prefixBlocksHeadroom,
          capacity: null,
          noCapacityPossible: model.map?.prefixFeasibility.kind === 'impossible',
          minutesToExhaustion: forecast.blocks?.minutesToExhaustion ?? null,
        },
        details,
        groupNames,
      });
    }
  }
  for (const model of groupModels) {
    const headroom = groupHeadrooms.get(model.group.name);
    if (headroom === undefined) continue;
    const outOfAddresses = model.group.healthIssueCodes.includes(OUT_OF_ADDRESSES_ISSUE);
    observed.push({
      observation: {
        subject: {
          accountId,
          region: settings.region,
          subjectId: model.group.name,
          kind: 'node-group-headroom',
          ...(model.group.clusterName === null ? {} : { clusterName: model.group.clusterName }),
        },
        // EKS already reports the group out of addresses: nothing can be added, whatever the model says.
        headroom: outOfAddresses ? 0 : headroom.atFullDensity.nodes,
        capacity: null,
        minutesToExhaustion: minOrNull(
          model.subnets.map(
            (s) => forecastById.get(s.podSubnetId ?? s.subnetId)?.ips.minutesToExhaustion ?? null,
          ),
        ),
      },
      details: {
        'Instance type': model.limits.instanceType,
        'Pending nodes': model.pendingNodes,
        'Nodes at boot': headroom.atBoot.nodes,
        ...(headroom.atFullDensity.limitingSubnetId === null
          ? {}
          : { 'Limiting subnet': headroom.atFullDensity.limitingSubnetId }),
        ...(outOfAddresses ? { 'EKS health': OUT_OF_ADDRESSES_ISSUE } : {}),
      },
      groupNames: [model.group.name],
    });
  }

  progress('evaluating alerts');
  const { reports: alerts, undelivered } = await evaluateAndNotify(deps, observed, recommendations, nowMs);

  const severityOf = (subjectId: string, kinds: readonly AlertKind[]) =>
    worst(alerts.filter((a) => a.subjectId === subjectId && kinds.includes(a.kind)).map((a) => a.severity));

  const subnetReports: SubnetReport[] = subnetModels.map((model) => {
    const headroom = headrooms.get(model.info.subnetId) as SubnetHeadroom;
    const forecast = forecastById.get(model.info.subnetId);
    return {
      subnetId: model.info.subnetId,
      cidr: model.info.cidr,
      availabilityZone: model.info.availabilityZone,
      availableIps: model.info.availableIpCount,
      inFlightIps: headroom.inFlightIps,
      headroomIps: headroom.headroomIps,
      freePrefixBlocks: model.map?.freePrefixBlocks ?? null,
      fragmentationScore:
        model.map?.fragmentationScore == null ? null : round(model.map.fragmentationScore, 3),
      prefixFeasibility: model.map?.prefixFeasibility ?? null,
      minutesToExhaustion: roundOrNull(
        minOrNull([forecast?.ips.minutesToExhaustion ?? null, forecast?.blocks?.minutesToExhaustion ?? null]),
      ),
      status: severityOf(model.info.subnetId, ['subnet-ips', 'subnet-prefix-blocks']),
    };
  });
  const groupReports: NodeGroupReport[] = discovery.groups.map((group) => {
    const model = groupModels.find((m) => m.group === group);
    const headroom = groupHeadrooms.get(group.name);
    return {
      name: group.name,
      cluster: group.clusterName,
      autoScalingGroups: group.autoScalingGroups.map((asg) => asg.name),
      instanceType: group.instanceType,
      pendingNodes: model?.pendingNodes ?? Math.max(0, group.desiredCapacity - group.inServiceCount),
      headroomNodes: headroom?.atFullDensity.nodes ?? null,
      headroomNodesAtBoot: headroom?.atBoot.nodes ?? null,
      limitingSubnetId: headroom?.atFullDensity.limitingSubnetId ?? null,
      status: severityOf(group.name, ['node-group-headroom']),
    };
  });

  const attachesLastMinute = attachesInWindow(enis, nowMs);
  const attachBudget = {
    attachesLastMinute,
    attachesPerMin: settings.attachesPerMin,
    usedPercent: round((100 * attachesLastMinute) / settings.attachesPerMin, 1),
  };

  progress('storing samples and emitting metrics');
  await deps.store.putSamples(
    forecasts.map((forecast) => ({
      subnetId: forecast.subnetId,
      sample: forecast.current,
      expiresAtMs: nowMs + settings.sampleTtlMs,
    })),
  );
  await deps.metrics.emit(metricPoints(subnetReports, groupReports, attachBudget.usedPercent));

  const report: AuditReport = {
    mode: input.mode,
    generatedAt: new Date(nowMs).toISOString(),
    accountId,
    region: settings.region,
    subnets: subnetReports,
    nodeGroups: groupReports,
    alerts,
    recommendations: input.mode === 'full' ? recommendations : [],
    attachBudget,
    warnings,
  };
  if (undelivered.length > 0) throw new AlertDeliveryError(undelivered, report);
  return report;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value, 1);
}

function buildSubnetModels(
  infos: readonly SubnetInfo[],
  enis: readonly NetworkInterfaceAddresses[],
  reservations: readonly (readonly { cidr: string; type: 'prefix' | 'explicit' }[])[],
  groups: readonly GroupModel[],
  warnings: string[],
): SubnetModel[] {
  const usersBySubnet = groupsBySubnet(groups, (s) => [s.subnetId, s.podSubnetId]);
  const podUsersBySubnet = groupsBySubnet(groups, (s) => [s.podSubnetId ?? s.subnetId]);
  const enisBySubnet = new Map<string, NetworkInterfaceAddresses[]>();
  for (const eni of enis) {
    const list = enisBySubnet.get(eni.subnetId) ?? [];
    list.push(eni);
    enisBySubnet.set(eni.subnetId, list);
  }
  return infos.map((info, index) => {
    const inSubnet = enisBySubnet.get(info.subnetId) ?? [];
    let map: SubnetAddressMap | null = null;
    try {
      map = mapSubnetAddresses({
        cidr: info.cidr,
        privateIps: inSubnet.flatMap((eni) => eni.privateIps),
        prefixes: inSubnet.flatMap((eni) => eni.prefixes),
        reservations: reservations[index] ?? [],
      });
    } catch (error) {
      if (!(error instanceof SubnetAddressError)) throw error;
      warnings.push(`${info.subnetId}: addresses not mapped (${error.message}); /28 blocks unknown`);
    }
    if (map !== null && map.ec2AvailableIpCount !== info.availableIpCount) {
      warnings.push(
        `${info.subnetId}: EC2 reports ${info.availableIpCount} available IPs, the ENIs and reservations leave ` +
          `${map.ec2AvailableIpCount} (addresses changed between calls, or held by something not listed)`,
      );
    }
    const users = usersBySubnet.get(info.subnetId) ?? [];
    const podUsers = podUsersBySubnet.get(info.subnetId) ?? [];
    return {
      info,
      map,
      capacity: {
        subnetId: info.subnetId,
        availableIpCount: info.availableIpCount,
        freePrefixBlocks: map?.freePrefixBlocks ?? null,
        freePrefixBlocksInPrefixReservations: map?.freePrefixBlocksInPrefixReservations ?? 0,
      },
      usableIpCount: map === null ? usableIpCount(info.cidr) : map.totalIpCount - map.awsReservedIpCount,
      clusterName: users.find((g) => g.group.clusterName !== null)?.group.clusterName ?? null,
      prefixMode: podUsers.some((g) => g.group.cni.prefixDelegation && supportsPrefixDelegation(g.limits)),
    };
  });
}

/** Groups by the subnets `subnetsOf` names for each of their subnets, each group once per subnet, in order. */
function groupsBySubnet(
  groups: readonly GroupModel[],
  subnetsOf: (subnet: GroupSubnet) => readonly (string | undefined)[],
): Map<string, GroupModel[]> {
  const bySubnet = new Map<string, GroupModel[]>();
  for (const group of groups) {
    const ids = new Set(group.subnets.flatMap(subnetsOf));
    for (const id of ids) {
      if (id === undefined) continue;
      const list = bySubnet.get(id) ?? [];
      list.push(group);
      bySubnet.set(id, list);
    }
  }
  return bySubnet;
}

function recommendFor(
  model: GroupModel,
  enisByInstance: ReadonlyMap<string, readonly NetworkInterfaceAddresses[]>,
  headrooms: ReadonlyMap<string, SubnetHeadroom>,
  subnets: ReadonlyMap<string, SubnetModel>,
  warnings: string[],
): Recommendation[] {
  const { group, limits } = model;
  const instanceIds = new Set(
    group.autoScalingGroups.flatMap((asg) => asg.instances.map((i) => i.instanceId)),
  );
  const podsPerNode =
    group.podsPerNodeTag ??
    estimatePodsPerNode(
      [...instanceIds].flatMap((id) => enisByInstance.get(id) ?? []),
      group.cni,
      limits,
      group.maxPodsCap,
    ) ??
    model.podsPerNodeAtFullDensity;
  const podSubnetIds = [...new Set(model.subnets.map((s) => s.podSubnetId ?? s.subnetId))];
  try {
    return recommend({
      groupName: group.name,
      cni: group.cni,
      nodeCount: group.inServiceCount,
      podsPerNode,
      prefixDelegationSupported: supportsPrefixDelegation(limits),
      holdings: (cni, pods) => nodeHoldings(limits, cni, pods, group.maxPodsCap),
      subnets: podSubnetIds.map((subnetId) => {
        const subnet = subnets.get(subnetId);
        return {
          subnetId,
          freeIpCount: Math.max(0, headrooms.get(subnetId)?.headroomIps ?? 0),
          freePrefixBlocks: subnet?.map?.freePrefixBlocks ?? null,
          fragmentationScore: subnet?.map?.fragmentationScore ?? null,
        };
      }),
      growthNodes: Math.max(0, group.maxSize - group.desiredCapacity),
    });
  } catch (error) {
    if (!(error instanceof CapacityInputError)) throw error;
    warnings.push(`${group.name}: no recommendations (${error.message})`);
    return [];
  }
}

interface AlertOutcome {
  readonly reports: AlertReport[];
  readonly undelivered: UndeliveredAlert[];
}

async function evaluateAndNotify(
  deps: AuditorDeps,
  observed: readonly Observed[],
  recommendations: readonly Recommendation[],
  nowMs: number,
): Promise<AlertOutcome> {
  const stored = new Map<string, Versioned<AlertState>>(
    (await deps.store.listAlertStates()).map((state) => [state.value.key, state]),
  );
  const reports: AlertReport[] = [];
  const undelivered: UndeliveredAlert[] = [];
  for (const { observation, details, groupNames } of observed) {
    const key = alertKey(observation.subject);
    const previous = stored.get(key);
    const policy = deps.settings.policies[observation.subject.kind];
    const { next, notification } = evaluateAlert(previous?.value, observation, policy, nowMs);
    let published = false;
    let title: string | null = null;
    if (notification !== null) {
      const message = buildAlertMessage(notification, {
        nextSteps: recommendations.filter((r) => groupNames.includes(r.groupName)).map((r) => r.title),
        relatedResources: groupNames,
        details,
      });
      title = message.chatbot.content.title;
      const version = previous?.version ?? 0;
      let claimed = false;
      try {
        claimed = await claim(deps, next, version, nowMs);
      } catch (error) {
        // Nothing was written: the next run evaluates the same change again.
        undelivered.push({ key, title, error, willRetry: true });
      }
      if (claimed && deps.settings.publishAlerts) {
        try {
          await deps.publisher.publish(message);
          published = true;
        } catch (error) {
          const willRetry = await putBack(deps, key, previous?.value, version + 1, nowMs);
          undelivered.push({ key, title, error, willRetry });
        }
      }
    }
    if (next.severity === SeverityLevel.ok && notification === null) continue;
    reports.push({
      key,
      kind: observation.subject.kind,
      subjectId: observation.subject.subjectId,
      cluster: observation.subject.clusterName ?? null,
      severity: next.severity,
      previousSeverity: previous?.value.severity ?? SeverityLevel.ok,
      notification: notification?.kind ?? null,
      published,
      headroom: observation.headroom,
      minutesToExhaustion: roundOrNull(observation.minutesToExhaustion),
      title,
    });
  }
  return { reports, undelivered };
}

/** False when another run changed the state first: that run owns the notification. */
async function claim(deps: AuditorDeps, next: AlertState, version: number, nowMs: number): Promise<boolean> {
  try {
    await deps.store.putAlertState(next, version, stateExpiryMs(deps, next, nowMs));
    return true;
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return false;
    throw error;
  }
}

/**
 * After a failed publish, writes the state from before the claim back (as a new version), so the next run
 * sees the same change, or the same reminder due, and notifies again. An alert with no stored state goes
 * back to a fresh OK state. True when the state was put back, or another run has moved it on since (that
 * run decides what to send); false when the write failed.
 */
async function putBack(
  deps: AuditorDeps,
  key: string,
  previous: AlertState | undefined,
  claimedVersion: number,
  nowMs: number,
): Promise<boolean> {
  const state: AlertState = previous ?? {
    key,
    severity: SeverityLevel.ok,
    sinceMs: nowMs,
    activeSinceMs: null,
    lastNotifiedAtMs: null,
    lastEvaluatedAtMs: nowMs,
  };
  try {
    await deps.store.putAlertState(state, claimedVersion, stateExpiryMs(deps, state, nowMs));
    return true;
  } catch (error) {
    return error instanceof ConcurrentUpdateError;
  }
}

/** OK states are kept only as long as samples: an alert that stays OK needs no memory. */
function stateExpiryMs(deps: AuditorDeps, state: AlertState, nowMs: number): number | undefined {
  return state.severity === SeverityLevel.ok ? nowMs + deps.settings.sampleTtlMs : undefined;
}

function metricPoints(
  subnets: readonly SubnetReport[],
  groups: readonly NodeGroupReport[],
  attachBudgetUsedPercent: number,
): MetricPoint[] {
  const points: MetricPoint[] = [];
  for (const subnet of subnets) {
    const dimensions = { SubnetId: subnet.subnetId };
    points.push({
      name: AuditMetricName.freeIps,
      unit: MetricUnitName.count,
      value: subnet.availableIps,
      dimensions,
    });
    if (subnet.freePrefixBlocks !== null) {
      points.push({
        name: AuditMetricName.freePrefixBlocks,
        unit: MetricUnitName.count,
        value: subnet.freePrefixBlocks,
        dimensions,
      });
    }
    if (subnet.minutesToExhaustion !== null) {
      points.push({
        name: AuditMetricName.minutesToExhaustion,
        unit: MetricUnitName.none,
        value: subnet.minutesToExhaustion,
        dimensions,
      });
    }
  }
  for (const group of groups) {
    if (group.headroomNodes === null) continue;
    points.push({
      name: AuditMetricName.headroomNodes,
      unit: MetricUnitName.count,
      value: group.headroomNodes,
      dimensions: { NodeGroup: group.name },
    });
  }
  points.push({
    name: AuditMetricName.attachBudgetUsed,
    unit: MetricUnitName.percent,
    value: attachBudgetUsedPercent,
    dimensions: {},
  });
  return points;
}

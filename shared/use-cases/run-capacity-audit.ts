import {
  inFlightDemandBySubnet,
  type NodeGroupHeadroom,
  nodeGroupHeadroom,
  type PendingGroup,
  subnetHeadroom,
} from '../domain/subnet-headroom.js';
import { AlertDeliveryError } from './audit/alert-delivery-error.js';
import { attachesInWindow } from './audit/attach-window.js';
import { auditCoverage } from './audit/audit-coverage.js';
import type { AuditInput, AuditorDeps } from './audit/audit-deps.js';
import type { AuditReport } from './audit/audit-report.js';
import { auditScope } from './audit/audit-scope.js';
import { discoverGroups } from './audit/discover-groups.js';
import { CONCURRENCY, forecastSubnets } from './audit/forecast-subnets.js';
import { buildGroupModels, loadLimits, pendingGroupsOf, plannedExtraNodes } from './audit/group-models.js';
import { indexEnisByInstance, recommendForClusters } from './audit/group-recommendations.js';
import { mapWithConcurrency } from './audit/map-with-concurrency.js';
import { metricPoints } from './audit/metric-points.js';
import { evaluateAndNotify } from './audit/notify-alerts.js';
import { observe } from './audit/observations.js';
import { round } from './audit/report-numbers.js';
import { groupReports, subnetReports } from './audit/report-rows.js';
import { buildSubnetModels } from './audit/subnet-models.js';

export { AlertDeliveryError, type UndeliveredAlert } from './audit/alert-delivery-error.js';
export type { AuditInput, AuditorDeps } from './audit/audit-deps.js';
export type { AuditMode, AuditReport } from './audit/audit-report.js';

/**
 * One capacity audit: discovers node groups (managed, self-managed, Karpenter node pools and standalone nodes),
 * their CNI settings and every subnet their nodes and pods use, and the clusters' own subnets; computes per-subnet headroom
 * net of in-flight demand, free aligned /28 blocks, fragmentation and time to exhaustion; per-group
 * headroom in nodes; evaluates alerts against the stored states (one notification per state change,
 * reminders, resolved notices), publishes them, stores samples and states, emits metrics and returns the
 * report with its coverage (what could not be seen is a gap, never a healthy result). `full` mode adds
 * recommendations to the report.
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

  const scope = auditScope(discovery, settings);
  const subnetIds = scope.subnetIds;
  progress(`reading ${subnetIds.length} subnets`);
  const subnetInfos = subnetIds.length > 0 ? await deps.subnets.describeSubnets({ subnetIds }) : [];
  const subnetsById = new Map(subnetInfos.map((info) => [info.subnetId, info]));
  const missingSubnetIds = subnetIds.filter((id) => !subnetsById.has(id));
  const auditedIds = subnetInfos.map((info) => info.subnetId);

  progress(`reading network interfaces of ${auditedIds.length} subnets`);
  const enis = auditedIds.length > 0 ? await deps.subnets.listNetworkInterfaces(auditedIds) : [];
  progress('reading subnet CIDR reservations');
  const reservations = await mapWithConcurrency(auditedIds, CONCURRENCY, (id) =>
    deps.subnets.listCidrReservations(id),
  );

  const groupModels = buildGroupModels(
    {
      groups: discovery.groups,
      limitsByType,
      subnetsById,
      eniConfigSubnets: scope.eniConfigSubnets,
      plannedExtra,
    },
    warnings,
  );
  const subnetModels = buildSubnetModels(
    subnetInfos,
    enis,
    reservations,
    groupModels,
    warnings,
    scope.clusterBySubnet,
  );
  const capacities = subnetModels.map((model) => model.capacity);
  const pending: PendingGroup[] = groupModels.flatMap((model) => pendingGroupsOf(model, subnetsById));
  const inFlight = inFlightDemandBySubnet(pending);
  const headrooms = new Map(
    subnetModels.map((model) => [
      model.info.subnetId,
      subnetHeadroom(model.capacity, inFlight.get(model.info.subnetId)),
    ]),
  );

  progress('forecasting');
  const forecasts = await forecastSubnets(
    deps.store,
    subnetModels,
    headrooms,
    nowMs,
    settings.forecastWindowMs,
  );
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
  const enisByInstance = indexEnisByInstance(enis);
  const subnetModelsById = new Map(subnetModels.map((model) => [model.info.subnetId, model]));
  const recommendations = recommendForClusters(
    groupModels,
    { enisByInstance, headrooms, subnets: subnetModelsById, cniSources: discovery.cniSources },
    warnings,
  );

  const observed = observe({
    accountId,
    region: settings.region,
    subnets: subnetModels,
    groups: groupModels,
    subnetHeadrooms: headrooms,
    groupHeadrooms,
    forecasts: forecastById,
  });

  progress('evaluating alerts');
  const { reports: alerts, undelivered } = await evaluateAndNotify(deps, observed, recommendations, nowMs);
  const subnetRows = subnetReports(subnetModels, headrooms, forecastById, alerts);
  const groupRows = groupReports(discovery.groups, groupModels, groupHeadrooms, alerts);

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
  await deps.metrics.emit(metricPoints(subnetRows, groupRows, attachBudget.usedPercent));

  const report: AuditReport = {
    mode: input.mode,
    generatedAt: new Date(nowMs).toISOString(),
    accountId,
    region: settings.region,
    subnets: subnetRows,
    nodeGroups: groupRows,
    alerts,
    recommendations: input.mode === 'full' ? recommendations : [],
    attachBudget,
    coverage: auditCoverage(discovery, groupModels, missingSubnetIds),
    warnings,
  };
  if (undelivered.length > 0) throw new AlertDeliveryError(undelivered, report);
  return report;
}

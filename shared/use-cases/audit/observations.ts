import type { AlertKind, AlertObservation } from '../../domain/alert-policy.js';
import { describePrefixFeasibility } from '../../domain/prefix-feasibility.js';
import type { NodeGroupHeadroom, SubnetHeadroom } from '../../domain/subnet-headroom.js';
import type { SubnetForecast } from './forecast-subnets.js';
import { type GroupModel, groupsBySubnet } from './group-models.js';
import { minOrNull } from './report-numbers.js';
import type { SubnetModel } from './subnet-models.js';

/** EKS health issue that confirms the subnets are out of addresses (EVENTS.md). */
const OUT_OF_ADDRESSES_ISSUE = 'InsufficientFreeAddresses';

/** What the audit saw of one alert subject, with the facts shown in its notification. */
export interface Observed {
  readonly observation: AlertObservation;
  readonly details: Readonly<Record<string, string | number>>;
  readonly groupNames: readonly string[];
}

export interface ObservationInput {
  readonly accountId: string;
  readonly region: string;
  readonly subnets: readonly SubnetModel[];
  readonly groups: readonly GroupModel[];
  readonly subnetHeadrooms: ReadonlyMap<string, SubnetHeadroom>;
  readonly groupHeadrooms: ReadonlyMap<string, NodeGroupHeadroom>;
  readonly forecasts: ReadonlyMap<string, SubnetForecast>;
}

function subnetObservations(input: ObservationInput): Observed[] {
  const { accountId, region } = input;
  const usersBySubnet = groupsBySubnet(input.groups, (s) => [s.subnetId, s.podSubnetId]);
  const observed: Observed[] = [];
  for (const model of input.subnets) {
    const headroom = input.subnetHeadrooms.get(model.info.subnetId);
    const forecast = input.forecasts.get(model.info.subnetId);
    if (headroom === undefined || forecast === undefined) continue;
    const groupNames = (usersBySubnet.get(model.info.subnetId) ?? []).map((g) => g.group.name);
    const subject = (kind: AlertKind) => ({
      accountId,
      region,
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
  return observed;
}

function groupObservations(input: ObservationInput): Observed[] {
  const observed: Observed[] = [];
  for (const model of input.groups) {
    const headroom = input.groupHeadrooms.get(model.group.name);
    if (headroom === undefined) continue;
    const outOfAddresses = model.group.healthIssueCodes.includes(OUT_OF_ADDRESSES_ISSUE);
    observed.push({
      observation: {
        subject: {
          accountId: input.accountId,
          region: input.region,
          subjectId: model.group.name,
          kind: 'node-group-headroom',
          ...(model.group.clusterName === null ? {} : { clusterName: model.group.clusterName }),
        },
        // EKS already reports the group out of addresses: nothing can be added, whatever the model says.
        headroom: outOfAddresses ? 0 : headroom.atFullDensity.nodes,
        capacity: null,
        minutesToExhaustion: minOrNull(
          model.subnets.map(
            (s) => input.forecasts.get(s.podSubnetId ?? s.subnetId)?.ips.minutesToExhaustion ?? null,
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
  return observed;
}

/** The alert subjects of one audit: each subnet's addresses (and /28 blocks), then each group's headroom. */
export function observe(input: ObservationInput): Observed[] {
  return [...subnetObservations(input), ...groupObservations(input)];
}

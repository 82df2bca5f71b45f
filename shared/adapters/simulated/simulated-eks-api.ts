/** The simulated account's EKS API: the scenario's one cluster, its node groups and its vpc-cni add-on. */
import type { SimulatedAccount } from '../../simulator/simulated-account.js';
import { SimulatedApiError } from '../../simulator/simulated-api-error.js';
import { type Input, type Output, paginate } from './simulated-api-input.js';

function clusterFor(account: SimulatedAccount, name: unknown): string {
  if (name !== account.scenario.cluster.name) {
    throw new SimulatedApiError(
      'ResourceNotFoundException',
      `No cluster found for name: ${String(name)}.`,
      404,
    );
  }
  return account.scenario.cluster.name;
}

export function listClusters(account: SimulatedAccount, input: Input): Output {
  const { page, next } = paginate([account.scenario.cluster.name], input, 'maxResults', 'nextToken', 100);
  return { clusters: page, nextToken: next };
}

/** The scenario's cluster was created on its node groups' subnets. */
export function describeCluster(account: SimulatedAccount, input: Input): Output {
  const name = clusterFor(account, input.name);
  return {
    cluster: {
      name,
      status: 'ACTIVE',
      resourcesVpcConfig: {
        vpcId: account.scenario.vpc.vpcId,
        subnetIds: [...new Set([...account.groups.values()].flatMap((group) => group.spec.subnets))],
      },
    },
  };
}

export function listNodegroups(account: SimulatedAccount, input: Input): Output {
  clusterFor(account, input.clusterName);
  const names = [...account.groups.values()]
    .map((g) => g.spec.nodegroupName)
    .filter((n): n is string => n !== null);
  const { page, next } = paginate(names, input, 'maxResults', 'nextToken', 100);
  return { nodegroups: page, nextToken: next };
}

export function describeNodegroup(account: SimulatedAccount, input: Input): Output {
  const clusterName = clusterFor(account, input.clusterName);
  const group = [...account.groups.values()].find((g) => g.spec.nodegroupName === input.nodegroupName);
  if (!group) {
    throw new SimulatedApiError(
      'ResourceNotFoundException',
      `No node group found for name: ${String(input.nodegroupName)}.`,
      404,
    );
  }
  return {
    nodegroup: {
      nodegroupName: group.spec.nodegroupName,
      clusterName,
      status: 'ACTIVE',
      capacityType: 'ON_DEMAND',
      scalingConfig: { minSize: group.minSize, maxSize: group.maxSize, desiredSize: group.desiredCapacity },
      instanceTypes: [...group.spec.instanceTypes],
      subnets: [...group.spec.subnets],
      resources: { autoScalingGroups: [{ name: group.spec.name }] },
      health: { issues: [] },
      tags: { ...group.spec.tags },
    },
  };
}

/** The add-on's `configurationValues`: the scenario's non-default CNI settings as env strings. */
export function describeAddon(account: SimulatedAccount, input: Input): Output {
  const clusterName = clusterFor(account, input.clusterName);
  const cni = account.scenario.cluster.cni;
  if (input.addonName !== 'vpc-cni' || !cni.managedAddon) {
    throw new SimulatedApiError(
      'ResourceNotFoundException',
      `No addon: ${String(input.addonName)} found in cluster: ${clusterName}`,
      404,
    );
  }
  const env: Record<string, string> = {};
  if (cni.prefixDelegation) env.ENABLE_PREFIX_DELEGATION = 'true';
  if (cni.warmEniTarget !== 1) env.WARM_ENI_TARGET = String(cni.warmEniTarget);
  if (cni.warmIpTarget > 0) env.WARM_IP_TARGET = String(cni.warmIpTarget);
  if (cni.minimumIpTarget > 0) env.MINIMUM_IP_TARGET = String(cni.minimumIpTarget);
  if (cni.prefixDelegation) env.WARM_PREFIX_TARGET = String(cni.warmPrefixTarget);
  if (cni.customNetworking) env.AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG = 'true';
  if (cni.podEni) env.ENABLE_POD_ENI = 'true';
  if (cni.maxEni !== null) env.MAX_ENI = String(cni.maxEni);
  if (!cni.subnetDiscovery) env.ENABLE_SUBNET_DISCOVERY = 'false';
  return {
    addon: {
      addonName: 'vpc-cni',
      clusterName,
      status: 'ACTIVE',
      addonVersion: 'v1.20.4-eksbuild.1',
      configurationValues: Object.keys(env).length > 0 ? JSON.stringify({ env }) : '',
    },
  };
}

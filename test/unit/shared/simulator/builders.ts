import type { InstanceLimits } from '../../../../shared/domain/instance-limits.js';
import { Ec2Model } from '../../../../shared/simulator/ec2-model.js';
import { findSimulatorInstanceLimits } from '../../../../shared/simulator/instance-catalog.js';
import { IpamdNode } from '../../../../shared/simulator/ipamd-node.js';
import type { ScenarioCni } from '../../../../shared/simulator/scenario.js';
import { parseScenario, type Scenario } from '../../../../shared/simulator/scenario.js';
import { SeededRandom } from '../../../../shared/simulator/seeded-random.js';

export function buildLimits(instanceType = 'm5.large'): InstanceLimits {
  const limits = findSimulatorInstanceLimits(instanceType);
  if (!limits) throw new Error(`no limits for ${instanceType}`);
  return limits;
}

export function buildCni(overrides: Partial<ScenarioCni> = {}): ScenarioCni {
  return {
    managedAddon: true,
    prefixDelegation: false,
    warmEniTarget: 1,
    warmIpTarget: 0,
    minimumIpTarget: 0,
    warmPrefixTarget: 1,
    customNetworking: false,
    podEni: false,
    maxEni: null,
    subnetDiscovery: false,
    eniConfigSubnets: {},
    ...overrides,
  };
}

export function buildEc2(overrides: { attachBudgetPerMin?: number; nowMs?: () => number } = {}): Ec2Model {
  const ec2 = new Ec2Model({
    accountId: '111122223333',
    region: 'us-east-1',
    vpcId: 'vpc-0a1b2c3d4e5f60001',
    random: new SeededRandom(7),
    nowMs: overrides.nowMs ?? (() => 0),
    attachBudgetPerMin: overrides.attachBudgetPerMin ?? 40,
  });
  ec2.addSubnet({ id: 'subnet-a', cidr: '10.0.0.0/20', availabilityZone: 'us-east-1a' });
  ec2.addSubnet({ id: 'subnet-b', cidr: '10.0.16.0/24', availabilityZone: 'us-east-1a' });
  return ec2;
}

/** A node whose ipamd ran until settled, with `pods` pods bound (EC2 limits off, as at steady state). */
export function settleNode(options: {
  instanceType: string;
  cni: ScenarioCni;
  pods: number;
  maxPods: number;
}) {
  const ec2 = buildEc2();
  ec2.bypassLimits = true;
  const limits = buildLimits(options.instanceType);
  const instance = ec2.runInstance({ subnetId: 'subnet-a', limits, tags: {} });
  const node = new IpamdNode(instance, limits, options.cni, options.maxPods, () => ['subnet-a']);
  const env = { ec2, nowMs: () => 0, caller: instance.id, onAllocationFailure: () => undefined };
  for (let pod = 0; pod <= options.pods; pod++) {
    for (let i = 0; i < 32; i++) {
      const result = node.step(env);
      if (result.kind === 'eni-attached') node.addAttachedEni(result.eniId, result.units);
      else if (result.kind !== 'assigned') break;
      node.assignWaitingPods();
    }
    if (pod < options.pods) {
      node.podsBound += 1;
      node.assignWaitingPods();
    }
  }
  return { node, ec2 };
}

export function buildScenarioJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny',
    durationMin: 5,
    vpc: { subnets: [{ id: 'subnet-a', cidr: '10.0.0.0/22', availabilityZone: 'us-east-1a' }] },
    groups: [
      {
        name: 'workers',
        instanceType: 'm5.large',
        subnets: ['subnet-a'],
        minSize: 1,
        maxSize: 10,
        desiredCapacity: 2,
        podsPerNode: 20,
        tags: { 'capacity-guard/enabled': 'true' },
      },
    ],
    actions: [{ atSec: 30, group: 'workers', desired: 6, via: 'set-desired' }],
    ...overrides,
  };
}

export function buildScenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario(buildScenarioJson(overrides));
}

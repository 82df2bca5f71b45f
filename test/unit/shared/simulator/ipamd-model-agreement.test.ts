import { CapacityInputError, maxPods, nodeHoldings } from '../../../../shared/domain/cni-capacity.js';
import { type CniConfig, DEFAULT_CNI_CONFIG } from '../../../../shared/domain/cni-config.js';
import { IpamdNode } from '../../../../shared/simulator/ipamd-node.js';
import { buildCni, buildEc2, buildLimits } from './builders.js';

/**
 * The capacity model (`nodeHoldings`) against the simulator's ipamd, case by case at steady state: pods
 * arrive one at a time from 0 to 250 (or the node's limit) and ipamd runs until it has nothing to do after
 * each. Both follow aws/amazon-vpc-cni-k8s `pkg/ipamd/ipamd.go` (`isDatastorePoolTooLow`,
 * `datastoreTargetState`, `getPrefixesNeeded`, `tryAssignPrefixes`, `tryAllocateENI`) and
 * `pkg/ipamd/datastore/data_store.go` (`GetIPStats`, `GetFreePrefixes`).
 */
interface Snapshot {
  readonly enis: number;
  readonly ips: number;
  readonly running: number;
}

const MAX_PODS_SWEPT = 250;

function rampSimulator(
  instanceType: string,
  cni: CniConfig,
  kubeletMaxPods: number,
  pods: number,
): Snapshot[] {
  const ec2 = buildEc2();
  ec2.bypassLimits = true;
  const limits = buildLimits(instanceType);
  const instance = ec2.runInstance({ subnetId: 'subnet-a', limits, tags: {} });
  const node = new IpamdNode(instance, limits, buildCni(cni), kubeletMaxPods, () => ['subnet-a']);
  const env = { ec2, nowMs: () => 0, caller: instance.id, onAllocationFailure: () => undefined };
  const settle = (): void => {
    for (let cycle = 0; cycle < 64; cycle++) {
      const result = node.step(env);
      if (result.kind === 'eni-attached') node.addAttachedEni(result.eniId, result.units);
      else if (result.kind !== 'assigned') return;
      node.assignWaitingPods();
    }
    throw new Error(`ipamd did not settle at ${node.podsBound} pods`);
  };
  const snapshots: Snapshot[] = [];
  for (let n = 0; n <= pods; n++) {
    if (n > 0) {
      node.podsBound += 1;
      node.assignWaitingPods();
    }
    settle();
    snapshots.push({ enis: node.attachedEniCount, ips: node.totalIps, running: node.podsRunning });
  }
  return snapshots;
}

const IP_TARGETS: readonly (readonly [warmIp: number, minimumIp: number])[] = [
  [0, 0],
  [1, 0],
  [5, 0],
  [16, 0],
  [30, 0],
  [0, 10],
  [0, 16],
  [0, 32],
  [1, 1],
  [2, 5],
  [5, 10],
  [7, 20],
  [16, 16],
  [1, 40],
];

interface SweepCase {
  readonly label: string;
  readonly instanceType: string;
  readonly cni: CniConfig;
}

function sweepCases(): SweepCase[] {
  const cases: SweepCase[] = [];
  for (const instanceType of ['t3.small', 'm5.large', 'm5.4xlarge']) {
    for (const [warmIpTarget, minimumIpTarget] of IP_TARGETS) {
      for (const warmEniTarget of [0, 1, 2]) {
        const cni = { ...DEFAULT_CNI_CONFIG, warmEniTarget, warmIpTarget, minimumIpTarget };
        cases.push({
          label: `${instanceType} WARM_ENI=${warmEniTarget} WARM_IP=${warmIpTarget} MIN_IP=${minimumIpTarget}`,
          instanceType,
          cni,
        });
      }
      for (const warmPrefixTarget of [0, 1, 2]) {
        const cni = {
          ...DEFAULT_CNI_CONFIG,
          prefixDelegation: true,
          warmPrefixTarget,
          warmIpTarget,
          minimumIpTarget,
        };
        cases.push({
          label: `${instanceType} PD WARM_PREFIX=${warmPrefixTarget} WARM_IP=${warmIpTarget} MIN_IP=${minimumIpTarget}`,
          instanceType,
          cni,
        });
      }
    }
  }
  return cases;
}

describe('capacity model and simulated ipamd agree at steady state (pods 0-250)', () => {
  it.each(sweepCases().map((c) => [c.label, c] as const))('%s', (_label, { instanceType, cni }) => {
    // Prepare
    const limits = buildLimits(instanceType);
    const kubeletMaxPods = maxPods(limits, cni);
    const podLimit = Math.min(MAX_PODS_SWEPT, kubeletMaxPods - 2);

    // Act
    const simulated = rampSimulator(instanceType, cni, kubeletMaxPods, podLimit);

    // Assess
    const mismatches: string[] = [];
    simulated.forEach((sim, pods) => {
      let model: ReturnType<typeof nodeHoldings> | null;
      try {
        model = nodeHoldings(limits, cni, pods);
      } catch (error) {
        if (!(error instanceof CapacityInputError)) throw error;
        model = null;
      }
      if (model === null) {
        if (sim.running === pods)
          mismatches.push(`${pods} pods: model says they cannot all run, simulator runs them`);
        return;
      }
      if (sim.running !== pods || sim.enis !== model.enis || sim.ips !== model.ipsHeld) {
        mismatches.push(
          `${pods} pods: model ${model.enis} ENIs ${model.ipsHeld} IPs, simulator ${sim.enis} ENIs ` +
            `${sim.ips} IPs ${sim.running} running`,
        );
      }
    });
    expect(mismatches).toEqual([]);
  });
});

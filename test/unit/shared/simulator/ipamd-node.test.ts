import { buildCni, settleNode } from './builders.js';

describe('IpamdNode replays the VPC CNI doc tables', () => {
  // aws/amazon-vpc-cni-k8s docs/eni-and-ip-target.md, t3.small rows.
  it.each([
    [0, 1, 3],
    [5, 3, 9],
    [9, 3, 9],
  ])('WARM_ENI_TARGET=1, t3.small, %i pods → %i ENIs, %i secondary IPs', (pods, enis, ips) => {
    // Act
    const { node } = settleNode({ instanceType: 't3.small', cni: buildCni(), pods, maxPods: 11 });
    // Assess
    expect(node.attachedEniCount).toBe(enis);
    expect(node.totalIps).toBe(ips);
    expect(node.podsRunning).toBe(pods);
  });

  it.each([
    [0, 1, 1],
    [5, 2, 6],
    [9, 3, 9],
  ])('WARM_IP_TARGET=1 MINIMUM_IP_TARGET=1, t3.small, %i pods → %i ENIs, %i IPs', (pods, enis, ips) => {
    // Act
    const cni = buildCni({ warmIpTarget: 1, minimumIpTarget: 1 });
    const { node } = settleNode({ instanceType: 't3.small', cni, pods, maxPods: 11 });
    // Assess
    expect(node.attachedEniCount).toBe(enis);
    expect(node.totalIps).toBe(ips);
  });

  it.each([
    [0, 2, 5],
    [5, 3, 7],
    [9, 3, 9],
  ])('WARM_IP_TARGET=2 MINIMUM_IP_TARGET=5, t3.small, %i pods → %i ENIs, %i IPs', (pods, enis, ips) => {
    // Act
    const cni = buildCni({ warmIpTarget: 2, minimumIpTarget: 5 });
    const { node } = settleNode({ instanceType: 't3.small', cni, pods, maxPods: 11 });
    // Assess
    expect(node.attachedEniCount).toBe(enis);
    expect(node.totalIps).toBe(ips);
  });

  // aws/amazon-vpc-cni-k8s docs/prefix-and-ip-target.md, t3.small WARM_PREFIX_TARGET=1 rows.
  it.each([
    [0, 1, 1],
    [5, 1, 2],
    [16, 1, 2],
    [17, 1, 3],
    [58, 2, 5],
  ])(
    'prefix delegation WARM_PREFIX_TARGET=1, t3.small, %i pods → %i ENIs, %i prefixes',
    (pods, enis, prefixes) => {
      // Act
      const cni = buildCni({ prefixDelegation: true, warmPrefixTarget: 1 });
      const { node } = settleNode({ instanceType: 't3.small', cni, pods, maxPods: 110 });
      // Assess
      expect(node.attachedEniCount).toBe(enis);
      expect(node.totalIps / 16).toBe(prefixes);
      expect(node.podsRunning).toBe(pods);
    },
  );

  // aws/amazon-vpc-cni-k8s pkg/ipamd/ipamd.go isDatastorePoolTooLow: `warmTarget == 0 && available == 0`.
  it.each([
    [15, 1],
    [16, 2],
    [32, 3],
  ])('prefix delegation WARM_PREFIX_TARGET=0: %i pods → %i prefixes', (pods, prefixes) => {
    const cni = buildCni({ prefixDelegation: true, warmPrefixTarget: 0 });
    const { node } = settleNode({ instanceType: 'm5.large', cni, pods, maxPods: 110 });
    expect(node.totalIps / 16).toBe(prefixes);
    expect(node.podsRunning).toBe(pods);
  });

  // aws/amazon-vpc-cni-k8s pkg/ipamd/ipamd.go datastoreTargetState: with WARM_IP_TARGET=0 the pool is
  // short only below MINIMUM_IP_TARGET, so pods past it wait.
  it('prefix delegation WARM_IP_TARGET=0 MINIMUM_IP_TARGET=16: stops at one prefix, pods past 16 wait', () => {
    const cni = buildCni({
      prefixDelegation: true,
      warmPrefixTarget: 0,
      warmIpTarget: 0,
      minimumIpTarget: 16,
    });
    const { node } = settleNode({ instanceType: 'm5.large', cni, pods: 20, maxPods: 110 });
    expect(node.totalIps).toBe(16);
    expect(node.podsRunning).toBe(16);
    expect(node.podsWaitingForIp).toBe(4);
  });

  it('gives the primary ENI no pod IPs with custom networking and puts the first ENI in the ENIConfig subnet', () => {
    // Act
    const cni = buildCni({ customNetworking: true });
    const { node, ec2 } = settleNode({ instanceType: 'm5.large', cni, pods: 0, maxPods: 20 });
    // Assess
    expect(node.enis[0]?.units).toBe(0);
    expect(node.attachedEniCount).toBe(2);
    expect(ec2.networkInterface(node.enis[1]?.eniId as string).description).toMatch(/^aws-K8S-i-/);
  });

  it('stops at MAX_ENI', () => {
    // Act
    const { node } = settleNode({
      instanceType: 'm5.large',
      cni: buildCni({ maxEni: 2 }),
      pods: 25,
      maxPods: 29,
    });
    // Assess
    expect(node.attachedEniCount).toBe(2);
    expect(node.podsWaitingForIp).toBe(7);
  });

  it('pauses growth for 120 s after InsufficientCidrBlocks', () => {
    // Prepare
    const cni = buildCni({ prefixDelegation: true });
    const { node, ec2 } = settleNode({ instanceType: 'm5.large', cni, pods: 0, maxPods: 110 });
    ec2.bypassLimits = false;
    ec2.subnet('subnet-a').addresses.preAllocate(256, 'one-per-block');
    node.podsBound = 16;
    node.assignWaitingPods();
    const failures: string[] = [];
    const env = {
      ec2,
      nowMs: () => 1000,
      caller: 'n',
      onAllocationFailure: (code: string) => failures.push(code),
    };
    // Act
    const first = node.step(env);
    const second = node.step(env);
    // Assess
    expect(first).toEqual({ kind: 'failed', code: 'InsufficientCidrBlocks' });
    expect(second).toEqual({ kind: 'cooling-down' });
    expect(node.cooldownUntilMs).toBe(121_000);
    expect(failures).toEqual(['InsufficientCidrBlocks']);
  });
});

import { buildEc2, buildLimits } from './builders.js';

describe('Ec2Model', () => {
  it('throttles AttachNetworkInterface after its 50-call burst with RequestLimitExceeded, refilling 5 per second', () => {
    // Prepare
    let nowMs = 0;
    const ec2 = buildEc2({ nowMs: () => nowMs, attachBudgetPerMin: 10_000 });
    // Act
    for (let i = 0; i < 50; i++) ec2.admit('AttachNetworkInterface');
    const over = () => ec2.admit('AttachNetworkInterface');
    // Assess
    expect(over).toThrow(expect.objectContaining({ code: 'RequestLimitExceeded', httpStatusCode: 503 }));
    nowMs = 1000;
    for (let i = 0; i < 5; i++) ec2.admit('AttachNetworkInterface');
    expect(over).toThrow(expect.objectContaining({ code: 'RequestLimitExceeded' }));
    expect(ec2.throttledByAction.get('AttachNetworkInterface')).toBe(2);
  });

  it('refuses the 41st attach in a rolling 60 s window (the account budget) and allows it once the window moves', () => {
    // Prepare
    let nowMs = 0;
    const ec2 = buildEc2({ nowMs: () => nowMs });
    const limits = { ...buildLimits('m5.large'), maxEnis: 1000 };
    const instance = ec2.runInstance({ subnetId: 'subnet-a', limits, tags: {} });
    const attachOne = (index: number) => {
      const eni = ec2.createNetworkInterface({ subnetId: 'subnet-a' });
      ec2.attachNetworkInterface(eni.id, instance.id, index, 'test');
    };
    for (let i = 1; i <= 40; i++) {
      nowMs = i * 1000;
      attachOne(i);
    }
    // Act
    nowMs = 59_000;
    const over = () => attachOne(41);
    // Assess
    expect(over).toThrow(expect.objectContaining({ code: 'RequestLimitExceeded' }));
    expect(ec2.attachRecords.at(-1)?.outcome).toBe('over-budget');
    nowMs = 61_500;
    expect(() => attachOne(42)).not.toThrow();
  });

  it('refuses an attach beyond the instance type ENI limit with AttachmentLimitExceeded', () => {
    // Prepare
    const ec2 = buildEc2();
    const instance = ec2.runInstance({ subnetId: 'subnet-a', limits: buildLimits('t3.small'), tags: {} });
    for (const index of [1, 2]) {
      const eni = ec2.createNetworkInterface({ subnetId: 'subnet-a' });
      ec2.attachNetworkInterface(eni.id, instance.id, index, 'test');
    }
    const fourth = ec2.createNetworkInterface({ subnetId: 'subnet-a' });
    // Act
    const act = () => ec2.attachNetworkInterface(fourth.id, instance.id, 3, 'test');
    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'AttachmentLimitExceeded' }));
  });

  it('records AttachTime and frees every address of delete-on-termination ENIs when the instance terminates', () => {
    // Prepare
    const ec2 = buildEc2({ nowMs: () => 1_700_000_000_000 });
    const subnet = ec2.subnet('subnet-b');
    const before = subnet.addresses.availableIpCount;
    const instance = ec2.runInstance({ subnetId: 'subnet-b', limits: buildLimits('m5.large'), tags: {} });
    const eni = ec2.createNetworkInterface({ subnetId: 'subnet-b', secondaryIpCount: 9 });
    const attachment = ec2.attachNetworkInterface(eni.id, instance.id, 1, 'test');
    ec2.setDeleteOnTermination(eni.id, true);
    ec2.assignPrivateIpAddresses(instance.networkInterfaceIds[0] as string, { ipCount: 9 });
    // Act
    ec2.terminateInstance(instance.id);
    // Assess
    expect(attachment.attachTimeMs).toBe(1_700_000_000_000);
    expect(subnet.addresses.availableIpCount).toBe(before);
    expect(ec2.networkInterfaces.size).toBe(0);
  });

  it('answers PrivateIpAddressLimitExceeded past L - 1 secondary IPs on one ENI', () => {
    // Prepare
    const ec2 = buildEc2();
    const instance = ec2.runInstance({ subnetId: 'subnet-a', limits: buildLimits('m5.large'), tags: {} });
    const primary = instance.networkInterfaceIds[0] as string;
    ec2.assignPrivateIpAddresses(primary, { ipCount: 9 });
    // Act
    const act = () => ec2.assignPrivateIpAddresses(primary, { ipCount: 1 });
    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'PrivateIpAddressLimitExceeded' }));
  });

  it('fails a launch with no free address in the subnet', () => {
    // Prepare
    const ec2 = buildEc2();
    const map = ec2.subnet('subnet-b').addresses;
    map.allocateIps(map.assignableIpCount);
    // Act
    const act = () => ec2.runInstance({ subnetId: 'subnet-b', limits: buildLimits('m5.large'), tags: {} });
    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'InsufficientFreeAddressesInSubnet' }));
  });
});

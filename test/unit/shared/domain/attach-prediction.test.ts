import { podLimit, predictNodeAttaches } from '../../../../shared/domain/attach-prediction.js';
import { buildCniConfig, buildInstanceLimits } from '../../../builders/instance-limits.js';

const m5large = buildInstanceLimits({ instanceType: 'm5.large' });
const base = {
  limits: m5large,
  cni: buildCniConfig(),
  maxPodsCap: 'none' as const,
  podsPerNode: null,
  peerAttaches: null,
};

describe('predictNodeAttaches', () => {
  it('books a full node when nothing else is known (m5.large, 27 pods: primary + 2 attached ENIs)', () => {
    expect(predictNodeAttaches(base)).toMatchObject({
      attaches: 2,
      fullNodeAttaches: 2,
      bootAttaches: 0,
      basis: 'full-node',
    });
  });

  it('uses the max-pods cap under prefix delegation: 110 pods fit the primary ENI of an m5.large', () => {
    const cni = buildCniConfig({ prefixDelegation: true });
    // Uncapped: 432 pods need 27 prefixes, 9 per ENI → 3 ENIs.
    expect(predictNodeAttaches({ ...base, cni }).attaches).toBe(2);
    expect(predictNodeAttaches({ ...base, cni, maxPodsCap: 110 }).attaches).toBe(0);
    expect(predictNodeAttaches({ ...base, cni, maxPodsCap: 'mng' }).attaches).toBe(0);
  });

  it('stops at MINIMUM_IP_TARGET with WARM_IP_TARGET=0, under a numeric max-pods cap too (ipamd datastoreTargetState)', () => {
    // Secondary IPs, minimum 10: ipamd never holds more than 10 IPs, so 10 pods and one more ENI at most.
    const cni = buildCniConfig({ warmIpTarget: 0, minimumIpTarget: 10 });
    expect(podLimit(m5large, cni, 20)).toBe(10);
    expect(podLimit(m5large, cni, 'none')).toBe(10);
    expect(predictNodeAttaches({ ...base, cni, maxPodsCap: 20 })).toMatchObject({ fullNodeAttaches: 1 });
  });

  it('learns from settled peers, never below the boot attaches nor above a full node', () => {
    expect(predictNodeAttaches({ ...base, peerAttaches: 1 })).toMatchObject({ attaches: 1, basis: 'peers' });
    // An idle m5.large holds its primary ENI only (WARM_ENI_TARGET=1 fills it; the first pod brings the second).
    expect(predictNodeAttaches({ ...base, peerAttaches: 0 }).attaches).toBe(0);
    const minimum = buildCniConfig({ warmIpTarget: 2, minimumIpTarget: 10 });
    expect(predictNodeAttaches({ ...base, cni: minimum, peerAttaches: 0 }).attaches).toBe(1);
    expect(predictNodeAttaches({ ...base, peerAttaches: 9 }).attaches).toBe(2);
  });

  it('predicts per exact instance type (m5.4xlarge full: 7 attaches)', () => {
    const big = buildInstanceLimits({ instanceType: 'm5.4xlarge' });
    expect(predictNodeAttaches({ ...base, limits: big }).attaches).toBe(7);
  });

  it('follows the pods-per-node tag when given', () => {
    expect(predictNodeAttaches({ ...base, podsPerNode: 5 })).toMatchObject({
      attaches: 1,
      basis: 'pods-per-node',
    });
  });
});

describe('podLimit', () => {
  it('applies a numeric max-pods below the formula, never above it', () => {
    expect(podLimit(m5large, buildCniConfig(), 20)).toBe(18);
    expect(podLimit(m5large, buildCniConfig(), 500)).toBe(27);
  });
});

import type { GroupMember } from '../../../../shared/simulator/auto-scaling-group.js';
import { pickVictim, resolveSizes } from '../../../../shared/simulator/group-sizes.js';
import { SeededRandom } from '../../../../shared/simulator/seeded-random.js';

function buildMember(overrides: Partial<GroupMember> = {}): GroupMember {
  return {
    instanceId: 'i-0',
    instanceType: 'm5.large',
    subnetId: 'subnet-a',
    availabilityZone: 'us-east-1a',
    launchMs: 0,
    lifecycle: 'InService',
    actions: [],
    waitStartMs: null,
    waitPointMs: null,
    launchCause: '',
    protectedFromScaleIn: false,
    ...overrides,
  };
}

describe('resolveSizes', () => {
  it('clamps desired into new bounds and refuses an explicit desired outside them', () => {
    // Prepare
    const current = { minSize: 1, maxSize: 10, desiredCapacity: 6 };
    // Act
    const lowered = resolveSizes(current, { maxSize: 4 });
    const raised = resolveSizes(current, { minSize: 8 });
    const outside = () => resolveSizes(current, { desiredCapacity: 12 });
    const crossed = () => resolveSizes(current, { minSize: 5, maxSize: 3 });
    // Assess
    expect(lowered).toEqual({ minSize: 1, maxSize: 4, desiredCapacity: 4 });
    expect(raised).toEqual({ minSize: 8, maxSize: 10, desiredCapacity: 8 });
    expect(outside).toThrow('Desired capacity:12 must be between the specified min size:1 and max size:10');
    expect(crossed).toThrow('Max bound, 3, must be greater than or equal to min bound, 5');
  });
});

describe('pickVictim (default termination policy)', () => {
  it('takes from the AZ with the most instances first, whatever their lifecycle state', () => {
    // Prepare
    const members = [
      buildMember({ instanceId: 'i-a1', launchMs: 0 }),
      buildMember({ instanceId: 'i-a2', launchMs: 0, lifecycle: 'Pending:Wait' }),
      buildMember({ instanceId: 'i-b1', availabilityZone: 'us-east-1b', launchMs: 3_000_000 }),
    ];
    // Act
    const victim = pickVictim(members, 3_500_000, new SeededRandom(1));
    // Assess
    expect(victim?.availabilityZone).toBe('us-east-1a');
  });

  it('then takes the instance closest to its next billing hour, not a pending one', () => {
    // Prepare: at 1,000 s the old one is 3,400 s into its hour, the new pending one 100 s
    const members = [
      buildMember({ instanceId: 'i-old', launchMs: -2_400_000 }),
      buildMember({ instanceId: 'i-new', launchMs: 900_000, lifecycle: 'Pending' }),
    ];
    // Act
    const victim = pickVictim(members, 1_000_000, new SeededRandom(1));
    // Assess
    expect(victim?.instanceId).toBe('i-old');
  });

  it('picks at random among ties, and never a terminating instance', () => {
    // Prepare
    const members = ['i-1', 'i-2', 'i-3'].map((instanceId) => buildMember({ instanceId }));
    const terminating = [buildMember({ instanceId: 'i-t', lifecycle: 'Terminating', launchMs: -100 })];
    const random = new SeededRandom(3);
    // Act
    const picks = new Set(Array.from({ length: 30 }, () => pickVictim(members, 1000, random)?.instanceId));
    const none = pickVictim(terminating, 1000, random);
    // Assess
    expect(picks).toEqual(new Set(['i-1', 'i-2', 'i-3']));
    expect(none).toBeUndefined();
  });
});

describe('pickVictim with scale-in protection', () => {
  it('never picks a protected instance, and picks none when all are protected', () => {
    // Prepare: the protected one is the oldest (the policy would take it first)
    const members = [
      buildMember({ instanceId: 'i-kept', launchMs: -2_400_000, protectedFromScaleIn: true }),
      buildMember({ instanceId: 'i-new', launchMs: 900_000, lifecycle: 'Pending' }),
    ];
    const allProtected = members.map((m) => ({ ...m, protectedFromScaleIn: true }));
    // Act
    const victim = pickVictim(members, 1_000_000, new SeededRandom(1));
    const none = pickVictim(allProtected, 1_000_000, new SeededRandom(1));
    // Assess
    expect(victim?.instanceId).toBe('i-new');
    expect(none).toBeUndefined();
  });

  it('counts protected instances towards their AZ, among AZs with an unprotected one', () => {
    // Prepare: us-east-1a holds 3 (2 protected), us-east-1b 2; all of 1c is protected
    const members = [
      buildMember({ instanceId: 'i-a1', protectedFromScaleIn: true }),
      buildMember({ instanceId: 'i-a2', protectedFromScaleIn: true }),
      buildMember({ instanceId: 'i-a3' }),
      buildMember({ instanceId: 'i-b1', availabilityZone: 'us-east-1b', launchMs: -100_000 }),
      buildMember({ instanceId: 'i-b2', availabilityZone: 'us-east-1b', launchMs: -100_000 }),
      ...['i-c1', 'i-c2', 'i-c3', 'i-c4'].map((instanceId) =>
        buildMember({ instanceId, availabilityZone: 'us-east-1c', protectedFromScaleIn: true }),
      ),
    ];
    // Act
    const victim = pickVictim(members, 1000, new SeededRandom(1));
    // Assess
    expect(victim?.instanceId).toBe('i-a3');
  });
});

import { findBundledInstanceLimits } from '../../../../shared/instance-types/bundled-instance-limits.js';
import { profileGroup } from '../../../../shared/use-cases/group-profile.js';
import { GroupProfileError } from '../../../../shared/use-cases/group-tags.js';
import { predictForGroup } from '../../../../shared/use-cases/predict-group-attaches.js';
import { desiredSet, react } from '../../../builders/scale-signals.js';
import { buildGroup, buildWorld, bundledCatalog, type FakeWorld } from '../../../fakes/stagger-fakes.js';

const MIXED = ['m5.large', 'm5.4xlarge'];
const PREFIX_CNI = { 'capacity-guard/cni': 'ENABLE_PREFIX_DELEGATION=true' };

async function planOf(world: FakeWorld) {
  return (await world.store.listPlans())[0]?.value;
}

describe('desired/ceiling pacing predicts attaches per node like the launch gate', () => {
  it('books a mixed-instances group at its neediest override, though every running node is the small type', async () => {
    // Prepare: 50 m5.large running; Auto Scaling may launch m5.4xlarge next. A full m5.4xlarge (8 ENIs x 30
    // addresses, 232 pod-networked pods, WARM_ENI_TARGET=1) attaches 7 ENIs, an m5.large 2.
    const world = buildWorld();
    world.groups.add(buildGroup({ desiredCapacity: 200, instanceTypeOverrides: MIXED }));
    // Act
    const outcomes = await react(world, desiredSet());
    // Assess: 40 attaches of room buy floor(40 / 7) = 5 nodes now, not the 20 an m5.large prediction allows.
    expect(outcomes).toEqual([{ groupName: 'shop-general', outcome: 'hold', capacity: 55, target: 200 }]);
    expect(await planOf(world)).toMatchObject({ attachesPerNode: 7, allowedCapacity: 55 });
  });

  it('the overrides win over the instance-type tag, which names one type only', async () => {
    const world = buildWorld();
    world.groups.add(
      buildGroup({
        desiredCapacity: 200,
        instanceTypeOverrides: MIXED,
        tags: { 'capacity-guard/enabled': 'true', 'capacity-guard/instance-type': 'm5.large' },
      }),
    );
    await react(world, desiredSet());
    expect((await planOf(world))?.attachesPerNode).toBe(7);
  });

  it('a mixed-instances group under the managed-node-group cap books the capped need of its largest type', async () => {
    // m5.4xlarge has 16 vCPUs: the cap is 110 pods, 108 pod-networked, ceil(108 / 29) + 1 = 5 ENIs, 4 attaches.
    const profile = await profileGroup(
      buildGroup({
        instanceTypeOverrides: MIXED,
        tags: { 'capacity-guard/enabled': 'true', 'eks:nodegroup-name': 'general' },
      }),
      bundledCatalog,
    );
    expect(profile).toMatchObject({ instanceType: 'm5.4xlarge', attachesPerNode: 4 });
  });

  it('prefix delegation under a 110 max-pods tag needs no second ENI: the scale-out is not held', async () => {
    // 108 pods take 7 /28 prefixes, 8 with WARM_PREFIX_TARGET=1: the primary ENI holds 9.
    const world = buildWorld();
    world.groups.add(
      buildGroup({
        desiredCapacity: 200,
        tags: { 'capacity-guard/enabled': 'true', 'capacity-guard/max-pods': '110', ...PREFIX_CNI },
      }),
    );
    const outcomes = await react(world, desiredSet());
    expect(outcomes).toEqual([{ groupName: 'shop-general', outcome: 'pass-through', capacity: 200 }]);
    expect((await world.store.listPlans()).map((p) => p.value.completedAtMs)).toEqual([world.now]);
    expect(world.groups.calls).toEqual([]);
  });

  it('prefix delegation with no cap books a full node: 432 pods fill all 3 ENIs, 2 attaches', async () => {
    const world = buildWorld();
    world.groups.add(
      buildGroup({ desiredCapacity: 200, tags: { 'capacity-guard/enabled': 'true', ...PREFIX_CNI } }),
    );
    await react(world, desiredSet());
    expect(await planOf(world)).toMatchObject({ attachesPerNode: 2, allowedCapacity: 70 });
  });

  it('books the same attaches the launch gate books for each exact type, whatever the tags say', async () => {
    const tagSets: Record<string, string>[] = [
      {},
      { 'eks:nodegroup-name': 'general' },
      { 'capacity-guard/max-pods': '40' },
      { 'capacity-guard/pods-per-node': '30' },
      { 'capacity-guard/cni': 'WARM_IP_TARGET=5' },
      { ...PREFIX_CNI, 'capacity-guard/max-pods': '250' },
    ];
    for (const tags of tagSets) {
      for (const instanceType of ['t3.small', 'm5.large', 'm5.4xlarge', 'c5.9xlarge']) {
        const group = buildGroup({
          instanceType,
          tags: { 'capacity-guard/enabled': 'true', ...tags },
        });
        const limits = findBundledInstanceLimits(instanceType);
        if (!limits) throw new Error(`no bundled limits for ${instanceType}`);
        const profile = await profileGroup(group, bundledCatalog);
        expect({ tags, instanceType, attaches: profile.attachesPerNode }).toEqual({
          tags,
          instanceType,
          attaches: predictForGroup(group, limits, null).attaches,
        });
      }
    }
  });

  it('a pods-per-node tag above what kubelet accepts is clamped to kubelet, as the gate does', async () => {
    // max-pods 11 leaves 9 pod-networked pods on an m5.large: they fill the primary ENI, WARM_ENI_TARGET=1
    // keeps one more, one attach (27 pods would take all 3 ENIs, 2 attaches).
    const profile = await profileGroup(
      buildGroup({
        tags: {
          'capacity-guard/enabled': 'true',
          'capacity-guard/max-pods': '11',
          'capacity-guard/pods-per-node': '27',
        },
      }),
      bundledCatalog,
    );
    expect(profile.attachesPerNode).toBe(1);
  });

  it('an unknown override type or a bad tag is an error naming the group and the value', async () => {
    await expect(
      profileGroup(buildGroup({ instanceTypeOverrides: ['m5.large', 'm5.huge'] }), bundledCatalog),
    ).rejects.toThrow(new GroupProfileError('shop-general: instance type m5.huge is unknown'));
    await expect(
      profileGroup(
        buildGroup({ tags: { 'capacity-guard/enabled': 'true', 'capacity-guard/max-pods': '0' } }),
        bundledCatalog,
      ),
    ).rejects.toThrow("tag capacity-guard/max-pods='0' is invalid (expected a whole number 1..737)");
    await expect(profileGroup(buildGroup({ inService: 0 }), bundledCatalog)).rejects.toThrow(
      'tag the group capacity-guard/instance-type=<type>',
    );
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  loadAwsCliSnapshot,
  SnapshotFile,
} from '../../../../../shared/adapters/snapshot/load-aws-cli-snapshot.js';

const EXAMPLE = fileURLToPath(new URL('../../../../../examples/snapshot', import.meta.url));

describe('loadAwsCliSnapshot', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'snapshot-'));
    cpSync(EXAMPLE, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a mixed-instances group's override types, each once, and none for other groups", async () => {
    // Prepare: the first group of the example gets a mixed-instances policy.
    const file = join(dir, SnapshotFile.autoScalingGroups);
    const document = JSON.parse(readFileSync(file, 'utf8')) as {
      AutoScalingGroups: Record<string, unknown>[];
    };
    const [first, ...rest] = document.AutoScalingGroups;
    if (!first) throw new Error('the example snapshot has no Auto Scaling group');
    first.MixedInstancesPolicy = {
      LaunchTemplate: {
        LaunchTemplateSpecification: { LaunchTemplateName: 'nodes', Version: '$Default' },
        Overrides: [
          { InstanceType: 'c5.xlarge' },
          { InstanceRequirements: { VCpuCount: { Min: 4 }, MemoryMiB: { Min: 8192 } } },
          { InstanceType: 'c5.4xlarge' },
          { InstanceType: 'c5.xlarge' },
        ],
      },
    };
    writeFileSync(file, JSON.stringify(document));
    // Act
    const snapshot = await loadAwsCliSnapshot(dir);
    const groups = await snapshot.scalingGroups.describe(snapshot.autoScalingGroupNames);
    // Assess
    expect(groups.find((g) => g.name === first.AutoScalingGroupName)?.instanceTypeOverrides).toEqual([
      'c5.xlarge',
      'c5.4xlarge',
    ]);
    for (const other of rest) {
      expect(groups.find((g) => g.name === other.AutoScalingGroupName)?.instanceTypeOverrides).toEqual([]);
    }
  });

  it('reports the first broken file in the documented order, whichever read failed first', async () => {
    // Prepare: the instance types are not JSON and the ENIs are missing.
    writeFileSync(join(dir, SnapshotFile.instanceTypes), '{ not json');
    rmSync(join(dir, SnapshotFile.networkInterfaces));
    // Act / Assess
    await expect(loadAwsCliSnapshot(dir)).rejects.toThrow(
      `${SnapshotFile.networkInterfaces}: cannot be read in ${dir}`,
    );
    writeFileSync(join(dir, SnapshotFile.networkInterfaces), '{"NetworkInterfaces": []}');
    await expect(loadAwsCliSnapshot(dir)).rejects.toThrow(`${SnapshotFile.instanceTypes}: not valid JSON`);
    // Optional files may be absent.
    rmSync(join(dir, SnapshotFile.instanceTypes));
    writeFileSync(join(dir, SnapshotFile.instanceTypes), '{"InstanceTypes": []}');
    rmSync(join(dir, SnapshotFile.addon), { force: true });
    await expect(loadAwsCliSnapshot(dir)).resolves.toMatchObject({
      autoScalingGroupNames: expect.any(Array),
    });
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkInterface, Subnet } from '@aws-sdk/client-ec2';
import type { InstanceLimits } from '../../domain/instance-limits.js';
import { clusterOfNodeTags } from '../../domain/node-ownership.js';
import { ReservationType, type SubnetCidrReservation } from '../../domain/subnet-address-map.js';
import {
  type DescribedInstanceType,
  toInstanceLimitsRow,
} from '../../instance-types/instance-limits-rows.js';
import type { CniAddon } from '../../ports/cluster-directory.js';
import type { ScalingGroup } from '../../ports/scaling-groups.js';
import type { NetworkInterfaceAddresses, SubnetInfo } from '../../ports/subnet-inventory.js';
import { toAddresses, toSubnetInfo } from '../aws/ec2-describe-mappers.js';
import { InMemoryClusterDirectory } from '../memory/in-memory-cluster-directory.js';
import { InMemoryClusterInstances } from '../memory/in-memory-cluster-instances.js';
import { InMemoryInstanceCatalog } from '../memory/in-memory-instance-catalog.js';
import { InMemoryScalingGroups } from '../memory/in-memory-scaling-groups.js';
import { InMemorySubnetInventory } from '../memory/in-memory-subnet-inventory.js';
import { toSnapshotClusterSubnets, toSnapshotInstances } from './snapshot-clusters.js';
import { SnapshotError } from './snapshot-error.js';

/** The files of a snapshot: what `aws … --output json` prints for each call. */
export const SnapshotFile = {
  subnets: 'describe-subnets.json',
  networkInterfaces: 'describe-network-interfaces.json',
  autoScalingGroups: 'describe-auto-scaling-groups.json',
  instanceTypes: 'describe-instance-types.json',
  cidrReservations: 'get-subnet-cidr-reservations.json',
  addon: 'describe-addon.json',
  instances: 'describe-instances.json',
  clusters: 'describe-cluster.json',
} as const;

export { SnapshotError } from './snapshot-error.js';

export interface AwsCliSnapshot {
  readonly subnets: InMemorySubnetInventory;
  readonly clusters: InMemoryClusterDirectory;
  readonly scalingGroups: InMemoryScalingGroups;
  /** The clusters' nodes; null when the snapshot has no describe-instances.json. */
  readonly instances: InMemoryClusterInstances | null;
  readonly instanceCatalog: InMemoryInstanceCatalog;
  /** Every Auto Scaling group in the snapshot: all of them are audited. */
  readonly autoScalingGroupNames: readonly string[];
  readonly accountId: string | null;
  readonly region: string | null;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one file of the snapshot; undefined when an optional file is absent. */
async function readText(dir: string, file: string, optional: boolean): Promise<string | undefined> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SnapshotError(`${file}: cannot be read in ${dir} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

function parseJson(file: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Reads the snapshot's files at once (each read waits on the disk, not on the one before), then parses them in
 * `files` order: the error reported is the first file's, whatever read failed first.
 */
async function readSnapshotFiles(
  dir: string,
  files: readonly { readonly file: string; readonly optional: boolean }[],
): Promise<Map<string, unknown>> {
  const reads = await Promise.allSettled(files.map((f) => readText(dir, f.file, f.optional)));
  const documents = new Map<string, unknown>();
  files.forEach((f, index) => {
    const read = reads[index] as PromiseSettledResult<string | undefined>;
    if (read.status === 'rejected') throw read.reason;
    documents.set(f.file, parseJson(f.file, read.value));
  });
  return documents;
}

function arrayField(file: string, document: unknown, field: string, command: string): Json[] {
  const items = isRecord(document) ? document[field] : undefined;
  if (!Array.isArray(items)) {
    throw new SnapshotError(`${file}: expected an object with a ${field} array (the output of '${command}')`);
  }
  items.forEach((item, index) => {
    if (!isRecord(item)) throw new SnapshotError(`${file}: ${field}[${index}] is not an object`);
  });
  return items as Json[];
}

function convert<T>(file: string, where: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new SnapshotError(`${file}: ${where}: ${(error as Error).message}`, { cause: error });
  }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function toScalingGroup(file: string, group: Json, index: number): ScalingGroup {
  const name = str(group.AutoScalingGroupName);
  if (name === undefined) {
    throw new SnapshotError(`${file}: AutoScalingGroups[${index}].AutoScalingGroupName is missing`);
  }
  const tags: Record<string, string> = {};
  for (const tag of Array.isArray(group.Tags) ? group.Tags : []) {
    if (isRecord(tag) && typeof tag.Key === 'string')
      tags[tag.Key] = typeof tag.Value === 'string' ? tag.Value : '';
  }
  return {
    name,
    desiredCapacity: num(group.DesiredCapacity),
    minSize: num(group.MinSize),
    maxSize: num(group.MaxSize),
    instances: (Array.isArray(group.Instances) ? group.Instances : []).filter(isRecord).map((instance) => ({
      instanceId: str(instance.InstanceId) ?? '',
      lifecycleState: str(instance.LifecycleState) ?? 'Unknown',
      ...(str(instance.InstanceType) ? { instanceType: str(instance.InstanceType) } : {}),
      ...(str(instance.AvailabilityZone) ? { availabilityZone: str(instance.AvailabilityZone) } : {}),
    })),
    tags,
    subnetIds: (str(group.VPCZoneIdentifier) ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id.length > 0),
    instanceTypeOverrides: overrideTypes(group),
  };
}

/** `MixedInstancesPolicy.LaunchTemplate.Overrides[].InstanceType`, each once (attribute-based overrides name none). */
function overrideTypes(group: Json): string[] {
  const policy = isRecord(group.MixedInstancesPolicy) ? group.MixedInstancesPolicy : {};
  const template = isRecord(policy.LaunchTemplate) ? policy.LaunchTemplate : {};
  const overrides = Array.isArray(template.Overrides) ? template.Overrides : [];
  const types = overrides.filter(isRecord).flatMap((o) => str(o.InstanceType) ?? []);
  return [...new Set(types)];
}

function toReservations(file: string, document: unknown): Map<string, SubnetCidrReservation[]> {
  const responses = Array.isArray(document) ? document : [document];
  const result = new Map<string, SubnetCidrReservation[]>();
  responses.forEach((response, index) => {
    const entries = arrayField(
      file,
      response,
      'SubnetIpv4CidrReservations',
      'aws ec2 get-subnet-cidr-reservations',
    );
    entries.forEach((entry, entryIndex) => {
      const where = `[${index}].SubnetIpv4CidrReservations[${entryIndex}]`;
      const subnetId = str(entry.SubnetId);
      const cidr = str(entry.Cidr);
      const type = entry.ReservationType;
      if (subnetId === undefined || cidr === undefined) {
        throw new SnapshotError(`${file}: ${where} needs SubnetId and Cidr`);
      }
      if (type !== ReservationType.prefix && type !== ReservationType.explicit) {
        throw new SnapshotError(
          `${file}: ${where}.ReservationType '${String(type)}' is not prefix or explicit`,
        );
      }
      const list = result.get(subnetId) ?? [];
      list.push({ cidr, type });
      result.set(subnetId, list);
    });
  });
  return result;
}

function toAddon(file: string, document: unknown): Map<string, CniAddon> {
  const addon = isRecord(document) ? document.addon : undefined;
  if (!isRecord(addon)) {
    throw new SnapshotError(
      `${file}: expected an object with an addon object (the output of 'aws eks describe-addon')`,
    );
  }
  const value = {
    addonVersion: str(addon.addonVersion) ?? null,
    configurationValues: str(addon.configurationValues) ?? '',
  };
  // One add-on, whatever cluster a group names: a snapshot is normally taken from one cluster.
  return new Map([['*', value]]);
}

/**
 * Reads a directory of AWS CLI JSON outputs into in-memory ports, so the same capacity audit runs on them.
 * Required: describe-subnets, describe-network-interfaces, describe-auto-scaling-groups,
 * describe-instance-types; optional: get-subnet-cidr-reservations (an array of responses, one per subnet)
 * describe-addon (the `vpc-cni` add-on), describe-instances (the clusters' nodes, Karpenter's included) and
 * describe-cluster (one response or an array: the clusters' own subnets). The clusters are those the groups'
 * and nodes' tags and describe-cluster name.
 *
 * @throws SnapshotError naming the file for a missing or malformed file.
 */
export async function loadAwsCliSnapshot(dir: string): Promise<AwsCliSnapshot> {
  const F = SnapshotFile;
  const docs = await readSnapshotFiles(dir, [
    { file: F.subnets, optional: false },
    { file: F.networkInterfaces, optional: false },
    { file: F.autoScalingGroups, optional: false },
    { file: F.instanceTypes, optional: false },
    { file: F.cidrReservations, optional: true },
    { file: F.addon, optional: true },
    { file: F.instances, optional: true },
    { file: F.clusters, optional: true },
  ]);
  const subnetDoc = docs.get(F.subnets);
  const subnets: SubnetInfo[] = arrayField(F.subnets, subnetDoc, 'Subnets', 'aws ec2 describe-subnets').map(
    (subnet, index) => convert(F.subnets, `Subnets[${index}]`, () => toSubnetInfo(subnet as Subnet)),
  );
  const eniDoc = docs.get(F.networkInterfaces);
  const enis: NetworkInterfaceAddresses[] = arrayField(
    F.networkInterfaces,
    eniDoc,
    'NetworkInterfaces',
    'aws ec2 describe-network-interfaces',
  ).map((eni, index) => {
    const addresses = toAddresses(eni as NetworkInterface);
    if (addresses === null) {
      throw new SnapshotError(
        `${F.networkInterfaces}: NetworkInterfaces[${index}] needs NetworkInterfaceId and SubnetId`,
      );
    }
    if (addresses.attachTimeMs !== null && Number.isNaN(addresses.attachTimeMs)) {
      throw new SnapshotError(
        `${F.networkInterfaces}: NetworkInterfaces[${index}].Attachment.AttachTime is not a date`,
      );
    }
    return addresses;
  });
  const asgDoc = docs.get(F.autoScalingGroups);
  const groups = arrayField(
    F.autoScalingGroups,
    asgDoc,
    'AutoScalingGroups',
    'aws autoscaling describe-auto-scaling-groups',
  ).map((group, index) => toScalingGroup(F.autoScalingGroups, group, index));
  const typesDoc = docs.get(F.instanceTypes);
  const limits = new Map<string, InstanceLimits>();
  arrayField(F.instanceTypes, typesDoc, 'InstanceTypes', 'aws ec2 describe-instance-types').forEach(
    (info, index) => {
      const conversion = toInstanceLimitsRow(info as DescribedInstanceType);
      if (conversion.kind === 'incomplete') {
        throw new SnapshotError(
          `${F.instanceTypes}: InstanceTypes[${index}] (${conversion.instanceType}) lacks ${conversion.missingFields.join(', ')}`,
        );
      }
      limits.set(conversion.row.instanceType, conversion.row);
    },
  );
  const reservationsDoc = docs.get(F.cidrReservations);
  const reservations =
    reservationsDoc === undefined ? new Map() : toReservations(F.cidrReservations, reservationsDoc);
  const addonDoc = docs.get(F.addon);
  const addons = addonDoc === undefined ? new Map<string, CniAddon>() : toAddon(F.addon, addonDoc);

  const instancesDoc = docs.get(F.instances);
  const nodes = instancesDoc === undefined ? null : toSnapshotInstances(F.instances, instancesDoc);
  const clustersDoc = docs.get(F.clusters);
  const clusterSubnets =
    clustersDoc === undefined
      ? new Map<string, string[]>()
      : toSnapshotClusterSubnets(F.clusters, clustersDoc);
  const clusterNames = new Set<string>(clusterSubnets.keys());
  for (const group of groups) {
    const name = clusterOfNodeTags(group.tags);
    if (name !== null) clusterNames.add(name);
  }
  for (const node of nodes ?? []) {
    const name = clusterOfNodeTags(node.tags);
    if (name !== null) clusterNames.add(name);
  }

  const first = subnets[0];
  return {
    subnets: new InMemorySubnetInventory(subnets, enis, reservations),
    clusters: new InMemoryClusterDirectory([], addons, [...clusterNames], clusterSubnets),
    instances: nodes === null ? null : new InMemoryClusterInstances(nodes),
    scalingGroups: new InMemoryScalingGroups(groups),
    instanceCatalog: new InMemoryInstanceCatalog(limits),
    autoScalingGroupNames: groups.map((group) => group.name),
    accountId: first?.ownerId ?? null,
    region: first === undefined ? null : first.availabilityZone.replace(/[a-z]$/, ''),
  };
}

import type { Instance } from '@aws-sdk/client-ec2';
import { classifyNode } from '../../domain/node-ownership.js';
import type { ClusterInstance } from '../../ports/cluster-instances.js';
import { toClusterInstance } from '../aws/ec2-describe-mappers.js';
import { SnapshotError } from './snapshot-error.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `aws ec2 describe-instances` output (`Reservations[].Instances[]`, or an array of such pages) as cluster
 * nodes: instances no cluster tag names are dropped, as the live listing never returns them.
 */
export function toSnapshotInstances(file: string, document: unknown): ClusterInstance[] {
  const pages = Array.isArray(document) ? document : [document];
  const nodes: ClusterInstance[] = [];
  pages.forEach((page, pageIndex) => {
    const reservations = isRecord(page) ? page.Reservations : undefined;
    if (!Array.isArray(reservations)) {
      throw new SnapshotError(
        `${file}: [${pageIndex}] expected an object with a Reservations array (the output of 'aws ec2 describe-instances')`,
      );
    }
    reservations.forEach((reservation, index) => {
      const instances = isRecord(reservation) ? reservation.Instances : undefined;
      if (!Array.isArray(instances)) {
        throw new SnapshotError(`${file}: Reservations[${index}].Instances is not an array`);
      }
      instances.forEach((instance, instanceIndex) => {
        const node = isRecord(instance) ? toClusterInstance(instance as Instance) : null;
        if (node === null) {
          throw new SnapshotError(
            `${file}: Reservations[${index}].Instances[${instanceIndex}] needs an InstanceId`,
          );
        }
        if (classifyNode(node.tags).kind !== 'not-a-node') nodes.push(node);
      });
    });
  });
  return nodes;
}

/** `aws eks describe-cluster` output, or an array of them: each cluster's `resourcesVpcConfig.subnetIds`. */
export function toSnapshotClusterSubnets(file: string, document: unknown): Map<string, string[]> {
  const responses = Array.isArray(document) ? document : [document];
  const result = new Map<string, string[]>();
  responses.forEach((response, index) => {
    const cluster = isRecord(response) ? response.cluster : undefined;
    const name = isRecord(cluster) ? cluster.name : undefined;
    if (!isRecord(cluster) || typeof name !== 'string' || name.length === 0) {
      throw new SnapshotError(
        `${file}: [${index}] expected an object with a cluster object and its name (the output of 'aws eks describe-cluster')`,
      );
    }
    const vpc = cluster.resourcesVpcConfig;
    const subnetIds = isRecord(vpc) && Array.isArray(vpc.subnetIds) ? vpc.subnetIds : [];
    result.set(
      name,
      subnetIds.filter((id): id is string => typeof id === 'string'),
    );
  });
  return result;
}

import type { GateWaitParams } from './gate-wait-params.js';
import { renderGateWaitBlock, renderGateWaitScript } from './gate-wait-script.js';
import { type MimePart, renderMultipart } from './mime-multipart.js';

/** Where the user data goes; decides which bootstrap parts the snippet carries itself. */
export interface UserDataTarget {
  /**
   * True for a managed node group whose launch template names no AMI: EKS merges its own bootstrap part
   * into the MIME document, so the snippet must carry only the wait.
   */
  readonly managedNodeGroup: boolean;
}

export const SHELL_SCRIPT_CONTENT_TYPE = 'text/x-shellscript; charset="us-ascii"';
export const NODE_CONFIG_CONTENT_TYPE = 'application/node.eks.aws';

/*
 * Placeholders of the cluster's own values. `aws eks describe-cluster` gives them: endpoint, certificate
 * authority data and the service CIDR (kubernetesNetworkConfig.serviceIpv4Cidr).
 */
const NODE_CONFIG = `---
apiVersion: node.eks.aws/v1alpha1
kind: NodeConfig
spec:
  cluster:
    name: my-cluster
    apiServerEndpoint: https://EXAMPLE0123456789.gr7.us-east-1.eks.amazonaws.com
    certificateAuthority: BASE64-CLUSTER-CA
    cidr: 10.100.0.0/16
`;

/**
 * Amazon Linux 2023 (nodeadm) user data: a `text/x-shellscript` part with the wait and, for a self-managed
 * group, the NodeConfig part. nodeadm-config reads the NodeConfig before cloud-init; nodeadm-run, which
 * starts kubelet, is ordered after cloud-final, which runs the shell part (awslabs/amazon-eks-ami,
 * templates/al2023/runtime/rootfs/etc/systemd/system/nodeadm-config.service and nodeadm-run.service).
 *
 * @example
 * renderAl2023UserData({ maxHoldSec: 900, pollSec: 5, report: true }, { managedNodeGroup: false });
 * // MIME document: NodeConfig part, then the shell part
 */
export function renderAl2023UserData(params: GateWaitParams, target: UserDataTarget): string {
  const parts: MimePart[] = [];
  if (!target.managedNodeGroup) parts.push({ contentType: NODE_CONFIG_CONTENT_TYPE, body: NODE_CONFIG });
  parts.push({ contentType: SHELL_SCRIPT_CONTENT_TYPE, body: renderGateWaitScript(params) });
  return renderMultipart(parts);
}

/**
 * Amazon Linux 2 user data: one shell part that waits, then (self-managed groups) calls
 * `/etc/eks/bootstrap.sh`, which configures and starts kubelet. In a managed node group without a custom
 * AMI, EKS adds the bootstrap call in a part of its own, after this one.
 *
 * @example
 * renderAl2UserData({ maxHoldSec: 900, pollSec: 5, report: true }, { managedNodeGroup: false }).includes('/etc/eks/bootstrap.sh my-cluster'); // true
 */
export function renderAl2UserData(params: GateWaitParams, target: UserDataTarget): string {
  const lines = ['#!/bin/bash', renderGateWaitBlock(params).replace(/\n$/, '')];
  if (!target.managedNodeGroup) lines.push('/etc/eks/bootstrap.sh my-cluster');
  return renderMultipart([{ contentType: SHELL_SCRIPT_CONTENT_TYPE, body: `${lines.join('\n')}\n` }]);
}

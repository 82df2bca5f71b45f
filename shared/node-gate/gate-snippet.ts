import { renderBottlerocketSettings } from './bottlerocket-settings.js';
import type { GateWaitParams } from './gate-wait-params.js';
import { renderAl2UserData, renderAl2023UserData, type UserDataTarget } from './node-user-data.js';

/** Node operating systems gate mode has a snippet for. */
export const NODE_OS = ['al2023', 'al2', 'bottlerocket'] as const;
export type NodeOs = (typeof NODE_OS)[number];

/**
 * The node-side snippet for one OS: MIME user data for AL2023 and AL2, settings TOML for Bottlerocket.
 *
 * @example
 * renderGateSnippet('al2023', { maxHoldSec: 900, pollSec: 5, report: true }, { managedNodeGroup: true });
 * // 'MIME-Version: 1.0\nContent-Type: multipart/mixed; …'
 */
export function renderGateSnippet(os: NodeOs, params: GateWaitParams, target: UserDataTarget): string {
  switch (os) {
    case 'al2023':
      return renderAl2023UserData(params, target);
    case 'al2':
      return renderAl2UserData(params, target);
    case 'bottlerocket':
      return renderBottlerocketSettings(params, target);
  }
}

/**
 * What a managed node group's launch template needs for the snippet to be merged, per OS. EKS merges the
 * launch template's user data with its own bootstrap only when the template names no AMI.
 *
 * @example
 * managedNodeGroupNotes('bottlerocket')[0]; // 'Bottlerocket user data is TOML, not MIME: …'
 */
export function managedNodeGroupNotes(os: NodeOs): readonly string[] {
  const common = [
    'The launch template must not name an AMI (ImageId): only then does EKS merge its own bootstrap into the user data. With a custom AMI, use the snippet without --managed-node-group and fill in the cluster values.',
    'Create a new launch template version with this user data, then roll the node group onto it: aws eks update-nodegroup-version --cluster-name C --nodegroup-name N --launch-template name=T,version=V (nodes are replaced; only new instances wait).',
    "Add the hook to the node group's Auto Scaling group (aws eks describe-nodegroup ... --query nodegroup.resources.autoScalingGroups): capacity-guard gate install --group <that name>.",
  ];
  switch (os) {
    case 'al2023':
      return [
        'The user data must be a MIME multi-part document (Content-Type: multipart/mixed with a boundary); this one is. EKS adds its own NodeConfig part (cluster name, endpoint, CA): do not add one.',
        'Keep the text/x-shellscript part: cloud-init runs it before nodeadm-run starts kubelet.',
        ...common,
      ];
    case 'al2':
      return [
        'The user data must be a MIME multi-part document (Content-Type: multipart/mixed with a boundary); this one is. EKS adds the /etc/eks/bootstrap.sh call after your parts: do not call it yourself.',
        ...common,
      ];
    case 'bottlerocket':
      return [
        'Bottlerocket user data is TOML, not MIME: EKS merges its [settings.kubernetes] values (cluster name, endpoint, CA) into these settings; do not set them.',
        'The bootstrap container image must exist and be pullable by the node (ECR pull permissions on the node role) before nodes launch.',
        ...common,
      ];
  }
}

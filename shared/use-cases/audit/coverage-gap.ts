/** What keeps the audit from seeing part of the account; the audit is then incomplete, never healthy. */
export const CoverageGapKind = {
  /** No instance listing: nodes outside the groups found are not seen. */
  nodesNotListed: 'nodes-not-listed',
  /** A cluster with no group and no tagged node. */
  noNodes: 'no-nodes',
  /** A group found but not modelled (instance type unknown, no subnet readable, bad limits). */
  groupNotModelled: 'group-not-modelled',
  /** A subnet a group or cluster names that could not be read. */
  subnetNotRead: 'subnet-not-read',
  /** Nothing to audit at all: no cluster, no group. */
  nothingAudited: 'nothing-audited',
} as const;
export type CoverageGapKind = (typeof CoverageGapKind)[keyof typeof CoverageGapKind];

export interface CoverageGap {
  readonly kind: CoverageGapKind;
  readonly subjectId: string;
  readonly message: string;
}

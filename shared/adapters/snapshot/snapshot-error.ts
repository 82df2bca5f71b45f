/** A snapshot file is missing or does not hold what its AWS CLI command prints. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

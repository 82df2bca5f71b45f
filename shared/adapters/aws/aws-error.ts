/** An AWS call failed; `cause` holds the SDK error. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(
      `${operation} failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`,
      { cause },
    );
  }
}

/** Runs one SDK call and wraps its failure in an AwsCallError naming the operation. */
export async function callAws<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AwsCallError(operation, error);
  }
}

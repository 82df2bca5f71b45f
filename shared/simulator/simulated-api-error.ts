/** An AWS service error as the simulated account answers it; the SDK bridge turns it into the SDK's exception. */
export class SimulatedApiError extends Error {
  override readonly name = 'SimulatedApiError';

  constructor(
    /** The AWS error code, e.g. `RequestLimitExceeded`, `InsufficientCidrBlocks`. */
    readonly code: string,
    message: string,
    readonly httpStatusCode = 400,
  ) {
    super(message);
  }
}

/** EC2 answers throttled calls with HTTP 503 and this code (EC2 guide "Request throttling"). */
export function requestLimitExceeded(action: string): SimulatedApiError {
  return new SimulatedApiError('RequestLimitExceeded', `Request limit exceeded for ${action}.`, 503);
}

export function isSimulatedApiError(error: unknown, code?: string): error is SimulatedApiError {
  return error instanceof SimulatedApiError && (code === undefined || error.code === code);
}

/** How long a live command (`audit --region`, `gate install`, `gate status`) waits on AWS for one call. */
export interface LiveClientLimits {
  /** TCP (and TLS) connection set-up. */
  readonly connectionTimeoutMs: number;
  /** From sending a request to the end of its response; also the longest silence on an open socket. */
  readonly requestTimeoutMs: number;
  /** Attempts per call, the first included (the SDK's standard retry strategy). */
  readonly maxAttempts: number;
}

/**
 * A person waits for the CLI: an unreachable endpoint fails after 3 attempts of 3 s to connect, a silent one
 * after 3 of 5 s to answer, instead of the SDK's defaults (no request timeout: a silent endpoint hangs for
 * ever). Three attempts still ride out a throttled call; a page of DescribeNetworkInterfaces takes well under 5 s.
 */
export const LIVE_CLIENT_LIMITS: LiveClientLimits = Object.freeze({
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 5_000,
  maxAttempts: 3,
});

/** SDK client configuration of a live command: Region, optional profile, endpoint override and time limits. */
export function liveClientConfig(
  region: string | undefined,
  profile: string | undefined,
  limits: LiveClientLimits = LIVE_CLIENT_LIMITS,
  endpoint?: string,
) {
  return {
    ...(region === undefined ? {} : { region }),
    ...(profile === undefined ? {} : { profile }),
    ...(endpoint === undefined ? {} : { endpoint }),
    retryMode: 'standard',
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      socketTimeout: limits.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  } as const;
}

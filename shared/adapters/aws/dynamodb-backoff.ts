/**
 * Backoff between retries of the items a batch call left unprocessed. "Full jitter" from the AWS Architecture
 * Blog, "Exponential Backoff And Jitter" (2015): sleep a uniform random time in [0, min(cap, base * 2^attempt)),
 * which spreads competing writers apart; the DynamoDB developer guide asks for exponential backoff on
 * `UnprocessedItems` because they mostly mean the table is throttled.
 */
export interface Backoff {
  /** Retries after the first call; past them the caller gives up and reports what is left. */
  readonly maxRetries: number;
  readonly baseMs: number;
  readonly capMs: number;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_BACKOFF: Backoff = {
  maxRetries: 6,
  baseMs: 50,
  capMs: 2_000,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Delay before retry `retry` (0 for the first retry). */
export function fullJitterDelayMs(
  backoff: Pick<Backoff, 'baseMs' | 'capMs' | 'random'>,
  retry: number,
): number {
  return Math.floor(backoff.random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** retry));
}

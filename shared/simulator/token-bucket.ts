/**
 * EC2 request throttling: a token bucket per account, Region and action that holds up to `burst`
 * tokens and refills `refillPerSec` per second (DOMAIN.md section 3, EC2 guide "Request throttling").
 */
export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;

  constructor(
    readonly burst: number,
    readonly refillPerSec: number,
    startMs = 0,
  ) {
    this.tokens = burst;
    this.lastRefillMs = startMs;
  }

  /** Takes one token at `nowMs`; false means the call is throttled (`RequestLimitExceeded`). */
  tryTake(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastRefillMs) {
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((nowMs - this.lastRefillMs) / 1000) * this.refillPerSec,
      );
      this.lastRefillMs = nowMs;
    }
  }
}

/**
 * The account's ENI attachment budget: at most `limit` successful attachments in any rolling window of
 * `windowMs` (DOMAIN.md section 3, the product's attach budget). Shared by every consumer.
 */
export class RollingWindowLimit {
  private readonly timesMs: number[] = [];
  private head = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Records one use at `nowMs` if fewer than `limit` happened in (nowMs - windowMs, nowMs]. */
  tryConsume(nowMs: number): boolean {
    if (this.countInWindow(nowMs) >= this.limit) return false;
    this.timesMs.push(nowMs);
    return true;
  }

  countInWindow(nowMs: number): number {
    while (this.head < this.timesMs.length && (this.timesMs[this.head] as number) <= nowMs - this.windowMs) {
      this.head++;
    }
    if (this.head > 4096) {
      this.timesMs.splice(0, this.head);
      this.head = 0;
    }
    return this.timesMs.length - this.head;
  }
}

/**
 * Where a `guard-crash` action strikes: the guard's next write to an Auto Scaling group takes effect at AWS, then
 * either the invocation dies before it records anything (`asg-write`), or the response is lost on the way back
 * and the call fails with a network error although the write happened (`asg-write-ambiguous`).
 */
export const GUARD_CRASH_POINTS = ['asg-write', 'asg-write-ambiguous'] as const;
export type GuardCrashPoint = (typeof GUARD_CRASH_POINTS)[number];

/** The Auto Scaling calls that change a group's capacity or bounds: the writes a crash point follows. */
const GROUP_WRITES = new Set(['SetDesiredCapacity', 'UpdateAutoScalingGroup']);

/**
 * What happens to one guard call before it reaches the account: `dead`, the invocation has died and the call
 * never leaves it; `lost`, a retry of a call whose answer was lost meets the same broken connection.
 */
export type GuardCallFate = 'dead' | 'lost' | 'none';

/**
 * The faults the scenario's `guard-crash` actions arm, in the order they were armed, each used by one write.
 * The account holds them; the SDK bridge applies them to the guard's calls, and the simulated guard asks, when an
 * invocation returns or throws, whether it died (then it is restarted, and its input comes back as the queue or
 * the schedule would bring it).
 */
export class GuardFaults {
  private readonly armed: GuardCrashPoint[] = [];
  private dead = false;
  /** Calls (by SDK invocation id) whose answer was lost: their retries fail too. */
  private readonly lostCalls = new Set<string>();
  private crashes = 0;

  arm(point: GuardCrashPoint): void {
    this.armed.push(point);
  }

  /** Crash points that struck so far. */
  get struck(): number {
    return this.crashes;
  }

  /**
   * The fate of one guard call before it is answered. `callId` identifies the call across the SDK's retries (its
   * `amz-sdk-invocation-id` header).
   */
  beforeCall(callId: string | undefined): GuardCallFate {
    if (this.dead) return 'dead';
    if (callId !== undefined && this.lostCalls.has(callId)) return 'lost';
    return 'none';
  }

  /**
   * A guard call was answered: when it wrote to an Auto Scaling group (`action` without the `Command` suffix) and
   * a crash is armed, the crash strikes now and its point is returned.
   */
  afterAnswer(
    service: 'autoscaling' | 'other',
    action: string,
    callId: string | undefined,
  ): GuardCrashPoint | null {
    const point = this.armed[0];
    if (point === undefined || service !== 'autoscaling' || !GROUP_WRITES.has(action)) return null;
    this.armed.shift();
    this.crashes += 1;
    if (point === 'asg-write') this.dead = true;
    else if (callId !== undefined) this.lostCalls.add(callId);
    return point;
  }

  /** The invocation that just ended died: true once, and the next invocation starts alive. */
  takeCrash(): boolean {
    const crashed = this.dead;
    this.dead = false;
    this.lostCalls.clear();
    return crashed;
  }
}

/** The guard's invocation died at a `guard-crash` action: nothing it calls afterwards reaches AWS. */
export class GuardInvocationDiedError extends Error {
  override readonly name = 'GuardInvocationDiedError';
}

/**
 * The error Node's HTTP client raises when the connection drops before the response arrives (`socket hang up`,
 * code `ECONNRESET`); the SDK classifies the code as transient and retries it.
 */
export function connectionResetError(action: string): Error {
  return Object.assign(new Error(`socket hang up (${action})`), { code: 'ECONNRESET' });
}

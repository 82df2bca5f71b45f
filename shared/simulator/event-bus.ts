import {
  cloudTrailApiCallEvent,
  type EventBridgeEnvelope,
  type EventContext,
  eventTime,
  uuidFrom,
} from './eventbridge-events.js';
import type { Scenario, SecondsRange } from './scenario.js';
import type { SeededRandom } from './seeded-random.js';
import type { SimClock } from './sim-event.js';
import { SimulatedApiError } from './simulated-api-error.js';

/** Counts what the bus carries (the metrics recorder). */
export interface EventCounter {
  countEvent(detailType: string): void;
}

export interface EventBusDeps {
  readonly scenario: Scenario;
  readonly clock: SimClock;
  /** Stream for event, request and message IDs. */
  readonly random: SeededRandom;
  /** Stream for delays drawn from a range, apart so that fixed delays draw nothing. */
  readonly delayRandom: SeededRandom;
  readonly counter: EventCounter;
}

/**
 * The account's default EventBridge bus as the guard sees it: service events and CloudTrail records arrive
 * after their delay; while the guard is down (a `guard-down` action) arrivals wait and come in order when
 * it is back.
 */
export class SimulatedEventBus {
  readonly putEvents: EventBridgeEnvelope[] = [];
  readonly deliveredEvents: EventBridgeEnvelope[] = [];
  private readonly held: EventBridgeEnvelope[] = [];
  private downUntilMs = Number.NEGATIVE_INFINITY;
  private delayOverride: SecondsRange | null = null;

  constructor(private readonly deps: EventBusDeps) {}

  /** A fresh UUID from the bus's stream (event, message and request IDs). */
  newId(): string {
    return uuidFrom(this.deps.random);
  }

  context(): EventContext {
    const account = this.deps.scenario.account;
    return {
      accountId: account.accountId,
      region: account.region,
      random: this.deps.random,
      epochMs: this.deps.clock.nowEpochMs(),
    };
  }

  /** Puts `event` on the bus; it arrives after `delay` (or the override in force), drawn when a range. */
  emit(event: EventBridgeEnvelope, delay: SecondsRange): void {
    this.deps.counter.countEvent(event['detail-type']);
    const range = this.delayOverride ?? delay;
    const delaySec = range.max > range.min ? this.deps.delayRandom.uniform(range.min, range.max) : range.min;
    const clock = this.deps.clock;
    clock.at(clock.nowSimMs + Math.round(delaySec * 1000), { kind: 'deliver', event });
  }

  /** Runs `fn` with every event it emits arriving after `delay` instead (null: no override). */
  withEventDelay<T>(delay: SecondsRange | null, fn: () => T): T {
    if (delay === null) return fn();
    const before = this.delayOverride;
    this.delayOverride = delay;
    try {
      return fn();
    } finally {
      this.delayOverride = before;
    }
  }

  /** An Auto Scaling API call as CloudTrail records it (failed calls carry errorCode / errorMessage). */
  recordAutoScalingCall(
    eventName: string,
    identityArn: string,
    requestParameters: Record<string, unknown>,
    error?: unknown,
  ): void {
    const failure = error instanceof SimulatedApiError ? error : undefined;
    const event = cloudTrailApiCallEvent(this.context(), {
      eventSource: 'autoscaling.amazonaws.com',
      eventName,
      identityArn,
      requestParameters,
      ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}),
    });
    this.emit(event, this.deps.scenario.timing.cloudTrailDelaySec);
  }

  /** EventBridge `PutEvents` on the default bus: recorded and delivered like any event. */
  putEvent(entry: {
    source: string;
    detailType: string;
    detail: Record<string, unknown>;
    resources?: string[];
  }): string {
    const scenario = this.deps.scenario;
    const event: EventBridgeEnvelope = {
      version: '0',
      id: this.newId(),
      'detail-type': entry.detailType,
      source: entry.source,
      account: scenario.account.accountId,
      time: eventTime(this.deps.clock.nowEpochMs()),
      region: scenario.account.region,
      resources: entry.resources ?? [],
      detail: entry.detail,
    };
    this.putEvents.push(event);
    this.emit(event, scenario.timing.customEventDelaySec);
    return event.id;
  }

  get guardDown(): boolean {
    return this.deps.clock.nowSimMs < this.downUntilMs;
  }

  /** The guard goes down for `forMs` from now (overlapping outages extend each other). */
  takeGuardDown(forMs: number): void {
    const clock = this.deps.clock;
    const untilMs = clock.nowSimMs + forMs;
    this.downUntilMs = Math.max(this.downUntilMs, untilMs);
    clock.at(untilMs, { kind: 'guard-up' });
  }

  /** An event reaches the bus's target: true when the guard takes it now, false when it waits. */
  arrive(event: EventBridgeEnvelope): boolean {
    if (this.guardDown) {
      this.held.push(event);
      return false;
    }
    this.deliveredEvents.push(event);
    return true;
  }

  /** The guard is back: the held events arrive now, in their original order. */
  guardUp(): void {
    if (this.guardDown) return;
    const clock = this.deps.clock;
    for (const event of this.held.splice(0)) clock.at(clock.nowSimMs, { kind: 'deliver', event });
  }
}

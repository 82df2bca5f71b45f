/** A fact the guard announces on the event bus. */
export interface GuardEvent {
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly resources?: readonly string[];
}

export interface EventPublisher {
  publish(events: readonly GuardEvent[]): Promise<void>;
}

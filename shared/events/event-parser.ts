import type { SelfIdentity } from './caller-identity.js';
import type { EventEnvelope } from './envelope.js';
import type { ScaleSignal } from './scale-signal.js';

export interface ParseContext {
  readonly self: SelfIdentity;
}

/**
 * Turns the `detail` of one (source, detail-type) into a signal. Throws `InvalidEventError` when the event
 * does not have its documented form; returns an `ignored` signal when it is well formed but needs no action.
 */
export type EventParser = (envelope: EventEnvelope, context: ParseContext) => ScaleSignal;

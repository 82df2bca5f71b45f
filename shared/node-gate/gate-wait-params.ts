import { GATE_DEFAULTS, GATE_WAIT_LIMITS } from './gate-defaults.js';

/** Parameters of the node-side wait. */
export interface GateWaitParams {
  /** The node stops waiting and starts kubelet after this many seconds, released or not. */
  readonly maxHoldSec: number;
  /** Seconds between two reads of the target lifecycle state. */
  readonly pollSec: number;
  /**
   * Whether the node tells the guard it has reached the wait (one EventBridge PutEvents, signed with the
   * instance role). False leaves the report out of the rendered block entirely.
   */
  readonly report: boolean;
}

/** A wait parameter outside its range; names the field, the value and the accepted form. */
export class InvalidGateWaitParamsError extends Error {
  override readonly name = 'InvalidGateWaitParamsError';
  constructor(
    readonly field: keyof GateWaitParams,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${field}: ${String(value)} is not valid (expected ${expected})`);
  }
}

function checkWhole(field: keyof GateWaitParams, value: number, range: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new InvalidGateWaitParamsError(
      field,
      value,
      `a whole number of seconds, ${range.min}..${range.max}`,
    );
  }
  return value;
}

function checkBoolean(field: keyof GateWaitParams, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidGateWaitParamsError(field, value, 'true or false');
  return value;
}

/**
 * Fills in the defaults (hold 900 s, poll 1 s, report on) and checks the values; throws
 * `InvalidGateWaitParamsError`.
 *
 * @example
 * resolveGateWaitParams({ maxHoldSec: 300 }); // { maxHoldSec: 300, pollSec: 1, report: true }
 */
export function resolveGateWaitParams(input: Partial<GateWaitParams> = {}): GateWaitParams {
  return Object.freeze({
    maxHoldSec: checkWhole(
      'maxHoldSec',
      input.maxHoldSec ?? GATE_DEFAULTS.maxHoldSec,
      GATE_WAIT_LIMITS.maxHoldSec,
    ),
    pollSec: checkWhole('pollSec', input.pollSec ?? GATE_DEFAULTS.pollSec, GATE_WAIT_LIMITS.pollSec),
    report: checkBoolean('report', input.report ?? GATE_DEFAULTS.report),
  });
}

import {
  InvalidGateWaitParamsError,
  resolveGateWaitParams,
} from '../../../../shared/node-gate/gate-wait-params.js';

describe('resolveGateWaitParams', () => {
  it('defaults to a 900 s hold polled every second, with the report on', () => {
    expect(resolveGateWaitParams()).toEqual({ maxHoldSec: 900, pollSec: 1, report: true });
  });

  it('turns the report off', () => {
    expect(resolveGateWaitParams({ report: false })).toEqual({ maxHoldSec: 900, pollSec: 1, report: false });
  });

  it('rejects a report that is not a boolean', () => {
    // Act / Assess
    expect(() => resolveGateWaitParams({ report: 'no' as unknown as boolean })).toThrow(
      new InvalidGateWaitParamsError('report', 'no', 'true or false'),
    );
  });

  it.each([
    [{ maxHoldSec: 0 }, 'maxHoldSec'],
    [{ maxHoldSec: 7201 }, 'maxHoldSec'],
    [{ maxHoldSec: 1.5 }, 'maxHoldSec'],
    [{ pollSec: 0 }, 'pollSec'],
    [{ pollSec: 301 }, 'pollSec'],
  ] as const)('rejects %j naming %s, the value and the range', (input, field) => {
    // Act
    let error: unknown;
    try {
      resolveGateWaitParams(input);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidGateWaitParamsError);
    expect((error as InvalidGateWaitParamsError).field).toBe(field);
    expect((error as Error).message).toMatch(
      new RegExp(`^${field}: .* \\(expected a whole number of seconds, \\d+\\.\\.\\d+\\)$`),
    );
  });

  it('accepts the ends of the ranges', () => {
    expect(resolveGateWaitParams({ maxHoldSec: 7200, pollSec: 1 })).toEqual({
      maxHoldSec: 7200,
      pollSec: 1,
      report: true,
    });
  });
});

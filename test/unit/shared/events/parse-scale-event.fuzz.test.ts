import fc from 'fast-check';
import { InvalidEventError } from '../../../../shared/events/invalid-event-error.js';
import { parseScaleEvent, SCALE_EVENT_PARSERS } from '../../../../shared/events/registry.js';
import { SCALE_SIGNAL_KINDS, type ScaleSignal } from '../../../../shared/events/scale-signal.js';
import {
  buildEvent,
  GUARD_ROLE_ARN,
  type Json,
  listEventFixtures,
  loadEventFixture,
  setPath,
} from './event-fixtures.js';

const OPTS = { selfIdentityArns: [GUARD_ROLE_ARN] } as const;

/** The outcome contract: a known signal kind, or an `InvalidEventError` — never another throw, never undefined. */
function outcomeOf(raw: unknown): 'signal' | 'invalid' {
  let signal: ScaleSignal;
  try {
    signal = parseScaleEvent(raw, OPTS);
  } catch (error) {
    if (error instanceof InvalidEventError) return 'invalid';
    throw error;
  }
  expect(signal).toBeDefined();
  expect(SCALE_SIGNAL_KINDS).toContain(signal.kind);
  expect(typeof signal.eventId).toBe('string');
  return 'signal';
}

/** Every path to every value of a JSON tree, objects and arrays included. */
function pathsOf(value: Json, prefix: readonly string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [[...prefix]];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  return [[...prefix], ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))].filter(
    (path) => path.length > 0,
  );
}

const FIXTURE_NAMES = listEventFixtures();
const KNOWN_TYPES = SCALE_EVENT_PARSERS.map((entry) => ({
  source: entry.source,
  detailType: entry.detailType,
}));

describe('parseScaleEvent fuzzing', () => {
  it('meets the outcome contract for arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        outcomeOf(raw);
      }),
      { numRuns: 500 },
    );
  });

  it('meets the outcome contract for a valid envelope of a known type with an arbitrary detail', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KNOWN_TYPES),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (type, detail) => {
          // Prepare
          const event = buildEvent('capacity-guard/scale-request', [
            [['source'], type.source],
            [['detail-type'], type.detailType],
            [['detail'], detail as Json],
          ]);

          // Act / Assess
          outcomeOf(event);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('meets the outcome contract when any field of any fixture is replaced or removed', () => {
    const cases = FIXTURE_NAMES.flatMap((name) =>
      pathsOf(loadEventFixture(name)).map((path) => ({ name, path })),
    );
    const seen = { signal: 0, invalid: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.option(fc.oneof(fc.jsonValue(), fc.integer().map(String), fc.constant('')), { nil: undefined }),
        ({ name, path }, replacement) => {
          // Prepare
          const event = loadEventFixture(name);
          setPath(event, path, replacement as Json | undefined);

          // Act / Assess
          seen[outcomeOf(event)] += 1;
        },
      ),
      { numRuns: 2000 },
    );
    expect(seen.signal).toBeGreaterThan(0);
    expect(seen.invalid).toBeGreaterThan(0);
  });

  it('reads any whole-number desired capacity, as a number or as digits', () => {
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), (desired, asString) => {
        // Prepare
        const event = buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity', [
          [['detail', 'requestParameters', 'desiredCapacity'], asString ? String(desired) : desired],
        ]);

        // Act
        const signal = parseScaleEvent(event, OPTS);

        // Assess
        expect(signal).toMatchObject({ kind: 'desired-set', desired });
      }),
    );
  });

  it('rejects any negative or fractional desired capacity with InvalidEventError', () => {
    const bad = fc.oneof(
      fc.integer({ max: -1 }),
      fc.double({ noNaN: true }).filter((value) => !Number.isInteger(value)),
    );
    fc.assert(
      fc.property(bad, (desired) => {
        const event = buildEvent('capacity-guard/scale-request', [[['detail', 'desiredCapacity'], desired]]);

        expect(() => parseScaleEvent(event, OPTS)).toThrow(InvalidEventError);
      }),
    );
  });
});

import fc from 'fast-check';
import {
  type CapacitySample,
  ForecastInputError,
  type ForecastOptions,
  forecastExhaustion,
  theilSenSlope,
} from '../../../../shared/domain/exhaustion-forecast.js';

const MINUTE_MS = 60_000;
const NOW_MS = Date.UTC(2025, 0, 1, 12);

/** `count` samples, `stepMin` apart, ending at NOW_MS, free count following `freeAt(minutesAgo)`. */
function buildSeries(
  count: number,
  stepMin: number,
  freeAt: (minutesAgo: number) => number,
): CapacitySample[] {
  return Array.from({ length: count }, (_, i) => {
    const minutesAgo = (count - 1 - i) * stepMin;
    return { atMs: NOW_MS - minutesAgo * MINUTE_MS, freeIpCount: freeAt(minutesAgo) };
  });
}

function buildOptions(overrides: Partial<ForecastOptions> = {}): ForecastOptions {
  return { nowMs: NOW_MS, headroomNow: 240, ...overrides };
}

describe('theilSenSlope', () => {
  it('ignores a single wild point', () => {
    // Act
    const slope = theilSenSlope([
      { x: 0, y: 10 },
      { x: 1, y: 8 },
      { x: 2, y: 6 },
      { x: 3, y: 100 },
      { x: 4, y: 2 },
    ]);

    // Assess
    expect(slope).toBe(-2);
  });

  it('has no slope without two distinct times', () => {
    // Act
    const slope = theilSenSlope([
      { x: 5, y: 1 },
      { x: 5, y: 2 },
    ]);

    // Assess
    expect(slope).toBeNull();
  });
});

describe('forecastExhaustion', () => {
  it('projects a steady loss onto the current headroom, within the horizon', () => {
    // Prepare
    const samples = buildSeries(12, 10, (minutesAgo) => 500 + 3 * minutesAgo);

    // Act
    const forecast = forecastExhaustion(samples, buildOptions({ headroomNow: 240 }));

    // Assess
    expect(forecast).toMatchObject({
      kind: 'shrinking',
      slopePerMin: -3,
      extrapolatedMinutes: 80,
      horizonMinutes: 110,
      minutesToExhaustion: 80,
      samplesUsed: 12,
    });
  });

  it('keeps the extrapolation but withholds minutes beyond the horizon', () => {
    // Prepare
    const samples = buildSeries(7, 10, (minutesAgo) => 1000 + 0.5 * minutesAgo);

    // Act
    const forecast = forecastExhaustion(samples, buildOptions({ headroomNow: 900 }));

    // Assess
    expect(forecast.kind).toBe('shrinking');
    expect(forecast.minutesToExhaustion).toBeNull();
    if (forecast.kind === 'shrinking') expect(forecast.extrapolatedMinutes).toBeCloseTo(1800, 6);
  });

  it('reports exhaustion at once when pending demand already takes all the headroom', () => {
    // Prepare
    const samples = buildSeries(3, 10, () => 50);

    // Act
    const forecast = forecastExhaustion(samples, buildOptions({ headroomNow: -4 }));

    // Assess
    expect(forecast).toMatchObject({ kind: 'exhausted', minutesToExhaustion: 0 });
  });

  it('returns not-shrinking for a flat or growing series', () => {
    // Prepare
    const growing = buildSeries(10, 5, (minutesAgo) => 300 - minutesAgo);

    // Act
    const forecast = forecastExhaustion(growing, buildOptions());

    // Assess
    expect(forecast).toMatchObject({ kind: 'not-shrinking', minutesToExhaustion: null });
  });

  it('wants enough samples over a long enough span inside the window', () => {
    // Prepare
    const few = buildSeries(4, 10, (m) => 100 + m);
    const short = buildSeries(10, 2, (m) => 100 + m);
    const stale = buildSeries(10, 10, (m) => 100 + m).map((s) => ({
      ...s,
      atMs: s.atMs - 7 * 60 * MINUTE_MS,
    }));

    // Act
    const results = [few, short, stale].map((samples) => forecastExhaustion(samples, buildOptions()));

    // Assess
    expect(results.map((r) => r.kind)).toEqual([
      'insufficient-data',
      'insufficient-data',
      'insufficient-data',
    ]);
  });

  it('forecasts free /28 blocks from samples that carry them and skips those that do not', () => {
    // Prepare
    const samples = buildSeries(8, 10, () => 1000).map((s, i) => ({
      ...s,
      freePrefixBlocks: i === 3 ? null : 40 - i,
    }));

    // Act
    const forecast = forecastExhaustion(
      samples,
      buildOptions({ metric: 'freePrefixBlocks', headroomNow: 5 }),
    );

    // Assess
    expect(forecast).toMatchObject({ kind: 'shrinking', samplesUsed: 7, minutesToExhaustion: 50 });
  });

  it('rejects a non-positive window and a non-finite headroom', () => {
    // Act
    const badWindow = () => forecastExhaustion([], buildOptions({ windowMs: 0 }));
    const badHeadroom = () => forecastExhaustion([], buildOptions({ headroomNow: Number.NaN }));

    // Assess
    expect(badWindow).toThrow(ForecastInputError);
    expect(badWindow).toThrow('windowMs is 0 (expected a finite number > 0)');
    expect(badHeadroom).toThrow('headroomNow is NaN');
  });

  it('recovers the exact slope of any linear series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 72 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 60_000 }),
        (count, stepMin, slopePerMin, level) => {
          const samples = buildSeries(count, stepMin, (minutesAgo) => level - slopePerMin * minutesAgo);
          const forecast = forecastExhaustion(samples, buildOptions({ minSpanMs: 0 }));
          if (slopePerMin < 0) {
            expect(forecast.kind).toBe('shrinking');
            if (forecast.kind === 'shrinking') expect(forecast.slopePerMin).toBeCloseTo(slopePerMin, 9);
          } else {
            expect(forecast.kind).toBe('not-shrinking');
            if (forecast.kind === 'not-shrinking') expect(forecast.slopePerMin).toBeCloseTo(slopePerMin, 9);
          }
        },
      ),
    );
  });

  it('moves little when a fifth of the samples are outliers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 72 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -5000, max: 5000 })), { maxLength: 4 }),
        (count, lossPerMin, outliers) => {
          const clean = buildSeries(count, 5, (minutesAgo) => 20_000 + lossPerMin * minutesAgo);
          const allowed = Math.floor(count / 5);
          const dirty = clean.map((s) => ({ ...s }));
          for (const [position, jump] of outliers.slice(0, allowed)) {
            const index = position % count;
            const sample = dirty[index];
            if (sample) dirty[index] = { ...sample, freeIpCount: sample.freeIpCount + jump };
          }
          const forecast = forecastExhaustion(dirty, buildOptions({ headroomNow: 10_000 }));
          expect(forecast.kind).toBe('shrinking');
          if (forecast.kind === 'shrinking') {
            expect(Math.abs(forecast.slopePerMin + lossPerMin)).toBeLessThanOrEqual(0.5 * lossPerMin);
          }
        },
      ),
    );
  });
});

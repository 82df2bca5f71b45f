/**
 * Time to exhaustion of a subnet from stored samples. Pure.
 *
 * Trend: the Theil–Sen estimator (median of the slopes between every pair of samples; Sen 1968,
 * "Estimates of the regression coefficient based on Kendall's tau", JASA 63(324)). Up to 29 % of the samples
 * can be arbitrary without moving it, so a burst of pods or a short scale-in does not swing the forecast
 * the way a least-squares fit would.
 *
 * Level: the caller's current headroom, already net of in-flight demand (`subnet-headroom.ts`), so pending
 * nodes count immediately instead of waiting to show up in the trend.
 */

export interface CapacitySample {
  readonly atMs: number;
  readonly freeIpCount: number;
  readonly freePrefixBlocks?: number | null;
}

export const ForecastMetric = { freeIpCount: 'freeIpCount', freePrefixBlocks: 'freePrefixBlocks' } as const;
export type ForecastMetric = (typeof ForecastMetric)[keyof typeof ForecastMetric];

export interface ForecastOptions {
  readonly nowMs: number;
  /** Headroom now, in the metric's unit, net of in-flight demand. */
  readonly headroomNow: number;
  readonly metric?: ForecastMetric;
  /** Only samples in (nowMs − windowMs, nowMs] count (default 6 h). */
  readonly windowMs?: number;
  /** Fewer samples in the window → `insufficient-data` (default 6). */
  readonly minSamples?: number;
  /** The window must span at least this long (default 30 min): two samples a minute apart say nothing. */
  readonly minSpanMs?: number;
  /** Only the newest this many samples enter the O(n²) pair set (default 400). */
  readonly maxSamples?: number;
}

interface ForecastBase {
  readonly metric: ForecastMetric;
  readonly headroomNow: number;
  readonly samplesUsed: number;
  /** Minutes until headroom reaches zero, within the horizon; null otherwise. */
  readonly minutesToExhaustion: number | null;
}

/** Too few samples, or too short a span, to say anything about the trend. */
export interface InsufficientDataForecast extends ForecastBase {
  readonly kind: 'insufficient-data';
  readonly minutesToExhaustion: null;
}

/** Headroom is already at or below zero: pending demand alone exhausts the subnet. */
export interface ExhaustedForecast extends ForecastBase {
  readonly kind: 'exhausted';
  readonly minutesToExhaustion: 0;
}

/** Free space is flat or growing. */
export interface NotShrinkingForecast extends ForecastBase {
  readonly kind: 'not-shrinking';
  readonly slopePerMin: number;
  readonly minutesToExhaustion: null;
}

export interface ShrinkingForecast extends ForecastBase {
  readonly kind: 'shrinking';
  /** Negative: units lost per minute. */
  readonly slopePerMin: number;
  /** `headroomNow / −slopePerMin`, whether or not within the horizon. */
  readonly extrapolatedMinutes: number;
  /** How far ahead the trend may be trusted: the time span the samples cover. */
  readonly horizonMinutes: number;
}

export type ExhaustionForecast =
  | InsufficientDataForecast
  | ExhaustedForecast
  | NotShrinkingForecast
  | ShrinkingForecast;

export class ForecastInputError extends Error {
  override readonly name = 'ForecastInputError';
}

const MINUTE_MS = 60_000;
const DEFAULTS = { windowMs: 6 * 60 * MINUTE_MS, minSamples: 6, minSpanMs: 30 * MINUTE_MS, maxSamples: 400 };

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * Theil–Sen slope: the median of `(y_j − y_i) / (t_j − t_i)` over every pair with `t_j > t_i`.
 * Pairs with equal times carry no slope and are skipped. Null with fewer than two distinct times.
 *
 * @example
 * theilSenSlope([{ x: 0, y: 10 }, { x: 1, y: 8 }, { x: 2, y: 6 }, { x: 3, y: 100 }, { x: 4, y: 2 }]) // -2
 */
export function theilSenSlope(points: readonly { readonly x: number; readonly y: number }[]): number | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i];
    if (a === undefined) continue;
    for (let j = i + 1; j < points.length; j++) {
      const b = points[j];
      if (b === undefined || b.x === a.x) continue;
      slopes.push((b.y - a.y) / (b.x - a.x));
    }
  }
  if (slopes.length === 0) return null;
  slopes.sort((p, q) => p - q);
  return median(slopes);
}

function metricValue(sample: CapacitySample, metric: ForecastMetric): number | null {
  switch (metric) {
    case ForecastMetric.freeIpCount:
      return sample.freeIpCount;
    case ForecastMetric.freePrefixBlocks:
      return sample.freePrefixBlocks ?? null;
    default: {
      const unknown: never = metric;
      throw new ForecastInputError(`metric '${String(unknown)}' is not supported`);
    }
  }
}

function requirePositive(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ForecastInputError(`${field} is ${value} (expected a finite number > 0)`);
  }
}

/**
 * Forecasts when a subnet runs out: robust slope of the free count over the window, applied to the
 * current headroom. The result is only trusted as far ahead as the samples reach back: a forecast beyond
 * that horizon keeps `extrapolatedMinutes` but reports `minutesToExhaustion: null`.
 *
 * @example
 * // 12 samples, 10 minutes apart, losing 3 IPs a minute; headroom 240 after pending nodes
 * forecastExhaustion(samples, { nowMs, headroomNow: 240 })
 * // { kind: 'shrinking', slopePerMin: -3, extrapolatedMinutes: 80, horizonMinutes: 110,
 * //   minutesToExhaustion: 80, ... }
 */
export function forecastExhaustion(
  samples: readonly CapacitySample[],
  options: ForecastOptions,
): ExhaustionForecast {
  const metric = options.metric ?? ForecastMetric.freeIpCount;
  const windowMs = options.windowMs ?? DEFAULTS.windowMs;
  const minSamples = options.minSamples ?? DEFAULTS.minSamples;
  const minSpanMs = options.minSpanMs ?? DEFAULTS.minSpanMs;
  const maxSamples = options.maxSamples ?? DEFAULTS.maxSamples;
  requirePositive('windowMs', windowMs);
  requirePositive('maxSamples', maxSamples);
  if (!Number.isFinite(options.headroomNow)) {
    throw new ForecastInputError(`headroomNow is ${options.headroomNow} (expected a finite number)`);
  }

  const points = samples
    .filter((sample) => sample.atMs > options.nowMs - windowMs && sample.atMs <= options.nowMs)
    .map((sample) => ({ x: sample.atMs, y: metricValue(sample, metric) }))
    .filter((point): point is { x: number; y: number } => point.y !== null && Number.isFinite(point.y))
    .sort((a, b) => a.x - b.x)
    .slice(-maxSamples);
  const base = { metric, headroomNow: options.headroomNow, samplesUsed: points.length };

  if (options.headroomNow <= 0) return { ...base, kind: 'exhausted', minutesToExhaustion: 0 };

  const first = points[0];
  const last = points[points.length - 1];
  const spanMs = first !== undefined && last !== undefined ? last.x - first.x : 0;
  const slopePerMs = points.length >= minSamples && spanMs >= minSpanMs ? theilSenSlope(points) : null;
  if (slopePerMs === null) return { ...base, kind: 'insufficient-data', minutesToExhaustion: null };

  const slopePerMin = slopePerMs * MINUTE_MS;
  if (slopePerMin >= 0) return { ...base, kind: 'not-shrinking', slopePerMin, minutesToExhaustion: null };

  const extrapolatedMinutes = options.headroomNow / -slopePerMin;
  const horizonMinutes = spanMs / MINUTE_MS;
  return {
    ...base,
    kind: 'shrinking',
    slopePerMin,
    extrapolatedMinutes,
    horizonMinutes,
    minutesToExhaustion: extrapolatedMinutes <= horizonMinutes ? extrapolatedMinutes : null,
  };
}

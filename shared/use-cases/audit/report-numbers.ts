import { type Severity, Severity as SeverityLevel } from '../../domain/alert-policy.js';

const RANK: Readonly<Record<Severity, number>> = { OK: 0, WARNING: 1, CRITICAL: 2 };

/** The most severe of `severities`; OK for none. */
export function worst(severities: readonly Severity[]): Severity {
  return severities.reduce<Severity>((a, b) => (RANK[b] > RANK[a] ? b : a), SeverityLevel.ok);
}

/** The smallest known value; null when none is known. */
export function minOrNull(values: readonly (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.min(...known);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function roundOrNull(value: number | null): number | null {
  return value === null ? null : round(value, 1);
}

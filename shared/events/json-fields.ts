import { InvalidEventError } from './invalid-event-error.js';

/** A JSON object together with the path it was found at, so every error can name where it looked. */
export interface ObjectAt {
  readonly value: Readonly<Record<string, unknown>>;
  readonly path: string;
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;
const ROOT_LABEL = '(event)';

/**
 * Dotted path for plain keys, bracketed for keys with spaces (Auto Scaling's `Details["Subnet ID"]`).
 *
 * @example
 * childPath('detail.Details', 'Subnet ID') // 'detail.Details["Subnet ID"]'
 */
export function childPath(parent: string, key: string): string {
  const segment = PLAIN_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (parent === '') return segment;
  return segment.startsWith('[') ? `${parent}${segment}` : `${parent}.${segment}`;
}

/**
 * @example
 * indexPath('Records', 3) // 'Records[3]'
 */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

function label(path: string): string {
  return path === '' ? ROOT_LABEL : path;
}

export function isJsonObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, path: string): ObjectAt {
  if (!isJsonObject(value)) throw new InvalidEventError(label(path), 'a JSON object', value);
  return { value, path };
}

/** Own properties only: a `__proto__` or `constructor` key must never reach the prototype. */
export function fieldValue(obj: ObjectAt, key: string): unknown {
  return Object.hasOwn(obj.value, key) ? obj.value[key] : undefined;
}

/** JSON `null` counts as absent: CloudTrail writes `null` for fields it has no value for. */
function presentValue(obj: ObjectAt, key: string): unknown {
  const value = fieldValue(obj, key);
  return value === null ? undefined : value;
}

export function requireObject(obj: ObjectAt, key: string): ObjectAt {
  return asObject(fieldValue(obj, key), childPath(obj.path, key));
}

export function optionalObject(obj: ObjectAt, key: string): ObjectAt | undefined {
  const value = presentValue(obj, key);
  return value === undefined ? undefined : asObject(value, childPath(obj.path, key));
}

export function requireString(obj: ObjectAt, key: string): string {
  const value = fieldValue(obj, key);
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidEventError(childPath(obj.path, key), 'a non-empty string', value);
  }
  return value;
}

/** An empty string reads as absent: Auto Scaling sends `""` for fields such as a failed launch's instance id. */
export function optionalString(obj: ObjectAt, key: string): string | undefined {
  const value = presentValue(obj, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidEventError(childPath(obj.path, key), 'a string', value);
  return value === '' ? undefined : value;
}

export function requireStringArray(obj: ObjectAt, key: string): readonly string[] {
  const value = fieldValue(obj, key);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new InvalidEventError(childPath(obj.path, key), 'an array of strings', value);
  }
  return value;
}

const WHOLE_NUMBER_FORM = 'a whole number >= 0';
const DIGITS = /^\d+$/;

/**
 * CloudTrail records request numbers as JSON numbers or as strings, depending on the service's protocol:
 * both forms are read.
 */
function toWholeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && DIGITS.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

export function requireWholeNumber(obj: ObjectAt, key: string): number {
  const value = fieldValue(obj, key);
  const parsed = toWholeNumber(value);
  if (parsed === undefined) throw new InvalidEventError(childPath(obj.path, key), WHOLE_NUMBER_FORM, value);
  return parsed;
}

export function optionalWholeNumber(obj: ObjectAt, key: string): number | undefined {
  const value = presentValue(obj, key);
  if (value === undefined) return undefined;
  const parsed = toWholeNumber(value);
  if (parsed === undefined) throw new InvalidEventError(childPath(obj.path, key), WHOLE_NUMBER_FORM, value);
  return parsed;
}

export function optionalBoolean(obj: ObjectAt, key: string): boolean | undefined {
  const value = presentValue(obj, key);
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidEventError(childPath(obj.path, key), 'true or false', value);
}

export function optionalOneOf<T extends string>(
  obj: ObjectAt,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = presentValue(obj, key);
  if (value === undefined) return undefined;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) {
    throw new InvalidEventError(childPath(obj.path, key), `one of ${allowed.join(', ')}`, value);
  }
  return match;
}

/**
 * ISO 8601 UTC or with an offset, as EventBridge (`time`), CloudTrail (`eventTime`) and Auto Scaling
 * (`StartTime`) write it. Stricter than `Date.parse`, which also accepts forms such as `"1"`.
 */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const TIMESTAMP_FORM = 'an ISO 8601 timestamp such as "2024-11-29T08:00:00Z"';

function toEpochMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value)) return undefined;
  const epochMs = Date.parse(value);
  return Number.isFinite(epochMs) ? epochMs : undefined;
}

export function requireTimestampMs(obj: ObjectAt, key: string): number {
  const value = fieldValue(obj, key);
  const epochMs = toEpochMs(value);
  if (epochMs === undefined) throw new InvalidEventError(childPath(obj.path, key), TIMESTAMP_FORM, value);
  return epochMs;
}

export function optionalTimestampMs(obj: ObjectAt, key: string): number | undefined {
  const value = presentValue(obj, key);
  if (value === undefined) return undefined;
  const epochMs = toEpochMs(value);
  if (epochMs === undefined) throw new InvalidEventError(childPath(obj.path, key), TIMESTAMP_FORM, value);
  return epochMs;
}

/** Rejects keys outside `allowed`, so a typo in a contract the guard owns fails instead of being ignored. */
export function rejectUnknownKeys(obj: ObjectAt, allowed: readonly string[]): void {
  const unknown = Object.keys(obj.value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) {
    throw new InvalidEventError(label(obj.path), `only the fields ${allowed.join(', ')}`, unknown);
  }
}

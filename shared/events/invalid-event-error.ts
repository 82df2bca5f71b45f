/**
 * An event of a known source and detail-type whose fields do not have the documented form. Its message names
 * the JSON path, the value and the expected form, so it can travel to the dead-letter queue as the reason.
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  readonly path: string;
  readonly expected: string;

  constructor(path: string, expected: string, value: unknown, options?: ErrorOptions) {
    super(`${path}: expected ${expected}, got ${describeValue(value)}`, options);
    this.path = path;
    this.expected = expected;
  }
}

const MAX_VALUE_CHARS = 80;

/**
 * A short rendering of an offending value: error messages end up in logs and DLQ attributes, so a large
 * body is cut rather than copied whole.
 *
 * @example
 * describeValue('abc') // '"abc"'
 * describeValue(undefined) // 'undefined'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

import type { SecondsRange } from './scenario-types.js';

export class ScenarioValidationError extends Error {
  override readonly name = 'ScenarioValidationError';
}

export type Json = unknown;

/** Reads one JSON object, remembers the keys it consumed and rejects the rest. */
export class ObjectReader {
  private readonly used = new Set<string>();

  constructor(
    private readonly value: Record<string, Json>,
    readonly path: string,
  ) {}

  static of(value: Json, path: string): ObjectReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid(path, value, 'an object');
    }
    return new ObjectReader(value as Record<string, Json>, path);
  }

  raw(key: string): Json {
    this.used.add(key);
    return this.value[key];
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  string(key: string, fallback?: string, pattern?: RegExp, form = 'a string'): string {
    const value = this.raw(key);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value.length === 0 || (pattern && !pattern.test(value))) {
      throw invalid(`${this.path}.${key}`, value, form);
    }
    return value;
  }

  number(key: string, min: number, max: number, fallback?: number, integer = true): number {
    const value = this.raw(key);
    if (value === undefined && fallback !== undefined) return fallback;
    const form = `${integer ? 'a whole number' : 'a number'} in ${min}..${max}`;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw invalid(`${this.path}.${key}`, value, form);
    }
    if (integer && !Number.isInteger(value)) throw invalid(`${this.path}.${key}`, value, form);
    return value;
  }

  optionalNumber(key: string, min: number, max: number, integer = true): number | null {
    if (!this.has(key)) {
      this.used.add(key);
      return null;
    }
    return this.number(key, min, max, undefined, integer);
  }

  optionalString(key: string): string | null {
    if (!this.has(key)) {
      this.used.add(key);
      return null;
    }
    return this.string(key);
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw invalid(`${this.path}.${key}`, value, 'true or false');
    return value;
  }

  stringMap(key: string): Record<string, string> {
    const value = this.raw(key);
    if (value === undefined) return {};
    const reader = ObjectReader.of(value, `${this.path}.${key}`);
    const out: Record<string, string> = {};
    for (const entryKey of Object.keys(value as object)) out[entryKey] = reader.string(entryKey);
    return out;
  }

  array(key: string, fallback?: Json[]): Json[] {
    const value = this.raw(key);
    if (value === undefined && fallback !== undefined) return fallback;
    if (!Array.isArray(value)) throw invalid(`${this.path}.${key}`, value, 'an array');
    return value;
  }

  range(key: string, fallback: SecondsRange, max: number): SecondsRange {
    if (!this.has(key)) {
      this.used.add(key);
      return fallback;
    }
    const reader = ObjectReader.of(this.raw(key), `${this.path}.${key}`);
    const range = {
      min: reader.number('min', 0, max, undefined, false),
      max: reader.number('max', 0, max, undefined, false),
    };
    reader.done();
    if (range.max < range.min)
      throw invalid(`${this.path}.${key}.max`, range.max, `a number >= min (${range.min})`);
    return range;
  }

  /** Seconds as a number (fixed) or `{min, max}` (drawn per use); null when absent and no fallback. */
  delay(key: string, fallback: SecondsRange | null, max: number): SecondsRange | null {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || value < 0 || value > max)
        throw invalid(`${this.path}.${key}`, value, `a number in 0..${max} or {min, max}`);
      return { min: value, max: value };
    }
    return this.range(key, { min: 0, max: 0 }, max);
  }

  done(): void {
    for (const key of Object.keys(this.value)) {
      if (!this.used.has(key)) {
        throw new ScenarioValidationError(
          `${this.path}.${key}: unknown key (expected one of: ${[...this.used].sort().join(', ')})`,
        );
      }
    }
  }
}

export function invalid(path: string, value: Json, form: string): ScenarioValidationError {
  const shown = value === undefined ? 'missing' : JSON.stringify(value);
  return new ScenarioValidationError(`${path}: ${shown} is not valid (expected ${form})`);
}

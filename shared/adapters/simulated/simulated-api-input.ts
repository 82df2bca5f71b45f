import { SimulatedApiError } from '../../simulator/simulated-api-error.js';

/*
 * Reading a command's input the way the AWS APIs do: filters with wildcards and tag filters, pagination tokens,
 * required parameters.
 */

/** A command's input and output as plain objects (the SDK's shapes, untyped here). */
export type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;
export interface Filter {
  readonly Name?: string;
  readonly Values?: readonly string[];
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function filtersOf(input: Input): Filter[] {
  return Array.isArray(input.Filters) ? (input.Filters as Filter[]) : [];
}

/** EC2 filter values accept `*` and `?` wildcards. */
function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(value);
}

export function tagFilterMatches(
  name: string,
  values: readonly string[],
  tags: Readonly<Record<string, string>>,
): boolean | null {
  if (name === 'tag-key') return values.some((v) => Object.keys(tags).some((k) => globMatch(v, k)));
  if (name === 'tag-value') return values.some((v) => Object.values(tags).some((t) => globMatch(v, t)));
  if (name.startsWith('tag:')) {
    const tag = tags[name.slice(4)];
    return tag !== undefined && values.some((v) => globMatch(v, tag));
  }
  return null;
}

export function matchesAll(
  filters: readonly Filter[],
  fields: Readonly<Record<string, readonly string[]>>,
  tags: Readonly<Record<string, string>>,
  operation: string,
): boolean {
  for (const filter of filters) {
    const name = filter.Name ?? '';
    const values = filter.Values ?? [];
    const byTag = tagFilterMatches(name, values, tags);
    if (byTag !== null) {
      if (!byTag) return false;
      continue;
    }
    const field = fields[name];
    if (!field) {
      throw new SimulatedApiError(
        'InvalidParameterValue',
        `The filter '${name}' is invalid for ${operation}`,
      );
    }
    if (!values.some((v) => field.some((f) => globMatch(v, f)))) return false;
  }
  return true;
}

/** MaxResults / NextToken pagination; the token is the offset of the next item. */
export function paginate<T>(
  items: readonly T[],
  input: Input,
  maxKey: string,
  tokenKey: string,
  maxLimit = 1000,
) {
  const max = typeof input[maxKey] === 'number' ? Math.min(input[maxKey] as number, maxLimit) : maxLimit;
  const token = input[tokenKey];
  let start = 0;
  if (typeof token === 'string' && token.length > 0) {
    start = Number.parseInt(
      Buffer.from(token, 'base64')
        .toString('utf8')
        .replace(/^offset:/, ''),
      10,
    );
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw new SimulatedApiError('InvalidPaginationToken', `The pagination token '${token}' is invalid`);
    }
  }
  const page = items.slice(start, start + max);
  const next =
    start + max < items.length ? Buffer.from(`offset:${start + max}`).toString('base64') : undefined;
  return { page, next };
}

export function tagList(tags: Readonly<Record<string, string>>) {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function requiredString(input: Input, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new SimulatedApiError('ValidationError', `${key} is required`);
  }
  return value;
}

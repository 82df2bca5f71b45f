import { readdirSync, readFileSync } from 'node:fs';

/** JSON as read from a fixture: mutable so builders can apply overrides to a copy. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const FIXTURES = new URL('../../../fixtures/events/', import.meta.url);

export const FIXTURE_SOURCES = ['aws.autoscaling', 'aws.eks', 'capacity-guard'] as const;
export type FixtureSource = (typeof FIXTURE_SOURCES)[number];

/** Every fixture as `source/file-name` (without `.json`). */
export function listEventFixtures(): string[] {
  return FIXTURE_SOURCES.flatMap((source) =>
    readdirSync(new URL(`${source}/`, FIXTURES))
      .filter((file) => file.endsWith('.json'))
      .map((file) => `${source}/${file.slice(0, -'.json'.length)}`),
  );
}

export function loadEventFixture(name: string): JsonObject {
  const parsed: unknown = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`fixture ${name} is not a JSON object`);
  }
  return parsed as JsonObject;
}

/** A path override: the value to set, or `undefined` to delete the field. */
export type Override = readonly [path: readonly string[], value: Json | undefined];

/**
 * A copy of a fixture with fields set or removed.
 *
 * @example
 * buildEvent('aws.autoscaling/ec2-instance-launch-successful', [[['detail', 'EC2InstanceId'], undefined]])
 */
export function buildEvent(name: string, overrides: readonly Override[] = []): JsonObject {
  const event = structuredClone(loadEventFixture(name));
  for (const [path, value] of overrides) setPath(event, path, value);
  return event;
}

export function setPath(target: JsonObject, path: readonly string[], value: Json | undefined): void {
  const parentPath = path.slice(0, -1);
  const last = path.at(-1);
  if (last === undefined) throw new Error('empty override path');
  let node: JsonObject = target;
  for (const key of parentPath) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    } else {
      node = next;
    }
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

export const GUARD_ROLE_ARN = 'arn:aws:iam::123456789012:role/capacity-guard/capacity-guard-reactor';
export const GUARD_SESSION_ARN =
  'arn:aws:sts::123456789012:assumed-role/capacity-guard-reactor/capacity-guard-scale-reactor';

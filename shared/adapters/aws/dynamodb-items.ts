import { type AlertState, Severity } from '../../domain/alert-policy.js';
import type { AttachSpend } from '../../domain/attach-budget.js';
import type { CapacitySample } from '../../domain/exhaustion-forecast.js';
import type { ScheduledSizes } from '../../domain/scheduled-actions.js';
import { type AppliedStep, PACING_MODES, type StaggerPlan } from '../../domain/stagger-plan.js';

/** An item read back from the table does not have the shape the guard writes; names the item's key and field. */
export class CorruptItemError extends Error {
  override readonly name = 'CorruptItemError';
  constructor(
    readonly itemKey: string,
    readonly field: string,
    expected: string,
    value: unknown,
  ) {
    super(
      `DynamoDB item ${itemKey}: '${field}' is ${JSON.stringify(value) ?? 'missing'}, expected ${expected}`,
    );
  }
}

/** `pk=… sk=…`, the key printed by CorruptItemError. */
export function itemKeyOf(item: Readonly<Record<string, unknown>>): string {
  return `pk=${String(item.pk)} sk=${String(item.sk)}`;
}

/** Reads typed fields of one (possibly nested) map, throwing CorruptItemError on the first bad one. */
class FieldReader {
  constructor(
    private readonly map: Readonly<Record<string, unknown>>,
    private readonly itemKey: string,
    private readonly path: string,
  ) {}

  private fail(field: string, expected: string): never {
    throw new CorruptItemError(this.itemKey, this.at(field), expected, this.map[field]);
  }

  private at(field: string): string {
    return this.path === '' ? field : `${this.path}.${field}`;
  }

  number(field: string): number {
    const value = this.map[field];
    return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(field, 'a finite number');
  }

  count(field: string): number {
    const value = this.map[field];
    return Number.isInteger(value) && (value as number) >= 0
      ? (value as number)
      : this.fail(field, 'a whole number >= 0');
  }

  /** A whole number >= 0, or undefined when the field is absent. */
  optionalCount(field: string): number | undefined {
    return this.map[field] === undefined ? undefined : this.count(field);
  }

  has(field: string): boolean {
    return this.map[field] !== undefined && this.map[field] !== null;
  }

  strings(field: string): string[] {
    const value = this.map[field];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0))
      this.fail(field, 'a list of non-empty strings');
    return [...(value as string[])];
  }

  nullableNumber(field: string): number | null {
    const value = this.map[field];
    return value === null || value === undefined ? null : this.number(field);
  }

  string(field: string): string {
    const value = this.map[field];
    return typeof value === 'string' && value.length > 0 ? value : this.fail(field, 'a non-empty string');
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const value = this.map[field];
    return values.includes(value as T) ? (value as T) : this.fail(field, `one of ${values.join(', ')}`);
  }

  nested(field: string): FieldReader {
    const value = this.map[field];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'a map');
    return new FieldReader(value as Record<string, unknown>, this.itemKey, this.at(field));
  }

  list(field: string): FieldReader[] {
    const value = this.map[field];
    if (!Array.isArray(value)) this.fail(field, 'a list');
    return value.map((entry: unknown, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw new CorruptItemError(this.itemKey, `${this.at(field)}[${index}]`, 'a map', entry);
      }
      return new FieldReader(entry as Record<string, unknown>, this.itemKey, `${this.at(field)}[${index}]`);
    });
  }
}

function readerOf(item: Readonly<Record<string, unknown>>): FieldReader {
  return new FieldReader(item, itemKeyOf(item), '');
}

/** The version attribute of a versioned item (0 when the item does not exist). */
export function decodeVersion(item: Readonly<Record<string, unknown>>): number {
  return readerOf(item).count('version');
}

/** The attach ledger's `spends` list. */
export function decodeSpends(item: Readonly<Record<string, unknown>>): AttachSpend[] {
  return readerOf(item)
    .list('spends')
    .map((spend) => ({
      atMs: spend.number('atMs'),
      attaches: spend.count('attaches'),
      groupName: spend.string('groupName'),
    }));
}

function decodeScheduled(action: FieldReader): ScheduledSizes {
  const desiredCapacity = action.optionalCount('desiredCapacity');
  const minSize = action.optionalCount('minSize');
  const maxSize = action.optionalCount('maxSize');
  return {
    name: action.string('name'),
    startMs: action.number('startMs'),
    ...(desiredCapacity === undefined ? {} : { desiredCapacity }),
    ...(minSize === undefined ? {} : { minSize }),
    ...(maxSize === undefined ? {} : { maxSize }),
  };
}

function decodeStep(step: FieldReader): AppliedStep {
  return { atMs: step.number('atMs'), capacity: step.count('capacity'), attaches: step.count('attaches') };
}

/** A plan item's `plan` map. */
export function decodePlan(item: Readonly<Record<string, unknown>>): StaggerPlan {
  const plan = readerOf(item).nested('plan');
  const origin = plan.nested('origin');
  const completedAtMs = plan.nullableNumber('completedAtMs');
  return {
    groupName: plan.string('groupName'),
    mode: plan.oneOf('mode', PACING_MODES),
    targetCapacity: plan.count('targetCapacity'),
    startCapacity: plan.count('startCapacity'),
    allowedCapacity: plan.count('allowedCapacity'),
    configuredMaxSize: plan.count('configuredMaxSize'),
    configuredMinSize: plan.count('configuredMinSize'),
    attachesPerNode: plan.count('attachesPerNode'),
    origin: {
      eventId: origin.string('eventId'),
      via: origin.string('via'),
      intentAtMs: origin.number('intentAtMs'),
    },
    createdAtMs: plan.number('createdAtMs'),
    deadlineMs: plan.number('deadlineMs'),
    steps: plan.list('steps').map(decodeStep),
    ...(completedAtMs === null ? {} : { completedAtMs }),
    ...(plan.has('protectedInstanceIds')
      ? { protectedInstanceIds: plan.strings('protectedInstanceIds') }
      : {}),
    ...(plan.has('scheduledActions')
      ? { scheduledActions: plan.list('scheduledActions').map(decodeScheduled) }
      : {}),
  };
}

/** A subnet sample item. */
export function decodeSample(item: Readonly<Record<string, unknown>>): CapacitySample {
  const fields = readerOf(item);
  return {
    atMs: fields.number('atMs'),
    freeIpCount: fields.number('freeIpCount'),
    freePrefixBlocks: fields.nullableNumber('freePrefixBlocks'),
  };
}

const SEVERITIES = Object.values(Severity);

/** An alert state item. */
export function decodeAlertState(item: Readonly<Record<string, unknown>>): AlertState {
  const fields = readerOf(item);
  return {
    key: fields.string('key'),
    severity: fields.oneOf('severity', SEVERITIES),
    sinceMs: fields.number('sinceMs'),
    activeSinceMs: fields.nullableNumber('activeSinceMs'),
    lastNotifiedAtMs: fields.nullableNumber('lastNotifiedAtMs'),
    lastEvaluatedAtMs: fields.number('lastEvaluatedAtMs'),
  };
}

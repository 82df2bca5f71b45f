import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import type { AlertState } from '../../domain/alert-policy.js';
import type { CapacitySample } from '../../domain/exhaustion-forecast.js';
import {
  type AuditStore,
  ConcurrentUpdateError,
  type SubnetSample,
  type Versioned,
} from '../../ports/audit-store.js';

/** Item keys in the guard's single table (`pk` / `sk` strings, `ttl` epoch seconds). */
export const AuditKeys = {
  subnetPk: (subnetId: string) => `SUBNET#${subnetId}`,
  sampleSk: (atMs: number) => `SAMPLE#${new Date(atMs).toISOString()}`,
  alertsPk: 'AUDIT#ALERTS',
  alertSk: (key: string) => `ALERT#${key}`,
} as const;

/** BatchWriteItem takes at most 25 requests (DynamoDB API reference). */
const BATCH_WRITE_MAX = 25;
const UNPROCESSED_RETRIES = 5;

/** A DynamoDB call of the audit store failed. */
export class AuditStoreError extends Error {
  override readonly name = 'AuditStoreError';
}

function toTtlSec(ms: number): number {
  return Math.floor(ms / 1000);
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function toSample(item: Record<string, unknown>): CapacitySample | null {
  const atMs = numberOrNull(item.atMs);
  const freeIpCount = numberOrNull(item.freeIpCount);
  if (atMs === null || freeIpCount === null) return null;
  return { atMs, freeIpCount, freePrefixBlocks: numberOrNull(item.freePrefixBlocks) };
}

function toAlertState(item: Record<string, unknown>): Versioned<AlertState> | null {
  const { key, severity } = item;
  const sinceMs = numberOrNull(item.sinceMs);
  const lastEvaluatedAtMs = numberOrNull(item.lastEvaluatedAtMs);
  const version = numberOrNull(item.version);
  if (typeof key !== 'string' || sinceMs === null || lastEvaluatedAtMs === null || version === null)
    return null;
  if (severity !== 'OK' && severity !== 'WARNING' && severity !== 'CRITICAL') return null;
  return {
    version,
    value: {
      key,
      severity,
      sinceMs,
      activeSinceMs: numberOrNull(item.activeSinceMs),
      lastNotifiedAtMs: numberOrNull(item.lastNotifiedAtMs),
      lastEvaluatedAtMs,
    },
  };
}

/**
 * Subnet samples and alert states in the guard's DynamoDB table. Samples: one item per subnet and time
 * (`SUBNET#<id>` / `SAMPLE#<iso time>`), expired by DynamoDB TTL. Alert states: one partition
 * (`AUDIT#ALERTS`), one item per alert, written with a version condition.
 */
export class DynamoDbAuditStore implements AuditStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async readSamples(subnetId: string, sinceMs: number): Promise<CapacitySample[]> {
    const samples: CapacitySample[] = [];
    try {
      for await (const page of paginateQuery(
        { client: this.documents },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': AuditKeys.subnetPk(subnetId),
            ':from': AuditKeys.sampleSk(Math.max(0, sinceMs)),
            ':to': 'SAMPLE#~',
          },
        },
      )) {
        for (const item of page.Items ?? []) {
          const sample = toSample(item);
          if (sample !== null) samples.push(sample);
        }
      }
    } catch (error) {
      throw new AuditStoreError(`DynamoDB Query of samples failed for ${subnetId}`, { cause: error });
    }
    return samples;
  }

  async putSamples(samples: readonly SubnetSample[]): Promise<void> {
    for (let start = 0; start < samples.length; start += BATCH_WRITE_MAX) {
      let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string] =
        samples.slice(start, start + BATCH_WRITE_MAX).map(({ subnetId, sample, expiresAtMs }) => ({
          PutRequest: {
            Item: {
              pk: AuditKeys.subnetPk(subnetId),
              sk: AuditKeys.sampleSk(sample.atMs),
              atMs: sample.atMs,
              freeIpCount: sample.freeIpCount,
              freePrefixBlocks: sample.freePrefixBlocks ?? null,
              ttl: toTtlSec(expiresAtMs),
            },
          },
        }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > UNPROCESSED_RETRIES) {
          throw new AuditStoreError(
            `DynamoDB BatchWriteItem left ${requests.length} samples unprocessed after ${UNPROCESSED_RETRIES} retries`,
          );
        }
        try {
          const answer = await this.documents.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          requests = answer.UnprocessedItems?.[this.tableName] ?? [];
        } catch (error) {
          throw new AuditStoreError('DynamoDB BatchWriteItem of samples failed', { cause: error });
        }
      }
    }
  }

  async listAlertStates(): Promise<Versioned<AlertState>[]> {
    const states: Versioned<AlertState>[] = [];
    try {
      for await (const page of paginateQuery(
        { client: this.documents },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': AuditKeys.alertsPk },
        },
      )) {
        for (const item of page.Items ?? []) {
          const state = toAlertState(item);
          if (state !== null) states.push(state);
        }
      }
    } catch (error) {
      throw new AuditStoreError('DynamoDB Query of alert states failed', { cause: error });
    }
    return states;
  }

  async putAlertState(state: AlertState, expectedVersion: number, expiresAtMs?: number): Promise<void> {
    const condition =
      expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: AuditKeys.alertsPk,
            sk: AuditKeys.alertSk(state.key),
            ...state,
            version: expectedVersion + 1,
            ...(expiresAtMs === undefined ? {} : { ttl: toTtlSec(expiresAtMs) }),
          },
          ...condition,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new ConcurrentUpdateError(
          `alert state ${state.key} changed since version ${expectedVersion} (read it again)`,
          { cause: error },
        );
      }
      throw new AuditStoreError(`DynamoDB PutItem of alert state ${state.key} failed`, { cause: error });
    }
  }
}

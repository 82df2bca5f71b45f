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
import { type Backoff, DEFAULT_BACKOFF, fullJitterDelayMs } from './dynamodb-backoff.js';
import { CorruptItemError, decodeAlertState, decodeSample, decodeVersion } from './dynamodb-items.js';

/** Item keys in the guard's single table (`pk` / `sk` strings, `ttl` epoch seconds). */
export const AuditKeys = {
  subnetPk: (subnetId: string) => `SUBNET#${subnetId}`,
  sampleSk: (atMs: number) => `SAMPLE#${new Date(atMs).toISOString()}`,
  alertsPk: 'AUDIT#ALERTS',
  alertSk: (key: string) => `ALERT#${key}`,
} as const;

/** BatchWriteItem takes at most 25 requests (DynamoDB API reference). */
const BATCH_WRITE_MAX = 25;

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

/** Rethrows a CorruptItemError as it is; wraps anything else in an AuditStoreError. */
function storeError(message: string, error: unknown): Error {
  return error instanceof CorruptItemError ? error : new AuditStoreError(message, { cause: error });
}

/**
 * Subnet samples and alert states in the guard's DynamoDB table. Samples: one item per subnet and time
 * (`SUBNET#<id>` / `SAMPLE#<iso time>`), expired by DynamoDB TTL. Alert states: one partition
 * (`AUDIT#ALERTS`), one item per alert, written with a version condition. Items read back are checked field by
 * field: one that is not what the store writes is a CorruptItemError naming its key.
 */
export class DynamoDbAuditStore implements AuditStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
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
        for (const item of page.Items ?? []) samples.push(decodeSample(item));
      }
    } catch (error) {
      throw storeError(`DynamoDB Query of samples failed for ${subnetId}`, error);
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
      for (let retry = 0; requests.length > 0; retry++) {
        if (retry > 0) {
          if (retry > this.backoff.maxRetries) {
            throw new AuditStoreError(
              `DynamoDB BatchWriteItem left ${requests.length} samples unprocessed after ${this.backoff.maxRetries} retries`,
            );
          }
          await this.backoff.sleep(fullJitterDelayMs(this.backoff, retry - 1));
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
          states.push({ version: decodeVersion(item), value: decodeAlertState(item) });
        }
      }
    } catch (error) {
      throw storeError('DynamoDB Query of alert states failed', error);
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

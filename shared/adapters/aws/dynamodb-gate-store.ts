import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReleasedInstance } from '../../domain/launch-gate.js';
import {
  type AttachDelay,
  EMPTY_GATE_STATE,
  type GateState,
  type GateStateStore,
  type PeerEstimate,
  type ProtectedGroup,
  type ReadyReport,
  type ReportingGroup,
  type WaitRecord,
} from '../../ports/gate-state-store.js';
import { ConcurrentUpdateError, type Versioned } from '../../ports/guard-state-store.js';
import { callAws } from './aws-error.js';

const GATE_KEY = { pk: 'LEDGER', sk: 'LAUNCH_GATE' };

/** A gate ledger item that does not have the shape the guard writes. */
export class CorruptGateItemError extends Error {
  override readonly name = 'CorruptGateItemError';
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isNullableString: Check = (v) => v === null || isString(v);
const isNullableNumber: Check = (v) => v === null || isNumber(v);

function listOf<T>(item: Record<string, unknown>, key: string, fields: Record<string, Check>): T[] {
  const value = item[key] ?? [];
  if (!Array.isArray(value)) throw corrupt(`${key} is not a list`);
  value.forEach((entry, index) => {
    for (const [field, check] of Object.entries(fields)) {
      if (typeof entry !== 'object' || entry === null || !check((entry as Record<string, unknown>)[field])) {
        throw corrupt(`${key}[${index}].${field} is missing or of the wrong type`);
      }
    }
  });
  return value as T[];
}

function corrupt(detail: string): CorruptGateItemError {
  return new CorruptGateItemError(`item pk=${GATE_KEY.pk} sk=${GATE_KEY.sk}: ${detail}`);
}

/** Reads a stored gate item back, checking every field the guard relies on. */
export function parseGateItem(item: Record<string, unknown> | undefined): Versioned<GateState> {
  if (!item) return { value: EMPTY_GATE_STATE, version: 0 };
  if (!isNumber(item.version)) throw corrupt('version is not a number');
  return {
    version: item.version as number,
    value: {
      released: listOf<ReleasedInstance>(item, 'released', {
        instanceId: isString,
        groupName: isString,
        releasedAtMs: isNumber,
        predictedAttaches: isNumber,
        earliestAttachMs: isNumber,
        waitedMs: isNumber,
        attachGapMs: isNumber,
        seenSinceMs: (v) => v === undefined || isNumber(v),
        readyAtRelease: (v) => v === undefined || typeof v === 'boolean',
      }),
      waits: listOf<WaitRecord>(item, 'waits', {
        instanceId: isString,
        groupName: isString,
        sinceMs: isNumber,
        hookName: isNullableString,
        heartbeatAtMs: isNullableNumber,
        stage: (v) => v === 'recorded' || v === 'waiting' || v === 'released',
      }),
      peers: listOf<PeerEstimate>(item, 'peers', {
        groupName: isString,
        instanceType: isString,
        attaches: isNumber,
        atMs: isNumber,
      }),
      delays: listOf<AttachDelay>(item, 'delays', {
        groupName: isString,
        shortestMs: isNumber,
        atMs: isNumber,
      }),
      gaps: listOf<AttachDelay>(item, 'gaps', {
        groupName: isString,
        shortestMs: isNumber,
        atMs: isNumber,
      }),
      reports: listOf<ReadyReport>(item, 'reports', { instanceId: isString, atMs: isNumber }),
      reportingGroups: listOf<ReportingGroup>(item, 'reportingGroups', {
        groupName: isString,
        atMs: isNumber,
      }),
      protectedInstances: listOf<ProtectedGroup>(item, 'protectedInstances', {
        groupName: isString,
        instanceIds: (v) => Array.isArray(v) && v.every(isString),
      }),
    },
  };
}

/** The gate's ledger as one DynamoDB item, written under a version condition. */
export class DynamoDbGateStore implements GateStateStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async readGate(): Promise<Versioned<GateState>> {
    const response = await callAws('dynamodb:GetItem', () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: GATE_KEY, ConsistentRead: true })),
    );
    return parseGateItem(response.Item);
  }

  async commitGate(next: GateState, expectedVersion: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...GATE_KEY, ...next, version: expectedVersion + 1 },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':v': expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as { name?: string }).name === 'ConditionalCheckFailedException'
      ) {
        throw new ConcurrentUpdateError('the gate ledger changed since it was read', { cause: error });
      }
      await callAws('dynamodb:PutItem', () => Promise.reject(error));
    }
  }
}

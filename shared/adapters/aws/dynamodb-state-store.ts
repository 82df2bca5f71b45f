import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AttachSpend } from '../../domain/attach-budget.js';
import type { StaggerPlan } from '../../domain/stagger-plan.js';
import {
  ConcurrentUpdateError,
  type GuardStateStore,
  type StateChange,
  type Versioned,
} from '../../ports/guard-state-store.js';
import { callAws } from './aws-error.js';
import { decodePlan, decodeSpends, decodeVersion } from './dynamodb-items.js';

const LEDGER_KEY = { pk: 'LEDGER', sk: 'ATTACH_BUDGET' };
const PLAN_PK = 'PLAN';
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The guard's state in its DynamoDB table (`pk`, `sk` string keys). Every write is one transaction whose items
 * are guarded by version conditions, so two invocations can never both spend the same budget. Items read back
 * are checked field by field: one that is not what the store writes is a CorruptItemError naming its key.
 */
export class DynamoDbStateStore implements GuardStateStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async readLedger(): Promise<Versioned<readonly AttachSpend[]>> {
    const response = await callAws('dynamodb:GetItem', () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: LEDGER_KEY, ConsistentRead: true })),
    );
    const item = response.Item;
    return item ? { value: decodeSpends(item), version: decodeVersion(item) } : { value: [], version: 0 };
  }

  async readPlan(groupName: string): Promise<Versioned<StaggerPlan> | undefined> {
    const response = await callAws('dynamodb:GetItem', () =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: PLAN_PK, sk: groupName },
          ConsistentRead: true,
        }),
      ),
    );
    const item = response.Item;
    return item ? { value: decodePlan(item), version: decodeVersion(item) } : undefined;
  }

  async listPlans(): Promise<Versioned<StaggerPlan>[]> {
    const items: Record<string, unknown>[] = [];
    await callAws('dynamodb:Query', async () => {
      for await (const page of paginateQuery(
        { client: this.doc },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PLAN_PK },
          ConsistentRead: true,
        },
      )) {
        items.push(...(page.Items ?? []));
      }
    });
    return items.map((item) => ({ value: decodePlan(item), version: decodeVersion(item) }));
  }

  async commit(change: StateChange): Promise<void> {
    const items: TransactItem[] = [];
    if (change.ledger !== null) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { ...LEDGER_KEY, spends: change.ledger, version: change.ledgerVersion + 1 },
          ...versionCondition(change.ledgerVersion),
        },
      });
    }
    for (const { plan, expectedVersion } of change.putPlans) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: { pk: PLAN_PK, sk: plan.groupName, plan, version: expectedVersion + 1 },
          ...versionCondition(expectedVersion),
        },
      });
    }
    for (const { groupName, expectedVersion } of change.deletePlans) {
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: { pk: PLAN_PK, sk: groupName },
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      });
    }
    if (items.length === 0) return;
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (
        error instanceof TransactionCanceledException ||
        (error as { name?: string }).name === 'TransactionCanceledException'
      ) {
        const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
        if (reasons.length === 0 || reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
          throw new ConcurrentUpdateError('the ledger or a plan changed since it was read', { cause: error });
        }
      }
      return callAws('dynamodb:TransactWriteItems', () => Promise.reject(error));
    }
  }
}

function versionCondition(expectedVersion: number) {
  return expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': expectedVersion },
      };
}

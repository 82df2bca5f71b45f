import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AuditStoreError,
  DynamoDbAuditStore,
} from '../../../../../shared/adapters/aws/dynamodb-audit-store.js';
import { ConcurrentUpdateError } from '../../../../../shared/ports/audit-store.js';

const documentsMock = mockClient(DynamoDBDocumentClient);
const NOW_MS = Date.parse('2025-03-01T12:00:00Z');

function buildStore(): DynamoDbAuditStore {
  return new DynamoDbAuditStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
    'guard',
  );
}

const state = {
  key: '111122223333:eu-west-1:subnet-a:subnet-ips',
  severity: 'WARNING' as const,
  sinceMs: NOW_MS,
  activeSinceMs: NOW_MS,
  lastNotifiedAtMs: NOW_MS,
  lastEvaluatedAtMs: NOW_MS,
};

beforeEach(() => {
  documentsMock.reset();
});

describe('DynamoDbAuditStore', () => {
  it('writes samples in batches of 25 with a TTL in epoch seconds, retrying unprocessed items', async () => {
    // Prepare
    const samples = Array.from({ length: 30 }, (_, index) => ({
      subnetId: `subnet-${index}`,
      sample: { atMs: NOW_MS, freeIpCount: index, freePrefixBlocks: null },
      expiresAtMs: NOW_MS + 86_400_000,
    }));
    const leftOver = { PutRequest: { Item: { pk: 'SUBNET#subnet-0' } } };
    documentsMock
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { guard: [leftOver] } })
      .resolves({});

    // Act
    await buildStore().putSamples(samples);

    // Assess
    const calls = documentsMock
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.guard?.length);
    expect(calls).toEqual([25, 1, 5]);
    expect(documentsMock.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.guard?.[0]).toEqual({
      PutRequest: {
        Item: {
          pk: 'SUBNET#subnet-0',
          sk: 'SAMPLE#2025-03-01T12:00:00.000Z',
          atMs: NOW_MS,
          freeIpCount: 0,
          freePrefixBlocks: null,
          ttl: NOW_MS / 1000 + 86_400,
        },
      },
    });
  });

  it('queries samples since a time, following pages', async () => {
    // Prepare
    documentsMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ atMs: 1, freeIpCount: 10 }], LastEvaluatedKey: { pk: 'x', sk: 'y' } })
      .resolvesOnce({ Items: [{ atMs: 2, freeIpCount: 9, freePrefixBlocks: 3 }] });

    // Act
    const samples = await buildStore().readSamples('subnet-a', NOW_MS);

    // Assess
    expect(samples).toEqual([
      { atMs: 1, freeIpCount: 10, freePrefixBlocks: null },
      { atMs: 2, freeIpCount: 9, freePrefixBlocks: 3 },
    ]);
    expect(documentsMock).toHaveReceivedCommandTimes(QueryCommand, 2);
    expect(documentsMock.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'guard',
      ExpressionAttributeValues: {
        ':pk': 'SUBNET#subnet-a',
        ':from': 'SAMPLE#2025-03-01T12:00:00.000Z',
        ':to': 'SAMPLE#~',
      },
    });
  });

  it('writes alert states under a version condition and reads them back', async () => {
    // Prepare
    documentsMock.on(PutCommand).resolves({});
    documentsMock.on(QueryCommand).resolves({ Items: [{ ...state, version: 3 }, { key: 'broken' }] });

    // Act
    await buildStore().putAlertState(state, 0);
    await buildStore().putAlertState(state, 3);
    const states = await buildStore().listAlertStates();

    // Assess
    expect(documentsMock.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({ pk: 'AUDIT#ALERTS', sk: `ALERT#${state.key}`, version: 1 }),
    });
    expect(documentsMock.commandCalls(PutCommand)[1]?.args[0].input).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': 3 },
      Item: expect.objectContaining({ version: 4 }),
    });
    expect(states).toEqual([{ version: 3, value: state }]);
  });

  it('turns a failed condition into ConcurrentUpdateError and other failures into AuditStoreError', async () => {
    // Prepare
    const conflict = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });
    documentsMock.on(PutCommand).rejectsOnce(conflict).rejectsOnce(new Error('network down'));

    // Act
    const first = buildStore().putAlertState(state, 2);
    await expect(first).rejects.toThrow(ConcurrentUpdateError);
    const second = buildStore().putAlertState(state, 2);

    // Assess
    await expect(second).rejects.toThrow(AuditStoreError);
  });
});

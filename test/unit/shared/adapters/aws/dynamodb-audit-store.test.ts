import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AuditStoreError,
  DynamoDbAuditStore,
} from '../../../../../shared/adapters/aws/dynamodb-audit-store.js';
import type { Backoff } from '../../../../../shared/adapters/aws/dynamodb-backoff.js';
import { CorruptItemError } from '../../../../../shared/adapters/aws/dynamodb-items.js';
import { ConcurrentUpdateError } from '../../../../../shared/ports/audit-store.js';

const documentsMock = mockClient(DynamoDBDocumentClient);
const NOW_MS = Date.parse('2025-03-01T12:00:00Z');

/** Sleeps nowhere: records each delay asked for. */
function recordingBackoff(delaysMs: number[], random = () => 0.5): Backoff {
  return {
    maxRetries: 3,
    baseMs: 100,
    capMs: 300,
    random,
    sleep: async (ms) => {
      delaysMs.push(ms);
    },
  };
}

function buildStore(backoff: Backoff = recordingBackoff([])): DynamoDbAuditStore {
  return new DynamoDbAuditStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
    'guard',
    backoff,
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
    documentsMock.on(QueryCommand).resolves({ Items: [{ ...state, version: 3 }] });

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

  it('backs off with full jitter between retries of unprocessed items, then gives up naming what is left', async () => {
    // Prepare
    const sample = { subnetId: 'subnet-a', sample: { atMs: NOW_MS, freeIpCount: 5 }, expiresAtMs: NOW_MS };
    const leftOver = { PutRequest: { Item: { pk: 'SUBNET#subnet-a' } } };
    documentsMock.on(BatchWriteCommand).resolves({ UnprocessedItems: { guard: [leftOver] } });
    const delaysMs: number[] = [];

    // Act
    const write = buildStore(recordingBackoff(delaysMs)).putSamples([sample]);

    // Assess: 1 call + 3 retries; delays are random * min(cap 300, 100 * 2^retry) with random 0.5
    await expect(write).rejects.toThrow(/left 1 samples unprocessed after 3 retries/);
    expect(documentsMock).toHaveReceivedCommandTimes(BatchWriteCommand, 4);
    expect(delaysMs).toEqual([50, 100, 150]);
  });

  it('draws each delay below its exponential ceiling', async () => {
    // Prepare
    documentsMock
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { guard: [{ PutRequest: { Item: { pk: 'a' } } }] } })
      .resolvesOnce({ UnprocessedItems: { guard: [{ PutRequest: { Item: { pk: 'a' } } }] } })
      .resolves({});
    const delaysMs: number[] = [];
    const sample = { subnetId: 'subnet-a', sample: { atMs: NOW_MS, freeIpCount: 5 }, expiresAtMs: NOW_MS };

    // Act
    await buildStore(recordingBackoff(delaysMs, () => 0.999)).putSamples([sample]);

    // Assess
    expect(delaysMs).toEqual([99, 199]);
  });

  it('reports a corrupt sample or alert state as CorruptItemError naming its key and field', async () => {
    // Prepare
    documentsMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ pk: 'SUBNET#subnet-a', sk: 'SAMPLE#x', atMs: 1, freeIpCount: '7' }] })
      .resolvesOnce({
        Items: [{ pk: 'AUDIT#ALERTS', sk: 'ALERT#k', ...state, severity: 'BAD', version: 1 }],
      });

    // Act
    const samples = buildStore().readSamples('subnet-a', 0);
    const states = await buildStore()
      .listAlertStates()
      .catch((error: unknown) => error);

    // Assess
    await expect(samples).rejects.toThrow(
      new CorruptItemError('pk=SUBNET#subnet-a sk=SAMPLE#x', 'freeIpCount', 'a finite number', '7'),
    );
    expect(states).toBeInstanceOf(CorruptItemError);
    expect((states as Error).message).toBe(
      'DynamoDB item pk=AUDIT#ALERTS sk=ALERT#k: \'severity\' is "BAD", expected one of OK, WARNING, CRITICAL',
    );
  });
});

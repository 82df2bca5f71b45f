import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { CorruptItemError } from '../../../../../shared/adapters/aws/dynamodb-items.js';
import { DynamoDbStateStore } from '../../../../../shared/adapters/aws/dynamodb-state-store.js';
import type { StaggerPlan } from '../../../../../shared/domain/stagger-plan.js';

function buildPlan(overrides: Partial<StaggerPlan> = {}): StaggerPlan {
  return {
    groupName: 'ng-a',
    mode: 'desired',
    targetCapacity: 200,
    startCapacity: 50,
    allowedCapacity: 70,
    configuredMaxSize: 300,
    configuredMinSize: 10,
    attachesPerNode: 2,
    origin: { eventId: 'evt-1', via: 'SetDesiredCapacity', intentAtMs: 1_000 },
    createdAtMs: 2_000,
    deadlineMs: 900_000,
    steps: [{ atMs: 2_000, capacity: 70, attaches: 40 }],
    ...overrides,
  };
}

const planItem = (plan: unknown, version: unknown = 4) => ({ pk: 'PLAN', sk: 'ng-a', plan, version });

describe('DynamoDbStateStore reads', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const store = () => new DynamoDbStateStore(new DynamoDBClient({ region: 'us-east-1' }), 'guard');
  afterEach(() => ddb.reset());
  afterAll(() => ddb.restore());

  it('reads plans back as written, across pages, with and without completedAtMs', async () => {
    // Prepare
    const open = buildPlan();
    const done = buildPlan({ groupName: 'ng-b', completedAtMs: 5_000 });
    const ceiling = buildPlan({
      groupName: 'ng-c',
      mode: 'ceiling',
      protectedInstanceIds: ['i-1', 'i-2'],
      scheduledActions: [
        { name: 'noon', startMs: 150_000, desiredCapacity: 120 },
        { name: 'night', startMs: 600_000, minSize: 0, maxSize: 40 },
      ],
    });
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [planItem(open)], LastEvaluatedKey: { pk: 'PLAN', sk: 'ng-a' } })
      .resolvesOnce({ Items: [planItem(done, 7), planItem(ceiling, 2)] });

    // Act
    const plans = await store().listPlans();

    // Assess
    expect(plans).toEqual([
      { value: open, version: 4 },
      { value: done, version: 7 },
      { value: ceiling, version: 2 },
    ]);
  });

  it('reads the ledger, and an absent ledger as empty at version 0', async () => {
    const spends = [{ atMs: 1, attaches: 2, groupName: 'ng-a' }];
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: { pk: 'LEDGER', sk: 'ATTACH_BUDGET', spends, version: 9 } })
      .resolvesOnce({});

    expect(await store().readLedger()).toEqual({ value: spends, version: 9 });
    expect(await store().readLedger()).toEqual({ value: [], version: 0 });
  });

  it.each([
    ['a mode it does not know', planItem({ ...buildPlan(), mode: 'fast' }), '\'plan.mode\' is "fast"'],
    ['a negative capacity', planItem(buildPlan({ targetCapacity: -1 })), "'plan.targetCapacity' is -1"],
    ['no origin', planItem({ ...buildPlan(), origin: undefined }), "'plan.origin' is missing"],
    [
      'a bad step',
      planItem(buildPlan({ steps: [{ atMs: 1, capacity: 2 } as never] })),
      "'plan.steps[0].attaches'",
    ],
    ['no version', planItem(buildPlan(), '4'), '\'version\' is "4"'],
    [
      'a scheduled action without a start',
      planItem(buildPlan({ scheduledActions: [{ name: 'noon', desiredCapacity: 120 } as never] })),
      "'plan.scheduledActions[0].startMs' is missing",
    ],
    [
      'a scheduled action with a negative size',
      planItem(buildPlan({ scheduledActions: [{ name: 'noon', startMs: 1, maxSize: -1 }] })),
      "'plan.scheduledActions[0].maxSize' is -1",
    ],
    [
      'protected instances that are not ids',
      planItem({ ...buildPlan(), protectedInstanceIds: [3] }),
      "'plan.protectedInstanceIds' is [3]",
    ],
  ])('rejects a plan with %s, naming its key and field', async (_, item, field) => {
    ddb.on(GetCommand).resolves({ Item: item });

    const failure = await store()
      .readPlan('ng-a')
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(CorruptItemError);
    expect((failure as Error).message).toContain('pk=PLAN sk=ng-a');
    expect((failure as Error).message).toContain(field);
  });

  it('rejects a ledger whose spends are not a list of spends', async () => {
    ddb.on(GetCommand).resolves({
      Item: { pk: 'LEDGER', sk: 'ATTACH_BUDGET', spends: [{ atMs: 1, attaches: 2 }], version: 1 },
    });

    await expect(store().readLedger()).rejects.toThrow(
      "DynamoDB item pk=LEDGER sk=ATTACH_BUDGET: 'spends[0].groupName' is missing, expected a non-empty string",
    );
  });
});

import {
  CorruptGateItemError,
  parseGateItem,
} from '../../../../../shared/adapters/aws/dynamodb-gate-store.js';
import { EMPTY_GATE_STATE } from '../../../../../shared/ports/gate-state-store.js';

const released = {
  instanceId: 'i-1',
  groupName: 'g',
  releasedAtMs: 1,
  predictedAttaches: 2,
  earliestAttachMs: 1,
  waitedMs: 0,
  attachGapMs: 0,
};

describe('parseGateItem', () => {
  it('reads no item as an empty ledger at version 0', () => {
    expect(parseGateItem(undefined)).toEqual({ value: EMPTY_GATE_STATE, version: 0 });
  });

  it('reads back what the guard writes', () => {
    const item = {
      version: 3,
      released: [released],
      waits: [
        {
          instanceId: 'i-2',
          groupName: 'g',
          sinceMs: 5,
          hookName: null,
          heartbeatAtMs: null,
          stage: 'waiting',
        },
      ],
      peers: [],
      delays: [{ groupName: 'g', shortestMs: 12_000, samples: 3, atMs: 9 }],
      gaps: [],
      reports: [{ instanceId: 'i-2', atMs: 7 }],
      reportingGroups: [{ groupName: 'g', atMs: 7 }],
      protectedInstances: [{ groupName: 'g', instanceIds: ['i-1', 'i-2'] }],
    };
    const { value, version } = parseGateItem(item);
    expect(version).toBe(3);
    expect(value.released).toEqual([released]);
    expect(value.delays).toEqual(item.delays);
    expect(value.reports).toEqual(item.reports);
    expect(value.reportingGroups).toEqual(item.reportingGroups);
    expect(value.protectedInstances).toEqual(item.protectedInstances);
    expect(() =>
      parseGateItem({ ...item, protectedInstances: [{ groupName: 'g', instanceIds: [1] }] }),
    ).toThrow('protectedInstances[0].instanceIds is missing or of the wrong type');
    expect(() => parseGateItem({ ...item, reportingGroups: [{ groupName: 'g' }] })).toThrow(
      'reportingGroups[0].atMs is missing or of the wrong type',
    );
    const readyReleased = { ...released, readyAtRelease: true };
    expect(parseGateItem({ ...item, released: [readyReleased] }).value.released).toEqual([readyReleased]);
    expect(() => parseGateItem({ ...item, reports: [{ instanceId: 'i-2' }] })).toThrow(
      'reports[0].atMs is missing or of the wrong type',
    );
    expect(() => parseGateItem({ ...item, released: [{ ...released, readyAtRelease: 'yes' }] })).toThrow(
      'released[0].readyAtRelease',
    );
  });

  it('names the key and the field of a corrupt item', () => {
    expect(() => parseGateItem({ version: 1, released: [{ ...released, waitedMs: 'x' }] })).toThrow(
      new CorruptGateItemError(
        'item pk=LEDGER sk=LAUNCH_GATE: released[0].waitedMs is missing or of the wrong type',
      ),
    );
    expect(() =>
      parseGateItem({
        version: 1,
        waits: [
          { instanceId: 'i', groupName: 'g', sinceMs: 1, hookName: null, heartbeatAtMs: null, stage: 'gone' },
        ],
      }),
    ).toThrow(/waits\[0\]\.stage/);
    expect(() => parseGateItem({ version: 'x' })).toThrow(/version is not a number/);
    // seenSinceMs is optional, but a number when present.
    expect(parseGateItem({ version: 1, released: [{ ...released, seenSinceMs: 5 }] }).value.released).toEqual(
      [{ ...released, seenSinceMs: 5 }],
    );
    expect(() => parseGateItem({ version: 1, released: [{ ...released, seenSinceMs: 'x' }] })).toThrow(
      /released\[0\]\.seenSinceMs/,
    );
  });
});

import {
  type PacedInstance,
  unpredictedAttachTimesMs,
} from '../../../../shared/domain/unpredicted-attaches.js';

const at = (atMs: number, instanceId: string | null) => ({ atMs, instanceId });
const paced = (entries: Record<string, PacedInstance>) => new Map(Object.entries(entries));

describe('unpredictedAttachTimesMs', () => {
  it('leaves out the nodes a paced group launched since the guard began, and counts the nodes it had', () => {
    const times = unpredictedAttachTimesMs(
      [
        at(40_000, 'i-new'),
        at(45_000, 'i-new'),
        at(52_000, 'i-old'),
        at(53_000, 'i-stranger'),
        at(54_000, null),
      ],
      paced({
        'i-new': { launchedAtMs: 11_000, releasedSinceMs: 10_000 },
        'i-old': { launchedAtMs: 1_000, releasedSinceMs: 10_000 },
      }),
      60_000,
    );
    expect(times).toEqual([52_000, 53_000, 54_000]);
  });

  it('counts a paced instance whose launch time EC2 did not list: never a blind spot', () => {
    expect(
      unpredictedAttachTimesMs(
        [at(30_000, 'i-x')],
        paced({ 'i-x': { launchedAtMs: null, releasedSinceMs: 0 } }),
        40_000,
      ),
    ).toEqual([30_000]);
  });

  it('keeps the last 60 s, and counts an attach dated a little after now (clock skew) as now', () => {
    expect(
      unpredictedAttachTimesMs([at(5_000, null), at(70_000, null), at(102_000, null)], new Map(), 100_000),
    ).toEqual([70_000, 100_000]);
  });
});

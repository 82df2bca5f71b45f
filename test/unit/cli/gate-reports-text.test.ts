import { reportsText } from '../../../cli/commands/gate-admin.js';
import type { NodeWaitCheck } from '../../../shared/use-cases/gate/node-wait-check.js';

const present = (reports: boolean | null): NodeWaitCheck => ({
  kind: 'present',
  how: 'wait-block',
  source: 'launch template lt-1 version 2',
  reports,
});

describe('reportsText', () => {
  it('says whether the tag and the launch template agree on node reports', () => {
    expect(reportsText(present(true), true)).toEqual({ cell: 'yes', detail: null });
    expect(reportsText(present(false), true).cell).toBe('TAGGED, NOT SENT');
    expect(reportsText(present(false), true).detail).toContain('held up to 90 s per scale-out');
    expect(reportsText({ kind: 'missing', source: 'lt' }, true).cell).toBe('TAGGED, NOT SENT');
    expect(reportsText(present(null), true).cell).toBe('tagged (unverified)');
    expect(reportsText(present(true), false).cell).toBe('sent, not tagged');
    expect(reportsText(present(false), false)).toEqual({ cell: 'no', detail: null });
  });
});

import { type GateGroupView, gateProtection } from '../../../../shared/domain/gate-protection.js';

const inService = (id: string, protectedFromScaleIn?: boolean) => ({
  instanceId: id,
  lifecycleState: 'InService',
  ...(protectedFromScaleIn === undefined ? {} : { protectedFromScaleIn }),
});
const waiting = (id: string) => ({ instanceId: id, lifecycleState: 'Pending:Wait' });
const entry = (id: string, groupName = 'g') => ({ instanceId: id, groupName });
/** Group `g`, holding instances at the gate or not. */
const groupG = (holding: boolean, instances: GateGroupView['instances']): GateGroupView[] => [
  { name: 'g', holding, instances },
];

describe('gateProtection', () => {
  it('protects and records the nodes in service of a group whose instances wait, never the waiting ones', () => {
    const groups = groupG(true, [inService('i-old'), inService('i-new'), waiting('i-wait')]);
    const change = gateProtection(groups, []);
    expect(change.protect).toEqual([entry('i-old'), entry('i-new')]);
    expect(change.unprotect).toEqual([]);
    expect(change.recorded).toEqual([entry('i-old'), entry('i-new')]);
  });

  it('leaves protection someone else set alone, and protects again what a failed call left unprotected', () => {
    const groups = groupG(true, [
      inService('i-theirs', true),
      inService('i-ours', true),
      inService('i-failed'),
      waiting('i-w'),
    ]);
    const change = gateProtection(groups, [entry('i-ours'), entry('i-failed')]);
    expect(change.protect).toEqual([entry('i-failed')]);
    expect(change.recorded).toEqual([entry('i-ours'), entry('i-failed')]);
  });

  it('takes its protection off once nothing waits, and forgets it once it shows off or the node is gone', () => {
    const groups = groupG(false, [
      inService('i-ours', true),
      inService('i-done', false),
      inService('i-theirs', true),
      { instanceId: 'i-leaving', lifecycleState: 'Terminating', protectedFromScaleIn: true },
    ]);
    const change = gateProtection(groups, [
      entry('i-ours'),
      entry('i-done'),
      entry('i-gone'),
      entry('i-leaving'),
    ]);
    expect(change.protect).toEqual([]);
    expect(change.unprotect).toEqual([entry('i-ours')]);
    expect(change.recorded).toEqual([entry('i-ours')]);
  });

  it('keeps the record of a group the pass did not see', () => {
    const change = gateProtection([], [entry('i-1', 'elsewhere')]);
    expect(change).toEqual({ protect: [], unprotect: [], recorded: [entry('i-1', 'elsewhere')] });
  });
});

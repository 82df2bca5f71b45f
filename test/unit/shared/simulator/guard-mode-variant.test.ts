import { loadScenario } from '../../../../cli/commands/simulate.js';
import { withGuardMode } from '../../../../shared/simulator/guard-mode-variant.js';

const blackFriday = loadScenario('black-friday', process.cwd());

describe('withGuardMode', () => {
  it('gives opted-in groups the mode tag, and the launch hook in gate mode only', () => {
    const gate = withGuardMode(blackFriday, 'gate').groups[0];
    expect(gate?.tags['capacity-guard/mode']).toBe('gate');
    expect(gate?.launchHook).toMatchObject({
      name: 'capacity-guard-launch-gate',
      defaultResult: 'CONTINUE',
      nodeWaits: true,
    });
    const desired = withGuardMode(withGuardMode(blackFriday, 'gate'), 'desired').groups[0];
    expect(desired?.tags['capacity-guard/mode']).toBe('desired');
    expect(desired?.launchHook).toBeNull();
  });

  it('leaves the scenario as it is when asked to', () => {
    expect(withGuardMode(blackFriday, 'as-tagged')).toBe(blackFriday);
  });
});

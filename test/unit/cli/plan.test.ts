import { peakInRollingWindow } from '../../../shared/domain/attach-budget.js';
import { runCapacityGuard } from '../../helpers/cli.js';

interface Schedule {
  attachesPerNode: number;
  totalAttaches: number;
  steps: { atSec: number; desired: number; attaches: number }[];
  durationSec: number;
  peakAttachesPerMin: number;
}

describe('capacity-guard plan', () => {
  it('50 -> 200 m5.large at 27 pods per node: 2 attaches per node, never above 40 per minute, within 10% of 420 s', async () => {
    // Act
    const run = await runCapacityGuard(
      'plan',
      '--instance-type',
      'm5.large',
      '--from',
      '50',
      '--to',
      '200',
      '--pods-per-node',
      '27',
      '--budget',
      '40',
      '--json',
    );
    // Assess
    expect(run.code).toBe(0);
    const schedule = JSON.parse(run.stdout) as Schedule;
    expect(schedule.attachesPerNode).toBe(2);
    expect(schedule.totalAttaches).toBe(300);
    expect(schedule.steps[0]?.atSec).toBe(0);
    expect(schedule.steps.at(-1)?.desired).toBe(200);
    expect(schedule.durationSec).toBe(schedule.steps.at(-1)?.atSec);
    expect(schedule.durationSec).toBeGreaterThanOrEqual(420);
    expect(schedule.durationSec).toBeLessThanOrEqual(420 * 1.1);
    const peak = peakInRollingWindow(
      schedule.steps.map((s) => ({ atMs: s.atSec * 1000, attaches: s.attaches })),
    );
    expect(peak).toBeLessThanOrEqual(40);
    expect(schedule.peakAttachesPerMin).toBe(peak);
    expect(schedule.steps.reduce((sum, s) => sum + s.attaches, 0)).toBe(300);
  });

  it('without --budget it follows the deployed defaults: 40 per minute with the boot-time spread allowance', async () => {
    const run = await runCapacityGuard(
      'plan',
      '--instance-type',
      'm5.large',
      '--from',
      '50',
      '--to',
      '200',
      '--json',
    );
    const schedule = JSON.parse(run.stdout) as Schedule;
    const gaps = schedule.steps.slice(1).map((s, i) => s.atSec - (schedule.steps[i]?.atSec ?? 0));
    expect(new Set(gaps)).toEqual(new Set([70]));
    expect(schedule.durationSec).toBe(490);
  });

  it('leaves room for attaches other consumers make, and more for their bursts', async () => {
    const run = await runCapacityGuard(
      'plan',
      '--instance-type',
      'm5.large',
      '--from',
      '0',
      '--to',
      '100',
      '--budget',
      '40',
      '--observed-attaches-per-min',
      '15',
      '--json',
    );
    const schedule = JSON.parse(run.stdout) as Schedule;
    expect(Math.max(...schedule.steps.map((s) => s.attaches))).toBeLessThanOrEqual(40 - Math.ceil(15 * 1.5));
    expect(schedule.peakAttachesPerMin).toBeLessThanOrEqual(40 - 15);
  });

  it('a scale-in is a single step', async () => {
    const run = await runCapacityGuard(
      'plan',
      '--instance-type',
      'm5.large',
      '--from',
      '200',
      '--to',
      '50',
      '--json',
    );
    const schedule = JSON.parse(run.stdout) as Schedule;
    expect(schedule.steps).toEqual([{ atSec: 0, desired: 50, attaches: 0 }]);
  });

  it.each([
    [['--instance-type', 'm5.large', '--to', '5'], /--from is required/],
    [
      ['--instance-type', 'm5.large', '--from', '1', '--to', '5', '--budget', '0'],
      /--budget: 0 is out of range \(expected 1\.\.10000\)/,
    ],
    [
      ['--instance-type', 'm5.large', '--from', '1', '--to', '5', '--pods-per-node', '40'],
      /--pods-per-node: 40 is out of range \(expected 0\.\.27\)/,
    ],
  ])('rejects %j with exit 2', async (argv, message) => {
    const run = await runCapacityGuard('plan', ...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

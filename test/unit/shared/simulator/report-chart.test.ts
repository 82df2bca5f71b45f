import { runScenario } from '../../../../shared/adapters/simulated/run-scenario.js';
import type { SimulationReport, TimelineRow } from '../../../../shared/simulator/metrics.js';
import {
  minuteAxis,
  renderComparisonSvg,
  renderReportSvg,
} from '../../../../shared/simulator/report-chart.js';
import { buildScenario } from './builders.js';

let base: SimulationReport;

beforeAll(async () => {
  base = await runScenario(buildScenario(), { seed: 1 });
});

/** A real run's report with a made-up timeline of the given length, alerts at the given minutes. */
function buildReport(
  overrides: { guard?: string | null; durationMin?: number; alertMinutes?: readonly number[] } = {},
): SimulationReport {
  const durationMin = overrides.durationMin ?? 10;
  const alertMinutes = new Set(overrides.alertMinutes ?? []);
  const timeline: TimelineRow[] = Array.from({ length: durationMin }, (_, i) => ({
    minute: i + 1,
    attachesOk: 10,
    attachesThrottled: overrides.guard === null ? 5 : 0,
    attachCalls: overrides.guard === null ? 15 : 10,
    nodesReady: i,
    nodesDesired: durationMin,
    podsRunning: i * 10,
    podsWaitingForIp: 3,
    subnets: [
      { subnetId: 'subnet-0aaa0000000000001', freeIps: 500 - i, freePrefixBlocks: 7 },
      { subnetId: 'subnet-0bbb0000000000002', freeIps: 400 - i, freePrefixBlocks: 5 },
    ],
    throttledByAction: {},
    alerts: alertMinutes.has(i + 1) ? 1 : 0,
  }));
  return {
    ...base,
    scenario: 'tiny',
    seed: 1,
    guard: overrides.guard === undefined ? 'capacity-guard' : overrides.guard,
    durationMin,
    summary: { ...base.summary, attachBudgetPerMin: 40, alerts: alertMinutes.size },
    timeline,
  };
}

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');

describe('minuteAxis', () => {
  it.each([10, 30, 45, 120, 330, 1440, 10_080])('%i minutes: at most 12 round ticks', (durationMin) => {
    const axis = minuteAxis(durationMin) as { values: number[]; title: string };
    expect(axis.values.length).toBeLessThanOrEqual(13);
    expect(axis.values.length).toBeGreaterThanOrEqual(Math.min(durationMin, 5));
    expect(axis.values[0]).toBe(0);
    expect(axis.title).toBe(durationMin > 180 ? 'hours' : 'minute');
  });
});

describe('renderReportSvg', () => {
  it('labels a 5.5-hour run in hours with a dozen ticks, not one per minute', async () => {
    const svg = await renderReportSvg(buildReport({ durationMin: 330 }));
    expect(texts(svg).filter((t) => t === 'hours')).toHaveLength(3);
    expect(texts(svg).filter((t) => t === '2.5')).toHaveLength(3);
    expect(texts(svg)).not.toContain('150');
  });

  it('marks the minutes alerts were published and draws free /28 blocks only in prefix mode', async () => {
    const report = buildReport({ alertMinutes: [4, 7] });
    const plain = await renderReportSvg(report);
    const prefix = await renderReportSvg(report, { prefixDelegation: true });
    expect(plain).toMatch(/alerts published \(2\)/);
    expect(plain).not.toMatch(/\/28 blocks/);
    expect(prefix).toMatch(/Free aligned \/28 blocks per subnet/);
    expect(texts(prefix)).toContain('subnet-0aaa0000000000001');
  });
});

describe('renderComparisonSvg', () => {
  it('draws the guarded and unguarded runs on one chart, each named in full', async () => {
    const svg = await renderComparisonSvg([buildReport(), buildReport({ guard: null, alertMinutes: [2] })]);
    expect(svg).toMatch(/^<svg/);
    expect(texts(svg)).toEqual(expect.arrayContaining(['guarded (capacity-guard)', 'unguarded']));
    expect(svg).toMatch(/tiny: guarded \(capacity-guard\) vs unguarded, seed 1/);
    expect(svg).toMatch(/minutes with alerts published/);
  });

  it('rejects an empty list', async () => {
    await expect(renderComparisonSvg([])).rejects.toThrow(RangeError);
  });
});

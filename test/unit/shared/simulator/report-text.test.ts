import type { SimulationSummary } from '../../../../shared/simulator/metrics.js';
import { summaryLines } from '../../../../shared/simulator/report-text.js';

function buildSummary(overrides: Partial<SimulationSummary> = {}): SimulationSummary {
  return {
    peakAttachCallsIn60s: 0,
    peakAttachesIn60s: 0,
    attachBudgetPerMin: 40,
    totalAttaches: 0,
    throttledAttaches: 0,
    totalAttachCalls: 0,
    throttledCallsByAction: {},
    timeUntilAllPodsRunSec: null,
    podMinutesWaitingForIp: 0,
    peakPodsWaitingForIp: 0,
    firstAllocationFailureSec: null,
    firstAllocationFailure: null,
    alerts: 0,
    firstWarningSec: null,
    firstCriticalSec: null,
    alertLeadTimeMin: null,
    staticAlarmSec: null,
    staticAlarmLeadTimeMin: null,
    nodesReadyAtEnd: 0,
    nodesDesiredAtEnd: 0,
    eventsEmitted: {},
    launches: 0,
    terminations: 0,
    terminationsByGuard: 0,
    groupsAtEnd: [],
    gateWaits: { count: 0, medianSec: null, maxSec: null },
    gateTimeouts: 0,
    guardCallsByAction: {},
    peakGuardDescribeCallsPerMin: 0,
    notes: [],
    ...overrides,
  };
}

function line(summary: SimulationSummary, label: string): string | undefined {
  return summaryLines(summary).find(([l]) => l === label)?.[1];
}

describe('summaryLines', () => {
  it('shows when the first alerts and the static alarm fired relative to the first failure', () => {
    // Prepare
    const summary = buildSummary({
      firstAllocationFailureSec: 16_963,
      firstWarningSec: 9900,
      alertLeadTimeMin: 117.7,
      firstCriticalSec: 14_700,
      staticAlarmSec: 14_580,
      staticAlarmLeadTimeMin: 39.7,
    });
    // Act
    const warning = line(summary, 'first WARNING alert');
    const critical = line(summary, 'first CRITICAL alert');
    const staticAlarm = line(summary, 'static alarm (< 10 % free IPs)');
    // Assess
    expect(warning).toBe('t=9900 s, 117.7 min before the first failure');
    expect(critical).toBe('t=14700 s, 37.7 min before the first failure');
    expect(staticAlarm).toBe('t=14580 s, 39.7 min before the first failure');
  });

  it('says "after" for an alert that came late, the bare time without a failure, and "never" without an alert', () => {
    // Prepare
    const late = buildSummary({
      firstAllocationFailureSec: 101,
      firstWarningSec: 300,
      alertLeadTimeMin: -3.3,
    });
    const noFailure = buildSummary({ firstWarningSec: 300 });
    // Act
    const lines = [
      line(late, 'first WARNING alert'),
      line(noFailure, 'first WARNING alert'),
      line(noFailure, 'static alarm (< 10 % free IPs)'),
    ];
    // Assess
    expect(lines).toEqual(['t=300 s, 3.3 min after the first failure', 't=300 s', 'never']);
  });
});

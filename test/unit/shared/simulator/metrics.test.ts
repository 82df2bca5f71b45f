import { PublishCommand } from '@aws-sdk/client-sns';
import { runScenario } from '../../../../shared/adapters/simulated/run-scenario.js';
import type { SimulatedGuard } from '../../../../shared/simulator/guard-plugin.js';
import {
  leadTimeMin,
  STATIC_ALARM_FREE_FRACTION,
  summarizeWaits,
} from '../../../../shared/simulator/metrics.js';
import { buildScenario } from './builders.js';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:alerts';

/** Publishes one alert per schedule tick with the given severities, in order. */
function buildPublishingGuard(everySec: number, severities: readonly string[]): SimulatedGuard {
  let next = 0;
  return {
    name: 'publisher',
    identityArn: 'arn:aws:iam::111122223333:role/publisher',
    start: async () => undefined,
    onEvent: async () => undefined,
    schedules: [
      {
        name: 'publish',
        everySec,
        run: async (ctx) => {
          const severity = severities[next++];
          if (severity === undefined) return;
          await ctx.clients.sns.send(
            new PublishCommand({
              TopicArn: TOPIC_ARN,
              Message: severity,
              MessageAttributes: { severity: { DataType: 'String', StringValue: severity } },
            }),
          );
        },
      },
    ],
  };
}

/** Eight m5.large nodes of 20 pods (30 addresses each) in a /24: the subnet ends with 11 free addresses. */
function buildTightScenario(overrides: Record<string, unknown> = {}) {
  return buildScenario({
    durationMin: 8,
    vpc: { subnets: [{ id: 'subnet-a', cidr: '10.0.0.0/24', availabilityZone: 'us-east-1a' }] },
    actions: [{ atSec: 30, group: 'workers', desired: 8, via: 'set-desired' }],
    ...overrides,
  });
}

describe('leadTimeMin', () => {
  it.each([
    [3600, 16_963, 222.7],
    [300, 101, -3.3],
    [null, 100, null],
    [100, null, null],
  ])('alarm at %p s, failure at %p s → %p min', (alarmSec, failureSec, expected) => {
    // Act
    const lead = leadTimeMin(alarmSec, failureSec);
    // Assess
    expect(lead).toBe(expected);
  });
});

describe('MetricsRecorder alert and static-alarm timing', () => {
  it('takes the first WARNING and CRITICAL times from the severity attribute of SNS publishes', async () => {
    // Prepare
    const guard = buildPublishingGuard(120, ['OK', 'CRITICAL', 'WARNING', 'CRITICAL']);
    // Act
    const report = await runScenario(buildScenario({ durationMin: 10 }), { seed: 2, guard });
    // Assess
    expect(report.summary.alerts).toBe(4);
    expect(report.summary.firstWarningSec).toBe(240);
    expect(report.summary.firstCriticalSec).toBe(240);
    expect(report.summary.firstAllocationFailureSec).toBeNull();
    expect(report.summary.alertLeadTimeMin).toBeNull();
  });

  it('fires the static alarm at the end of the first minute a subnet has under 10 % of its usable addresses free', async () => {
    // Act
    const report = await runScenario(buildTightScenario(), { seed: 1 });
    // Assess
    const usable = 256 - 5;
    const firstLow = report.timeline.find((row) =>
      row.subnets.some((s) => s.freeIps < STATIC_ALARM_FREE_FRACTION * usable),
    );
    expect(firstLow).toBeDefined();
    expect(report.summary.staticAlarmSec).toBe((firstLow?.minute ?? 0) * 60);
    expect(report.summary.firstWarningSec).toBeNull();
  });

  it('reports no static alarm while every subnet keeps 10 % free', async () => {
    // Act
    const report = await runScenario(buildScenario({ durationMin: 5 }), { seed: 1 });
    // Assess
    expect(report.summary.staticAlarmSec).toBeNull();
    expect(report.summary.staticAlarmLeadTimeMin).toBeNull();
  });
});

describe('summarizeWaits', () => {
  it('gives count, median (mean of the middle two for an even count) and maximum in seconds', () => {
    // Act
    const even = summarizeWaits([10_000, 40_000, 20_000, 30_000]);
    const odd = summarizeWaits([5_050, 1_000, 90_000]);
    const none = summarizeWaits([]);
    // Assess
    expect(even).toEqual({ count: 4, medianSec: 25, maxSec: 40 });
    expect(odd).toEqual({ count: 3, medianSec: 5.1, maxSec: 90 });
    expect(none).toEqual({ count: 0, medianSec: null, maxSec: null });
  });
});

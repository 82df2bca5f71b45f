import type { SimGroup } from './auto-scaling-group.js';
import type { Ec2Model } from './ec2-model.js';
import { isCapacityAction, type Scenario } from './scenario.js';
import {
  type GroupAtEnd,
  leadTimeMin,
  peakInWindow,
  type SimulationReport,
  summarizeWaits,
  type TimelineRow,
} from './simulation-report.js';

export * from './simulation-report.js';

/** What the recorder reads of the running account (the account implements it). */
export interface MetricsSource {
  readonly nowSimMs: number;
  readonly endMs: number;
  readonly scenario: Scenario;
  readonly options: { readonly seed: number };
  readonly guard: { readonly name: string } | undefined;
  readonly ec2: Ec2Model;
  readonly groups: ReadonlyMap<string, SimGroup>;
  readonly nodes: ReadonlyMap<
    string,
    {
      readonly ipamd: { readonly podsBound: number; readonly podsRunning: number };
      readonly ready: boolean;
      readonly group: SimGroup;
    }
  >;
  readonly snsPublishes: readonly {
    readonly atMs: number;
    readonly attributes: Readonly<Record<string, string>>;
  }[];
}

/** The static alarm compared with the guard's alerts fires below 10 % free addresses. */
export const STATIC_ALARM_FREE_FRACTION = 0.1;

/** AWS keeps five addresses of every subnet (DOMAIN.md section 5). */
const AWS_RESERVED_IPS = 5;

/** Collects the timeline and the summary while the simulation runs. */
export class MetricsRecorder {
  private readonly rows: TimelineRow[] = [];
  private readonly events = new Map<string, number>();
  private readonly notes: string[] = [];
  private readonly readyByGroup = new Map<string, number>();
  private podsBoundTotal = 0;
  private podsRunningTotal = 0;
  private lastMs = 0;
  private waitingPodMs = 0;
  private peakWaiting = 0;
  private allRunningSinceMs: number | null = null;
  private firstFailureMs: number | null = null;
  private firstFailure: string | null = null;
  private attachCursor = 0;
  private alertCursor = 0;
  private lastThrottled = new Map<string, number>();
  private launches = 0;
  private terminations = 0;
  private terminationsByGuard = 0;
  private readonly gateWaitsMs: number[] = [];
  private gateTimeouts = 0;
  private readonly guardCalls = new Map<string, number>();
  private readonly guardDescribeTimesMs: number[] = [];

  constructor(private readonly account: MetricsSource) {}

  /** Reads the starting state once the scenario's nodes exist. */
  start(): void {
    for (const node of this.account.nodes.values()) {
      this.podsBoundTotal += node.ipamd.podsBound;
      this.podsRunningTotal += node.ipamd.podsRunning;
      if (node.ready)
        this.readyByGroup.set(node.group.spec.name, (this.readyByGroup.get(node.group.spec.name) ?? 0) + 1);
    }
    this.afterEvent();
  }

  advanceTo(timeMs: number): void {
    if (timeMs > this.lastMs) {
      this.waitingPodMs += (this.podsBoundTotal - this.podsRunningTotal) * (timeMs - this.lastMs);
      this.lastMs = timeMs;
    }
  }

  afterEvent(): void {
    const waiting = this.podsBoundTotal - this.podsRunningTotal;
    if (waiting > this.peakWaiting) this.peakWaiting = waiting;
    let wanted = 0;
    let settled = true;
    for (const group of this.account.groups.values()) {
      wanted += group.desiredCapacity * group.podsPerNode;
      if ((this.readyByGroup.get(group.spec.name) ?? 0) !== group.desiredCapacity) settled = false;
    }
    settled = settled && this.podsRunningTotal === wanted;
    if (!settled) this.allRunningSinceMs = null;
    else if (this.allRunningSinceMs === null) this.allRunningSinceMs = this.account.nowSimMs;
  }

  podsBound(count: number): void {
    this.podsBoundTotal += count;
  }

  podsStarted(count: number): void {
    this.podsRunningTotal += count;
  }

  podsRemoved(bound: number, running: number): void {
    this.podsBoundTotal -= bound;
    this.podsRunningTotal -= running;
  }

  nodeReady(group: string): void {
    this.readyByGroup.set(group, (this.readyByGroup.get(group) ?? 0) + 1);
  }

  nodeGone(group: string): void {
    this.readyByGroup.set(group, (this.readyByGroup.get(group) ?? 0) - 1);
  }

  launched(): void {
    this.launches += 1;
  }

  terminated(byGuard: boolean): void {
    this.terminations += 1;
    if (byGuard) this.terminationsByGuard += 1;
  }

  gateWait(durationMs: number, timedOut: boolean): void {
    this.gateWaitsMs.push(durationMs);
    if (timedOut) this.gateTimeouts += 1;
  }

  guardCall(clientName: string, action: string): void {
    this.guardCalls.set(action, (this.guardCalls.get(action) ?? 0) + 1);
    if (clientName === 'EC2Client' && action.startsWith('Describe'))
      this.guardDescribeTimesMs.push(this.account.nowSimMs);
  }

  countEvent(detailType: string): void {
    this.events.set(detailType, (this.events.get(detailType) ?? 0) + 1);
  }

  allocationFailure(code: string, subnetId: string): void {
    if (this.firstFailureMs !== null || this.account.nowSimMs < 0) return;
    this.firstFailureMs = this.account.nowSimMs;
    this.firstFailure = `${code} in ${subnetId}`;
  }

  note(text: string): void {
    this.notes.push(`t=${Math.round(this.account.nowSimMs / 1000)}s ${text}`);
  }

  /** Closes the minute that ends now. */
  sample(): void {
    const ec2 = this.account.ec2;
    const records = ec2.attachRecords;
    let ok = 0;
    let throttled = 0;
    let calls = 0;
    for (; this.attachCursor < records.length; this.attachCursor++) {
      const record = records[this.attachCursor];
      if (!record) continue;
      calls++;
      if (record.outcome === 'ok') ok++;
      else if (record.outcome === 'throttled' || record.outcome === 'over-budget') throttled++;
    }
    const throttledByAction: Record<string, number> = {};
    for (const [action, count] of [...ec2.throttledByAction.entries()].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const delta = count - (this.lastThrottled.get(action) ?? 0);
      if (delta > 0) throttledByAction[action] = delta;
    }
    this.lastThrottled = new Map(ec2.throttledByAction);
    const alerts = this.account.snsPublishes.length - this.alertCursor;
    this.alertCursor = this.account.snsPublishes.length;
    let nodesDesired = 0;
    for (const group of this.account.groups.values()) nodesDesired += group.desiredCapacity;
    let nodesReady = 0;
    for (const count of this.readyByGroup.values()) nodesReady += count;
    this.rows.push({
      minute: this.rows.length + 1,
      attachesOk: ok,
      attachesThrottled: throttled,
      attachCalls: calls,
      nodesReady,
      nodesDesired,
      podsRunning: this.podsRunningTotal,
      podsWaitingForIp: this.podsBoundTotal - this.podsRunningTotal,
      subnets: ec2.subnetUsage(),
      throttledByAction,
      alerts,
    });
  }

  report(): SimulationReport {
    const scenario = this.account.scenario;
    const records = this.account.ec2.attachRecords;
    const callTimes = records.map((r) => r.timeMs);
    const okTimes = records.filter((r) => r.outcome === 'ok').map((r) => r.timeMs);
    const scaleActions = scenario.actions.filter(isCapacityAction);
    const firstActionMs = scaleActions.length > 0 ? Math.min(...scaleActions.map((a) => a.atSec * 1000)) : 0;
    const throttledCallsByAction: Record<string, number> = {};
    for (const [action, count] of [...this.account.ec2.throttledByAction.entries()].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      throttledCallsByAction[action] = count;
    }
    let nodesDesiredAtEnd = 0;
    for (const group of this.account.groups.values()) nodesDesiredAtEnd += group.desiredCapacity;
    let nodesReadyAtEnd = 0;
    for (const count of this.readyByGroup.values()) nodesReadyAtEnd += count;
    const eventsEmitted: Record<string, number> = {};
    for (const [type, count] of [...this.events.entries()].sort(([a], [b]) => a.localeCompare(b)))
      eventsEmitted[type] = count;
    const allRunning = this.allRunningSinceMs;
    const firstAllocationFailureSec =
      this.firstFailureMs === null ? null : Math.round(this.firstFailureMs / 1000);
    const firstWarningSec = this.firstPublishSec(['WARNING', 'CRITICAL']);
    const staticAlarmSec = this.staticAlarmSec();
    return {
      scenario: scenario.name,
      description: scenario.description,
      seed: this.account.options.seed,
      guard: this.account.guard?.name ?? null,
      durationMin: this.account.endMs / 60_000,
      startTime: scenario.startTime,
      summary: {
        peakAttachCallsIn60s: peakInWindow(callTimes, 60_000),
        peakAttachesIn60s: peakInWindow(okTimes, 60_000),
        attachBudgetPerMin: scenario.account.attachBudgetPerMin,
        totalAttaches: okTimes.length,
        throttledAttaches: records.filter((r) => r.outcome === 'throttled' || r.outcome === 'over-budget')
          .length,
        totalAttachCalls: records.length,
        throttledCallsByAction,
        timeUntilAllPodsRunSec:
          allRunning === null
            ? null
            : Math.max(0, Math.round((Math.max(allRunning, firstActionMs) - firstActionMs) / 1000)),
        podMinutesWaitingForIp: Math.round((this.waitingPodMs / 60_000) * 10) / 10,
        peakPodsWaitingForIp: this.peakWaiting,
        firstAllocationFailureSec,
        firstAllocationFailure: this.firstFailure,
        alerts: this.account.snsPublishes.length,
        firstWarningSec,
        firstCriticalSec: this.firstPublishSec(['CRITICAL']),
        alertLeadTimeMin: leadTimeMin(firstWarningSec, firstAllocationFailureSec),
        staticAlarmSec,
        staticAlarmLeadTimeMin: leadTimeMin(staticAlarmSec, firstAllocationFailureSec),
        nodesReadyAtEnd,
        nodesDesiredAtEnd,
        eventsEmitted,
        launches: this.launches,
        terminations: this.terminations,
        terminationsByGuard: this.terminationsByGuard,
        groupsAtEnd: this.groupsAtEnd(),
        gateWaits: summarizeWaits([...this.gateWaitsMs, ...this.openWaitsMs()]),
        gateTimeouts: this.gateTimeouts,
        guardCallsByAction: Object.fromEntries(
          [...this.guardCalls.entries()].sort(([a], [b]) => a.localeCompare(b)),
        ),
        peakGuardDescribeCallsPerMin: peakInWindow(this.guardDescribeTimesMs, 60_000),
        notes: [...this.notes],
      },
      timeline: this.rows.map((row) => ({ ...row })),
    };
  }

  private groupsAtEnd(): GroupAtEnd[] {
    return [...this.account.groups.values()].map((g) => ({
      name: g.spec.name,
      minSize: g.minSize,
      maxSize: g.maxSize,
      desiredCapacity: g.desiredCapacity,
      inService: g.members.filter((m) => m.lifecycle === 'InService').length,
    }));
  }

  /** Instances still in `Pending:Wait` now, with the time they have waited so far. */
  private openWaitsMs(): number[] {
    const waits: number[] = [];
    for (const group of this.account.groups.values()) {
      for (const member of group.members) {
        if (member.lifecycle === 'Pending:Wait' && member.waitStartMs !== null)
          waits.push(this.account.nowSimMs - member.waitStartMs);
      }
    }
    return waits;
  }

  private firstPublishSec(severities: readonly string[]): number | null {
    const first = this.account.snsPublishes.find((p) => severities.includes(p.attributes.severity ?? ''));
    return first === undefined ? null : Math.round(first.atMs / 1000);
  }

  private staticAlarmSec(): number | null {
    const usable = new Map<string, number>();
    for (const subnet of this.account.ec2.subnets.values()) {
      usable.set(subnet.id, subnet.addresses.cidr.size - AWS_RESERVED_IPS);
    }
    const row = this.rows.find((r) =>
      r.subnets.some((s) => s.freeIps < STATIC_ALARM_FREE_FRACTION * (usable.get(s.subnetId) ?? 0)),
    );
    return row === undefined ? null : row.minute * 60;
  }
}

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { SimulationReport } from './metrics.js';

export interface ChartOptions {
  /** The scenario runs the CNI in prefix mode: a panel of free aligned /28 blocks is added. */
  readonly prefixDelegation?: boolean;
}

type Panel = Record<string, unknown>;

const WIDTH = 720;
const ALERT_COLOUR = '#d62728';
/** Tick spacings a person reads at a glance, in minutes. */
const TICK_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
const MAX_TICKS = 12;

/**
 * Minute ticks at a round spacing, at most {@link MAX_TICKS} of them whatever the run's length; runs over three
 * hours are labelled in hours.
 */
export function minuteAxis(durationMin: number): Record<string, unknown> {
  const step = TICK_STEPS_MIN.find((s) => durationMin / s <= MAX_TICKS) ?? Math.ceil(durationMin / MAX_TICKS);
  const values = Array.from({ length: Math.floor(durationMin / step) + 1 }, (_, i) => i * step);
  return durationMin > 180
    ? { title: 'hours', values, labelExpr: 'format(datum.value / 60, "~g")', labelAngle: 0 }
    : { title: 'minute', values, labelAngle: 0 };
}

function runLabel(report: SimulationReport): string {
  return report.guard ? `guarded (${report.guard})` : 'unguarded';
}

/** Vertical marks at the minutes in which the run published alerts. */
function alertMarks(reports: readonly SimulationReport[], colourByRun: boolean): Panel {
  const values = reports.flatMap((report) =>
    report.timeline
      .filter((row) => row.alerts > 0)
      .map((row) => ({ minute: row.minute, run: runLabel(report), alerts: row.alerts })),
  );
  return {
    data: { values },
    mark: {
      type: 'rule',
      strokeDash: [2, 3],
      strokeWidth: 1.5,
      ...(colourByRun ? {} : { color: ALERT_COLOUR }),
    },
    encoding: {
      x: { field: 'minute', type: 'quantitative' },
      ...(colourByRun ? { color: { field: 'run', type: 'nominal', title: 'run' } } : {}),
      tooltip: [{ field: 'minute' }, { field: 'alerts', title: 'alerts published' }],
    },
  };
}

function budgetRule(budget: number): Panel[] {
  return [
    {
      data: { values: [{ budget }] },
      mark: { type: 'rule', color: '#000', strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { y: { field: 'budget', type: 'quantitative' } },
    },
    {
      data: { values: [{ budget, label: `budget ${budget} / min` }] },
      mark: { type: 'text', align: 'right', dy: -8, x: WIDTH - 4, fontWeight: 'bold' },
      encoding: { y: { field: 'budget', type: 'quantitative' }, text: { field: 'label' } },
    },
  ];
}

/** A line panel over minutes: one series per `series` value, alert marks laid over it when asked. */
function linePanel(
  title: string,
  yTitle: string,
  values: readonly Record<string, unknown>[],
  xAxis: Record<string, unknown>,
  series: { field: string; title: string } | null,
  alerts: Panel | null,
): Panel {
  const line: Panel = {
    data: { values },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'minute', type: 'quantitative', axis: xAxis },
      y: { field: 'value', type: 'quantitative', title: yTitle, axis: { tickMinStep: 1 } },
      ...(series ? { color: { field: series.field, type: 'nominal', title: series.title } } : {}),
    },
  };
  return { width: WIDTH, height: 140, title, layer: alerts ? [line, alerts] : [line] };
}

/**
 * Panels are assembled from small builders as plain objects; vega-lite's own types follow each mark's literal
 * unions too closely to type them piecewise, so the whole spec is checked once here, by `compile`.
 */
function toSvg(spec: Panel): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  return view.toSVG();
}

/** Legends keep whole labels: subnet IDs and run names are read, not guessed from a prefix. */
const CONFIG = {
  font: 'DejaVu Sans, Arial, sans-serif',
  view: { stroke: '#ccc' },
  legend: { labelLimit: 0 },
};

/**
 * A chart a person reads at a glance: attaches per minute (ok and throttled) against the budget line, pods
 * waiting for an IP, free IPs per subnet with the minutes alerts were published, and free aligned /28 blocks
 * per subnet in prefix mode. vega-lite → vega, rendered headless to SVG.
 */
export async function renderReportSvg(report: SimulationReport, options: ChartOptions = {}): Promise<string> {
  const xAxis = minuteAxis(report.durationMin);
  const attaches = report.timeline.flatMap((row) => [
    { minute: row.minute, series: 'attaches ok', value: row.attachesOk },
    { minute: row.minute, series: 'attaches throttled', value: row.attachesThrottled },
  ]);
  const perSubnet = (pick: 'freeIps' | 'freePrefixBlocks') =>
    report.timeline.flatMap((row) =>
      row.subnets.map((s) => ({ minute: row.minute, subnet: s.subnetId, value: s[pick] })),
    );
  const budget = report.summary.attachBudgetPerMin;
  const alerts = report.summary.alerts > 0 ? alertMarks([report], false) : null;
  const spec: Panel = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${report.scenario}: ${runLabel(report)}, seed ${report.seed}`,
      subtitle:
        `peak attach calls in 60 s: ${report.summary.peakAttachCallsIn60s} (budget ${budget}); throttled attaches: ` +
        `${report.summary.throttledAttaches}; pod-minutes waiting for an IP: ${report.summary.podMinutesWaitingForIp}` +
        (alerts ? `; red dotted lines: alerts published (${report.summary.alerts})` : ''),
    },
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    config: CONFIG,
    vconcat: [
      {
        width: WIDTH,
        height: 200,
        title: 'ENI attach calls per minute',
        layer: [
          {
            data: { values: attaches },
            mark: { type: 'bar' },
            encoding: {
              x: { field: 'minute', type: 'ordinal', axis: xAxis },
              y: { field: 'value', type: 'quantitative', stack: 'zero', title: 'attach calls' },
              color: {
                field: 'series',
                type: 'nominal',
                scale: { domain: ['attaches ok', 'attaches throttled'], range: ['#4c78a8', '#e45756'] },
                title: null,
              },
            },
          },
          ...budgetRule(budget),
        ],
      },
      {
        width: WIDTH,
        height: 140,
        title: 'Pods waiting for an IP (ContainerCreating)',
        data: { values: report.timeline.map((row) => ({ minute: row.minute, value: row.podsWaitingForIp })) },
        mark: { type: 'area', line: true, color: '#f58518', opacity: 0.6 },
        encoding: {
          x: { field: 'minute', type: 'quantitative', axis: xAxis },
          y: { field: 'value', type: 'quantitative', title: 'pods', axis: { tickMinStep: 1 } },
        },
      },
      linePanel(
        'Free IPs per subnet',
        'free IPs',
        perSubnet('freeIps'),
        xAxis,
        { field: 'subnet', title: 'subnet' },
        alerts,
      ),
      ...(options.prefixDelegation
        ? [
            linePanel(
              'Free aligned /28 blocks per subnet (prefix delegation)',
              'free /28 blocks',
              perSubnet('freePrefixBlocks'),
              xAxis,
              { field: 'subnet', title: 'subnet' },
              alerts,
            ),
          ]
        : []),
    ],
  };
  return toSvg(spec);
}

/**
 * Several runs of one scenario on one chart (`simulate --compare`): attach calls per minute of each run against
 * the budget, pods waiting for an IP, free IPs summed over the subnets with each run's alert minutes, and free
 * /28 blocks in prefix mode.
 */
export async function renderComparisonSvg(
  reports: readonly SimulationReport[],
  options: ChartOptions = {},
): Promise<string> {
  const [first] = reports;
  if (first === undefined) throw new RangeError('renderComparisonSvg: expected at least one report');
  const xAxis = minuteAxis(Math.max(...reports.map((r) => r.durationMin)));
  const byRun = (value: (row: SimulationReport['timeline'][number]) => number) =>
    reports.flatMap((report) =>
      report.timeline.map((row) => ({ minute: row.minute, run: runLabel(report), value: value(row) })),
    );
  const run = { field: 'run', title: 'run' };
  const anyAlerts = reports.some((r) => r.summary.alerts > 0);
  const alerts = anyAlerts ? alertMarks(reports, true) : null;
  const budget = first.summary.attachBudgetPerMin;
  const summaries = reports.map(
    (r) =>
      `${runLabel(r)}: peak ${r.summary.peakAttachCallsIn60s} calls in 60 s, ${r.summary.throttledAttaches} throttled, ` +
      `${r.summary.podMinutesWaitingForIp} pod-minutes waiting`,
  );
  const spec: Panel = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${first.scenario}: ${reports.map(runLabel).join(' vs ')}, seed ${first.seed}`,
      subtitle: anyAlerts ? [...summaries, 'dotted lines: minutes with alerts published'] : summaries,
    },
    config: CONFIG,
    vconcat: [
      {
        width: WIDTH,
        height: 200,
        title: 'ENI attach calls per minute (solid: all calls, dashed: throttled)',
        layer: [
          {
            data: {
              values: reports.flatMap((report) =>
                report.timeline.flatMap((row) => [
                  { minute: row.minute, run: runLabel(report), kind: 'all calls', value: row.attachCalls },
                  {
                    minute: row.minute,
                    run: runLabel(report),
                    kind: 'throttled',
                    value: row.attachesThrottled,
                  },
                ]),
              ),
            },
            mark: { type: 'line', strokeWidth: 2 },
            encoding: {
              x: { field: 'minute', type: 'quantitative', axis: xAxis },
              y: { field: 'value', type: 'quantitative', title: 'attach calls' },
              color: { field: 'run', type: 'nominal', title: 'run' },
              strokeDash: {
                field: 'kind',
                type: 'nominal',
                title: null,
                scale: {
                  domain: ['all calls', 'throttled'],
                  range: [
                    [1, 0],
                    [5, 3],
                  ],
                },
              },
            },
          },
          ...budgetRule(budget),
        ],
      },
      linePanel(
        'Pods waiting for an IP',
        'pods',
        byRun((row) => row.podsWaitingForIp),
        xAxis,
        run,
        null,
      ),
      linePanel(
        'Free IPs, all subnets',
        'free IPs',
        byRun((row) => row.subnets.reduce((sum, s) => sum + s.freeIps, 0)),
        xAxis,
        run,
        alerts,
      ),
      ...(options.prefixDelegation
        ? [
            linePanel(
              'Free aligned /28 blocks, all subnets (prefix delegation)',
              'free /28 blocks',
              byRun((row) => row.subnets.reduce((sum, s) => sum + s.freePrefixBlocks, 0)),
              xAxis,
              run,
              alerts,
            ),
          ]
        : []),
    ],
  };
  return toSvg(spec);
}

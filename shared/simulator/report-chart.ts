import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { SimulationReport } from './metrics.js';

/**
 * A chart a person reads at a glance: attaches per minute (ok and throttled) against the budget line,
 * pods waiting for an IP, and free IPs per subnet. vega-lite → vega, rendered headless to SVG.
 */
export async function renderReportSvg(report: SimulationReport): Promise<string> {
  const attaches = report.timeline.flatMap((row) => [
    { minute: row.minute, series: 'attaches ok', value: row.attachesOk },
    { minute: row.minute, series: 'attaches throttled', value: row.attachesThrottled },
  ]);
  const waiting = report.timeline.map((row) => ({ minute: row.minute, value: row.podsWaitingForIp }));
  const freeIps = report.timeline.flatMap((row) =>
    row.subnets.map((s) => ({ minute: row.minute, subnet: s.subnetId, value: s.freeIps })),
  );
  const budget = report.summary.attachBudgetPerMin;
  const width = 720;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${report.scenario}: ${report.guard ? `guarded (${report.guard})` : 'unguarded'}, seed ${report.seed}`,
      subtitle: `peak attach calls in 60 s: ${report.summary.peakAttachCallsIn60s} (budget ${budget}); throttled attaches: ${report.summary.throttledAttaches}; pod-minutes waiting for an IP: ${report.summary.podMinutesWaitingForIp}`,
    },
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    config: { font: 'DejaVu Sans, Arial, sans-serif', view: { stroke: '#ccc' } },
    vconcat: [
      {
        width,
        height: 200,
        title: 'ENI attach calls per minute',
        layer: [
          {
            data: { values: attaches },
            mark: { type: 'bar' },
            encoding: {
              x: { field: 'minute', type: 'ordinal', title: 'minute' },
              y: { field: 'value', type: 'quantitative', stack: 'zero', title: 'attach calls' },
              color: {
                field: 'series',
                type: 'nominal',
                scale: { domain: ['attaches ok', 'attaches throttled'], range: ['#4c78a8', '#e45756'] },
                title: null,
              },
            },
          },
          {
            data: { values: [{ budget }] },
            mark: { type: 'rule', color: '#000', strokeDash: [6, 4], strokeWidth: 2 },
            encoding: { y: { field: 'budget', type: 'quantitative' } },
          },
          {
            data: { values: [{ budget, label: `budget ${budget} / min` }] },
            mark: { type: 'text', align: 'right', dy: -8, x: width - 4, fontWeight: 'bold' },
            encoding: { y: { field: 'budget', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      {
        width,
        height: 140,
        title: 'Pods waiting for an IP (ContainerCreating)',
        data: { values: waiting },
        mark: { type: 'area', line: true, color: '#f58518', opacity: 0.6 },
        encoding: {
          x: { field: 'minute', type: 'quantitative', title: 'minute' },
          y: { field: 'value', type: 'quantitative', title: 'pods' },
        },
      },
      {
        width,
        height: 140,
        title: 'Free IPs per subnet',
        data: { values: freeIps },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: { field: 'minute', type: 'quantitative', title: 'minute' },
          y: { field: 'value', type: 'quantitative', title: 'free IPs' },
          color: { field: 'subnet', type: 'nominal', title: 'subnet' },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

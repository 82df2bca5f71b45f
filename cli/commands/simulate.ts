import { accessSync, constants, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  GUARD_MODES,
  type GuardModeVariant,
  withGuardMode,
} from '../../shared/simulator/guard-mode-variant.js';
import type { SimulationReport } from '../../shared/simulator/metrics.js';
import { formatComparison, formatReport } from '../../shared/simulator/report-text.js';
import { parseScenario, type Scenario, ScenarioValidationError } from '../../shared/simulator/scenario.js';
import { parseFlags, parseIntegerFlag } from '../args.js';
import { type CliCommand, UsageError } from '../command.js';
import { packageRoot } from '../package-info.js';

const HELP = `Usage: capacity-guard simulate [--scenario NAME|FILE] [--mode MODE] [--no-guard] [--json]
                               [--svg FILE] [--seed N] [--duration-min N] [--compare]

Runs a scenario in the simulated AWS account (EC2 subnets, Auto Scaling, each node's VPC CNI ipamd,
EC2 throttling and the account's ENI attach budget) and prints a per-minute timeline and a summary.

Options:
  --scenario NAME|FILE  a bundled scenario (black-friday, slow-start, prefix-fragmented,
                        subnet-exhaustion, two-groups-noisy-neighbour) or a JSON file (default black-friday)
  --mode MODE           how the guard paces the opted-in groups: gate (a launch hook holds each new
                        instance and the node waits for InService; recommended), ceiling, desired, or
                        as-tagged (the scenario's own tags; default)
  --no-guard            run without the capacity guard
  --json                print the report as JSON
  --svg FILE            write a chart: attaches per minute vs the budget, pods waiting, free IPs with the
                        minutes alerts were published, free /28 blocks in prefix mode; with --compare
                        the guarded and unguarded runs share one chart
  --seed N              random seed (default 1); same seed, same output
  --duration-min N      override the scenario's duration
  --compare             guarded and unguarded summaries side by side (unguarded: the scenario as
                        written, without the --mode changes)`;

/** Loads and validates a bundled scenario by name, or a scenario file by path. */
export function loadScenario(nameOrFile: string, root = packageRoot()): Scenario {
  const bundled = join(root, 'scenarios', `${nameOrFile}.json`);
  const path = /^[a-z0-9-]+$/.test(nameOrFile) && existsSync(bundled) ? bundled : resolve(nameOrFile);
  if (!existsSync(path)) {
    throw new UsageError(
      `simulate: --scenario '${nameOrFile}' is neither a bundled scenario nor a file (expected a name in ${join(root, 'scenarios')} or a path to a .json file)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `--scenario: '${nameOrFile}' is not valid JSON (${error instanceof Error ? error.message : String(error)}; expected a scenario file such as scenarios/black-friday.json)`,
    );
  }
  try {
    return parseScenario(json);
  } catch (error) {
    if (error instanceof ScenarioValidationError)
      throw new UsageError(`--scenario: '${nameOrFile}': ${error.message}`);
    throw error;
  }
}

/** Fails before a long run, not after it, when the chart could not be written. */
function checkWritableFile(flag: string, file: string): void {
  const folder = dirname(resolve(file));
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UsageError(
      `--${flag}: '${file}' cannot be written: ${folder} is not a writable folder (expected a path to a new or writable file)`,
    );
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new UsageError(`--${flag}: '${file}' is a folder (expected a path to a file)`);
  }
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  help: HELP,
  run: async (args, io) => {
    const { values } = parseFlags('simulate', args, {
      scenario: { type: 'string', valueName: 'NAME|FILE' },
      'no-guard': { type: 'boolean' },
      json: { type: 'boolean' },
      svg: { type: 'string', valueName: 'FILE' },
      seed: { type: 'string', valueName: 'N' },
      'duration-min': { type: 'string', valueName: 'N' },
      compare: { type: 'boolean' },
      mode: { type: 'string', valueName: 'MODE' },
    });
    const mode = values.mode ?? 'as-tagged';
    if (!(GUARD_MODES as readonly string[]).includes(mode)) {
      throw new UsageError(
        `--mode: '${mode}' is not a pacing mode (expected one of ${GUARD_MODES.join(', ')})`,
      );
    }
    const seed = values.seed === undefined ? 1 : parseIntegerFlag('seed', values.seed, 0, 2 ** 32 - 1);
    const durationMin =
      values['duration-min'] === undefined
        ? undefined
        : parseIntegerFlag('duration-min', values['duration-min'], 1, 7 * 24 * 60);
    const original = loadScenario(values.scenario ?? 'black-friday');
    const scenario = withGuardMode(original, mode as GuardModeVariant);
    if (values.svg !== undefined) checkWritableFile('svg', values.svg);
    if (values.compare && values['no-guard']) {
      throw new UsageError(
        '--no-guard: not with --compare, which runs both with and without the guard (expected one of them)',
      );
    }
    // The simulator and the chart libraries are loaded only when a simulation (or a chart) is asked for.
    const { simulateScenario } = await import('./simulate-run.js');
    const chartOptions = { prefixDelegation: scenario.cluster.cni.prefixDelegation };
    const drawChart = async (reports: readonly SimulationReport[], file: string) => {
      const chart = await import('../../shared/simulator/report-chart.js');
      const [only] = reports;
      const svg =
        reports.length === 1 && only !== undefined
          ? await chart.renderReportSvg(only, chartOptions)
          : await chart.renderComparisonSvg(reports, chartOptions);
      writeFileSync(file, svg);
    };
    if (values.compare) {
      const guarded = await simulateScenario(io, scenario, seed, durationMin, true);
      // No guard means no launch hook either: the baseline is the group as it is today.
      const unguarded = await simulateScenario(io, original, seed, durationMin, false);
      if (values.svg) await drawChart([guarded, unguarded], values.svg);
      if (values.json) io.stdout(`${JSON.stringify({ guarded, unguarded }, null, 2)}\n`);
      else io.stdout(formatComparison([guarded, unguarded]));
      return 0;
    }
    const report = await simulateScenario(io, scenario, seed, durationMin, values['no-guard'] !== true);
    if (values.svg) await drawChart([report], values.svg);
    if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(formatReport(report));
    return 0;
  },
};

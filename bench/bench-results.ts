import type { SimulationReport } from '../shared/simulator/metrics.js';
import type { AlertLeadRow } from './alert-lead-time.js';
import type { AuditCostRow } from './audit-cost.js';
import type { CliStartupResult } from './cli-startup.js';
import type { ColdStartRow } from './cold-start.js';
import type { ModeRow } from './pacing-modes.js';
import type { PacingSummaryRow } from './pacing-summary.js';
import type { QuickStartResult } from './quick-start.js';
import type { StaggerRow } from './stagger-efficiency.js';

/** Cold-start figures added after the first results were kept: a stored run may lack them. */
type LaterColdStartFields = 'files' | 'importCpuMs' | 'importMsWithoutTracing';

export type StoredColdStartRow = Omit<ColdStartRow, LaterColdStartFields> &
  Partial<Pick<ColdStartRow, LaterColdStartFields>>;

/**
 * `bench/results.json` as `npm run bench` writes it. Fields marked optional are absent from results
 * written before they were measured; the README renders them as "not measured".
 */
export interface BenchResults {
  readonly seed: number;
  readonly node: string;
  readonly cpus?: number;
  readonly loadAverage1m?: number;
  readonly elapsedSec: number;
  readonly goals: {
    readonly staggerRatio: number;
    readonly auditMs: number;
    readonly auditRssMb: number;
    readonly zippedKb: number;
    readonly importMs: number;
  };
  readonly pacingModes: {
    readonly seeds: number;
    readonly lateEventDelaysSec: readonly number[];
    readonly summary: readonly PacingSummaryRow[];
    readonly runs: readonly ModeRow[];
  };
  readonly stagger: readonly (Omit<StaggerRow, 'report'> & {
    readonly summary: SimulationReport['summary'];
  })[];
  readonly alertLeadTime: readonly AlertLeadRow[];
  readonly auditCost: readonly AuditCostRow[];
  readonly coldStart: readonly StoredColdStartRow[];
  readonly cliStartup?: CliStartupResult;
  /** What `npm start` printed (the README's quick start). */
  readonly quickStart?: QuickStartResult;
}

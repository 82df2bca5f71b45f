import { type AlertKind, type AlertPolicy, DEFAULT_ALERT_POLICIES } from '../../domain/alert-policy.js';
import { DEFAULT_GUARD_SETTINGS } from '../../domain/guard-defaults.js';

/** What the capacity audit looks at and how it judges it. */
export interface AuditSettings {
  readonly accountId: string;
  readonly region: string;
  /** EKS clusters to audit; empty means every cluster `ListClusters` returns. */
  readonly clusterNames: readonly string[];
  /** Auto Scaling groups carrying this tag are audited too; null turns tag discovery off. */
  readonly optInTag: { readonly key: string; readonly value: string } | null;
  /** Auto Scaling groups named explicitly (self-managed node groups without the tag). */
  readonly autoScalingGroupNames: readonly string[];
  /**
   * VPC CNI settings per cluster (`KEY: value`), applied over the add-on's `configurationValues`; the key
   * `*` applies to every cluster without its own entry. The only source for a self-managed CNI.
   */
  readonly cniOverrides: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Custom networking: ENIConfig subnet per cluster and Availability Zone (`{ cluster: { az: subnetId } }`). */
  readonly eniConfigSubnets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly policies: Readonly<Record<AlertKind, AlertPolicy>>;
  readonly sampleTtlMs: number;
  /** Samples older than this do not enter the forecast. */
  readonly forecastWindowMs: number;
  readonly attachesPerMin: number;
  /** False: evaluate alerts, report them, but send nothing (the CLI). */
  readonly publishAlerts: boolean;
}

const DAY_MS = 86_400_000;

/** Settings for a one-off audit: every cluster, default thresholds, nothing published. */
export function defaultAuditSettings(overrides: Partial<AuditSettings> = {}): AuditSettings {
  return {
    accountId: 'unknown',
    region: 'unknown',
    clusterNames: [],
    optInTag: { key: DEFAULT_GUARD_SETTINGS.optInTagKey, value: DEFAULT_GUARD_SETTINGS.optInTagValue },
    autoScalingGroupNames: [],
    cniOverrides: {},
    eniConfigSubnets: {},
    policies: DEFAULT_ALERT_POLICIES,
    sampleTtlMs: 14 * DAY_MS,
    forecastWindowMs: DAY_MS / 4,
    attachesPerMin: DEFAULT_GUARD_SETTINGS.attachesPerMin,
    publishAlerts: false,
    ...overrides,
  };
}

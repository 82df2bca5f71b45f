import { DEFAULT_ALERT_POLICIES } from '../domain/alert-policy.js';
import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';

/** The guard's settings, read once per container from the environment. */
export interface GuardConfig {
  readonly stateTableName: string;
  readonly eventBusName: string;
  readonly alertTopicArn: string | null;
  readonly attachesPerMin: number;
  readonly safetyMargin: number;
  readonly spreadSec: number;
  readonly othersBurstFactor: number;
  readonly deadlineGraceSec: number;
  readonly optInTagKey: string;
  readonly optInTagValue: string;
  /** SSM parameter whose value `on` stops all pacing (plans go to their targets at once). */
  readonly killSwitchParameter: string | null;
  /** IAM role ARNs of the guard's own functions: their CloudTrail calls are ignored. */
  readonly selfRoleArns: readonly string[];
  /** Ask EC2 for recently attached ENIs only (attach-time filter) instead of every attached ENI. */
  readonly attachTimeFilter: boolean;
  /** Seconds between sub-minute steps inside one stepper invocation. */
  readonly stepIntervalSec: number;
  /** The launch gate's settings. */
  readonly gate: GateConfig;
  /** The capacity auditor's settings. */
  readonly audit: AuditConfig;
}

/** The launch gate's settings (defaults in `DEFAULT_GUARD_SETTINGS`). */
export interface GateConfig {
  readonly hookName: string;
  readonly heartbeatTimeoutSec: number;
  readonly maxHoldSec: number;
  readonly settleQuietSec: number;
  readonly settleMaxSec: number;
  readonly peerRefreshSec: number;
  /** How long one scheduled invocation of the releaser keeps releasing while instances wait. */
  readonly loopSec: number;
}

/** Reads the launch gate's settings from the environment. */
export function parseGateConfig(env: Env): GateConfig {
  const d = DEFAULT_GUARD_SETTINGS;
  const hookName = env.GATE_HOOK_NAME?.trim() || d.gateHookName;
  // Auto Scaling hook names: 1..255 of [A-Za-z0-9\-_\/] (PutLifecycleHook LifecycleHookName).
  if (!/^[A-Za-z0-9\-_/]{1,255}$/.test(hookName)) {
    throw new ConfigError(`GATE_HOOK_NAME: '${hookName}' is invalid (expected 1..255 of A-Z a-z 0-9 - _ /)`);
  }
  const heartbeatTimeoutSec = number(
    env,
    'GATE_HEARTBEAT_TIMEOUT_SEC',
    d.gateHeartbeatTimeoutSec,
    30,
    7200,
    true,
  );
  // The total wait at a hook is capped at 100 heartbeat timeouts or 48 h, whichever is smaller (DOMAIN.md §6).
  const holdCap = Math.min(100 * heartbeatTimeoutSec, 172_800);
  return Object.freeze({
    hookName,
    heartbeatTimeoutSec,
    maxHoldSec: number(env, 'GATE_MAX_HOLD_SEC', Math.min(d.gateMaxHoldSec, holdCap), 0, holdCap, true),
    settleQuietSec: number(env, 'GATE_SETTLE_QUIET_SEC', d.gateSettleQuietSec, 5, 3600, true),
    settleMaxSec: number(env, 'GATE_SETTLE_MAX_SEC', d.gateSettleMaxSec, 30, 7200, true),
    peerRefreshSec: number(env, 'GATE_PEER_REFRESH_SEC', d.gatePeerRefreshSec, 0, 86_400, true),
    loopSec: number(env, 'GATE_LOOP_SEC', d.gateLoopSec, 0, 840, true),
  });
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, key: string, form: string): string {
  const value = env[key]?.trim();
  if (!value) throw new ConfigError(`${key}: missing (expected ${form})`);
  return value;
}

function number(env: Env, key: string, fallback: number, min: number, max: number, integer: boolean): number {
  const raw = env[key]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new ConfigError(
      `${key}: '${raw}' is invalid (expected ${integer ? 'a whole number' : 'a number'} ${min}..${max})`,
    );
  }
  return value;
}

/**
 * Reads and validates the guard's environment. Pure: takes the environment as an argument, returns a frozen
 * object, and names the key, the value and the accepted range on any error.
 */
export function parseConfig(env: Env): GuardConfig {
  const optIn = (
    env.OPT_IN_TAG ?? `${DEFAULT_GUARD_SETTINGS.optInTagKey}=${DEFAULT_GUARD_SETTINGS.optInTagValue}`
  ).trim();
  const at = optIn.indexOf('=');
  if (at <= 0 || at === optIn.length - 1) {
    throw new ConfigError(
      `OPT_IN_TAG: '${optIn}' is invalid (expected KEY=VALUE, e.g. capacity-guard/enabled=true)`,
    );
  }
  const topic = env.ALERT_TOPIC_ARN?.trim();
  if (topic && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(topic)) {
    throw new ConfigError(
      `ALERT_TOPIC_ARN: '${topic}' is not an SNS topic ARN (expected arn:aws:sns:REGION:ACCOUNT:NAME)`,
    );
  }
  return Object.freeze({
    stateTableName: required(env, 'STATE_TABLE_NAME', 'the DynamoDB table name'),
    eventBusName: env.EVENT_BUS_NAME?.trim() || 'default',
    alertTopicArn: topic || null,
    attachesPerMin: number(
      env,
      'ATTACH_BUDGET_PER_MIN',
      DEFAULT_GUARD_SETTINGS.attachesPerMin,
      1,
      10_000,
      true,
    ),
    safetyMargin: number(env, 'ATTACH_SAFETY_MARGIN', DEFAULT_GUARD_SETTINGS.safetyMargin, 0, 0.5, false),
    spreadSec: number(env, 'ATTACH_SPREAD_SEC', DEFAULT_GUARD_SETTINGS.spreadSec, 0, 600, false),
    othersBurstFactor: number(
      env,
      'ATTACH_OTHERS_BURST_FACTOR',
      DEFAULT_GUARD_SETTINGS.othersBurstFactor,
      1,
      5,
      false,
    ),
    deadlineGraceSec: number(
      env,
      'PLAN_DEADLINE_GRACE_SEC',
      DEFAULT_GUARD_SETTINGS.deadlineGraceSec,
      0,
      86_400,
      true,
    ),
    optInTagKey: optIn.slice(0, at),
    optInTagValue: optIn.slice(at + 1),
    killSwitchParameter: env.KILL_SWITCH_PARAMETER?.trim() || null,
    selfRoleArns: Object.freeze(
      (env.GUARD_ROLE_ARNS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
    attachTimeFilter: (env.ATTACH_OBSERVER_TIME_FILTER ?? 'false').trim().toLowerCase() === 'true',
    stepIntervalSec: number(env, 'STEP_INTERVAL_SEC', 15, 5, 60, true),
    gate: parseGateConfig(env),
    audit: parseAuditConfig(env),
  });
}

/** The capacity auditor's settings (alert thresholds default to `DEFAULT_ALERT_POLICIES`). */
export interface AuditConfig {
  /** CLUSTER_NAMES: EKS clusters to audit; empty means every cluster in the Region. */
  readonly clusterNames: readonly string[];
  /** ASG_NAMES: self-managed node groups audited without the opt-in tag. */
  readonly autoScalingGroupNames: readonly string[];
  /** CNI_OVERRIDES: `{ "<cluster>" | "*": { "WARM_IP_TARGET": "2", … } }`. */
  readonly cniOverrides: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** ENI_CONFIG_SUBNETS: custom networking, `{ "<cluster>": { "<availability zone>": "subnet-…" } }`. */
  readonly eniConfigSubnets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly sampleTtlDays: number;
  readonly reminderIntervalMin: number;
  readonly forecastWindowMin: number;
  readonly subnetWarningPercent: number;
  readonly subnetCriticalPercent: number;
  readonly subnetCriticalIps: number;
  readonly prefixWarningBlocks: number;
  readonly prefixCriticalBlocks: number;
  readonly warningMinutes: number;
  readonly criticalMinutes: number;
  readonly groupWarningNodes: number;
  readonly groupCriticalNodes: number;
}

function list(env: Env, key: string): readonly string[] {
  return Object.freeze(
    (env[key] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );
}

/** A JSON object of objects of strings, e.g. `{"prod": {"WARM_IP_TARGET": "2"}}`. */
function nestedStrings(env: Env, key: string, example: string): Record<string, Record<string, string>> {
  const raw = env[key]?.trim();
  if (!raw) return {};
  const invalid = (why: string, cause?: unknown) =>
    new ConfigError(`${key}: '${raw}' is invalid: ${why} (expected JSON such as ${example})`, { cause });
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw invalid('not JSON', error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid('not an object');
  const result: Record<string, Record<string, string>> = {};
  for (const [outer, inner] of Object.entries(parsed)) {
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
      throw invalid(`"${outer}" is not an object`);
    }
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(inner)) {
      if (typeof value !== 'string') throw invalid(`"${outer}"."${name}" is not a string`);
      values[name] = value;
    }
    result[outer] = Object.freeze(values);
  }
  return Object.freeze(result);
}

function ordered(lowKey: string, low: number, highKey: string, high: number): void {
  if (low >= high) {
    throw new ConfigError(`${lowKey}: ${low} is invalid (expected below ${highKey}, which is ${high})`);
  }
}

/** The auditor's part of the environment; names the key, the value and the accepted form on any error. */
export function parseAuditConfig(env: Env): AuditConfig {
  const subnet = DEFAULT_ALERT_POLICIES['subnet-ips'];
  const prefix = DEFAULT_ALERT_POLICIES['subnet-prefix-blocks'];
  const group = DEFAULT_ALERT_POLICIES['node-group-headroom'];
  const config: AuditConfig = {
    clusterNames: list(env, 'CLUSTER_NAMES'),
    autoScalingGroupNames: list(env, 'ASG_NAMES'),
    cniOverrides: nestedStrings(env, 'CNI_OVERRIDES', '{"prod": {"WARM_IP_TARGET": "2"}}'),
    eniConfigSubnets: nestedStrings(env, 'ENI_CONFIG_SUBNETS', '{"prod": {"eu-west-1a": "subnet-0abc"}}'),
    sampleTtlDays: number(env, 'SAMPLE_TTL_DAYS', 14, 1, 365, true),
    reminderIntervalMin: number(
      env,
      'REMINDER_INTERVAL_MIN',
      subnet.renotifyIntervalMs / 60_000,
      0,
      10_080,
      true,
    ),
    forecastWindowMin: number(env, 'FORECAST_WINDOW_MIN', 360, 30, 1440, true),
    subnetWarningPercent: number(
      env,
      'ALERT_SUBNET_WARNING_PERCENT',
      subnet.warning.headroomPercentBelow ?? 20,
      0,
      100,
      false,
    ),
    subnetCriticalPercent: number(
      env,
      'ALERT_SUBNET_CRITICAL_PERCENT',
      subnet.critical.headroomPercentBelow ?? 10,
      0,
      100,
      false,
    ),
    subnetCriticalIps: number(
      env,
      'ALERT_SUBNET_CRITICAL_IPS',
      subnet.critical.headroomBelow ?? 16,
      0,
      65_536,
      true,
    ),
    prefixWarningBlocks: number(
      env,
      'ALERT_PREFIX_WARNING_BLOCKS',
      prefix.warning.headroomBelow ?? 8,
      0,
      4096,
      true,
    ),
    prefixCriticalBlocks: number(
      env,
      'ALERT_PREFIX_CRITICAL_BLOCKS',
      prefix.critical.headroomBelow ?? 2,
      0,
      4096,
      true,
    ),
    warningMinutes: number(
      env,
      'ALERT_WARNING_MINUTES',
      subnet.warning.minutesToExhaustionBelow ?? 120,
      0,
      10_080,
      true,
    ),
    criticalMinutes: number(
      env,
      'ALERT_CRITICAL_MINUTES',
      subnet.critical.minutesToExhaustionBelow ?? 30,
      0,
      10_080,
      true,
    ),
    groupWarningNodes: number(
      env,
      'ALERT_GROUP_WARNING_NODES',
      group.warning.headroomBelow ?? 5,
      0,
      10_000,
      true,
    ),
    groupCriticalNodes: number(
      env,
      'ALERT_GROUP_CRITICAL_NODES',
      group.critical.headroomBelow ?? 1,
      0,
      10_000,
      true,
    ),
  };
  ordered(
    'ALERT_SUBNET_CRITICAL_PERCENT',
    config.subnetCriticalPercent,
    'ALERT_SUBNET_WARNING_PERCENT',
    config.subnetWarningPercent,
  );
  ordered(
    'ALERT_PREFIX_CRITICAL_BLOCKS',
    config.prefixCriticalBlocks,
    'ALERT_PREFIX_WARNING_BLOCKS',
    config.prefixWarningBlocks,
  );
  ordered('ALERT_CRITICAL_MINUTES', config.criticalMinutes, 'ALERT_WARNING_MINUTES', config.warningMinutes);
  ordered(
    'ALERT_GROUP_CRITICAL_NODES',
    config.groupCriticalNodes,
    'ALERT_GROUP_WARNING_NODES',
    config.groupWarningNodes,
  );
  return Object.freeze(config);
}

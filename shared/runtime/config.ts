import { DEFAULT_GUARD_SETTINGS } from '../domain/guard-defaults.js';

/** The guard's settings, read once per container from the environment. */
export interface GuardConfig {
  readonly stateTableName: string;
  readonly eventBusName: string;
  readonly alertTopicArn: string | null;
  readonly attachesPerMin: number;
  readonly safetyMargin: number;
  readonly spreadSec: number;
  readonly deadlineGraceSec: number;
  readonly optInTagKey: string;
  readonly optInTagValue: string;
  /** SSM parameter whose value `on` stops all pacing (plans go to their targets at once). */
  readonly killSwitchParameter: string | null;
  /** IAM role ARNs of the guard's own functions: their CloudTrail calls are ignored. */
  readonly selfRoleArns: readonly string[];
  /** Seconds between sub-minute steps inside one stepper invocation. */
  readonly stepIntervalSec: number;
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
    stepIntervalSec: number(env, 'STEP_INTERVAL_SEC', 15, 5, 60, true),
  });
}

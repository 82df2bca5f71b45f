/**
 * Alert state machine per subject (a subnet, or a node group): OK / WARNING / CRITICAL from headroom and
 * time-to-exhaustion thresholds, with hysteresis, one notification per state change, reminders while
 * active and a resolved notice. Pure: the state is stored by the caller and handed back on the next run.
 *
 * Hysteresis (Schmitt trigger): a level is entered when a threshold is crossed and left only once every
 * threshold of that level is cleared by its margin, so a value hovering at a threshold does not flap.
 */

export const Severity = { ok: 'OK', warning: 'WARNING', critical: 'CRITICAL' } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];
export type ActiveSeverity = Exclude<Severity, 'OK'>;

export const AlertKind = {
  /** Subnet addresses: headroom in IPs, net of in-flight demand. */
  subnetIps: 'subnet-ips',
  /** Subnet /28 blocks in prefix mode. */
  subnetPrefixBlocks: 'subnet-prefix-blocks',
  /** Node group: nodes it can still add. */
  nodeGroupHeadroom: 'node-group-headroom',
} as const;
export type AlertKind = (typeof AlertKind)[keyof typeof AlertKind];

export interface AlertSubject {
  readonly accountId: string;
  readonly region: string;
  /** `subnet-…` for subnet kinds; `<cluster>/<nodegroup>` for node groups. */
  readonly subjectId: string;
  readonly kind: AlertKind;
  readonly clusterName?: string;
}

export interface AlertObservation {
  readonly subject: AlertSubject;
  /** In the kind's unit: IPs, /28 blocks, or nodes. */
  readonly headroom: number;
  /** What 100 % headroom is (e.g. the subnet's usable IPs); needed by percent thresholds. */
  readonly capacity?: number | null;
  /** From the forecast, within its horizon; null when not shrinking or unknown. */
  readonly minutesToExhaustion: number | null;
  /**
   * True when the subject can never have headroom, whatever is freed (a subnet no /28 prefix can ever fit
   * in, see `PrefixFeasibility`): CRITICAL under every policy.
   */
  readonly noCapacityPossible?: boolean;
}

/** A level is breached when any of its set thresholds is: headroom (or minutes) strictly below the value. */
export interface SeverityThresholds {
  readonly headroomBelow?: number;
  readonly headroomPercentBelow?: number;
  readonly minutesToExhaustionBelow?: number;
}

export interface AlertPolicy {
  readonly warning: SeverityThresholds;
  readonly critical: SeverityThresholds;
  /** Added to each threshold while a level is active: it clears only above threshold + margin. */
  readonly clearMargin: {
    readonly headroom: number;
    readonly headroomPercent: number;
    readonly minutes: number;
  };
  /** Reminder period while WARNING or CRITICAL; 0 turns reminders off. */
  readonly renotifyIntervalMs: number;
}

const HOUR_MS = 3_600_000;

/** Starting points, to be tuned per installation. */
export const DEFAULT_ALERT_POLICIES: Readonly<Record<AlertKind, AlertPolicy>> = Object.freeze({
  'subnet-ips': {
    warning: { headroomPercentBelow: 20, minutesToExhaustionBelow: 120 },
    critical: { headroomPercentBelow: 10, headroomBelow: 16, minutesToExhaustionBelow: 30 },
    clearMargin: { headroom: 8, headroomPercent: 5, minutes: 60 },
    renotifyIntervalMs: 4 * HOUR_MS,
  },
  'subnet-prefix-blocks': {
    warning: { headroomBelow: 8, minutesToExhaustionBelow: 120 },
    critical: { headroomBelow: 2, minutesToExhaustionBelow: 30 },
    clearMargin: { headroom: 2, headroomPercent: 0, minutes: 60 },
    renotifyIntervalMs: 4 * HOUR_MS,
  },
  'node-group-headroom': {
    warning: { headroomBelow: 5 },
    critical: { headroomBelow: 1 },
    clearMargin: { headroom: 2, headroomPercent: 0, minutes: 0 },
    renotifyIntervalMs: 4 * HOUR_MS,
  },
});

export interface AlertState {
  readonly key: string;
  readonly severity: Severity;
  /** When the current severity was entered. */
  readonly sinceMs: number;
  /** When the subject last left OK; null while OK. */
  readonly activeSinceMs: number | null;
  readonly lastNotifiedAtMs: number | null;
  readonly lastEvaluatedAtMs: number;
}

export const BreachMetric = {
  headroom: 'headroom',
  headroomPercent: 'headroom-percent',
  minutesToExhaustion: 'minutes-to-exhaustion',
  /** `noCapacityPossible`: `value` is the headroom, `threshold` 0. */
  noCapacityPossible: 'no-capacity-possible',
} as const;
export type BreachMetric = (typeof BreachMetric)[keyof typeof BreachMetric];

export interface Breach {
  readonly metric: BreachMetric;
  readonly value: number;
  /** The threshold in force (margin included while the level holds). */
  readonly threshold: number;
}

interface NotificationBase {
  readonly key: string;
  readonly subject: AlertSubject;
  readonly observation: AlertObservation;
  readonly atMs: number;
  /** What holds the new severity; empty for `resolved`. */
  readonly reasons: readonly Breach[];
  /** When the subject left OK (for `resolved`, how long it was active). */
  readonly activeSinceMs: number;
}

export type Notification =
  | (NotificationBase & { readonly kind: 'raised'; readonly severity: ActiveSeverity })
  | (NotificationBase & {
      readonly kind: 'escalated';
      readonly from: 'WARNING';
      readonly severity: 'CRITICAL';
    })
  | (NotificationBase & {
      readonly kind: 'de-escalated';
      readonly from: 'CRITICAL';
      readonly severity: 'WARNING';
    })
  | (NotificationBase & { readonly kind: 'reminder'; readonly severity: ActiveSeverity })
  | (NotificationBase & {
      readonly kind: 'resolved';
      readonly from: ActiveSeverity;
      readonly severity: 'OK';
    });

export type NotificationKind = Notification['kind'];

export interface AlertEvaluation {
  readonly next: AlertState;
  readonly notification: Notification | null;
}

export class AlertPolicyError extends Error {
  override readonly name = 'AlertPolicyError';
}

/**
 * The stable identity of one alert: dedupe key for the state store and `threadId` for AWS Chatbot, so
 * every update of one alert lands in one Slack thread (EVENTS.md, "SNS → Slack through AWS Chatbot").
 *
 * @example
 * alertKey({ accountId: '111122223333', region: 'eu-west-1', subjectId: 'subnet-0abc', kind: 'subnet-ips' })
 * // '111122223333:eu-west-1:subnet-0abc:subnet-ips'
 */
export function alertKey(subject: AlertSubject): string {
  return `${subject.accountId}:${subject.region}:${subject.subjectId}:${subject.kind}`;
}

function breaches(
  thresholds: SeverityThresholds,
  observation: AlertObservation,
  margin: AlertPolicy['clearMargin'] | null,
): Breach[] {
  const found: Breach[] = [];
  if (thresholds.headroomBelow !== undefined) {
    const threshold = thresholds.headroomBelow + (margin?.headroom ?? 0);
    if (observation.headroom < threshold) {
      found.push({ metric: BreachMetric.headroom, value: observation.headroom, threshold });
    }
  }
  const capacity = observation.capacity ?? null;
  if (thresholds.headroomPercentBelow !== undefined && capacity !== null && capacity > 0) {
    const threshold = thresholds.headroomPercentBelow + (margin?.headroomPercent ?? 0);
    const percent = (100 * observation.headroom) / capacity;
    if (percent < threshold) found.push({ metric: BreachMetric.headroomPercent, value: percent, threshold });
  }
  if (thresholds.minutesToExhaustionBelow !== undefined && observation.minutesToExhaustion !== null) {
    const threshold = thresholds.minutesToExhaustionBelow + (margin?.minutes ?? 0);
    if (observation.minutesToExhaustion < threshold) {
      found.push({
        metric: BreachMetric.minutesToExhaustion,
        value: observation.minutesToExhaustion,
        threshold,
      });
    }
  }
  return found;
}

const RANK: Readonly<Record<Severity, number>> = { OK: 0, WARNING: 1, CRITICAL: 2 };

/**
 * The severity an observation deserves, given the severity in force: a level at or below the current one
 * is judged with the clear margin added (hysteresis), a higher level without.
 *
 * @example
 * const policy = DEFAULT_ALERT_POLICIES['subnet-prefix-blocks']; // WARNING below 8 blocks, margin 2
 * classifyObservation(policy, { subject, headroom: 9, minutesToExhaustion: null }, 'OK').severity      // 'OK'
 * classifyObservation(policy, { subject, headroom: 9, minutesToExhaustion: null }, 'WARNING').severity // 'WARNING'
 * classifyObservation(policy, { subject, headroom: 0, minutesToExhaustion: null, noCapacityPossible: true }, 'OK')
 *   .severity // 'CRITICAL'
 */
export function classifyObservation(
  policy: AlertPolicy,
  observation: AlertObservation,
  current: Severity,
): { severity: Severity; reasons: Breach[] } {
  if (observation.noCapacityPossible === true) {
    return {
      severity: Severity.critical,
      reasons: [{ metric: BreachMetric.noCapacityPossible, value: observation.headroom, threshold: 0 }],
    };
  }
  const levels: [ActiveSeverity, SeverityThresholds][] = [
    [Severity.critical, policy.critical],
    [Severity.warning, policy.warning],
  ];
  for (const [level, thresholds] of levels) {
    const held = RANK[current] >= RANK[level];
    const reasons = breaches(thresholds, observation, held ? policy.clearMargin : null);
    if (reasons.length > 0) return { severity: level, reasons };
  }
  return { severity: Severity.ok, reasons: [] };
}

function validatePolicy(policy: AlertPolicy): void {
  const numbers: [string, number][] = [
    ['clearMargin.headroom', policy.clearMargin.headroom],
    ['clearMargin.headroomPercent', policy.clearMargin.headroomPercent],
    ['clearMargin.minutes', policy.clearMargin.minutes],
    ['renotifyIntervalMs', policy.renotifyIntervalMs],
  ];
  for (const [field, value] of numbers) {
    if (!Number.isFinite(value) || value < 0) {
      throw new AlertPolicyError(`policy.${field} is ${value} (expected a finite number >= 0)`);
    }
  }
}

function changeNotification(from: Severity, to: Severity, base: NotificationBase): Notification {
  if (to === Severity.ok) {
    if (from === Severity.ok) throw new AlertPolicyError('no change from OK to OK');
    return { ...base, kind: 'resolved', from, severity: to, reasons: [] };
  }
  if (from === Severity.ok) return { ...base, kind: 'raised', severity: to };
  if (from === Severity.warning && to === Severity.critical) {
    return { ...base, kind: 'escalated', from, severity: to };
  }
  if (from === Severity.critical && to === Severity.warning) {
    return { ...base, kind: 'de-escalated', from, severity: to };
  }
  throw new AlertPolicyError(`no change from ${from} to ${to}`);
}

/**
 * Evaluates one observation against the stored state: returns the next state and at most one
 * notification. A change of severity always notifies (`raised`, `escalated`, `de-escalated`, `resolved`);
 * an unchanged active severity notifies again (`reminder`) once `renotifyIntervalMs` has passed since the
 * last notification. An observation older than the stored state (late or replayed run) changes nothing.
 *
 * @throws AlertPolicyError when the stored state belongs to another alert, or the policy has a negative
 *   margin or interval.
 * @example
 * const first = evaluateAlert(undefined, { subject, headroom: 3, capacity: 251, minutesToExhaustion: null },
 *   DEFAULT_ALERT_POLICIES['subnet-ips'], nowMs);
 * // first.next.severity 'CRITICAL'; first.notification.kind 'raised'
 * evaluateAlert(first.next, { subject, headroom: 200, capacity: 251, minutesToExhaustion: null },
 *   DEFAULT_ALERT_POLICIES['subnet-ips'], nowMs + 300_000).notification?.kind // 'resolved'
 */
export function evaluateAlert(
  previous: AlertState | undefined,
  observation: AlertObservation,
  policy: AlertPolicy,
  nowMs: number,
): AlertEvaluation {
  validatePolicy(policy);
  const key = alertKey(observation.subject);
  if (previous !== undefined && previous.key !== key) {
    throw new AlertPolicyError(
      `previous.key '${previous.key}' does not match the observation's key '${key}'`,
    );
  }
  if (previous !== undefined && nowMs < previous.lastEvaluatedAtMs) {
    return { next: previous, notification: null };
  }

  const current = previous?.severity ?? Severity.ok;
  const { severity, reasons } = classifyObservation(policy, observation, current);

  if (severity !== current) {
    const activeSinceMs = current === Severity.ok ? nowMs : (previous?.activeSinceMs ?? nowMs);
    const base: NotificationBase = {
      key,
      subject: observation.subject,
      observation,
      atMs: nowMs,
      reasons,
      activeSinceMs,
    };
    return {
      next: {
        key,
        severity,
        sinceMs: nowMs,
        activeSinceMs: severity === Severity.ok ? null : activeSinceMs,
        lastNotifiedAtMs: nowMs,
        lastEvaluatedAtMs: nowMs,
      },
      notification: changeNotification(current, severity, base),
    };
  }

  const unchanged: AlertState = previous
    ? { ...previous, lastEvaluatedAtMs: nowMs }
    : {
        key,
        severity,
        sinceMs: nowMs,
        activeSinceMs: null,
        lastNotifiedAtMs: null,
        lastEvaluatedAtMs: nowMs,
      };
  if (severity === Severity.ok || policy.renotifyIntervalMs === 0)
    return { next: unchanged, notification: null };

  const lastNotifiedAtMs = unchanged.lastNotifiedAtMs ?? unchanged.sinceMs;
  if (nowMs - lastNotifiedAtMs < policy.renotifyIntervalMs) return { next: unchanged, notification: null };
  return {
    next: { ...unchanged, lastNotifiedAtMs: nowMs },
    notification: {
      key,
      subject: observation.subject,
      observation,
      atMs: nowMs,
      reasons,
      activeSinceMs: unchanged.activeSinceMs ?? unchanged.sinceMs,
      kind: 'reminder',
      severity,
    },
  };
}

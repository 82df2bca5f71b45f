import {
  type AlertState,
  alertKey,
  evaluateAlert,
  Severity as SeverityLevel,
} from '../../domain/alert-policy.js';
import { buildAlertMessage } from '../../domain/chatbot-message.js';
import type { Recommendation } from '../../domain/recommendations.js';
import type { AlertPublisher } from '../../ports/alert-publisher.js';
import { type AuditStore, ConcurrentUpdateError, type Versioned } from '../../ports/audit-store.js';
import type { UndeliveredAlert } from './alert-delivery-error.js';
import type { AlertReport } from './audit-report.js';
import type { AuditSettings } from './audit-settings.js';
import type { Observed } from './observations.js';
import { roundOrNull } from './report-numbers.js';

export interface NotifyDeps {
  readonly store: AuditStore;
  readonly publisher: AlertPublisher;
  readonly settings: Pick<AuditSettings, 'policies' | 'publishAlerts' | 'sampleTtlMs'>;
}

export interface AlertOutcome {
  readonly reports: AlertReport[];
  readonly undelivered: UndeliveredAlert[];
}

/**
 * Evaluates every observation against its stored state and notifies the changes. Alert states are claimed
 * with a versioned write before the notification is published: when two runs overlap, only the one whose
 * write lands notifies. A publish that fails puts the state from before the claim back, so the next run
 * notifies again.
 */
export async function evaluateAndNotify(
  deps: NotifyDeps,
  observed: readonly Observed[],
  recommendations: readonly Recommendation[],
  nowMs: number,
): Promise<AlertOutcome> {
  const stored = new Map<string, Versioned<AlertState>>(
    (await deps.store.listAlertStates()).map((state) => [state.value.key, state]),
  );
  const reports: AlertReport[] = [];
  const undelivered: UndeliveredAlert[] = [];
  for (const { observation, details, groupNames } of observed) {
    const key = alertKey(observation.subject);
    const previous = stored.get(key);
    const policy = deps.settings.policies[observation.subject.kind];
    const { next, notification } = evaluateAlert(previous?.value, observation, policy, nowMs);
    let published = false;
    let title: string | null = null;
    if (notification !== null) {
      const message = buildAlertMessage(notification, {
        nextSteps: recommendations
          .filter((r) => r.groupNames.some((name) => groupNames.includes(name)))
          .map((r) => r.title),
        relatedResources: groupNames,
        details,
      });
      title = message.chatbot.content.title;
      const version = previous?.version ?? 0;
      let claimed = false;
      try {
        claimed = await claim(deps, next, version, nowMs);
      } catch (error) {
        // Nothing was written: the next run evaluates the same change again.
        undelivered.push({ key, title, error, willRetry: true });
      }
      if (claimed && deps.settings.publishAlerts) {
        try {
          await deps.publisher.publish(message);
          published = true;
        } catch (error) {
          const willRetry = await putBack(deps, key, previous?.value, version + 1, nowMs);
          undelivered.push({ key, title, error, willRetry });
        }
      }
    }
    if (next.severity === SeverityLevel.ok && notification === null) continue;
    reports.push({
      key,
      kind: observation.subject.kind,
      subjectId: observation.subject.subjectId,
      cluster: observation.subject.clusterName ?? null,
      severity: next.severity,
      previousSeverity: previous?.value.severity ?? SeverityLevel.ok,
      notification: notification?.kind ?? null,
      published,
      headroom: observation.headroom,
      minutesToExhaustion: roundOrNull(observation.minutesToExhaustion),
      title,
    });
  }
  return { reports, undelivered };
}

/** False when another run changed the state first: that run owns the notification. */
async function claim(deps: NotifyDeps, next: AlertState, version: number, nowMs: number): Promise<boolean> {
  try {
    await deps.store.putAlertState(next, version, stateExpiryMs(deps, next, nowMs));
    return true;
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) return false;
    throw error;
  }
}

/**
 * After a failed publish, writes the state from before the claim back (as a new version), so the next run
 * sees the same change, or the same reminder due, and notifies again. An alert with no stored state goes
 * back to a fresh OK state. True when the state was put back, or another run has moved it on since (that
 * run decides what to send); false when the write failed.
 */
async function putBack(
  deps: NotifyDeps,
  key: string,
  previous: AlertState | undefined,
  claimedVersion: number,
  nowMs: number,
): Promise<boolean> {
  const state: AlertState = previous ?? {
    key,
    severity: SeverityLevel.ok,
    sinceMs: nowMs,
    activeSinceMs: null,
    lastNotifiedAtMs: null,
    lastEvaluatedAtMs: nowMs,
  };
  try {
    await deps.store.putAlertState(state, claimedVersion, stateExpiryMs(deps, state, nowMs));
    return true;
  } catch (error) {
    return error instanceof ConcurrentUpdateError;
  }
}

/** OK states are kept only as long as samples: an alert that stays OK needs no memory. */
function stateExpiryMs(deps: NotifyDeps, state: AlertState, nowMs: number): number | undefined {
  return state.severity === SeverityLevel.ok ? nowMs + deps.settings.sampleTtlMs : undefined;
}

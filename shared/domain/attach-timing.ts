/**
 * What the account shows of released nodes' attaches, and what the launch gate learns from it: how far along a
 * node is, how soon after its release a node of a group attaches at the earliest, and how soon after one attach
 * the next can come. Pure: observations and times come in as arguments.
 */

/** An instance the guard released, kept until its attaches are seen or it has settled. */
export interface ReleasedInstance {
  readonly instanceId: string;
  readonly groupName: string;
  readonly releasedAtMs: number;
  readonly predictedAttaches: number;
  /** No attach of this node comes before this time (its release plus its group's learned delay). */
  readonly earliestAttachMs: number;
  /** How long it had waited at the hook when released. */
  readonly waitedMs: number;
  /** Its group's learned shortest time between two attaches of one node, when released. */
  readonly attachGapMs: number;
  /**
   * Attaches of the instance since this time are its own (default: its release). An instance booked after it left
   * the hook on its own is booked now, but the attaches it made since it began to wait count as seen.
   */
  readonly seenSinceMs?: number;
  /** The node had said it reached its wait point when released: its first attach shows the start-up delay alone. */
  readonly readyAtRelease?: boolean;
}

/** From when a released instance's attaches count as its own. */
export function seenSinceMs(released: Pick<ReleasedInstance, 'releasedAtMs' | 'seenSinceMs'>): number {
  return Math.min(released.releasedAtMs, released.seenSinceMs ?? released.releasedAtMs);
}

/** One ENI attachment seen in the account (`Attachment.AttachTime`, device index > 0). */
export interface ObservedAttach {
  readonly atMs: number;
  readonly instanceId: string | null;
}

/**
 * EC2 reports `Attachment.AttachTime` in whole seconds: an attach seen at T happened in [T, T + 1 s). Its slot in
 * the budget's window is held until T + 1 s + 60 s; delays measured from T are at most the true ones (safe); gaps
 * between two such times are off by less than a second, which {@link ATTACH_GAP_MARGIN_MS} covers.
 */
export const ATTACH_TIME_PRECISION_MS = 1_000;

/** How far clocks of two invocations (and EC2's attach times) may disagree. */
export const CLOCK_SKEW_MS = 5_000;

export interface Progress {
  readonly seen: number;
  readonly firstAtMs: number | null;
  readonly lastAtMs: number | null;
}

export function progressOf(released: ReleasedInstance, observed: readonly ObservedAttach[]): Progress {
  let seen = 0;
  let firstAtMs: number | null = null;
  let lastAtMs: number | null = null;
  for (const a of observed) {
    if (a.instanceId !== released.instanceId || a.atMs < seenSinceMs(released) - CLOCK_SKEW_MS) continue;
    seen += 1;
    firstAtMs = firstAtMs === null ? a.atMs : Math.min(firstAtMs, a.atMs);
    lastAtMs = lastAtMs === null ? a.atMs : Math.max(lastAtMs, a.atMs);
  }
  return { seen, firstAtMs, lastAtMs };
}

/** The learned delay is kept this far below the shortest one seen (clock skew between the guard and EC2). */
export const ATTACH_DELAY_MARGIN_MS = 1_000;
/** A learned delay is never trusted beyond this. */
export const MAX_ATTACH_DELAY_MS = 30_000;
/**
 * Only nodes that had waited this long when released teach the delay: by then they had finished booting and sat
 * at the hook, so their delay is kubelet's and the CNI's start-up alone, not the rest of their boot.
 */
export const DELAY_SAMPLE_MIN_WAIT_MS = 120_000;
/** Samples needed before a learned delay is used. */
export const DELAY_MIN_SAMPLES = 3;

export interface DelaySample {
  readonly shortestMs: number;
  readonly samples: number;
}

/** One more sample of a group: the shortest so far and how many. */
function addSample(samples: Map<string, DelaySample>, groupName: string, ms: number): void {
  const known = samples.get(groupName);
  samples.set(groupName, {
    shortestMs: Math.min(known?.shortestMs ?? ms, ms),
    samples: (known?.samples ?? 0) + 1,
  });
}

/**
 * Per group, the shortest time seen from a release to the node's first attach, over nodes that had finished
 * booting (they said so, or see {@link DELAY_SAMPLE_MIN_WAIT_MS}): no such node of the group attached sooner
 * after its release.
 *
 * @example
 * shortestAttachDelaysMs([{ instanceId: 'i-1', groupName: 'g', releasedAtMs: 0, predictedAttaches: 2, earliestAttachMs: 0, waitedMs: 200_000 }], [{ atMs: 12_000, instanceId: 'i-1' }]) // Map { 'g' => { shortestMs: 12000, samples: 1 } }
 */
export function shortestAttachDelaysMs(
  released: readonly ReleasedInstance[],
  observed: readonly ObservedAttach[],
): Map<string, DelaySample> {
  const delays = new Map<string, DelaySample>();
  for (const r of released) {
    if (r.waitedMs < DELAY_SAMPLE_MIN_WAIT_MS && r.readyAtRelease !== true) continue;
    const { firstAtMs } = progressOf(r, observed);
    if (firstAtMs === null) continue;
    addSample(delays, r.groupName, Math.max(0, firstAtMs - r.releasedAtMs));
  }
  return delays;
}

/**
 * The delay the gate may count on for a group: the shortest seen, less a margin, capped; 0 until enough samples.
 *
 * @example
 * usableAttachDelayMs({ shortestMs: 12_000, samples: 5 }) // 10_000
 */
export function usableAttachDelayMs(learned: DelaySample | null): number {
  if (learned === null || learned.samples < DELAY_MIN_SAMPLES) return 0;
  return Math.max(0, Math.min(MAX_ATTACH_DELAY_MS, learned.shortestMs - ATTACH_DELAY_MARGIN_MS));
}

/**
 * Per group, the shortest time seen between two consecutive attaches of one released node (ipamd attaches one ENI
 * per reconcile and waits for it to show up before the next): a node's later attaches come no sooner after each
 * other.
 *
 * @example
 * shortestAttachGapsMs([released], [{ atMs: 12_000, instanceId: 'i-1' }, { atMs: 19_000, instanceId: 'i-1' }]) // Map { 'g' => { shortestMs: 7000, samples: 1 } }
 */
export function shortestAttachGapsMs(
  released: readonly ReleasedInstance[],
  observed: readonly ObservedAttach[],
): Map<string, DelaySample> {
  const gaps = new Map<string, DelaySample>();
  for (const r of released) {
    const times = observed
      .filter((a) => a.instanceId === r.instanceId && a.atMs >= seenSinceMs(r) - CLOCK_SKEW_MS)
      .map((a) => a.atMs)
      .sort((a, b) => a - b);
    for (let i = 1; i < times.length; i += 1) {
      addSample(gaps, r.groupName, (times[i] ?? 0) - (times[i - 1] ?? 0));
    }
  }
  return gaps;
}

/** A learned gap is kept this far below the shortest one seen. */
export const ATTACH_GAP_MARGIN_MS = 1_000;

/**
 * The gap the gate may count on for a group: the shortest seen, less a margin, capped; 0 until enough samples.
 *
 * @example
 * usableAttachGapMs({ shortestMs: 7_000, samples: 5 }) // 6_000
 */
export function usableAttachGapMs(learned: DelaySample | null): number {
  if (learned === null || learned.samples < DELAY_MIN_SAMPLES) return 0;
  return Math.max(0, Math.min(MAX_ATTACH_DELAY_MS, learned.shortestMs - ATTACH_GAP_MARGIN_MS));
}

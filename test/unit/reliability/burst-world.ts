import { coalesceSignals } from '../../../shared/events/coalesce-signals.js';
import { InvalidEventError } from '../../../shared/events/invalid-event-error.js';
import { parseScaleEvent } from '../../../shared/events/registry.js';
import type { ScaleSignal } from '../../../shared/events/scale-signal.js';
import { parseSqsRecords } from '../../../shared/events/sqs-records.js';
import { SeededRandom } from '../../../shared/simulator/seeded-random.js';
import { buildGroup, type FakeWorld } from '../../fakes/stagger-fakes.js';
import {
  buildEvent,
  GUARD_ROLE_ARN,
  GUARD_SESSION_ARN,
  type JsonObject,
} from '../shared/events/event-fixtures.js';

/** An SQS batch as Lambda hands it to the reactor. */
export interface SqsBatch {
  readonly Records: readonly { messageId: string; body: string; attributes: Record<string, string> }[];
}

export interface BurstGroup {
  readonly name: string;
  readonly from: number;
  readonly target: number;
}

export interface Burst {
  readonly groups: readonly BurstGroup[];
  /** Every message, in delivery order (duplicates included, under their own message ids). */
  readonly messages: readonly {
    readonly messageId: string;
    readonly eventId: string;
    readonly body: string;
  }[];
  /** Distinct EventBridge event ids sent. */
  readonly eventIds: ReadonlySet<string>;
}

const OPERATOR_ARN = 'arn:aws:sts::123456789012:assumed-role/platform-admin/jane';
/** SQS hands the reactor at most 10 messages per batch. */
export const SQS_BATCH_SIZE = 10;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function setDesiredEvent(id: string, group: string, desired: number, atMs: number, callerArn: string) {
  return buildEvent('aws.autoscaling/aws-api-call-via-cloudtrail--set-desired-capacity', [
    [['id'], id],
    [['time'], iso(atMs)],
    [['detail', 'eventTime'], iso(atMs)],
    [['detail', 'eventID'], `ct-${id}`],
    [['detail', 'userIdentity', 'arn'], callerArn],
    [['detail', 'userIdentity', 'sessionContext'], undefined],
    [['detail', 'requestParameters', 'autoScalingGroupName'], group],
    [['detail', 'requestParameters', 'desiredCapacity'], desired],
  ]);
}

function launchEvent(id: string, group: string, instanceId: string, atMs: number) {
  return buildEvent('aws.autoscaling/ec2-instance-launch-successful', [
    [['id'], id],
    [['time'], iso(atMs)],
    [['detail', 'AutoScalingGroupName'], group],
    [['detail', 'EC2InstanceId'], instanceId],
    [['detail', 'StartTime'], iso(atMs - 5_000)],
    [['detail', 'EndTime'], iso(atMs)],
  ]);
}

function unrelatedEvent(id: string, atMs: number) {
  return {
    ...buildEvent('aws.autoscaling/ec2-instance-launch-successful'),
    id,
    time: iso(atMs),
    'detail-type': 'EC2 Spot Instance Interruption Warning',
  };
}

/**
 * A seeded burst of `total` events over `groups` Auto Scaling groups within `spanMs`: per group one operator
 * SetDesiredCapacity (the group already reads the new desired capacity, as in AWS), the guard's own calls coming
 * back through CloudTrail, launch events, unrelated events, and redeliveries of earlier events (EventBridge
 * delivers at least once). Groups are registered in the world at their starting size.
 */
export function buildBurst(
  world: FakeWorld,
  seed: number,
  total = 1000,
  groupCount = 20,
  spanMs = 10_000,
): Burst {
  const random = new SeededRandom(seed);
  const groups: BurstGroup[] = Array.from({ length: groupCount }, (_, i) => {
    const from = random.nextInt(5, 30);
    return { name: `burst-${String(i).padStart(2, '0')}`, from, target: from + random.nextInt(10, 60) };
  });
  for (const group of groups) {
    world.groups.add({
      ...buildGroup({ name: group.name, inService: group.from }),
      desiredCapacity: group.target,
    });
  }
  const start = world.now;
  const events: JsonObject[] = [];
  let launched = 0;
  for (const group of groups)
    events.push(setDesiredEvent(`op-${group.name}`, group.name, group.target, start, OPERATOR_ARN));
  while (events.length < total * 0.9) {
    const group = groups[random.nextInt(0, groups.length)] as BurstGroup;
    const atMs = start + random.nextInt(0, spanMs);
    const roll = random.nextFloat();
    const id = `evt-${events.length}`;
    if (roll < 0.7)
      events.push(launchEvent(id, group.name, `i-burst${(launched++).toString(16).padStart(12, '0')}`, atMs));
    else if (roll < 0.85)
      events.push(setDesiredEvent(id, group.name, group.from + 5, atMs, GUARD_SESSION_ARN));
    else events.push(unrelatedEvent(id, atMs));
  }
  const sent = events.map((event) => ({ eventId: String(event.id), body: JSON.stringify(event) }));
  // Redeliveries: earlier events again, later in the stream.
  while (sent.length < total) {
    const original = sent[random.nextInt(0, events.length)] as { eventId: string; body: string };
    sent.push({ ...original });
  }
  const order = shuffle(sent.slice(groups.length), random);
  const messages = [...sent.slice(0, groups.length), ...order].map((message, index) => ({
    ...message,
    messageId: `msg-${index}`,
  }));
  return { groups, messages, eventIds: new Set(messages.map((m) => m.eventId)) };
}

function shuffle<T>(items: T[], random: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.nextInt(0, i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export function toBatches(burst: Burst): SqsBatch[] {
  const batches: SqsBatch[] = [];
  for (let i = 0; i < burst.messages.length; i += SQS_BATCH_SIZE) {
    batches.push({
      Records: burst.messages
        .slice(i, i + SQS_BATCH_SIZE)
        .map((m) => ({ messageId: m.messageId, body: m.body, attributes: {} })),
    });
  }
  return batches;
}

/** What the real parser and coalescing make of one batch: every event id lands in exactly one bucket. */
export function accountFor(batch: SqsBatch): {
  grouped: string[];
  ignored: string[];
  duplicates: string[];
  invalid: string[];
} {
  const signals: ScaleSignal[] = [];
  const invalid: string[] = [];
  for (const message of parseSqsRecords(batch)) {
    try {
      signals.push(parseScaleEvent(message.body, { selfIdentityArns: [GUARD_ROLE_ARN] }));
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      invalid.push(message.messageId);
    }
  }
  const coalesced = coalesceSignals(signals);
  return {
    grouped: [...coalesced.groups.values()].flatMap((work) => [...work.eventIds]),
    ignored: coalesced.ignored.map((signal) => signal.eventId),
    duplicates: [...coalesced.duplicateEventIds],
    invalid,
  };
}

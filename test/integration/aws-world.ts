import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, MOTO_REGION, type MotoServer } from './moto.js';

export const TABLE_NAME = 'capacity-guard-state';
export const KILL_SWITCH_PARAMETER = '/capacity-guard/it/kill-switch';
/** The role the deployed functions would run as; CloudTrail calls by it are the guard's own. */
export const GUARD_ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/capacity-guard-it-reactor`;
const INSTANCE_TYPE = 'm5.large';

export interface GroupSpec {
  readonly name: string;
  readonly desiredCapacity: number;
  readonly maxSize: number;
  /** Opt-in tag present (default true). */
  readonly optedIn?: boolean;
}

export interface World {
  readonly clients: ReturnType<typeof buildClients>;
  readonly subnetIds: readonly string[];
  readonly alertTopicArn: string;
  /** Queue subscribed to the alert topic (raw delivery off, as an e-mail or Chatbot subscriber sees it). */
  readonly alertQueueUrl: string;
  /** Queue an EventBridge rule (`source: capacity-guard`) delivers the guard's events to. */
  readonly guardEventsQueueUrl: string;
  /** The burst buffer's dead-letter queue: the reactor sends invalid events there. */
  readonly scaleDeadLetterQueueUrl: string;
  /** The launch gate queue's dead-letter queue: the launch gate sends invalid messages there. */
  readonly gateDeadLetterQueueUrl: string;
  /** The environment the deployed functions get, pointed at moto. */
  readonly functionEnv: Readonly<Record<string, string>>;
}

export function buildClients(moto: MotoServer) {
  const base = { region: MOTO_REGION, credentials: MOTO_CREDENTIALS, endpoint: moto.endpoint };
  const dynamodb = new DynamoDBClient(base);
  return {
    ec2: new EC2Client(base),
    autoScaling: new AutoScalingClient(base),
    dynamodb,
    doc: DynamoDBDocumentClient.from(dynamodb),
    eventBridge: new EventBridgeClient(base),
    sns: new SNSClient(base),
    sqs: new SQSClient(base),
    ssm: new SSMClient(base),
  };
}

/**
 * The account the guard runs in: a VPC with two subnets, the guard's table, kill switch, alert topic with an
 * SQS subscriber, and an EventBridge rule that copies the guard's events into an SQS queue.
 */
export async function createWorld(
  moto: MotoServer,
  subnetCidrs: readonly [string, string] = ['10.20.0.0/20', '10.20.16.0/20'],
): Promise<World> {
  const clients = buildClients(moto);
  const vpc = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  const subnetIds: string[] = [];
  for (const [index, zone] of ['a', 'b'].entries()) {
    const subnet = await clients.ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: subnetCidrs[index],
        AvailabilityZone: `${MOTO_REGION}${zone}`,
      }),
    );
    subnetIds.push(subnet.Subnet?.SubnetId ?? '');
  }
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE_NAME,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await clients.ssm.send(
    new PutParameterCommand({ Name: KILL_SWITCH_PARAMETER, Type: 'String', Value: 'off' }),
  );

  const topic = await clients.sns.send(new CreateTopicCommand({ Name: 'capacity-guard-alerts' }));
  const alertTopicArn = topic.TopicArn ?? '';
  const alertQueueUrl = await createQueue(clients.sqs, 'capacity-guard-alert-subscriber');
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: alertTopicArn,
      Protocol: 'sqs',
      Endpoint: await queueArn(clients.sqs, alertQueueUrl),
    }),
  );

  const guardEventsQueueUrl = await createQueue(clients.sqs, 'capacity-guard-events');
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: 'guard-events',
      EventPattern: JSON.stringify({ source: ['capacity-guard'] }),
    }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({
      Rule: 'guard-events',
      Targets: [{ Id: 'queue', Arn: await queueArn(clients.sqs, guardEventsQueueUrl) }],
    }),
  );

  const scaleDeadLetterQueueUrl = await createQueue(clients.sqs, 'capacity-guard-scale-dead-letters');
  const gateDeadLetterQueueUrl = await createQueue(clients.sqs, 'capacity-guard-gate-dead-letters');

  return {
    clients,
    subnetIds,
    alertTopicArn,
    alertQueueUrl,
    guardEventsQueueUrl,
    scaleDeadLetterQueueUrl,
    gateDeadLetterQueueUrl,
    functionEnv: {
      AWS_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ENDPOINT_URL_EC2: moto.ec2Endpoint,
      AWS_DISABLE_REQUEST_COMPRESSION: 'true',
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_DEV: 'false',
      STATE_TABLE_NAME: TABLE_NAME,
      EVENT_BUS_NAME: 'default',
      ALERT_TOPIC_ARN: alertTopicArn,
      KILL_SWITCH_PARAMETER,
      GUARD_ROLE_ARNS: GUARD_ROLE_ARN,
      OPT_IN_TAG: 'capacity-guard/enabled=true',
      SCALE_DEAD_LETTER_QUEUE_URL: scaleDeadLetterQueueUrl,
      GATE_DEAD_LETTER_QUEUE_URL: gateDeadLetterQueueUrl,
    },
  };
}

async function createQueue(sqs: SQSClient, name: string): Promise<string> {
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return queue.QueueUrl ?? '';
}

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return answer.Attributes?.QueueArn ?? '';
}

/**
 * Auto Scaling groups launched from one launch template across both subnets, tagged like an operator opts
 * them in. moto starts every instance at once and in the first subnet: the groups start small so that
 * what the guard does is visible, and the instance type is also given as a tag.
 */
export async function createGroups(world: World, groups: readonly GroupSpec[]): Promise<void> {
  const templateId = await createLaunchTemplate(world, `nodes-${Date.now()}`);
  for (const group of groups) {
    await createGroup(world, {
      name: group.name,
      templateId,
      maxSize: group.maxSize,
      desiredCapacity: group.desiredCapacity,
      tags: {
        'capacity-guard/instance-type': INSTANCE_TYPE,
        ...((group.optedIn ?? true) ? { 'capacity-guard/enabled': 'true' } : {}),
      },
    });
  }
}

/** A group of 2 m5.large launching from its own template (with `userData`, if given), tagged as given. */
export async function createTaggedGroup(
  world: World,
  name: string,
  tags: Readonly<Record<string, string>>,
  userData?: string,
): Promise<void> {
  const templateId = await createLaunchTemplate(world, `${name}-nodes`, userData);
  await createGroup(world, { name, templateId, maxSize: 10, desiredCapacity: 2, tags });
}

/** An m5.large launch template of an Amazon image, with `userData` if given; its id. */
async function createLaunchTemplate(world: World, name: string, userData?: string): Promise<string> {
  const { ec2 } = world.clients;
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: {
        ImageId: images.Images?.[0]?.ImageId ?? 'ami-12c6146b',
        InstanceType: INSTANCE_TYPE,
        ...(userData === undefined ? {} : { UserData: Buffer.from(userData).toString('base64') }),
      },
    }),
  );
  return template.LaunchTemplate?.LaunchTemplateId ?? '';
}

/** An Auto Scaling group across both subnets, its tags propagated at launch. */
async function createGroup(
  world: World,
  group: {
    readonly name: string;
    readonly templateId: string;
    readonly maxSize: number;
    readonly desiredCapacity: number;
    readonly tags: Readonly<Record<string, string>>;
  },
): Promise<void> {
  await world.clients.autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: group.name,
      LaunchTemplate: { LaunchTemplateId: group.templateId, Version: '$Latest' },
      MinSize: 0,
      MaxSize: group.maxSize,
      DesiredCapacity: group.desiredCapacity,
      VPCZoneIdentifier: world.subnetIds.join(','),
      Tags: Object.entries(group.tags).map(([Key, Value]) => ({
        Key,
        Value,
        PropagateAtLaunch: true,
        ResourceId: group.name,
        ResourceType: 'auto-scaling-group',
      })),
    }),
  );
}

/** The Lambda event an SQS event source hands a function: `messages` received once from queue `queueName`. */
export function sqsEvent(
  queueName: string,
  messages: readonly { readonly messageId: string; readonly body: string }[],
) {
  return {
    Records: messages.map((message, index) => ({
      ...message,
      receiptHandle: `r-${index}`,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:${queueName}`,
      awsRegion: MOTO_REGION,
    })),
  };
}

export async function desiredCapacity(world: World, groupName: string): Promise<number | undefined> {
  const answer = await world.clients.autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }),
  );
  return answer.AutoScalingGroups?.[0]?.DesiredCapacity;
}

/** Every item of the guard's table. */
export async function tableItems(world: World): Promise<Record<string, unknown>[]> {
  const answer = await world.clients.doc.send(
    new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true }),
  );
  return (answer.Items ?? []) as Record<string, unknown>[];
}

/** Drains a queue: every message body, parsed as JSON when it is JSON. */
export async function drainQueue(
  world: World,
  queueUrl: string,
): Promise<{ body: unknown; attributes: unknown }[]> {
  const messages: { body: unknown; attributes: unknown }[] = [];
  for (;;) {
    const answer = await world.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const batch = answer.Messages ?? [];
    if (batch.length === 0) return messages;
    for (const message of batch) {
      let body: unknown = message.Body;
      try {
        body = JSON.parse(message.Body ?? '');
      } catch {
        // not JSON: keep the text
      }
      messages.push({ body, attributes: message.MessageAttributes });
    }
    await world.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
}

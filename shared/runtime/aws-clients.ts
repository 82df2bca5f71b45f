import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { traceClient } from './tracing.js';

/** Client options of every function: adaptive retries so throttling slows the guard down instead of failing it. */
export const CLIENT_OPTIONS = { retryMode: 'adaptive', maxAttempts: 6 } as const;

/** The stagger functions' SDK clients, built once per container (traced when tracing started). */
export function buildStaggerClients() {
  return {
    ec2: traceClient(new EC2Client(CLIENT_OPTIONS)),
    autoScaling: traceClient(new AutoScalingClient(CLIENT_OPTIONS)),
    eventBridge: traceClient(new EventBridgeClient(CLIENT_OPTIONS)),
    dynamodb: traceClient(new DynamoDBClient(CLIENT_OPTIONS)),
    ssm: traceClient(new SSMClient(CLIENT_OPTIONS)),
    eks: traceClient(new EKSClient(CLIENT_OPTIONS)),
  };
}

/** The scale reactor's SQS client (dead letters), built once per container. */
export function buildSqsClient(): SQSClient {
  return traceClient(new SQSClient(CLIENT_OPTIONS));
}
